//! Load: the records tree (or any single input the checker takes) -> the record model.
//!
//! Input: a path: a records tree, a record, a version folder, a submission archive, a
//! single-YAML submission or a lone data file. Output: records, submissions or data
//! tables, and the diagnostics met while reading them (syntax, shapes, missing files,
//! schema rules of the record's HEPData schema version). Nothing here writes anything,
//! and archives are read in memory.

mod custom;
mod data;
mod direct;
mod fields;
mod input;
mod json;
mod meta;
mod record;
mod scalar;
mod source;
mod submission;
mod text;
pub mod yaml;

use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::model::{Diagnostic, Pos, Record, TableData, Version};

pub use crate::model::SchemaVersion;
pub use data::parse_python_float;
pub use input::{InputKind, detect};
pub use meta::{KEYWORD_NAMES, is_table_doi};
pub use record::is_date;
pub use source::Source;
pub use submission::{
    MAX_NAME_CHARS, is_safe_name, load_data, load_data_with, load_submission, read_data_bytes,
    read_submission,
};

/// Settings that change what loading accepts.
#[derive(Clone, Debug)]
pub struct Options {
    /// Data files larger than this are reported and not read (hepstatic.toml's
    /// `max_data_file_mib`; 10 MiB by default, as HEPData).
    pub max_data_file_bytes: u64,
    /// The HEPData schema for submissions that declare none (hepstatic.toml's `[check]
    /// schema_version`; the latest, 1.1.1, by default). A submission declares its own
    /// with a `# schema_version: 1.0.0` comment at the top of submission.yaml or a
    /// `schema_version` field in its first document.
    pub schema_version: SchemaVersion,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_data_file_bytes: 10 * 1024 * 1024,
            schema_version: SchemaVersion::default(),
        }
    }
}

/// One thing the checker was given, loaded.
#[derive(Debug)]
pub enum Item {
    Record(Record),
    /// A version folder, a submission archive or a single-YAML file outside any record.
    Submission(crate::model::Submission),
    /// A lone data file.
    DataFile(PathBuf, Option<TableData>),
}

/// Everything read from one path.
#[derive(Debug, Default)]
pub struct Loaded {
    pub items: Vec<Item>,
    pub diagnostics: Vec<Diagnostic>,
    /// The schema lone data files were read under (the configured default).
    pub schema_version: SchemaVersion,
}

impl Loaded {
    pub fn records(&self) -> impl Iterator<Item = &Record> {
        self.items.iter().filter_map(|i| match i {
            Item::Record(r) => Some(r),
            _ => None,
        })
    }
}

/// Loads whatever `path` is (see [`detect`]). The records of a tree are read in parallel.
///
/// # Errors
/// When the path cannot be read or is not an input hepstatic knows.
pub fn load(path: &Path, options: &Options) -> Result<Loaded, String> {
    let parts = load_each(path, options, |part| part)?;
    let mut loaded = Loaded {
        schema_version: options.schema_version,
        ..Loaded::default()
    };
    for part in parts {
        loaded.items.extend(part.items);
        loaded.diagnostics.extend(part.diagnostics);
    }
    Ok(loaded)
}

/// Loads `path` in parts and hands each to `each`, returning what it gave in order: one
/// part per record for a records tree (records in parallel, each dropped once `each` is
/// done with it, so memory holds a few records, not the tree), one part for any other
/// input. [`load`] is this with the parts joined.
///
/// # Errors
/// When the path cannot be read or is not an input hepstatic knows.
pub fn load_each<T: Send>(
    path: &Path,
    options: &Options,
    each: impl Fn(Loaded) -> T + Sync,
) -> Result<Vec<T>, String> {
    let kind = detect(path)?;
    let mut loaded = Loaded {
        schema_version: options.schema_version,
        ..Loaded::default()
    };
    match kind {
        InputKind::Tree => {
            let records_dir = if path.join("records").is_dir() {
                // `records/x`, not `./records/x`: messages name files as the user sees them.
                if path == Path::new(".") {
                    PathBuf::from("records")
                } else {
                    path.join("records")
                }
            } else {
                path.to_path_buf()
            };
            let dirs = record_dirs(&records_dir)
                .map_err(|e| format!("cannot list {}: {e}", records_dir.display()))?;
            return Ok(dirs
                .par_iter()
                .map(|dir| {
                    let mut part = Loaded {
                        schema_version: options.schema_version,
                        ..Loaded::default()
                    };
                    if let Some(record) = load_record(dir, options, &mut part.diagnostics) {
                        part.items.push(Item::Record(record));
                    }
                    each(part)
                })
                .collect());
        }
        InputKind::Record => {
            if let Some(record) = load_record(path, options, &mut loaded.diagnostics) {
                loaded.items.push(Item::Record(record));
            }
        }
        InputKind::Version => {
            // Links are looked for here and in `load_record`, once per folder given:
            // not in `load_submission`, whose file may sit in any folder (a single-YAML
            // submission in ~/Downloads). Reads refuse links in any case.
            if !report_links(path, &mut loaded.diagnostics) {
                let sub = load_submission(
                    &path.join("submission.yaml"),
                    options,
                    &mut loaded.diagnostics,
                );
                loaded.items.push(Item::Submission(sub));
            }
        }
        InputKind::Archive => {
            let sub = input::load_archive(path, options, &mut loaded.diagnostics)?;
            loaded.items.extend(sub.map(Item::Submission));
        }
        InputKind::GzipYaml => {
            let sub = input::load_gzip_yaml(path, options, &mut loaded.diagnostics)?;
            loaded.items.extend(sub.map(Item::Submission));
        }
        InputKind::SingleYaml => {
            let sub = load_submission(path, options, &mut loaded.diagnostics);
            loaded.items.push(Item::Submission(sub));
        }
        InputKind::DataFile => {
            let data = load_data_with(path, options, &mut loaded.diagnostics);
            loaded.items.push(Item::DataFile(path.to_path_buf(), data));
        }
    }
    Ok(vec![each(loaded)])
}

