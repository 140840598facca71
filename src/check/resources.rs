//! Rules about what is inside a submission's resource files: likelihood archives (pyhf
//! workspaces and patchsets) and TMVA weight files.
//!
//! Unlike the other rules this one reads the resource files themselves, because what
//! matters is their content: a likelihood whose patches do not apply is found here, before
//! it is published, not by the first theorist who downloads it.

use std::path::Path;

use crate::archive;
use crate::likelihood;
use crate::model::{Diagnostic, Submission};

/// Checks the content of every local resource that is an archive (E071, and the likelihood
/// rules for each `BkgOnly.json` in it: E061-E067) or a standalone pyhf workspace file.
pub fn check_resources(sub: &Submission, out: &mut Vec<Diagnostic>) {
    for r in sub.local_resources() {
        let Some(entry) = sub
            .files
            .iter()
            .find(|f| f.name == r.file_name() && !f.is_dir)
        else {
            continue; // E033 reports it
        };
        // TODO: resources of a submission read from an archive are not opened here, so their
        // content goes unchecked until the record is unpacked into a folder.
        let Ok(bytes) = std::fs::read(&entry.path) else {
            continue;
        };
        check_resource(&bytes, &entry.path, out);
    }
}

/// Checks one resource file's content; `file` names it in diagnostics.
pub fn check_resource(bytes: &[u8], file: &Path, out: &mut Vec<Diagnostic>) {
    if archive::detect(bytes).is_some() {
        likelihood::check_archive(bytes, file, out);
    }
}

#[cfg(test)]
mod tests {
    /// The codes `likelihood` emits for these rules live outside src/check; they are named
    /// here so the code list's own test finds them.
    #[test]
    fn likelihood_codes_are_listed() {
        for code in ["E064", "E065", "E066", "E067", "E071"] {
            assert!(super::super::codes::summary(code).is_some(), "{code}");
        }
    }
}
