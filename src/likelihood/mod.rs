//! Likelihoods: pyhf workspaces, patchsets and JSON patches, checked and summarised.
//!
//! Input: the bytes of a workspace, a patchset, a patch file or a likelihood archive (the
//! HEPData layout: `<region>/BkgOnly.json` with a patchset or `patch.*.json` files beside
//! it). Output: diagnostics, and summaries that resource pages show. Workspaces are
//! checked by [`crate::check::pyhf`]; this module adds patchsets, RFC 6902 patches and
//! their application, and the archive layout.

pub mod digest;
pub mod patch;
pub mod patchset;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;

use crate::archive;
use crate::check::pyhf;
use crate::load::yaml::{self, Kind, Node, Scalar};
use crate::model::{Diagnostic, Pos};

pub use patchset::{PatchsetSummary, Point, check_patch_file, check_patchset};

/// A workspace that passed its checks, kept for verifying and applying patches.
#[derive(Clone, Debug)]
pub struct Workspace {
    /// Its file name, for messages (`BkgOnly.json`).
    pub name: String,
    pub value: Value,
    pub summary: WorkspaceSummary,
}

/// What a workspace holds, for pages.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct WorkspaceSummary {
    pub channels: Vec<ChannelSummary>,
    /// Every sample name, in order of first appearance.
    pub samples: Vec<String>,
    /// Every parameter (modifier name), sorted.
    pub parameters: Vec<String>,
    /// Measurement name and parameter of interest.
    pub measurements: Vec<(String, String)>,
    pub bins: usize,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ChannelSummary {
    pub name: String,
    pub bins: usize,
    pub samples: Vec<String>,
}

impl From<pyhf::Summary> for WorkspaceSummary {
    fn from(s: pyhf::Summary) -> Self {
        let mut samples: Vec<String> = Vec::new();
        for (_, _, names) in &s.channels {
            for n in names {
                if !samples.contains(n) {
                    samples.push(n.clone());
                }
            }
        }
        WorkspaceSummary {
            bins: s.channels.iter().map(|c| c.1).sum(),
            channels: s
                .channels
                .into_iter()
                .map(|(name, bins, samples)| ChannelSummary {
                    name,
                    bins,
                    samples,
                })
                .collect(),
            samples,
            parameters: s.parameters,
            measurements: s.measurements,
        }
    }
}

/// Parses JSON text into the position-keeping node tree and a `serde_json` value.
fn parse_json(bytes: &[u8], file: &Path, out: &mut Vec<Diagnostic>) -> Option<(Node, Value)> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        out.push(
            Diagnostic::error("E001", file, Pos::NONE, "the file is not UTF-8 text")
                .with_help("save the JSON file as UTF-8"),
        );
        return None;
    };
    let docs = match yaml::parse(text, file, true) {
        Ok(docs) => docs,
        Err(d) => {
            out.push(d);
            return None;
        }
    };
    out.extend(docs.problems);
    let node = docs.docs.into_iter().next()?;
    // The strict reader accepted it, so serde_json does too (a trailing comma aside).
    let value = serde_json::from_str(text)
        .ok()
        .unwrap_or_else(|| to_value(&node));
    Some((node, value))
}

/// Reads and checks a background-only (or any) workspace; `None` when it has errors.
pub fn read_workspace(bytes: &[u8], file: &Path, out: &mut Vec<Diagnostic>) -> Option<Workspace> {
    let (node, value) = parse_json(bytes, file, out)?;
    let summary = pyhf::check_workspace(&node, file, out)?;
    Some(Workspace {
        name: file_name(file),
        value,
        summary: summary.into(),
    })
}

/// Reads JSON for a patchset or patch file; `None` (with a diagnostic) when it is not JSON.
///
/// Patchsets run to tens of megabytes, so they are read with serde_json alone; the
/// position-keeping reader runs only to report a syntax error with its line and column.
pub fn read_json(bytes: &[u8], file: &Path, out: &mut Vec<Diagnostic>) -> Option<Value> {
    match serde_json::from_slice(bytes) {
        Ok(v) => Some(v),
        Err(_) => parse_json(bytes, file, out).map(|(_, v)| v),
    }
}

