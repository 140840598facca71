//! Where a submission's files come from: a folder on disk, or the members of an archive
//! held in memory. Rules ask this for names, sizes and bytes and never touch the disk
//! themselves, so an uploaded archive is checked without being unpacked anywhere.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::model::{FileBytes, SubmissionFile};

/// The folder a submission lives in.
#[derive(Debug)]
pub enum Source {
    /// A folder on disk.
    Dir(PathBuf),
    /// Files in memory, named relative to the submission's folder (`data1.yaml`,
    /// `sub/notes.txt`). `label` prefixes every name in diagnostics, e.g.
    /// `submission.tar.gz:top/`.
    Memory {
        label: String,
        files: BTreeMap<String, Arc<[u8]>>,
    },
}

impl Source {
    /// How diagnostics name the file `name` of this folder.
    pub fn path(&self, name: &str) -> PathBuf {
        match self {
            Source::Dir(dir) => dir.join(name),
            Source::Memory { label, .. } => PathBuf::from(format!("{label}{name}")),
        }
    }

    /// The bytes of a file.
    ///
    /// # Errors
    /// When the file is missing or cannot be read.
    pub fn read(&self, name: &str) -> io::Result<Cow<'_, [u8]>> {
        match self {
            Source::Dir(dir) => {
                refuse_links(dir, name)?;
                fs::read(dir.join(name)).map(Cow::Owned)
            }
            Source::Memory { files, .. } => files
                .get(name)
                .map(|data| Cow::Borrowed(&data[..]))
                .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no such file")),
        }
    }

    /// The size of a regular file, or `None` when there is no such file (a folder is not
    /// a file).
    pub fn file_size(&self, name: &str) -> Option<u64> {
        match self {
            Source::Dir(dir) => refuse_links(dir, name)
                .and_then(|()| fs::metadata(dir.join(name)))
                .ok()
                .filter(fs::Metadata::is_file)
                .map(|m| m.len()),
            Source::Memory { files, .. } => files.get(name).map(|d| d.len() as u64),
        }
    }

    /// The entries of the folder itself (not of its subfolders), sorted by name.
    pub fn entries(&self) -> Vec<SubmissionFile> {
        let mut out = match self {
            Source::Dir(dir) => {
                let Ok(read) = fs::read_dir(if dir.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    dir
                }) else {
                    return Vec::new();
                };
                read.filter_map(Result::ok)
                    .map(|e| {
                        let meta = e.metadata().ok();
                        let is_dir = meta.as_ref().is_some_and(fs::Metadata::is_dir);
                        let name = e.file_name().to_string_lossy().into_owned();
                        SubmissionFile {
                            path: dir.join(&name),
                            name,
                            is_dir,
                            size: if is_dir {
                                0
                            } else {
                                meta.map_or(0, |m| m.len())
                            },
                            data: None,
                        }
                    })
                    .collect()
            }
            Source::Memory { files, .. } => {
                let mut dirs = BTreeSet::new();
                let mut out = Vec::new();
                for (name, data) in files {
                    match name.split_once('/') {
                        Some((dir, _)) => {
                            dirs.insert(dir.to_string());
                        }
                        None => out.push(SubmissionFile {
                            path: self.path(name),
                            name: name.clone(),
                            is_dir: false,
                            size: data.len() as u64,
                            data: Some(FileBytes(Arc::clone(data))),
                        }),
                    }
                }
                out.extend(dirs.into_iter().map(|dir| SubmissionFile {
                    path: self.path(&dir),
                    name: dir,
                    is_dir: true,
                    size: 0,
                    data: None,
                }));
                out
            }
        };
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }
}

/// An error when `name`, or a folder on the way to it below `dir`, is a symbolic link:
/// a submission's files are read only from inside its folder.
fn refuse_links(dir: &Path, name: &str) -> io::Result<()> {
    let mut path = dir.to_path_buf();
    for part in Path::new(name).components() {
        path.push(part);
        if fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(io::Error::other(format!(
                "{} is a symbolic link: submissions are read from real files only",
                path.display()
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_folder_lists_files_and_implied_folders() {
        let files: BTreeMap<String, Arc<[u8]>> = [
            ("submission.yaml", "x"),
            ("sub/notes.txt", "yy"),
            ("sub/deeper/a", ""),
        ]
        .into_iter()
        .map(|(n, d)| (n.to_string(), Arc::from(d.as_bytes())))
        .collect();
        let source = Source::Memory {
            label: "s.tar.gz:top/".into(),
            files,
        };
        let names: Vec<(String, bool)> = source
            .entries()
            .into_iter()
            .map(|e| (e.path.display().to_string(), e.is_dir))
            .collect();
        assert_eq!(
            names,
            [
                ("s.tar.gz:top/sub".to_string(), true),
                ("s.tar.gz:top/submission.yaml".to_string(), false)
            ]
        );
        assert_eq!(source.file_size("sub/notes.txt"), Some(2));
        assert_eq!(source.file_size("sub"), None);
        assert_eq!(&*source.read("submission.yaml").unwrap(), b"x");
    }
}
