//! The site folder and its spare generation: how a build replaces the site at once.
//!
//! Beside the site `<parent>/<name>` live, all hidden:
//!
//! - `.<name>.lock`: held (flock) by the one build writing this site;
//! - `.<name>.staging-<pid>`: a full build's new site, until it is swapped in;
//! - `.<name>.spare`: the generation before the live one, kept after a swap. An
//!   incremental build brings it up to date (rewriting only what changed, hard-linking
//!   what the live site already has right) and swaps it in;
//! - `.<name>.trash-<pid>`: what a build replaces (a generation, or records of one),
//!   being deleted;
//! - `.<name>.cache/`: fingerprints and checked records, to skip unchanged records.
//!
//! The live site is never written into. It is replaced by one `renameat2(RENAME_EXCHANGE)`,
//! so a reader (or a build killed at any moment) sees the old site or the new one, whole.
//! Each generation carries its own `MANIFEST` (what it was built from), written last: a
//! generation without one was left half-written and is not reused.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

/// The manifest's name inside a generation. Not a page: nothing links to it.
pub const MANIFEST: &str = ".hepstatic-manifest.json";

/// What a generation was built from.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Fingerprint of everything every page depends on: hepstatic itself, the settings
    /// and the theme.
    pub inputs: String,
    /// Record id -> fingerprint of every file in its folder.
    pub records: BTreeMap<String, String>,
    /// Facet page path -> digest of what it was made from (`search::Reuse`).
    #[serde(default)]
    pub pages: BTreeMap<String, String>,
}

/// A site folder, locked for one build.
pub struct SiteDir {
    pub target: PathBuf,
    parent: PathBuf,
    name: String,
    _lock: File,
}

