//! Member names: refuse those that could land outside the archive's folder, and those
//! that would collide with another member on some file system.

use std::collections::HashMap;

use unicode_normalization::UnicodeNormalization;

use super::ArchiveError;

/// Checks a member name and returns it in normal form: `/` between components, no `.`
/// or empty components, no trailing `/`. `./` and `.` give the empty path: the archive's
/// top folder, which `tar -czf x.tgz .` lists first.
///
/// A backslash counts as a folder separator, as Windows tools write it and as Windows
/// extractors read it: `..\x` escapes there even if it is one odd name on Unix.
pub fn normalize(raw: &str) -> Result<String, ArchiveError> {
    let member = || raw.to_string();
    if raw.is_empty() {
        return Err(ArchiveError::BadName {
            member: member(),
            reason: "it is empty",
        });
    }
    if raw.chars().any(char::is_control) {
        return Err(ArchiveError::BadName {
            member: member(),
            reason: "it contains a control character",
        });
    }
    let unified = raw.replace('\\', "/");
    let bytes = unified.as_bytes();
    let has_drive = bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':';
    if unified.starts_with('/') || has_drive {
        return Err(ArchiveError::AbsolutePath { member: member() });
    }

    let mut parts: Vec<&str> = Vec::new();
    let mut depth: i64 = 0;
    let mut has_parent = false;
    for part in unified.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                has_parent = true;
                depth -= 1;
                if depth < 0 {
                    return Err(ArchiveError::EscapesRoot { member: member() });
                }
            }
            _ => {
                depth += 1;
                parts.push(part);
            }
        }
    }
    if has_parent {
        return Err(ArchiveError::ParentComponent { member: member() });
    }
    Ok(parts.join("/"))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    File,
    Folder,
}

/// What one folded name stands for: its spelling, whether it is a file or a folder, and
/// the member that brought it in.
struct Seen {
    spelling: String,
    kind: Kind,
    member: String,
}

/// The names met so far, folded so that names which some file system would merge (by
/// letter case, as on macOS and Windows, or by Unicode normalisation, as on macOS) meet.
#[derive(Default)]
pub struct Names {
    seen: HashMap<String, Seen>,
}

impl Names {
    /// Records a regular file at `path` (normalised) named `member` in the archive, or
    /// explains the collision.
    pub fn add_file(&mut self, path: &str, member: &str) -> Result<(), ArchiveError> {
        if path.is_empty() {
            return Err(ArchiveError::BadName {
                member: member.to_string(),
                reason: "it names the archive's top folder, not a file",
            });
        }
        self.add_folders(path, path)?;
        self.add(path, Kind::File, path)
    }

    /// Records a folder entry at `path` (normalised; empty for the top folder).
    pub fn add_folder(&mut self, path: &str) -> Result<(), ArchiveError> {
        if path.is_empty() {
            return Ok(());
        }
        self.add_folders(path, path)?;
        self.add(path, Kind::Folder, path)
    }

    /// Records every folder above `path`.
    fn add_folders(&mut self, path: &str, member: &str) -> Result<(), ArchiveError> {
        for (i, _) in path.match_indices('/') {
            self.add(&path[..i], Kind::Folder, member)?;
        }
        Ok(())
    }

    fn add(&mut self, spelling: &str, kind: Kind, member: &str) -> Result<(), ArchiveError> {
        let key = fold(spelling);
        let Some(seen) = self.seen.get(&key) else {
            self.seen.insert(
                key,
                Seen {
                    spelling: spelling.to_string(),
                    kind,
                    member: member.to_string(),
                },
            );
            return Ok(());
        };
        if seen.kind == Kind::Folder && kind == Kind::Folder && seen.spelling == spelling {
            return Ok(());
        }

        if seen.kind == Kind::File && kind == Kind::File && seen.spelling == spelling {
            return Err(ArchiveError::Duplicate {
                member: member.to_string(),
            });
        }
        let what = if seen.kind != kind {
            format!("{spelling:?} is a file in one and a folder in the other")
        } else if seen.spelling == spelling {
            "the same path twice".to_string()
        } else {
            let how = if nfc(&seen.spelling) == nfc(spelling) {
                "Unicode normalisation (NFC)"
            } else {
                "letter case"
            };
            if kind == Kind::File {
                format!("the paths differ only by {how}")
            } else {
                format!(
                    "folders {:?} and {spelling:?} differ only by {how}",
                    seen.spelling
                )
            }
        };
        Err(ArchiveError::Collision {
            member: member.to_string(),
            other: seen.member.clone(),
            detail: what,
        })
    }
}

fn nfc(s: &str) -> String {
    s.nfc().collect()
}

fn fold(s: &str) -> String {
    nfc(s).to_lowercase()
}
