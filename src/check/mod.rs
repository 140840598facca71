//! Check: the record model -> diagnostics. One file per group of rules; nothing here
//! reads or writes files (file listings come with the model).

pub mod codes;
pub mod frozen;
pub mod pyhf;
mod record;
pub mod resources;
mod submission;
mod table;

use crate::load::{Item, Loaded};
use crate::model::{Diagnostic, sort_diagnostics};

/// Runs every rule over what was loaded and returns all diagnostics, loading's included,
/// sorted by file and position.
pub fn check(loaded: &Loaded) -> Vec<Diagnostic> {
    let mut out = loaded.diagnostics.clone();
    for item in &loaded.items {
        match item {
            Item::Record(r) => record::check_record(r, &mut out),
            Item::Submission(s) => submission::check_submission(s, &mut out),
            Item::DataFile(path, Some(data)) => {
                table::check_data(path, data, loaded.schema_version, &mut out)
            }
            Item::DataFile(_, None) => {}
        }
    }
    sort_diagnostics(&mut out);
    out
}

/// Checks one loaded record (the build's per-record step; `check` runs it for a tree).
pub fn check_record(record: &crate::model::Record, out: &mut Vec<Diagnostic>) {
    record::check_record(record, out);
}

/// Counts of errors and warnings.
pub fn counts(diagnostics: &[Diagnostic]) -> (usize, usize) {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    (errors, diagnostics.len() - errors)
}
