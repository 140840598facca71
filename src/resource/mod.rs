//! Resource files whose content hepstatic understands: archives, pyhf likelihoods and
//! TMVA weight XML, analysed once for both the checker and the resource pages.
//!
//! Input: a resource's bytes and how diagnostics name it. Output: an [`Analysis`] holding
//! the diagnostics (`check` reports them) and what pages show (an archive's files and
//! likelihoods, a BDT). Likelihood archives take seconds to check, and both `check` and
//! the page of the same file need the result, so analyses are kept in a process-wide
//! cache keyed by content (see [`analyse`]).

mod cache;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::archive;
use crate::bdt::{self, Bdt, BdtError};
use crate::likelihood::{self, ArchiveReport};
use crate::model::{Diagnostic, Pos};

/// What hepstatic found inside one resource file.
#[derive(Debug, Default)]
pub struct Analysis {
    /// How the diagnostics below name the file (the label given when it was analysed).
    label: PathBuf,
    diagnostics: Vec<Diagnostic>,
    /// An archive's files and the likelihoods in it.
    pub archive: Option<ArchiveReport>,
    /// Why an archive could not be read.
    pub archive_error: Option<String>,
    /// A TMVA BDT that could be read.
    pub bdt: Option<Bdt>,
}

impl Analysis {
    /// The problems found, naming the file `file` (and its members `file:member`).
    pub fn diagnostics(&self, file: &Path) -> Vec<Diagnostic> {
        let old = self.label.to_string_lossy();
        let new = file.to_string_lossy();
        self.diagnostics
            .iter()
            .map(|d| {
                let mut d = d.clone();
                if old != new {
                    let path = d.file.to_string_lossy();
                    if let Some(rest) = path.strip_prefix(&*old) {
                        d.file = PathBuf::from(format!("{new}{rest}"));
                    }
                }
                d
            })
            .collect()
    }
}

/// What a file is, from its name and its first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Kind {
    Archive,
    Xml,
    Json,
}

fn kind(name: &str, bytes: &[u8]) -> Option<Kind> {
    let lower = name.to_ascii_lowercase();
    if archive::detect(bytes).is_some() {
        Some(Kind::Archive)
    } else if lower.ends_with(".xml") || looks_like_xml(bytes) {
        Some(Kind::Xml)
    } else if lower.ends_with(".json") {
        Some(Kind::Json)
    } else {
        None
    }
}

/// Does the text open with an XML declaration or TMVA's root element (after a byte-order
/// mark and blanks)? TMVA names its files `*.weights.xml`, but a renamed copy is still XML.
fn looks_like_xml(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let head = &bytes[start..];
    head.starts_with(b"<?xml") || head.starts_with(b"<MethodSetup")
}

/// Analyses a resource file; `file` names it in diagnostics and its last component decides,
/// with the bytes, what kind of file it is. Files of no kind hepstatic reads get an empty
/// analysis.
///
/// The result is cached by the SHA-256 of the bytes and the file name, so the checker and
/// the page of one file, or two records shipping the same archive, share one analysis.
/// The cache is shared between threads, and a file being analysed by one thread is waited
/// for, not analysed again, by another. Cost: one SHA-256 of the bytes per call.
pub fn analyse(bytes: &[u8], file: &Path) -> Arc<Analysis> {
    let name = file_name(file);
    let Some(kind) = kind(&name, bytes) else {
        return Arc::new(Analysis::default());
    };
    cache::get_or_insert(bytes, name, || analyse_uncached(kind, bytes, file))
}

fn analyse_uncached(kind: Kind, bytes: &[u8], file: &Path) -> Analysis {
    let mut a = Analysis {
        label: file.to_path_buf(),
        ..Analysis::default()
    };
    match kind {
        Kind::Archive => analyse_archive(bytes, file, &mut a),
        Kind::Xml => a.bdt = check_xml(bytes, file, &mut a.diagnostics),
        Kind::Json => check_json(bytes, file, &mut a.diagnostics),
    }
    a
}

/// An archive: the safe reader (E071), the likelihoods in it, and then every other member
/// hepstatic reads, named `archive:member`. Archives inside the archive are not opened.
fn analyse_archive(bytes: &[u8], file: &Path, a: &mut Analysis) {
    let members = match archive::read(bytes) {
        Ok(m) => m,
        Err(e) => {
            a.diagnostics.push(
                Diagnostic::error("E071", file, Pos::NONE, format!("the archive cannot be read: {e}"))
                    .with_help("pack the files again with tar -czf or zip, without links, absolute paths or .. in names"),
            );
            a.archive_error = Some(e.to_string());
            return;
        }
    };
    let report = likelihood::check_members(&members, file, &mut a.diagnostics);
    for m in &members.members {
        if likelihood::is_likelihood_member(&report, &m.path) {
            continue;
        }
        let path = PathBuf::from(format!("{}:{}", file.display(), m.path));
        match kind(&m.path, &m.data) {
            Some(Kind::Xml) => {
                check_xml(&m.data, &path, &mut a.diagnostics);
            }
            Some(Kind::Json) => check_json(&m.data, &path, &mut a.diagnostics),
            Some(Kind::Archive) | None => {}
        }
    }
    a.archive = Some(report);
}

