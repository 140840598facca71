//! `hepstatic build`: check every record and write the site (see `site::build`).

use std::io::{self, IsTerminal};
use std::path::Path;
use std::time::Instant;

use anyhow::Result;

use crate::check::counts;
use crate::config::Config;
use crate::site::{BuildOptions, build};

use super::check::print_human;
use super::{EXIT_OK, EXIT_PROBLEMS};

/// Checks the records under `root/records`; if any has an error, prints them all and
/// returns 1 without touching `out`. Otherwise writes the site to `out`, rewriting only
/// what changed since the last build unless `options.full`.
///
/// # Errors
/// When the records or the theme cannot be read, or the site cannot be written.
pub fn run(config: &Config, root: &Path, out: &Path, options: &BuildOptions) -> Result<i32> {
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
    let theme_dir = root.join("themes").join("default");
    let report = build(config, &theme_dir, &records_dir, out, options)?;
    let (errors, warnings) = counts(&report.diagnostics);
    let color = io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    print_human(&mut io::stderr().lock(), &report.diagnostics, color)?;
    let Some(summary) = report.summary else {
        eprintln!(
            "build stopped: {errors} error{} in the records ({warnings} warning{}); {} was left as it was",
            if errors == 1 { "" } else { "s" },
            if warnings == 1 { "" } else { "s" },
            out.display()
        );
        return Ok(EXIT_PROBLEMS);
    };
    eprintln!(
        "built {}: {} records ({} rebuilt), {} versions, {} tables; wrote {} files, {:.1} MiB in {:.2} s ({warnings} warning{})",
        out.display(),
        summary.records,
        summary.rebuilt,
        summary.versions,
        summary.tables,
        summary.files,
        summary.bytes as f64 / 1_048_576.0,
        start.elapsed().as_secs_f64(),
        if warnings == 1 { "" } else { "s" },
    );
    Ok(EXIT_OK)
}
