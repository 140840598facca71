//! Site: write every page and download of the checked records into the output folder.
//!
//! Input: records that passed the checker, the settings and the theme. Output: the site
//! folder of DESIGN.md, swapped in whole at the end (see `output`).

mod bundle;
mod discovery;
mod index;
pub mod output;
mod search;
mod version;

use std::path::Path;

use anyhow::Result;

use crate::config::Config;
use crate::model::Record;
use crate::render::pages::{SiteView, Theme};

pub use output::{Output, sha256_hex};

/// What a build wrote, for the summary line.
#[derive(Debug, Default)]
pub struct Summary {
    pub records: usize,
    pub versions: usize,
    pub tables: usize,
    pub files: usize,
    pub bytes: u64,
    /// Size of `/search/index.json`.
    pub search_index_bytes: usize,
}

/// Writes the site for `records` (already checked) into `out`, replacing what was there
/// only once everything was written.
///
/// # Errors
/// On I/O failure or a template error; the previous site is then left untouched.
pub fn write_site(
    config: &Config,
    theme: &Theme,
    records_dir: &Path,
    records: &[Record],
    out: &Path,
) -> Result<Summary> {
    let site = SiteView {
        title: config.site.title.clone(),
        base_url: config.site.base_url.clone(),
    };
    let mut output = Output::begin(out)?;
    let mut summary = Summary {
        records: records.len(),
        ..Summary::default()
    };
    let published = |record: &Record, n: u32| {
        records_dir
            .join(&record.id)
            .join(format!("v{n}.lock"))
            .is_file()
    };

    for record in records {
        for v in &record.versions {
            let ctx = version::Context {
                config,
                theme,
                site: &site,
                record,
                published: &|n| published(record, n),
            };
            version::write_version(&ctx, v, &mut output)?;
            summary.versions += 1;
            summary.tables += v.submission.tables.len();
        }
    }
    let search = index::write_indexes(
        config,
        theme,
        &site,
        records,
        &|r, n| published(r, n),
        &mut output,
    )?;
    summary.search_index_bytes = search.index_bytes;
    output.copy_dir(&theme.static_dir, "static")?;
    summary.files = output.files;
    summary.bytes = output.bytes;
    output.commit()?;
    Ok(summary)
}
