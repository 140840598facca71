//! The record model: what a HEPData record is, independent of files and pages.
//!
//! `load` builds these types from the records tree; `check` reads them and returns
//! diagnostics; `render` turns them into pages and downloads. Every value a rule may
//! reject keeps its source position.

mod diagnostic;
mod pos;
mod record;
mod schema;
mod table;

pub use diagnostic::{Diagnostic, Severity, sort as sort_diagnostics};
pub use pos::{Pos, Spanned};
pub use record::{
    FileBytes, Journal, License, Record, RecordMeta, Resource, Submission, SubmissionFile, Version,
    VersionLog,
};
pub use schema::SchemaVersion;
pub use table::{
    Amount, Bin, Keyword, Point, Qualifier, Table, TableData, Uncertainty, UncertaintyKind, Value,
    Variable,
};
