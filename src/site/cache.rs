//! Fingerprints of what pages are made from, and what earlier builds kept of each record.
//!
//! A record's fingerprint is the SHA-256 of every file in its folder (names and bytes), so
//! any edit, added file or lock file changes it. Reading 500 MB to learn that nothing
//! changed would cost a second, so a file whose size and modification time are those seen
//! last time keeps last time's digest (as make and cargo trust mtimes). The inputs
//! fingerprint covers what every page depends on: the hepstatic executable, the settings
//! and the theme; when it changes, everything is rebuilt.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use anyhow::{Context, Result};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::check::codes::CODES;
use crate::config::Config;
use crate::model::{Diagnostic, Severity};

use super::listing::Listing;

/// A file's size and modification time, and its digest when it had them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Seen {
    size: u64,
    mtime_ns: i128,
    /// Change time and inode (Unix): `touch -r`, `cp -p` and `rsync -a` can put back an
    /// old mtime, but not these.
    ctime_ns: i128,
    inode: u64,
    /// Kept as bytes (stored as hex): the cache holds an entry for every file of the site's
    /// records for the whole build.
    #[serde(with = "hex_digest")]
    sha256: [u8; 32],
}

/// A SHA-256 digest as hex text in the cache file.
mod hex_digest {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(digest: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(digest))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 32], D::Error> {
        let text = <&str>::deserialize(d)?;
        let mut digest = [0; 32];
        hex::decode_to_slice(text, &mut digest).map_err(D::Error::custom)?;
        Ok(digest)
    }
}

/// (ctime in ns, inode) where the system has them.
#[cfg(unix)]
fn change_stamp(meta: &fs::Metadata) -> (i128, u64) {
    use std::os::unix::fs::MetadataExt;
    (
        i128::from(meta.ctime()) * 1_000_000_000 + i128::from(meta.ctime_nsec()),
        meta.ino(),
    )
}

#[cfg(not(unix))]
fn change_stamp(_: &fs::Metadata) -> (i128, u64) {
    (0, 0)
}

/// Digests of files by path, from the last build.
#[derive(Default, Serialize, Deserialize)]
pub struct StatCache {
    files: HashMap<PathBuf, Seen>,
}

impl StatCache {
    /// The cache in `dir`, or an empty one.
    pub fn load(dir: &Path) -> StatCache {
        fs::read(dir.join("files.json"))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    /// Saves the cache in `dir` (written aside, then renamed: never half-written).
    ///
    /// # Errors
    /// On I/O failure.
    pub fn save(&self, dir: &Path) -> Result<()> {
        write_replacing(&dir.join("files.json"), &serde_json::to_vec(self)?)
    }

    /// Fingerprints of `dirs` (record folders), computed on all cores. Files not seen
    /// before (or changed) are read and digested; the cache learns them.
    ///
    /// # Errors
    /// When a folder cannot be listed or a file read.
    pub fn fingerprint_all(&mut self, dirs: &[PathBuf]) -> Result<Vec<String>> {
        let cache = &*self;
        let results: Vec<Fingerprint> = dirs
            .par_iter()
            .map(|dir| cache.fingerprint(dir))
            .collect::<Result<_>>()?;
        Ok(self.learn(results))
    }

    /// Keeps what [`StatCache::fingerprint`] saw of every current record (removed records
    /// leave the cache) and returns the records' fingerprints, in the same order.
    pub fn learn(&mut self, results: Vec<Fingerprint>) -> Vec<String> {
        let mut prints = Vec::with_capacity(results.len());
        let mut files = HashMap::new();
        for Fingerprint { print, seen } in results {
            prints.push(print);
            files.extend(seen);
        }
        self.files = files;
        prints
    }

    /// The fingerprint of one record folder, and what was seen of its files, for
    /// [`StatCache::learn`].
    ///
    /// # Errors
    /// When the folder cannot be listed or a file read.
    pub fn fingerprint(&self, dir: &Path) -> Result<Fingerprint> {
        let mut all = Sha256::new();
        let mut seen = Vec::new();
        // Files are known by their place in the records folder (`<id>/v1/data1.yaml`), so
        // the cache holds when the project is moved or reached by another path.
        let id = PathBuf::from(dir.file_name().unwrap_or_default());
        for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
            let entry = entry.with_context(|| format!("cannot list {}", dir.display()))?;
            let rel = entry
                .path()
                .strip_prefix(dir)?
                .to_string_lossy()
                .into_owned();
            if entry.file_type().is_dir() {
                all.update(format!("d {rel}\n"));
                continue;
            }
            if entry.path_is_symlink() {
                // A link is never followed: a record holding one is refused (E039), and
                // its fingerprint differs from that of the real file it replaced.
                let target = fs::read_link(entry.path()).unwrap_or_default();
                all.update(format!("l {rel} -> {}\n", target.display()));
                continue;
            }
            let meta = fs::metadata(entry.path())
                .with_context(|| format!("cannot read {}", entry.path().display()))?;
            let (ctime_ns, inode) = change_stamp(&meta);
            let mtime_ns = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos() as i128);
            let key = id.join(&rel);
            let known = self.files.get(&key).filter(|s| {
                s.size == meta.len()
                    && s.mtime_ns == mtime_ns
                    && s.ctime_ns == ctime_ns
                    && s.inode == inode
            });
            let sha256 = match known {
                Some(s) => s.sha256,
                None => {
                    let bytes = fs::read(entry.path())
                        .with_context(|| format!("cannot read {}", entry.path().display()))?;
                    Sha256::digest(&bytes).into()
                }
            };
            all.update(format!("f {rel} {}\n", hex::encode(sha256)));
            seen.push((
                key,
                Seen {
                    size: meta.len(),
                    mtime_ns,
                    ctime_ns,
                    inode,
                    sha256,
                },
            ));
        }
        Ok(Fingerprint {
            print: hex::encode(all.finalize()),
            seen,
        })
    }
}

