//! Writing into a site folder: plain relative paths only, from any number of threads.
//!
//! An [`Output`] writes below one folder (a staging folder or the spare generation, see
//! `generation`), never the live site. Every file is written as a new file: a name that
//! exists is unlinked first, so a file shared by hard link with the live site is never
//! changed in place.

use std::fs;
use std::io::{BufWriter, ErrorKind, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use anyhow::{Context, Result, bail};
use sha2::{Digest, Sha256};

/// A folder being filled with a site's files.
pub struct Output {
    root: PathBuf,
    files: AtomicUsize,
    bytes: AtomicU64,
}

impl Output {
    /// Writes below `root`, which must exist.
    pub fn new(root: &Path) -> Output {
        Output {
            root: root.to_path_buf(),
            files: AtomicUsize::new(0),
            bytes: AtomicU64::new(0),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Files written so far.
    pub fn files(&self) -> usize {
        self.files.load(Ordering::Relaxed)
    }

    /// Bytes written so far.
    pub fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }

    /// Writes `bytes` at the site path `rel` (e.g. `record/x/v1/index.html`).
    ///
    /// # Errors
    /// When `rel` would leave the output folder, or on I/O failure.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        let path = self.resolve(rel)?;
        create_new(&path)
            .and_then(|mut file| file.write_all(bytes))
            .with_context(|| format!("cannot write {}", path.display()))?;
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        Ok(())
    }

    /// [`Output::write`], returning the SHA-256 of `bytes` in hex (for record.json).
    ///
    /// # Errors
    /// As [`Output::write`].
    pub fn write_hashed(&self, rel: &str, bytes: &[u8]) -> Result<String> {
        self.write(rel, bytes)?;
        Ok(sha256_hex(bytes))
    }

    /// Writes the site path `rel` with what `fill` puts into the writer it is given, and
    /// returns the size written. For files that grow with the site (the search index, the
    /// sitemap): they are never held whole in memory.
    ///
    /// # Errors
    /// When `rel` would leave the output folder, or on I/O failure (or `fill`'s).
    pub fn write_with(
        &self,
        rel: &str,
        fill: impl FnOnce(&mut dyn Write) -> Result<()>,
    ) -> Result<u64> {
        let path = self.resolve(rel)?;
        let file = create_new(&path).with_context(|| format!("cannot write {}", path.display()))?;
        let mut writer = Counted {
            inner: BufWriter::new(file),
            bytes: 0,
        };
        fill(&mut writer)
            .and_then(|()| Ok(writer.flush()?))
            .with_context(|| format!("cannot write {}", path.display()))?;
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(writer.bytes, Ordering::Relaxed);
        Ok(writer.bytes)
    }

    /// Hard-links the site path `rel` of the site at `from` (the live site) into this
    /// folder, in place of writing it; `false` when `from` has no such file. The file is
    /// shared, never changed: a later write unlinks it first.
    ///
    /// # Errors
    /// When `rel` would leave the output folder, or on I/O failure.
    pub fn link_from(&self, from: &Path, rel: &str) -> Result<bool> {
        let path = self.resolve(rel)?;
        let source = from.join(rel.trim_start_matches('/'));
        if !source.is_file() {
            return Ok(false);
        }
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        }
        match fs::remove_file(&path) {
            Err(e) if e.kind() != ErrorKind::NotFound => {
                return Err(e).with_context(|| format!("cannot replace {}", path.display()));
            }
            _ => {}
        }
        fs::hard_link(&source, &path)
            .with_context(|| format!("cannot link {} to {}", path.display(), source.display()))?;
        Ok(true)
    }

    /// Only plain relative paths below the output folder are accepted: a name taken from
    /// a record can never reach `..`, an absolute path or a drive prefix.
    fn resolve(&self, rel: &str) -> Result<PathBuf> {
        let rel_path = Path::new(rel.trim_start_matches('/'));
        if rel_path.as_os_str().is_empty()
            || !rel_path
                .components()
                .all(|c| matches!(c, Component::Normal(_)))
        {
            bail!("refusing to write {rel:?}: not a plain path inside the output folder");
        }
        Ok(self.root.join(rel_path))
    }

    /// Copies the theme's static files under `to` (e.g. `static`).
    ///
    /// # Errors
    /// On I/O failure.
    pub fn copy_dir(&self, from: &Path, to: &str) -> Result<()> {
        if !from.is_dir() {
            return Ok(());
        }
        for entry in walkdir::WalkDir::new(from).sort_by_file_name() {
            let entry = entry?;
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = entry
                .path()
                .strip_prefix(from)?
                .to_string_lossy()
                .replace('\\', "/");
            let bytes = fs::read(entry.path())
                .with_context(|| format!("cannot read {}", entry.path().display()))?;
            self.write(&format!("{to}/{rel}"), &bytes)?;
        }
        Ok(())
    }
}

/// A new, empty file at `path`. The common case (a fresh folder) costs one `open`: the
/// folders are made only when missing, and a file already there is unlinked and made
/// anew, never truncated in place (it may be hard-linked from the live site).
fn create_new(path: &Path) -> std::io::Result<fs::File> {
    let create = || {
        fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
    };
    match create() {
        Err(e) if e.kind() == ErrorKind::NotFound => {
            if let Some(dir) = path.parent() {
                fs::create_dir_all(dir)?;
            }
            create()
        }
        Err(e) if e.kind() == ErrorKind::AlreadyExists => {
            fs::remove_file(path)?;
            create()
        }
        other => other,
    }
}

/// A writer that counts what goes through it.
struct Counted<W> {
    inner: W,
    bytes: u64,
}

impl<W: Write> Write for Counted<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_paths_that_leave_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("out");
        fs::create_dir(&root).unwrap();
        let out = Output::new(&root);
        assert!(out.write("../evil", b"x").is_err());
        assert!(out.write("a/../../evil", b"x").is_err());
        assert!(out.write("", b"x").is_err());
        assert!(out.write("/record/x/index.html", b"ok").is_ok());
        assert_eq!(fs::read(root.join("record/x/index.html")).unwrap(), b"ok");
        assert!(!dir.path().join("evil").exists());
        assert_eq!((out.files(), out.bytes()), (1, 2));
    }

    #[test]
    fn a_file_written_as_it_goes_is_counted() {
        let dir = tempfile::tempdir().unwrap();
        let out = Output::new(dir.path());
        let size = out
            .write_with("search/index.json", |w| {
                w.write_all(b"{\"a\":")?;
                w.write_all(b"1}")?;
                Ok(())
            })
            .unwrap();
        assert_eq!(size, 7);
        assert_eq!(
            fs::read(dir.path().join("search/index.json")).unwrap(),
            b"{\"a\":1}"
        );
        assert_eq!((out.files(), out.bytes()), (1, 7));
        assert!(out.write_with("../evil", |_| Ok(())).is_err());
    }

    #[test]
    fn a_hard_linked_file_is_replaced_not_changed() {
        let dir = tempfile::tempdir().unwrap();
        let (live, spare) = (dir.path().join("live"), dir.path().join("spare"));
        fs::create_dir_all(&live).unwrap();
        fs::create_dir_all(&spare).unwrap();
        fs::write(live.join("index.html"), b"old").unwrap();
        fs::hard_link(live.join("index.html"), spare.join("index.html")).unwrap();
        Output::new(&spare).write("index.html", b"new").unwrap();
        assert_eq!(fs::read(live.join("index.html")).unwrap(), b"old");
        assert_eq!(fs::read(spare.join("index.html")).unwrap(), b"new");
    }
}