/// Applies `ops` to a copy of the workspace and checks the result as a workspace that is
/// fit as it is (its POI must exist). Problems are reported against `file`, naming the
/// patch (`who`) and the JSON pointer in the patched workspace. Returns whether it is good.
pub(crate) fn check_patched(
    ws: &Workspace,
    ops: &Value,
    who: &str,
    file: &Path,
    out: &mut Vec<Diagnostic>,
) -> bool {
    let mut patched = ws.value.clone();
    if let Err(e) = patch::apply(&mut patched, ops) {
        out.push(
            Diagnostic::error(
                "E067",
                file,
                Pos::NONE,
                format!("{who}: {e} in {}", ws.name),
            )
            .with_help("a patch must apply to the background-only workspace it is published with: correct the path, or regenerate the patch from that workspace"),
        );
        return false;
    }
    let mut found = Vec::new();
    pyhf::check_workspace_strict(&to_node(&patched), file, &mut found);
    let good = !found.iter().any(Diagnostic::is_error);
    for mut d in found {
        // Positions in the patched workspace exist in no file; the pointer says where.
        d.line = 0;
        d.column = 0;
        d.message = format!("{who} applied to {}: {}", ws.name, d.message);
        out.push(d);
    }
    good
}

/// A JSON value as a node tree without positions, for the workspace checks.
fn to_node(v: &Value) -> Node {
    let scalar = |text: String, plain: bool| {
        Kind::Scalar(Scalar {
            text,
            plain,
            tag: None,
            json: true,
        })
    };
    let kind = match v {
        Value::Null => scalar("null".into(), true),
        Value::Bool(b) => scalar(b.to_string(), true),
        Value::Number(n) => scalar(n.to_string(), true),
        Value::String(s) => scalar(s.clone(), false),
        Value::Array(items) => Kind::Seq(items.iter().map(to_node).collect()),
        Value::Object(map) => Kind::Map(
            map.iter()
                .map(|(k, v)| (to_node(&Value::String(k.clone())), to_node(v)))
                .collect(),
        ),
    };
    Node {
        pos: Pos::NONE,
        kind,
    }
}

/// The inverse of [`to_node`], for the rare text serde_json refuses but the reader took.
fn to_value(node: &Node) -> Value {
    match &node.kind {
        Kind::Scalar(s) => match s.resolve() {
            yaml::Resolved::Null => Value::Null,
            yaml::Resolved::Bool(b) => Value::Bool(b),
            yaml::Resolved::Int(_) | yaml::Resolved::Float(_) => {
                serde_json::from_str(&s.text).unwrap_or(Value::Null)
            }
            yaml::Resolved::Str(t) => Value::String(t.to_string()),
        },
        Kind::Seq(items) => Value::Array(items.iter().map(to_value).collect()),
        Kind::Map(entries) => Value::Object(
            entries
                .iter()
                .map(|(k, v)| {
                    let key = k.as_scalar().map_or(String::new(), |s| s.text.clone());
                    (key, to_value(v))
                })
                .collect(),
        ),
    }
}

fn file_name(file: &Path) -> String {
    let s = file.to_string_lossy();
    s.rsplit(['/', ':']).next().unwrap_or(&s).to_string()
}

/// One file of an archive, for resource pages.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ArchiveFile {
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
}

/// One region of a likelihood archive: a folder with a background-only workspace.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Region {
    /// The folder (`1Lbb`), empty at the archive's top.
    pub dir: String,
    /// The workspace's path inside the archive.
    pub workspace: String,
    /// `None` when the workspace has errors.
    pub summary: Option<WorkspaceSummary>,
    /// Patchset files (path inside the archive) with their signal points.
    pub patchsets: Vec<(String, PatchsetSummary)>,
    /// Bare JSON patch files (path, applied cleanly).
    pub patches: Vec<(String, bool)>,
}

/// What a likelihood archive holds.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ArchiveReport {
    pub files: Vec<ArchiveFile>,
    pub regions: Vec<Region>,
}