impl SiteDir {
    /// Locks `target` for this build and clears what killed builds left beside it.
    ///
    /// # Errors
    /// When another build holds the lock, or the parent folder cannot be written.
    pub fn open(target: &Path) -> Result<SiteDir> {
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .filter(|n| n != "." && n != "..")
            .with_context(|| {
                format!(
                    "{} cannot be a site folder: give it a name",
                    target.display()
                )
            })?;
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf();
        fs::create_dir_all(&parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
        refuse_foreign(target)?;
        let lock_path = parent.join(format!(".{name}.lock"));
        let lock = File::create(&lock_path)
            .with_context(|| format!("cannot create {}", lock_path.display()))?;
        if rustix::fs::flock(&lock, rustix::fs::FlockOperation::NonBlockingLockExclusive).is_err() {
            bail!(
                "another hepstatic build is writing {} (it holds {}); wait for it to finish",
                target.display(),
                lock_path.display()
            );
        }
        let dir = SiteDir {
            target: target.to_path_buf(),
            parent,
            name,
            _lock: lock,
        };
        dir.remove_leftovers();
        Ok(dir)
    }

    fn beside(&self, suffix: &str) -> PathBuf {
        self.parent.join(format!(".{}.{suffix}", self.name))
    }

    pub fn spare(&self) -> PathBuf {
        self.beside("spare")
    }

    pub fn cache(&self) -> PathBuf {
        self.beside("cache")
    }

    /// A new, empty staging folder for a full build.
    ///
    /// # Errors
    /// When it cannot be made.
    pub fn staging(&self) -> Result<PathBuf> {
        let path = self.beside(&format!("staging-{}", std::process::id()));
        remove_tree(&path)?;
        fs::create_dir_all(&path).with_context(|| format!("cannot create {}", path.display()))?;
        Ok(path)
    }

    /// A new, empty trash folder: what a rebuild replaces is moved into it at once and
    /// deleted beside the build (see [`Trash`]).
    ///
    /// # Errors
    /// When it cannot be made.
    pub fn trash(&self) -> Result<Trash> {
        let dir = self.beside(&format!("trash-{}", std::process::id()));
        remove_tree(&dir)?;
        fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
        Ok(Trash { dir, moved: 0 })
    }

    /// Staging and trash folders of builds that were killed (we hold the lock, so no
    /// other build is using them).
    fn remove_leftovers(&self) {
        let prefixes = [
            format!(".{}.staging-", self.name),
            format!(".{}.trash-", self.name),
        ];
        let Ok(entries) = fs::read_dir(&self.parent) else {
            return;
        };
        for entry in entries.filter_map(Result::ok) {
            let name = entry.file_name().to_string_lossy().into_owned();
            if prefixes.iter().any(|p| name.starts_with(p)) {
                let _ = fs::remove_dir_all(entry.path());
            }
        }
    }

    /// Makes `new` the site. The previous site, if any, ends up at `new`'s path.
    /// Returns whether there was a previous site.
    ///
    /// # Errors
    /// On I/O failure; the live site is then unchanged.
    pub fn swap_in(&self, new: &Path) -> Result<bool> {
        if fs::symlink_metadata(&self.target).is_err() {
            fs::rename(new, &self.target).with_context(|| {
                format!("cannot move the new site into {}", self.target.display())
            })?;
            return Ok(false);
        }
        exchange(new, &self.target)
            .with_context(|| format!("cannot swap the new site into {}", self.target.display()))?;
        Ok(true)
    }
}

/// The site folder is replaced whole, so it must be a site hepstatic wrote (or not exist
/// yet): a folder of the user's, a file or a symbolic link given as `--out` is refused
/// rather than moved aside and later deleted.
fn refuse_foreign(target: &Path) -> Result<()> {
    let Ok(meta) = fs::symlink_metadata(target) else {
        return Ok(());
    };
    let shown = target.display();
    if meta.file_type().is_symlink() {
        bail!(
            "{shown} is a symbolic link: hepstatic replaces the site folder whole and would replace the link, not the folder it points to; give the real folder (e.g. --out \"$(readlink -f {shown})\")"
        );
    }
    if !meta.is_dir() {
        bail!("{shown} is a file, not a site folder: choose another --out, or move the file away");
    }
    let empty = fs::read_dir(target)
        .with_context(|| format!("cannot read {shown}"))?
        .next()
        .is_none();
    if !empty && !target.join(MANIFEST).is_file() {
        bail!(
            "{shown} holds files, but not a site built by this hepstatic (it has no {MANIFEST}); the build replaces the site folder whole, so it will not use this one: choose another --out, or delete or move {shown} if it is an old site"
        );
    }
    Ok(())
}

/// Swaps two paths at once (Linux `renameat2` with `RENAME_EXCHANGE`).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

/// Elsewhere: two renames, with a moment in which the site is missing (never mixed).
#[cfg(not(target_os = "linux"))]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    let aside = b.with_extension("swap");
    fs::rename(b, &aside)?;
    if let Err(e) = fs::rename(a, b) {
        let _ = fs::rename(&aside, b);
        return Err(e);
    }
    fs::rename(&aside, a)
}

/// The manifest of the generation at `dir`, if it was finished. A symbolic link is never
/// a generation (a build would write through it).
pub fn read_manifest(dir: &Path) -> Option<Manifest> {
    if !fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir()) {
        return None;
    }
    let text = fs::read(dir.join(MANIFEST)).ok()?;
    serde_json::from_slice(&text).ok()
}

/// Removes a folder tree if it exists.
///
/// # Errors
/// On I/O failure other than "not found".
pub fn remove_tree(path: &Path) -> Result<()> {
    match fs::remove_dir_all(path) {
        Err(e) if e.kind() != ErrorKind::NotFound => {
            Err(e).with_context(|| format!("cannot remove {}", path.display()))
        }
        _ => Ok(()),
    }
}

/// Folders to delete, moved into one folder beside the site (a rename each, instant) and
/// deleted by a thread of their own while the build goes on: deleting a big record's
/// files took as long as writing them again. A build killed before the thread is done
/// leaves the folder to the next build, which removes it first.
pub struct Trash {
    dir: PathBuf,
    moved: usize,
}

