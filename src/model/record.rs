//! Records, their versions and the submissions inside them.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::pos::{Pos, Spanned};
use super::schema::SchemaVersion;
use super::table::Table;

/// One record: `records/<id>/`, its `record.yaml` and its version folders.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Record {
    pub id: String,
    /// The record's folder, as given on the command line or found in the tree.
    pub dir: PathBuf,
    pub meta: RecordMeta,
    /// Version folders found on disk, in increasing number.
    pub versions: Vec<Version>,
}

impl Record {
    pub fn latest(&self) -> Option<&Version> {
        self.versions.last()
    }
}

/// `record.yaml`: what HEPData takes from INSPIRE, and the version log.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct RecordMeta {
    pub title: String,
    pub collaborations: Vec<String>,
    pub authors: Vec<String>,
    pub abstract_text: Option<String>,
    pub inspire_id: Option<u64>,
    pub arxiv: Option<String>,
    pub journal: Option<Journal>,
    pub year: Option<i32>,
    pub versions: Vec<VersionLog>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Journal {
    pub reference: Option<String>,
    pub doi: Option<String>,
}

/// One entry of `record.yaml`'s `versions:` list.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct VersionLog {
    pub version: u32,
    pub date: Option<String>,
    pub message: Option<String>,
    pub pos: Pos,
}

/// One version folder `v<n>/` holding a HEPData submission.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Version {
    pub number: u32,
    pub dir: PathBuf,
    pub submission: Submission,
}

/// A HEPData submission: the optional record-wide document and the tables.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Submission {
    /// `submission.yaml`, or the single-YAML file with the tables inline.
    pub file: PathBuf,
    pub comment: Option<String>,
    pub license: Option<License>,
    pub resources: Vec<Resource>,
    pub related_records: Vec<i64>,
    pub tables: Vec<Table>,
    /// The schema the submission was checked against: declared by the record, or the
    /// configured default.
    pub schema_version: SchemaVersion,
    /// Every entry of the submission's folder (or archive folder), sorted by name, so
    /// rules about files need not look at the disk again.
    pub files: Vec<SubmissionFile>,
}

/// One entry of a submission's folder.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmissionFile {
    /// The name inside the folder, e.g. `data1.yaml`.
    pub name: String,
    /// How diagnostics name it: `records/x/v1/data1.yaml`, or `sub.tar.gz:top/data1.yaml`
    /// for an archive member.
    pub path: PathBuf,
    pub is_dir: bool,
    /// Size in bytes (0 for folders).
    pub size: u64,
    /// The bytes of a file read from an archive in memory; `None` for a file on disk,
    /// which rules that need its content read from `path`.
    #[serde(skip)]
    pub data: Option<FileBytes>,
}

/// A file's bytes held in memory, shared rather than copied when a submission is cloned.
#[derive(Clone, PartialEq, Eq)]
pub struct FileBytes(pub Arc<[u8]>);

impl fmt::Debug for FileBytes {
    /// The length only: a resource can be megabytes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FileBytes({} bytes)", self.0.len())
    }
}

impl Submission {
    /// Local resource files in DOI order: record-wide first, then each table's in order.
    pub fn local_resources(&self) -> impl Iterator<Item = &Resource> {
        self.resources
            .iter()
            .chain(self.tables.iter().flat_map(|t| t.resources.iter()))
            .filter(|r| r.is_local())
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct License {
    pub name: String,
    pub url: Option<String>,
    pub description: Option<String>,
}

/// An `additional_resources` entry: a file beside the submission or a URL.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Resource {
    pub location: Spanned<String>,
    pub description: Option<String>,
    /// The optional `type` field (HEPData uses e.g. "code", "HistFactory", "ROOT").
    pub kind: Option<String>,
    pub license: Option<License>,
}

impl Resource {
    /// A URL (`scheme://...`) is not a file in the submission.
    pub fn is_local(&self) -> bool {
        !is_url(&self.location.value)
    }

    /// The file name of a local resource (its location holds no folder, see the checker).
    pub fn file_name(&self) -> &str {
        &self.location.value
    }
}

pub fn is_url(location: &str) -> bool {
    match location.split_once("://") {
        Some((scheme, rest)) => {
            !scheme.is_empty()
                && !rest.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}
