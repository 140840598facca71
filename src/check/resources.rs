//! Rules about what is inside a submission's resource files: archives (E071), pyhf
//! workspaces and patchsets (E061-E067), TMVA weight XML (W015), and XML or JSON that is
//! not well-formed (W014).
//!
//! Unlike the other rules this one reads the resource files themselves, because what
//! matters is their content: a likelihood whose patches do not apply is found here, before
//! it is published, not by the first theorist who downloads it. The reading is done by
//! [`crate::resource`], whose cached analysis the resource pages reuse.

use std::borrow::Cow;

use crate::model::{Diagnostic, Pos, Submission};
use crate::resource;

/// Checks the content of every local resource of `sub`: files in its folder are read from
/// disk, members of a submission archive from the archive in memory.
pub fn check_resources(sub: &Submission, out: &mut Vec<Diagnostic>) {
    for r in sub.local_resources() {
        let Some(entry) = sub
            .files
            .iter()
            .find(|f| f.name == r.file_name() && !f.is_dir)
        else {
            continue; // E033 reports it
        };
        let bytes = match &entry.data {
            Some(data) => Cow::Borrowed(&data.0[..]),
            None => match std::fs::read(&entry.path) {
                Ok(b) => Cow::Owned(b),
                Err(e) => {
                    out.push(
                        Diagnostic::error(
                            "E050",
                            &entry.path,
                            Pos::NONE,
                            format!("cannot read this resource file: {e}"),
                        )
                        .with_help("check that the file is readable"),
                    );
                    continue;
                }
            },
        };
        out.extend(resource::analyse(&bytes, &entry.path).diagnostics(&entry.path));
    }
}