impl Trash {
    /// Moves `path` into the trash, if it exists.
    ///
    /// # Errors
    /// When it cannot be renamed.
    pub fn discard(&mut self, path: &Path) -> Result<()> {
        if fs::symlink_metadata(path).is_err() {
            return Ok(());
        }
        let to = self.dir.join(self.moved.to_string());
        fs::rename(path, &to).with_context(|| format!("cannot move {} aside", path.display()))?;
        self.moved += 1;
        Ok(())
    }

    /// Deletes everything in the trash, now.
    ///
    /// # Errors
    /// When something cannot be removed.
    pub fn empty_now(self) -> Result<()> {
        remove_tree(&self.dir)
    }

    /// Starts deleting everything in the trash; join the handle before the process ends.
    pub fn empty(self) -> std::thread::JoinHandle<Result<()>> {
        std::thread::spawn(move || remove_tree(&self.dir))
    }
}

/// Recreates the tree `from` at `to` with hard links: no file is copied or changed.
///
/// # Errors
/// On I/O failure.
pub fn link_tree(from: &Path, to: &Path) -> Result<()> {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry?;
        let dest = to.join(entry.path().strip_prefix(from)?);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&dest)
                .with_context(|| format!("cannot create {}", dest.display()))?;
        } else {
            fs::hard_link(entry.path(), &dest)
                .with_context(|| format!("cannot link {}", dest.display()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swap_replaces_the_site_whole() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("site");
        let site = SiteDir::open(&target).unwrap();
        let first = site.staging().unwrap();
        fs::write(first.join("index.html"), b"one").unwrap();
        assert!(!site.swap_in(&first).unwrap());
        let second = site.staging().unwrap();
        fs::write(second.join("index.html"), b"two").unwrap();
        assert!(site.swap_in(&second).unwrap());
        assert_eq!(fs::read(target.join("index.html")).unwrap(), b"two");
        // The old site is now where the staging folder was.
        assert_eq!(fs::read(second.join("index.html")).unwrap(), b"one");
    }

    #[test]
    fn folders_files_and_links_that_are_not_sites_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mine = dir.path().join("mydocs");
        fs::create_dir_all(&mine).unwrap();
        fs::write(mine.join("thesis.tex"), b"x").unwrap();
        let refused = SiteDir::open(&mine).err().unwrap().to_string();
        assert!(
            refused.contains("not a site built by this hepstatic"),
            "{refused}"
        );
        let file = dir.path().join("notes.txt");
        fs::write(&file, b"important").unwrap();
        assert!(
            SiteDir::open(&file)
                .err()
                .unwrap()
                .to_string()
                .contains("is a file")
        );
        #[cfg(unix)]
        {
            let link = dir.path().join("sitelink");
            std::os::unix::fs::symlink(&mine, &link).unwrap();
            let refused = SiteDir::open(&link).err().unwrap().to_string();
            assert!(refused.contains("symbolic link"), "{refused}");
        }
        assert_eq!(fs::read(mine.join("thesis.tex")).unwrap(), b"x");
        assert_eq!(fs::read(&file).unwrap(), b"important");
        // An empty folder is fine.
        let empty = dir.path().join("empty");
        fs::create_dir_all(&empty).unwrap();
        assert!(SiteDir::open(&empty).is_ok());
    }

    #[test]
    fn a_second_build_of_the_same_site_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("site");
        let _first = SiteDir::open(&target).unwrap();
        let second = SiteDir::open(&target).err().unwrap().to_string();
        assert!(second.contains("another hepstatic build"), "{second}");
    }

    #[test]
    fn leftovers_of_killed_builds_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join(".site.staging-99999/record")).unwrap();
        fs::create_dir_all(dir.path().join(".site.trash-1")).unwrap();
        fs::create_dir_all(dir.path().join(".other.staging-1")).unwrap();
        let _site = SiteDir::open(&dir.path().join("site")).unwrap();
        assert!(!dir.path().join(".site.staging-99999").exists());
        assert!(!dir.path().join(".site.trash-1").exists());
        assert!(dir.path().join(".other.staging-1").exists());
    }
}
