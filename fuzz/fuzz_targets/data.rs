//! A data file on arbitrary bytes, through the whole data-file reader: the fast path for
//! plain tables and its fall-back to the full YAML reader. It must give a table or
//! diagnostics, never panic or hang.

#![no_main]

use std::path::Path;

use hepstatic::load::{SchemaVersion, read_data_bytes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for (name, json) in [("fuzz.yaml", false), ("fuzz.json", true)] {
        let mut diagnostics = Vec::new();
        let table = read_data_bytes(data, Path::new(name), json, SchemaVersion::default(), &mut diagnostics);
        // A file the reader gives up on says why.
        assert!(table.is_some() || !diagnostics.is_empty(), "{name}: no table and no diagnostic");
    }
});