/// The record folders under `records/`, sorted by name. Files there are ignored.
pub fn record_dirs(records: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(records)?
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.path())
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    dirs.sort();
    Ok(dirs)
}

/// Is `id` a valid record id: lowercase ASCII letters, digits and `-`, starting with a
/// letter or digit (it becomes part of DOIs and URLs).
pub fn is_record_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-')
}

/// Loads `records/<id>/`: record.yaml and every `v<n>/` folder.
pub fn load_record(
    dir: &Path,
    options: &Options,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Record> {
    let id = dir.file_name()?.to_string_lossy().into_owned();
    if report_links(dir, diagnostics) {
        return None;
    }
    let meta_file = dir.join("record.yaml");
    if !is_record_id(&id) {
        diagnostics.push(
            Diagnostic::error("E041", dir, Pos::NONE, format!("record id \"{id}\" is not allowed: ids are made of lowercase letters, digits and `-`"))
                .with_help("rename the folder, e.g. `ins1748602` or `atlas-susy-2018-31`; the id becomes part of DOIs and URLs"),
        );
    }
    if !meta_file.is_file() {
        diagnostics.push(
            Diagnostic::error(
                "E040",
                dir,
                Pos::NONE,
                "this record folder has no record.yaml",
            )
            .with_help("add record.yaml with title, collaborations, year and versions"),
        );
        return None;
    }
    let meta = record::load_meta(&meta_file, diagnostics)?;

    let mut versions = Vec::new();
    let mut entries: Vec<_> = fs::read_dir(dir).ok()?.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        match version_number(&name) {
            Some(n) if is_dir => {
                let file = path.join("submission.yaml");
                if !file.is_file() {
                    diagnostics.push(
                        Diagnostic::error("E032", &path, Pos::NONE, "this version folder has no submission.yaml")
                            .with_help("every version folder holds a HEPData submission: submission.yaml and its data files"),
                    );
                    continue;
                }
                let submission = load_submission(&file, options, diagnostics);
                versions.push(Version {
                    number: n,
                    dir: path,
                    submission,
                });
            }
            _ if name == "record.yaml"
                || (name.ends_with(".lock")
                    && version_number(&name[..name.len() - 5]).is_some()) => {}
            _ if name.starts_with('.') => {}
            _ => diagnostics.push(
                Diagnostic::warning(
                    "W010",
                    &path,
                    Pos::NONE,
                    format!(
                        "\"{name}\" is neither record.yaml, a version folder v<n>/ nor a lock file"
                    ),
                )
                .with_help("move it into a version folder, or remove it"),
            ),
        }
    }
    versions.sort_by_key(|v| v.number);
    Some(Record {
        id,
        dir: dir.to_path_buf(),
        meta,
        versions,
    })
}

/// Reports every symbolic link at or below `dir` (E039) and says whether there was one.
/// A link could make the site serve, or messages quote, a file from outside the record
/// (a pushed `data1.yaml -> /etc/passwd`): a folder holding one is not read at all.
pub(crate) fn report_links(dir: &Path, diagnostics: &mut Vec<Diagnostic>) -> bool {
    let links = symbolic_links(dir);
    diagnostics.extend(links.iter().map(|link| {
        let target = fs::read_link(link)
            .map(|t| format!(" (to {})", t.display()))
            .unwrap_or_default();
        Diagnostic::error(
            "E039",
            link,
            Pos::NONE,
            format!("this is a symbolic link{target}; records hold real files only, so nothing in this record was read"),
        )
        .with_help("replace the link by the file itself, e.g. `cp --remove-destination \"$(readlink -f LINK)\" LINK`, and commit that")
    }));
    !links.is_empty()
}

/// Every symbolic link at or below `dir` (the folder itself included), in name order.
fn symbolic_links(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(walkdir::DirEntry::path_is_symlink)
        .map(walkdir::DirEntry::into_path)
        .collect()
}

/// `v3` -> 3; anything else -> None. `v0` and `v01` are not version names.
pub fn version_number(name: &str) -> Option<u32> {
    let digits = name.strip_prefix('v')?;
    if digits.is_empty() || digits.starts_with('0') || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}
