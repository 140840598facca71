//! `records/<id>/v<n>.lock`: the frozen digests of a published version, one line per file
//! in the format `sha256sum` writes and `sha256sum -c` reads (run inside `v<n>/`).

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// One file of a version folder: its path inside `v<n>/` (with `/`) and its SHA-256.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Entry {
    pub path: String,
    pub sha256: String,
}

/// What a version folder holds, measured against its lock.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// In the lock and on disk, with other bytes.
    Changed(String),
    /// In the lock, gone from disk.
    Removed(String),
    /// On disk, not in the lock.
    Added(String),
}

impl Change {
    pub fn path(&self) -> &str {
        match self {
            Change::Changed(p) | Change::Removed(p) | Change::Added(p) => p,
        }
    }
}

/// A lock line that is not `<64 hex digits>  <path>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadLine {
    pub line: u32,
    pub text: String,
}

/// The lock file's name beside the version folder `v<n>/`.
pub fn lock_path(record_dir: &Path, n: u32) -> PathBuf {
    record_dir.join(format!("v{n}.lock"))
}

/// Every file below `dir`, sorted by path, with its digest. Folders are not listed (git
/// keeps no empty folder, so a lock could not promise one).
///
/// # Errors
/// On I/O failure, a symbolic link (its target could change under a frozen name), or a
/// file name that is not UTF-8 text.
pub fn digest_dir(dir: &Path) -> io::Result<Vec<Entry>> {
    let mut entries = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(io::Error::other)?;
        let rel = entry.path().strip_prefix(dir).map_err(io::Error::other)?;
        if entry.path_is_symlink() {
            return Err(io::Error::other(format!(
                "{} is a symbolic link; a published version holds plain files only",
                entry.path().display()
            )));
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let Some(rel) = rel.to_str() else {
            return Err(io::Error::other(format!(
                "{} has a file name that is not UTF-8 text",
                entry.path().display()
            )));
        };
        let bytes = fs::read(entry.path())?;
        entries.push(Entry {
            path: rel.replace(std::path::MAIN_SEPARATOR, "/"),
            sha256: hex::encode(Sha256::digest(&bytes)),
        });
    }
    entries.sort();
    Ok(entries)
}

/// The lock file's text: `<sha256>  <path>` per line, sorted by path. A name holding a
/// backslash or a line break is escaped as GNU `sha256sum` does it (a leading `\`, then
/// `\\`, `\n`, `\r`), so `sha256sum -c` reads every line back.
pub fn format(entries: &[Entry]) -> String {
    let mut sorted = entries.to_vec();
    sorted.sort();
    let mut out = String::new();
    for e in &sorted {
        if e.path.contains(['\\', '\n', '\r']) {
            let escaped = e
                .path
                .replace('\\', "\\\\")
                .replace('\n', "\\n")
                .replace('\r', "\\r");
            let _ = writeln!(out, "\\{}  {escaped}", e.sha256);
        } else {
            let _ = writeln!(out, "{}  {}", e.sha256, e.path);
        }
    }
    out
}

/// Reads a lock file's text back; lines that are not entries are returned apart.
pub fn parse(text: &str) -> (Vec<Entry>, Vec<BadLine>) {
    let mut entries = Vec::new();
    let mut bad = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.is_empty() {
            continue;
        }
        let (escaped, rest) = match line.strip_prefix('\\') {
            Some(rest) => (true, rest),
            None => (false, line),
        };
        // `sha256sum` writes two spaces (text mode) or a space and `*` (binary mode).
        let parsed = rest.split_at_checked(64).and_then(|(hash, tail)| {
            let path = tail
                .strip_prefix("  ")
                .or_else(|| tail.strip_prefix(" *"))?;
            let hex_ok = hash.bytes().all(|b| b.is_ascii_hexdigit());
            (hex_ok && !path.is_empty()).then(|| (hash.to_ascii_lowercase(), path))
        });
        match parsed {
            Some((sha256, path)) => entries.push(Entry {
                path: if escaped {
                    unescape(path)
                } else {
                    path.to_string()
                },
                sha256,
            }),
            None => bad.push(BadLine {
                line: i as u32 + 1,
                text: line.to_string(),
            }),
        }
    }
    (entries, bad)
}

fn unescape(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut chars = path.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// What differs between a lock's entries and the files on disk, sorted by path.
pub fn compare(locked: &[Entry], actual: &[Entry]) -> Vec<Change> {
    let mut changes = Vec::new();
    for l in locked {
        match actual.iter().find(|a| a.path == l.path) {
            Some(a) if a.sha256 != l.sha256 => changes.push(Change::Changed(l.path.clone())),
            Some(_) => {}
            None => changes.push(Change::Removed(l.path.clone())),
        }
    }
    for a in actual {
        if !locked.iter().any(|l| l.path == a.path) {
            changes.push(Change::Added(a.path.clone()));
        }
    }
    changes.sort_by(|a, b| a.path().cmp(b.path()));
    changes
}

/// Writes `text` to `path` through a temporary file beside it, so that a reader never
/// sees half a file.
///
/// # Errors
/// On I/O failure.
pub fn write_atomically(path: &Path, text: &str) -> io::Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    fs::write(&tmp, text)?;
    fs::rename(&tmp, path).inspect_err(|_| {
        let _ = fs::remove_file(&tmp);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str, c: char) -> Entry {
        Entry {
            path: path.to_string(),
            sha256: c.to_string().repeat(64),
        }
    }

    #[test]
    fn round_trip_with_escaped_names() {
        let entries = vec![
            entry("sub/b.yaml", 'b'),
            entry("a.yaml", 'a'),
            entry("odd\\name\n.txt", 'c'),
        ];
        let text = format(&entries);
        assert!(text.starts_with(&format!("{}  a.yaml\n", "a".repeat(64))));
        assert!(text.contains(&format!("\\{}  odd\\\\name\\n.txt\n", "c".repeat(64))));
        let (back, bad) = parse(&text);
        assert!(bad.is_empty());
        let mut sorted = entries.clone();
        sorted.sort();
        assert_eq!(back, sorted);
    }

    #[test]
    fn bad_lines_and_binary_mode() {
        let text = format!("{}  x\nnot a line\n{} *y\n", "A".repeat(64), "b".repeat(64));
        let (entries, bad) = parse(&text);
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].sha256, "a".repeat(64));
        assert_eq!(
            bad,
            vec![BadLine {
                line: 2,
                text: "not a line".into()
            }]
        );
    }

    #[test]
    fn changes_are_named() {
        let locked = vec![entry("a", 'a'), entry("b", 'b'), entry("c", 'c')];
        let actual = vec![entry("a", 'a'), entry("b", 'x'), entry("d", 'd')];
        assert_eq!(
            compare(&locked, &actual),
            vec![
                Change::Changed("b".into()),
                Change::Removed("c".into()),
                Change::Added("d".into())
            ]
        );
    }
}
