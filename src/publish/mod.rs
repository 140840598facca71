//! Publish: freeze a version (its lock file and date), and start the next version.
//!
//! Input: a record folder that passed the checker. Output: `v<n>.lock` beside the version
//! folder and the date in `record.yaml` (publish), or a copy `v<n+1>/` and its log entry
//! (new version). Nothing here talks to the network; registration is `doi::register`.

pub mod lock;
pub mod log;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, bail};

use crate::load::version_number;

/// What [`freeze`] did or would do.
#[derive(Debug)]
pub struct Frozen {
    pub lock: PathBuf,
    pub entries: Vec<lock::Entry>,
    /// `false` when the version already had a lock (nothing was written).
    pub written: bool,
}

/// The version numbers of the `v<n>/` folders of a record, sorted.
///
/// # Errors
/// When the folder cannot be listed.
pub fn version_numbers(record_dir: &Path) -> Result<Vec<u32>> {
    let mut numbers: Vec<u32> = fs::read_dir(record_dir)
        .with_context(|| format!("cannot list {}", record_dir.display()))?
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| version_number(&e.file_name().to_string_lossy()))
        .collect();
    numbers.sort_unstable();
    Ok(numbers)
}

/// Is version `n` of the record published (has a lock)?
pub fn is_published(record_dir: &Path, n: u32) -> bool {
    lock::lock_path(record_dir, n).is_file()
}

/// Freezes version `n`: writes `v<n>.lock` and sets the version's date in `record.yaml`
/// to `date`. A version that already has a lock is left as it is (the checker verifies
/// it). With `dry_run` nothing is written.
///
/// # Errors
/// When an earlier version is still a draft, the folder holds a symbolic link, or a file
/// cannot be read or written.
pub fn freeze(record_dir: &Path, n: u32, date: &str, dry_run: bool) -> Result<Frozen> {
    let version_dir = record_dir.join(format!("v{n}"));
    if !version_dir.is_dir() {
        bail!("there is no version folder {}", version_dir.display());
    }
    // Versions are published in order: a published v2 beside a draft v1 would leave a
    // DOI gap that readers cannot tell from a withdrawn version.
    if let Some(draft) = (1..n).find(|&k| !is_published(record_dir, k)) {
        bail!(
            "version {draft} is still a draft: publish it first (versions are published in order)"
        );
    }
    let lock_file = lock::lock_path(record_dir, n);
    let entries = lock::digest_dir(&version_dir)
        .with_context(|| format!("cannot read {}", version_dir.display()))?;
    if lock_file.is_file() {
        return Ok(Frozen {
            lock: lock_file,
            entries,
            written: false,
        });
    }
    if entries.is_empty() {
        bail!("{} holds no file", version_dir.display());
    }

    let meta_file = record_dir.join("record.yaml");
    let text = fs::read_to_string(&meta_file)
        .with_context(|| format!("cannot read {}", meta_file.display()))?;
    let edited = log::set_date(&text, n, date)
        .with_context(|| format!("cannot set the date in {}", meta_file.display()))?;
    if !dry_run {
        // record.yaml first: a lock without its date would be a published version whose
        // page shows no date; a date without a lock is still a draft.
        lock::write_atomically(&meta_file, &edited)
            .with_context(|| format!("cannot write {}", meta_file.display()))?;
        lock::write_atomically(&lock_file, &lock::format(&entries))
            .with_context(|| format!("cannot write {}", lock_file.display()))?;
    }
    Ok(Frozen {
        lock: lock_file,
        entries,
        written: !dry_run,
    })
}

/// Copies the latest version folder to the next number and adds its entry to the version
/// log; returns the new number.
///
/// # Errors
/// When the record has no version, the latest is still a draft, or on I/O failure.
pub fn new_version(record_dir: &Path, message: &str) -> Result<u32> {
    let latest = *version_numbers(record_dir)?
        .last()
        .with_context(|| format!("{} has no version folder", record_dir.display()))?;
    if !is_published(record_dir, latest) {
        bail!(
            "version {latest} is still a draft: edit it in place, or publish it first with `hepstatic publish`"
        );
    }
    let next = latest + 1;
    let from = record_dir.join(format!("v{latest}"));
    let to = record_dir.join(format!("v{next}"));
    if to.exists() {
        bail!("{} already exists", to.display());
    }
    let meta_file = record_dir.join("record.yaml");
    let text = fs::read_to_string(&meta_file)
        .with_context(|| format!("cannot read {}", meta_file.display()))?;
    let edited = log::add_entry(&text, next, message)
        .with_context(|| format!("cannot add version {next} to {}", meta_file.display()))?;

    // Copy into a hidden folder first, so that a failed copy leaves no half version.
    let staging = record_dir.join(format!(".v{next}.tmp-{}", std::process::id()));
    let copied = copy_tree(&from, &staging).and_then(|()| {
        fs::rename(&staging, &to).with_context(|| format!("cannot create {}", to.display()))
    });
    if let Err(e) = copied {
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    lock::write_atomically(&meta_file, &edited)
        .with_context(|| format!("cannot write {}", meta_file.display()))?;
    Ok(next)
}

fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    for entry in walkdir::WalkDir::new(from).sort_by_file_name() {
        let entry = entry?;
        let target = to.join(entry.path().strip_prefix(from)?);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target)
                .with_context(|| format!("cannot create {}", target.display()))?;
        } else if entry.file_type().is_file() {
            fs::copy(entry.path(), &target)
                .with_context(|| format!("cannot copy {}", entry.path().display()))?;
        } else {
            bail!("{} is not a plain file", entry.path().display());
        }
    }
    Ok(())
}

/// Today's date in UTC, `YYYY-MM-DD`.
pub fn today() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    civil_date(secs / 86_400)
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (H. Hinnant's
/// `civil_from_days`).
fn civil_date(days: u64) -> String {
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::civil_date;

    #[test]
    fn dates() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(11_016), "2000-02-29");
        assert_eq!(civil_date(20_454), "2026-01-01");
    }
}
