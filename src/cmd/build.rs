//! `hepstatic build`: check every record, then write the site.

use std::io::{self, IsTerminal};
use std::path::Path;
use std::time::Instant;

use anyhow::Result;

use crate::check::{check, counts};
use crate::config::Config;
use crate::load::load;
use crate::render::pages::Theme;
use crate::site::write_site;

use super::check::print_human;
use super::{EXIT_OK, EXIT_PROBLEMS};

/// Checks the records under `root/records`; if any has an error, prints them all and
/// returns 1 without touching `out`. Otherwise writes the site to `out`.
///
/// # Errors
/// When the records or the theme cannot be read, or the site cannot be written.
pub fn run(config: &Config, root: &Path, out: &Path) -> Result<i32> {
    let start = Instant::now();
    // `records` rather than `./records`, so that messages name files as the user sees them.
    let records_dir = if root == Path::new(".") {
        Path::new("records").to_path_buf()
    } else {
        root.join("records")
    };
    if !records_dir.is_dir() {
        anyhow::bail!("there is no records/ folder in {}", root.display());
    }
    let loaded = load(&records_dir, &config.load_options()).map_err(anyhow::Error::msg)?;
    let diagnostics = check(&loaded);
    let (errors, warnings) = counts(&diagnostics);
    let color = io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    print_human(&mut io::stderr().lock(), &diagnostics, color)?;
    if errors > 0 {
        eprintln!(
            "build stopped: {errors} error{} in the records ({warnings} warning{}); {} was left as it was",
            if errors == 1 { "" } else { "s" },
            if warnings == 1 { "" } else { "s" },
            out.display()
        );
        return Ok(EXIT_PROBLEMS);
    }

    let theme = Theme::load(&root.join("themes").join("default"))?;
    let records: Vec<_> = loaded.records().cloned().collect();
    let summary = write_site(config, &theme, &records_dir, &records, out)?;
    eprintln!(
        "built {}: {} records, {} versions, {} tables, {} files, {:.1} MiB in {:.2} s ({warnings} warning{})",
        out.display(),
        summary.records,
        summary.versions,
        summary.tables,
        summary.files,
        summary.bytes as f64 / 1_048_576.0,
        start.elapsed().as_secs_f64(),
        if warnings == 1 { "" } else { "s" },
    );
    Ok(EXIT_OK)
}
