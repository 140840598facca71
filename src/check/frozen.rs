//! Published versions never change: each `v<n>.lock` against its folder (E047, E048),
//! and, where the previous revision is known (git hooks, CI), the table and resource
//! numbers of a published version against that revision's (E049).
//!
//! This is the one rule group that reads the disk: the digests of a version's files are
//! only worth computing for the versions that have a lock, so they are not part of the
//! model every load builds.

use std::path::Path;

use crate::model::{Diagnostic, Pos, Record, Submission};
use crate::publish::lock::{self, Change};

/// Checks every lock file of `record` against its version folder.
pub fn check_frozen(record: &Record, out: &mut Vec<Diagnostic>) {
    let Ok(entries) = std::fs::read_dir(&record.dir) else {
        return;
    };
    let mut locks: Vec<(u32, std::path::PathBuf)> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let n = crate::load::version_number(name.strip_suffix(".lock")?)?;
            Some((n, e.path()))
        })
        .collect();
    locks.sort();
    for (n, lock_file) in locks {
        check_lock(record, n, &lock_file, out);
    }
}

fn check_lock(record: &Record, n: u32, lock_file: &Path, out: &mut Vec<Diagnostic>) {
    let version_dir = record.dir.join(format!("v{n}"));
    let text = match std::fs::read_to_string(lock_file) {
        Ok(t) => t,
        Err(e) => {
            out.push(Diagnostic::error(
                "E048",
                lock_file,
                Pos::NONE,
                format!("cannot read this lock file: {e}"),
            ));
            return;
        }
    };
    if !version_dir.is_dir() {
        out.push(
            Diagnostic::error(
                "E048",
                lock_file,
                Pos::NONE,
                format!("version {n} was published, but its folder v{n}/ is gone"),
            )
            .with_help(format!(
                "restore records/{}/v{n}/ from git: a published version is never removed",
                record.id
            )),
        );
        return;
    }
    let (locked, bad) = lock::parse(&text);
    for b in &bad {
        out.push(
            Diagnostic::error(
                "E048",
                lock_file,
                Pos::new(b.line, 1),
                format!(
                    "this line is not `<sha256>  <path>`: {}",
                    crate::load::yaml::shorten(&b.text, 60)
                ),
            )
            .with_help("lock files are written by `hepstatic publish`; restore this one from git"),
        );
    }
    if !bad.is_empty() {
        return;
    }
    if locked.is_empty() {
        out.push(
            Diagnostic::error("E048", lock_file, Pos::NONE, "this lock file lists no file")
                .with_help("restore it from git, or remove it if the version was never published"),
        );
        return;
    }
    let actual = match lock::digest_dir(&version_dir) {
        Ok(a) => a,
        Err(e) => {
            out.push(
                Diagnostic::error(
                    "E047",
                    &version_dir,
                    Pos::NONE,
                    format!("published version {n} cannot be verified against its lock: {e}"),
                )
                .with_help("a published version holds the plain files its lock lists"),
            );
            return;
        }
    };
    let id = &record.id;
    let new_version = format!("make the correction in a new version: `hepstatic new-version {id}`");
    for change in lock::compare(&locked, &actual) {
        let file = version_dir.join(change.path());
        let numbering = if change.path() == "submission.yaml" {
            "; table and resource numbers, and so their DOIs, follow submission.yaml"
        } else {
            ""
        };
        let (message, help) = match &change {
            Change::Changed(_) => (
                format!(
                    "this file changed after version {n} was published (its SHA-256 differs from v{n}.lock){numbering}"
                ),
                format!(
                    "published versions never change: restore it with `git checkout -- {}`, then {new_version}",
                    file.display()
                ),
            ),
            Change::Removed(_) => (
                format!("this file of published version {n} was removed (v{n}.lock lists it)"),
                format!(
                    "restore it with `git checkout -- {}`; to drop a file, {new_version}",
                    file.display()
                ),
            ),
            Change::Added(_) => (
                format!(
                    "this file was added to version {n} after it was published (v{n}.lock does not list it)"
                ),
                format!("remove it from v{n}/ and {new_version}"),
            ),
        };
        out.push(Diagnostic::error("E047", &file, Pos::NONE, message).with_help(help));
    }
}

/// The lock of a published version was removed or rewritten since the previous revision
/// `base` (e.g. `main@{push}` or a commit id): reported by the git hooks and CI, which
/// know that revision.
pub fn lock_replaced(lock_file: &Path, n: u32, removed: bool, base: &str) -> Diagnostic {
    let what = if removed { "removed" } else { "rewritten" };
    Diagnostic::error(
        "E048",
        lock_file,
        Pos::NONE,
        format!("the lock of published version {n} was {what} (it is as published in {base})"),
    )
    .with_help(format!(
        "restore it with `git checkout {base} -- {}`: a published version and its lock never change",
        lock_file.display()
    ))
}

/// Tables and local resources of published version `n` must keep their numbers: compares
/// the version as it was published (`old`) with the pushed one (`new`).
pub fn check_numbering(
    old: &Submission,
    new: &Submission,
    version_dir: &Path,
    n: u32,
    out: &mut Vec<Diagnostic>,
) {
    let file = version_dir.join("submission.yaml");
    let old_tables: Vec<&str> = old.tables.iter().map(|t| t.name.value.as_str()).collect();
    let new_tables: Vec<&str> = new.tables.iter().map(|t| t.name.value.as_str()).collect();
    for (i, name) in old_tables.iter().enumerate() {
        let now = new_tables.iter().position(|x| x == name);
        if now.is_some_and(|j| j != i) || (now.is_none() && i < new_tables.len()) {
            let pos = new
                .tables
                .get(now.unwrap_or(i))
                .map_or(Pos::NONE, |t| t.pos);
            let message = match now {
                Some(j) => format!(
                    "table \"{name}\" was table {} when version {n} was published and is now table {}",
                    i + 1,
                    j + 1
                ),
                None => format!(
                    "table {} of published version {n} was \"{name}\" and is now \"{}\"",
                    i + 1,
                    new_tables[i]
                ),
            };
            out.push(
                Diagnostic::error("E049", &file, pos, message).with_help(format!(
                    "the DOI .v{n}/t{} names the table as published: restore the order of submission.yaml",
                    i + 1
                )),
            );
        }
    }
    let names = |s: &Submission| -> Vec<String> {
        s.local_resources()
            .map(|r| r.file_name().to_string())
            .collect()
    };
    let (old_res, new_res) = (names(old), names(new));
    for (i, name) in old_res.iter().enumerate() {
        if new_res.get(i) != Some(name) && new_res.contains(name) {
            out.push(
                Diagnostic::error(
                    "E049",
                    &file,
                    Pos::NONE,
                    format!(
                        "resource \"{name}\" was resource {} when version {n} was published, and its number changed",
                        i + 1
                    ),
                )
                .with_help(format!(
                    "the DOI .v{n}/r{} names the file as published: restore the order of additional_resources",
                    i + 1
                )),
            );
        }
    }
}
