//! `hepstatic build`: check every record, then write the site.

use std::path::Path;

use anyhow::Result;

use crate::config::Config;

pub fn run(_config: &Config, _root: &Path, _out: &Path) -> Result<i32> {
    anyhow::bail!("build is not written yet")
}
