//! What kind of input a path is, and submission archives read in memory.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::model::{Diagnostic, Pos, SchemaVersion, Submission};

use super::Options;
use super::source::Source;
use super::submission::read_submission;

/// What kind of input a path is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputKind {
    /// A folder holding `records/`, or the `records/` folder itself.
    Tree,
    Record,
    Version,
    /// A submission packed as .zip, .tar, .tar.gz or .tgz.
    Archive,
    SingleYaml,
    /// A single-YAML submission compressed with gzip (`.yaml.gz`), as HEPData accepts.
    GzipYaml,
    DataFile,
}

/// Tells what `path` is from what it holds, not from its name alone.
///
/// # Errors
/// When the path does not exist or is none of the inputs hepstatic knows.
pub fn detect(path: &Path) -> Result<InputKind, String> {
    let meta = fs::metadata(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if meta.is_dir() {
        if path.join("record.yaml").is_file() {
            return Ok(InputKind::Record);
        }
        if path.join("submission.yaml").is_file() {
            return Ok(InputKind::Version);
        }
        if path.join("records").is_dir() || holds_records(path) {
            return Ok(InputKind::Tree);
        }
        return Err(format!(
            "{} is not a records tree, a record (record.yaml), or a version folder (submission.yaml)",
            path.display()
        ));
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if name.ends_with(".yaml.gz") || name.ends_with(".yml.gz") {
        return Ok(InputKind::GzipYaml);
    }
    if [".zip", ".tar", ".tar.gz", ".tgz"]
        .iter()
        .any(|ext| name.ends_with(ext))
    {
        return Ok(InputKind::Archive);
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "json" => Ok(InputKind::DataFile),
        "yaml" | "yml" => {
            // A single-YAML submission has table documents (`name:`); a data file has the
            // variables at the top level of its only document.
            let head =
                fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let text = String::from_utf8_lossy(&head);
            let submission_like = text
                .lines()
                .any(|l| l.starts_with("name:") || l.starts_with("data_file:"))
                || text.lines().filter(|l| l.starts_with("---")).count() > 1;
            Ok(if submission_like {
                InputKind::SingleYaml
            } else {
                InputKind::DataFile
            })
        }
        _ => {
            // An archive with an unusual name is still recognised from its bytes.
            let head =
                fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            if crate::archive::detect(&head).is_some() {
                return Ok(InputKind::Archive);
            }
            Err(format!(
                "{} is not a folder, an archive (.zip, .tar, .tar.gz, .tgz), a .yaml/.yml file or a .json data file",
                path.display()
            ))
        }
    }
}

fn holds_records(dir: &Path) -> bool {
    fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .any(|e| e.path().join("record.yaml").is_file())
        })
        .unwrap_or(false)
}