/// XML: well-formed (W014), and when it is TMVA's `<MethodSetup>` for a BDT, readable as
/// one (W015). Both are warnings: HEPData takes any file as a resource, and hepstatic's
/// reading of TMVA files is its own, not ROOT's. Returns the BDT when there is one.
fn check_xml(bytes: &[u8], file: &Path, out: &mut Vec<Diagnostic>) -> Option<Bdt> {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            out.push(
                Diagnostic::warning(
                    "W014",
                    file,
                    pos_of_offset(bytes, e.valid_up_to()),
                    "this XML file is not UTF-8 text",
                )
                .with_help("save it as UTF-8 (TMVA writes plain ASCII)"),
            );
            return None;
        }
    };
    match bdt::read(text) {
        Ok(b) if b.method.starts_with("BDT") && b.ntrees == 0 => {
            out.push(
                Diagnostic::warning("W015", file, Pos::NONE, "this TMVA BDT has no <BinaryTree> in <Weights>")
                    .with_help("publish the weight file TMVA wrote after training (dataset/weights/*.weights.xml)"),
            );
            Some(b)
        }
        Ok(b) => Some(b),
        Err(BdtError::Xml {
            line,
            column,
            message,
        }) => {
            out.push(
                Diagnostic::warning(
                    "W014",
                    file,
                    Pos { line, col: column },
                    format!("not well-formed XML: {message}"),
                )
                .with_help("XML readers (ROOT's TMVA::Reader among them) refuse the whole file: correct it at this position, or publish the file TMVA wrote"),
            );
            None
        }
        Err(BdtError::NotTmva(_)) => None,
        Err(BdtError::Invalid {
            line,
            column,
            message,
        }) => {
            out.push(
                Diagnostic::warning(
                    "W015",
                    file,
                    Pos { line, col: column },
                    format!("this TMVA weight file cannot be evaluated: {message}"),
                )
                .with_help("publish the weight file TMVA wrote after training, unedited; `hepstatic bdt FILE` shows what hepstatic reads"),
            );
            None
        }
    }
}

/// JSON: well-formed (W014), and a pyhf workspace or patchset checked as one (E061-E065).
///
/// TODO: a standalone patchset's patches are not applied to a workspace published beside
/// it as another resource (only inside one archive), so its digests go unchecked there.
fn check_json(bytes: &[u8], file: &Path, out: &mut Vec<Diagnostic>) {
    let value: serde_json::Value = match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(e) => {
            out.push(
                Diagnostic::warning(
                    "W014",
                    file,
                    json_pos(bytes, &e),
                    format!("not well-formed JSON: {}", json_message(&e)),
                )
                .with_help("JSON readers (pyhf's among them) refuse the whole file: correct it at this position"),
            );
            return;
        }
    };
    // A lone "channels" key is too common in JSON to call a file a pyhf workspace; with
    // observations or measurements beside it, the file means to be one.
    let has = |key: &str| value.get(key).is_some();
    if has("channels") && (has("observations") || has("measurements")) {
        likelihood::read_workspace(bytes, file, out);
    } else if value.get("patches").is_some() && value.get("metadata").is_some() {
        likelihood::check_patchset(&value, file, None, out);
    }
}

/// serde_json's message without its trailing "at line L column C" (the position is given
/// apart).
fn json_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// Line and column (1-based, the column in characters) of a byte offset.
fn pos_of_offset(bytes: &[u8], offset: usize) -> Pos {
    let before = &bytes[..offset.min(bytes.len())];
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let col = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    Pos::new(line as u32, col as u32)
}

/// Where serde_json stopped, with the column in characters (serde_json counts bytes).
fn json_pos(bytes: &[u8], e: &serde_json::Error) -> Pos {
    let Some(line_start) = (if e.line() <= 1 {
        Some(0)
    } else {
        bytes
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .nth(e.line() - 2)
            .map(|(i, _)| i + 1)
    }) else {
        return Pos::new(e.line() as u32, e.column() as u32);
    };
    // serde_json's column is the byte it stopped at, 1-based; 0 right after a newline.
    pos_of_offset(bytes, line_start + e.column().saturating_sub(1))
}

/// The last component of a path or of an archive member's name (`a.tar.gz:dir/b.json`).
fn file_name(file: &Path) -> String {
    let s = file.to_string_lossy();
    s.rsplit(['/', ':']).next().unwrap_or(&s).to_string()
}

#[cfg(test)]
mod tests;
