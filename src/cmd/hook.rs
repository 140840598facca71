//! `hepstatic hook`: install the git hooks, and the hooks' own entry points.

use std::io;
use std::path::Path;

use anyhow::Result;

use crate::hook::{self, Install, git};

use super::EXIT_OK;

/// `hook install <bare repository> --web-root DIR`.
///
/// # Errors
/// When the repository is not bare, or the hooks cannot be written.
pub fn install(options: &Install) -> Result<i32> {
    let branch = hook::install(options)?;
    eprintln!(
        "installed pre-receive and post-receive hooks in {}: pushes to {branch} are checked, then built into {}",
        options.repo.join("hooks").display(),
        options.web_root.display()
    );
    Ok(EXIT_OK)
}

/// Run by git as `hooks/pre-receive`, in the repository, with the updates on stdin.
///
/// # Errors
/// When git fails.
pub fn pre_receive(branch: &str) -> Result<i32> {
    hook::pre_receive(Path::new("."), branch, io::stdin().lock())
}

/// Run by git as `hooks/post-receive`.
///
/// # Errors
/// When the site cannot be built or swapped in.
pub fn post_receive(branch: &str, web_root: &Path) -> Result<i32> {
    hook::post_receive(Path::new("."), branch, web_root, io::stdin().lock())
}

/// `hook verify <old> <new>`: the pre-receive check for CI, where `old` is the revision
/// before the push (all zeros or empty for a first push).
///
/// # Errors
/// When git fails.
pub fn verify(repo: &Path, old: &str, new: &str) -> Result<i32> {
    let new = git::rev_parse(repo, new)?;
    let old = if old.is_empty() || git::is_zero(old) {
        None
    } else {
        Some(git::rev_parse(repo, old)?)
    };
    hook::report(repo, old.as_deref(), &new, "check failed")
}
