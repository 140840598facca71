//! `hepstatic new-version`: start a correction as the next version.

use std::path::Path;

use anyhow::Result;

use crate::publish;

use super::publish::record_dir;
use super::{EXIT_OK, EXIT_PROBLEMS};

/// Copies the latest (published) version of `id` to the next number and logs it.
///
/// # Errors
/// On I/O failure or when the record does not exist.
pub fn run(root: &Path, id: &str, message: &str) -> Result<i32> {
    let dir = record_dir(root, id)?;
    match publish::new_version(&dir, message) {
        Ok(n) => {
            eprintln!(
                "created {} from v{} and added version {n} to record.yaml; edit it, check it, then `hepstatic publish {id}`",
                dir.join(format!("v{n}")).display(),
                n - 1
            );
            Ok(EXIT_OK)
        }
        Err(e) => {
            eprintln!("new-version refused: {e:#}");
            Ok(EXIT_PROBLEMS)
        }
    }
}
