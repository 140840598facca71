//! The output folder: files are written into a fresh staging folder beside the target,
//! which replaces the previous site only when everything was written.

use std::fs;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result, bail};
use sha2::{Digest, Sha256};

/// A staging folder that becomes the site on [`Output::commit`]. Dropped uncommitted, it
/// is removed and the previous site stays as it was.
pub struct Output {
    target: PathBuf,
    staging: PathBuf,
    committed: bool,
    pub files: usize,
    pub bytes: u64,
}

impl Output {
    /// Prepares `<parent>/.<name>.staging-<pid>` for a site that will replace `target`.
    ///
    /// # Errors
    /// When the staging folder cannot be made.
    pub fn begin(target: &Path) -> Result<Output> {
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "site".to_string());
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
        let staging = parent.join(format!(".{name}.staging-{}", std::process::id()));
        if staging.exists() {
            fs::remove_dir_all(&staging)
                .with_context(|| format!("cannot clear {}", staging.display()))?;
        }
        fs::create_dir_all(&staging)
            .with_context(|| format!("cannot create {}", staging.display()))?;
        Ok(Output {
            target: target.to_path_buf(),
            staging,
            committed: false,
            files: 0,
            bytes: 0,
        })
    }

    /// Writes `bytes` at the site path `rel` (e.g. `record/x/v1/index.html`) and returns
    /// its SHA-256 in hex.
    ///
    /// # Errors
    /// When `rel` would leave the output folder, or on I/O failure.
    pub fn write(&mut self, rel: &str, bytes: &[u8]) -> Result<String> {
        let path = self.resolve(rel)?;
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        }
        fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
        self.files += 1;
        self.bytes += bytes.len() as u64;
        Ok(sha256_hex(bytes))
    }

    /// Only plain relative paths below the staging folder are accepted: a name taken from
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
        Ok(self.staging.join(rel_path))
    }

    /// Copies the theme's static files under `static/`.
    ///
    /// # Errors
    /// On I/O failure.
    pub fn copy_dir(&mut self, from: &Path, to: &str) -> Result<()> {
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

    /// Swaps the staging folder in place of the target: the old site is moved aside, the
    /// new one renamed into place, the old one removed. A reader sees the old or the new
    /// site, never a mixture.
    ///
    /// # Errors
    /// On I/O failure; the previous site is put back where possible.
    pub fn commit(mut self) -> Result<()> {
        let old = self.staging.with_file_name(format!(
            ".{}.old-{}",
            self.target
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            std::process::id()
        ));
        let had_old = self.target.exists();
        if had_old {
            fs::rename(&self.target, &old).with_context(|| {
                format!(
                    "cannot move the previous site {} aside",
                    self.target.display()
                )
            })?;
        }
        if let Err(e) = fs::rename(&self.staging, &self.target) {
            if had_old {
                let _ = fs::rename(&old, &self.target);
            }
            return Err(e).with_context(|| {
                format!("cannot move the new site into {}", self.target.display())
            });
        }
        self.committed = true;
        if had_old {
            fs::remove_dir_all(&old)
                .with_context(|| format!("cannot remove the previous site at {}", old.display()))?;
        }
        Ok(())
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.staging);
        }
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
        let dir = std::env::temp_dir().join(format!("hepstatic-out-{}", std::process::id()));
        let mut out = Output::begin(&dir.join("site")).unwrap();
        assert!(out.write("../evil", b"x").is_err());
        assert!(out.write("a/../../evil", b"x").is_err());
        assert!(out.write("/record/x/index.html", b"ok").is_ok());
        out.commit().unwrap();
        assert_eq!(
            fs::read(dir.join("site/record/x/index.html")).unwrap(),
            b"ok"
        );
        assert!(!dir.join("evil").exists());
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn an_abandoned_build_leaves_the_old_site() {
        let dir = std::env::temp_dir().join(format!("hepstatic-keep-{}", std::process::id()));
        let site = dir.join("site");
        fs::create_dir_all(&site).unwrap();
        fs::write(site.join("index.html"), b"old").unwrap();
        {
            let mut out = Output::begin(&site).unwrap();
            out.write("index.html", b"new").unwrap();
        }
        assert_eq!(fs::read(site.join("index.html")).unwrap(), b"old");
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 1);
        fs::remove_dir_all(&dir).unwrap();
    }
}