/// Every regular file of an archive with its size and SHA-256.
///
/// # Errors
/// As [`archive::read`].
pub fn archive_files(bytes: &[u8]) -> Result<Vec<ArchiveFile>, archive::ArchiveError> {
    let a = archive::read(bytes)?;
    Ok(files_of(&a))
}

fn files_of(a: &archive::Archive) -> Vec<ArchiveFile> {
    use sha2::Digest as _;
    a.members
        .iter()
        .map(|m| ArchiveFile {
            path: m.path.clone(),
            bytes: m.data.len() as u64,
            sha256: hex::encode(sha2::Sha256::digest(&m.data)),
        })
        .collect()
}

/// Is `path` a background-only workspace by HEPData's naming (`BkgOnly.json`, any case)?
fn is_bkg_only(path: &str) -> bool {
    path.rsplit('/')
        .next()
        .is_some_and(|n| n.eq_ignore_ascii_case("bkgonly.json"))
}

/// Reads an archive and checks every likelihood in it: each `BkgOnly.json`, and the
/// patchsets and patch files in its folder. `file` names the archive in diagnostics
/// (`archive.tar.gz:1Lbb/patchset.json`). `None` when the archive cannot be read (E071).
pub fn check_archive(
    bytes: &[u8],
    file: &Path,
    out: &mut Vec<Diagnostic>,
) -> Option<ArchiveReport> {
    let a = match archive::read(bytes) {
        Ok(a) => a,
        Err(e) => {
            out.push(
                Diagnostic::error("E071", file, Pos::NONE, format!("the archive cannot be read: {e}"))
                    .with_help("pack the files again with tar -czf or zip, without links, absolute paths or .. in names"),
            );
            return None;
        }
    };
    Some(check_members(&a, file, out))
}

/// Checks every likelihood among an archive's members, as [`check_archive`] does, for an
/// archive already read.
pub fn check_members(
    a: &archive::Archive,
    file: &Path,
    out: &mut Vec<Diagnostic>,
) -> ArchiveReport {
    let member_file = |path: &str| PathBuf::from(format!("{}:{path}", file.display()));
    let mut report = ArchiveReport {
        files: files_of(a),
        regions: Vec::new(),
    };
    let dirs: BTreeSet<&str> = a
        .members
        .iter()
        .filter(|m| is_bkg_only(&m.path))
        .map(|m| m.path.rsplit_once('/').map_or("", |(d, _)| d))
        .collect();
    for dir in dirs {
        let in_dir = |path: &str| path.rsplit_once('/').map_or("", |(d, _)| d) == dir;
        let Some(bkg) = a
            .members
            .iter()
            .find(|m| in_dir(&m.path) && is_bkg_only(&m.path))
        else {
            continue;
        };
        let ws = read_workspace(&bkg.data, &member_file(&bkg.path), out);
        let mut region = Region {
            dir: dir.to_string(),
            workspace: bkg.path.clone(),
            summary: ws.as_ref().map(|w| w.summary.clone()),
            ..Region::default()
        };
        for m in a.members.iter().filter(|m| {
            in_dir(&m.path)
                && !is_bkg_only(&m.path)
                && m.path.to_ascii_lowercase().ends_with(".json")
        }) {
            let path = member_file(&m.path);
            let Some(value) = read_json(&m.data, &path, out) else {
                continue;
            };
            if value.get("patches").is_some() || value.get("metadata").is_some() {
                let s = check_patchset(&value, &path, ws.as_ref(), out);
                region.patchsets.push((m.path.clone(), s));
            } else if value.is_array() {
                let ok = ws
                    .as_ref()
                    .is_some_and(|w| check_patch_file(&value, &path, w, out));
                region.patches.push((m.path.clone(), ok));
            }
        }
        report.regions.push(region);
    }
    report
}

/// Is `path` (a member of an archive) read by the likelihood checks of [`check_members`]:
/// a JSON file in a folder holding a `BkgOnly.json`?
pub fn is_likelihood_member(report: &ArchiveReport, path: &str) -> bool {
    let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
    path.to_ascii_lowercase().ends_with(".json") && report.regions.iter().any(|r| r.dir == dir)
}