/// Reads a submission archive without unpacking it to disk. The submission is the folder
/// holding the archive's shallowest `submission.yaml`; diagnostics name its files
/// `archive.tar.gz:folder/file.yaml`. Files outside that folder are reported as
/// unreferenced, as files inside it are (schema 1.1.0 on).
///
/// # Errors
/// When the archive file cannot be read at all (the tool fails). An archive that is
/// damaged, unsafe or holds no submission.yaml is a diagnostic, and `None`.
pub fn load_archive(
    path: &Path,
    options: &Options,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Option<Submission>, String> {
    let bytes = fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let archive = match crate::archive::read(&bytes) {
        Ok(archive) => archive,
        Err(e) => {
            diagnostics.push(
                Diagnostic::error("E070", path, Pos::NONE, format!("this archive cannot be checked: {e}"))
                    .with_help("pack the submission folder again, e.g. `tar -czf submission.tar.gz -C folder .`, with regular files only"),
            );
            return Ok(None);
        }
    };
    let is_metadata = |p: &str| p.starts_with("__MACOSX/") || file_name(p).starts_with("._");
    let Some(main) = archive
        .members
        .iter()
        .filter(|m| file_name(&m.path) == "submission.yaml" && !is_metadata(&m.path))
        .min_by_key(|m| m.path.matches('/').count())
    else {
        diagnostics.push(
            Diagnostic::error(
                "E032",
                path,
                Pos::NONE,
                "this archive holds no submission.yaml",
            )
            .with_help("pack the folder holding submission.yaml and its data files"),
        );
        return Ok(None);
    };
    let root = main.path[..main.path.len() - "submission.yaml".len()].to_string();
    let mut files = BTreeMap::new();
    let mut outside = Vec::new();
    for m in archive.members {
        match m.path.strip_prefix(&root) {
            Some(rel) => {
                files.insert(rel.to_string(), Arc::from(m.data));
            }
            None => outside.push(m.path),
        }
    }
    let label = format!("{}:{root}", path.display());
    let source = Source::Memory { label, files };
    let submission = read_submission(&source, "submission.yaml", options, diagnostics);
    if submission.schema_version >= SchemaVersion::V1_1_0 {
        report_outside(path, &outside, diagnostics);
    }
    Ok(Some(submission))
}

/// At most this much is unpacked from a `.yaml.gz` file (a gzip bomb stops here).
const MAX_GZIP_YAML_BYTES: u64 = 1 << 30;

/// Reads a gzip-compressed single-YAML submission in memory; diagnostics name it
/// `file.yaml.gz:file.yaml`.
///
/// # Errors
/// When the file cannot be read at all. A damaged or oversized stream is a diagnostic.
pub fn load_gzip_yaml(
    path: &Path,
    options: &Options,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Option<Submission>, String> {
    use std::io::Read;

    let bytes = fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut text = Vec::new();
    let read = flate2::read::GzDecoder::new(bytes.as_slice())
        .take(MAX_GZIP_YAML_BYTES + 1)
        .read_to_end(&mut text);
    let problem = match read {
        Err(e) => Some(format!("this is not a readable gzip file: {e}")),
        Ok(n) if n as u64 > MAX_GZIP_YAML_BYTES => Some(format!(
            "this file unpacks to more than {} GiB",
            MAX_GZIP_YAML_BYTES >> 30
        )),
        Ok(_) => None,
    };
    if let Some(message) = problem {
        diagnostics.push(
            Diagnostic::error("E070", path, Pos::NONE, message)
                .with_help("compress the single-YAML file again with `gzip`"),
        );
        return Ok(None);
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let inner = name.strip_suffix(".gz").unwrap_or(&name).to_string();
    let source = Source::Memory {
        label: format!("{}:", path.display()),
        files: BTreeMap::from([(inner.clone(), Arc::from(text))]),
    };
    Ok(Some(read_submission(&source, &inner, options, diagnostics)))
}

/// Members outside the submission's folder: nothing can refer to them.
fn report_outside(archive: &Path, outside: &[String], diagnostics: &mut Vec<Diagnostic>) {
    let macosx = outside
        .iter()
        .filter(|p| p.starts_with("__MACOSX/"))
        .count();
    if macosx > 0 {
        diagnostics.push(
            Diagnostic::error(
                "E037",
                &member_path(archive, "__MACOSX"),
                Pos::NONE,
                format!("the folder __MACOSX/ ({macosx} files) is macOS metadata, not part of the submission"),
            )
            .with_help("pack the archive again without it: `zip -r -X`, or tar with COPYFILE_DISABLE=1"),
        );
    }
    for p in outside.iter().filter(|p| !p.starts_with("__MACOSX/")) {
        let help = if file_name(p).starts_with("._") {
            "this is a macOS metadata (AppleDouble) file made by tar: pack again with COPYFILE_DISABLE=1 set"
        } else {
            "move it into the folder that holds submission.yaml and list it in additional_resources, or leave it out of the archive"
        };
        diagnostics.push(
            Diagnostic::error(
                "E037",
                &member_path(archive, p),
                Pos::NONE,
                "this file is outside the submission's folder, so nothing refers to it",
            )
            .with_help(help),
        );
    }
}

fn member_path(archive: &Path, member: &str) -> PathBuf {
    PathBuf::from(format!("{}:{member}", archive.display()))
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}
