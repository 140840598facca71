//! The YAML/JSON reader on arbitrary bytes: it must return nodes or a diagnostic, never
//! panic, hang or exhaust memory (alias bombs, deep nesting, odd encodings).

#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = hepstatic::load::yaml::parse(&text, Path::new("fuzz.yaml"), false);
    let _ = hepstatic::load::yaml::parse(&text, Path::new("fuzz.json"), true);
});