/// A record folder's fingerprint (its files' names and digests, digested), and the
/// stamps of its files.
pub struct Fingerprint {
    pub print: String,
    seen: Vec<(PathBuf, Seen)>,
}

/// The fingerprint of what every page depends on.
///
/// # Errors
/// When the theme cannot be read.
pub fn inputs(config: &Config, theme_dir: &Path) -> Result<String> {
    let mut all = Sha256::new();
    all.update(env!("CARGO_PKG_VERSION"));
    // The executable itself: a rebuilt hepstatic may write other pages from the same
    // records.
    if let Ok(exe) = std::env::current_exe().and_then(fs::read) {
        all.update(Sha256::digest(&exe));
    }
    all.update(format!("{config:?}"));
    for entry in walkdir::WalkDir::new(theme_dir).sort_by_file_name() {
        let entry = entry.with_context(|| format!("cannot list {}", theme_dir.display()))?;
        if entry.file_type().is_file() {
            let bytes = fs::read(entry.path())
                .with_context(|| format!("cannot read {}", entry.path().display()))?;
            let rel = entry.path().strip_prefix(theme_dir)?.to_string_lossy();
            all.update(format!("{rel} {}\n", hex::encode(Sha256::digest(&bytes))));
        }
    }
    Ok(hex::encode(all.finalize()))
}

/// A record as checked and built: its findings and what the indexes need of it.
pub struct Checked {
    pub id: String,
    pub fingerprint: String,
    /// `None` for a record without versions (which no index lists).
    pub listing: Option<Listing>,
    pub diagnostics: Vec<Diagnostic>,
}

/// [`Checked`] as stored: diagnostic codes as text. `L` is the listing, owned when read
/// and borrowed when written.
#[derive(Serialize, Deserialize)]
struct Stored<L> {
    fingerprint: String,
    listing: L,
    diagnostics: Vec<StoredDiagnostic>,
}

#[derive(Serialize, Deserialize)]
struct StoredDiagnostic {
    file: PathBuf,
    line: u32,
    column: u32,
    severity: Severity,
    code: String,
    message: String,
    help: Option<String>,
}

impl Checked {
    fn path(dir: &Path, id: &str) -> PathBuf {
        dir.join("records").join(format!("{id}.json"))
    }

    /// The cached record `id`, if it was built from `fingerprint`.
    pub fn load(dir: &Path, id: &str, fingerprint: &str) -> Option<Checked> {
        let bytes = fs::read(Self::path(dir, id)).ok()?;
        let stored: Stored<Option<Listing>> = serde_json::from_slice(&bytes).ok()?;
        if stored.fingerprint != fingerprint {
            return None;
        }
        // A code this hepstatic does not know means another version wrote the cache.
        let diagnostics = stored
            .diagnostics
            .into_iter()
            .map(|d| {
                let code = CODES.iter().map(|(c, _)| *c).find(|c| *c == d.code)?;
                Some(Diagnostic {
                    file: d.file,
                    line: d.line,
                    column: d.column,
                    severity: d.severity,
                    code,
                    message: d.message,
                    help: d.help,
                })
            })
            .collect::<Option<_>>()?;
        Some(Checked {
            id: id.to_string(),
            fingerprint: stored.fingerprint,
            listing: stored.listing,
            diagnostics,
        })
    }

    /// # Errors
    /// On I/O failure.
    pub fn save(&self, dir: &Path) -> Result<()> {
        let path = Self::path(dir, &self.id);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        let stored = Stored {
            fingerprint: self.fingerprint.clone(),
            listing: self.listing.as_ref(),
            diagnostics: self
                .diagnostics
                .iter()
                .map(|d| StoredDiagnostic {
                    file: d.file.clone(),
                    line: d.line,
                    column: d.column,
                    severity: d.severity,
                    code: d.code.to_string(),
                    message: d.message.clone(),
                    help: d.help.clone(),
                })
                .collect(),
        };
        write_replacing(&path, &serde_json::to_vec(&stored)?)
    }
}

/// Writes `path` through a temporary file renamed over it.
fn write_replacing(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    fs::write(&tmp, bytes).with_context(|| format!("cannot write {}", tmp.display()))?;
    fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))
}
