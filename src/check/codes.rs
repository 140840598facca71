//! Every diagnostic code, with a one-line summary. Codes are stable: scripts and CI
//! annotations refer to them, so a code is never reused for another rule.
//!
//! E001-E008: reading files. E010-E017: fields and documents. E020-E029: table data.
//! E030-E039: files of a submission and record. E040-E046: records, keywords, cross-references.
//! E047-E049: published (locked) versions.
//! E050: I/O. E060-E067: pyhf workspaces and patchsets. E070-E071: archives. W: warnings
//! (W014-W015: XML and JSON resources).

pub const CODES: &[(&str, &str)] = &[
    (
        "E001",
        "the file is not valid YAML or JSON, or not UTF-8 text",
    ),
    ("E002", "a mapping has the same key twice"),
    (
        "E003",
        "a YAML tag other than the core ones (!!str, !!int, ...) is used",
    ),
    ("E004", "YAML aliases expand to too many nodes (alias bomb)"),
    (
        "E005",
        "a tab indents a line or follows a `-`; YAML allows only spaces there",
    ),
    ("E007", "a data file holds more than one YAML document"),
    ("E008", "a data file is empty or holds only comments"),
    (
        "E010",
        "a field has the wrong type (text, number, list or mapping expected)",
    ),
    ("E011", "a required field is missing"),
    ("E012", "a field is not allowed here (often a typo)"),
    (
        "E013",
        "a text is longer than HEPData's schema allows (keyword, location, licence, type)",
    ),
    (
        "E014",
        "a submission document is neither the record-wide first document nor a table",
    ),
    (
        "E016",
        "the declared HEPData schema version is unknown or declared twice differently",
    ),
    (
        "E017",
        "an independent variable has more than one overflow or underflow bin",
    ),
    (
        "E020",
        "variables of one table have different numbers of values",
    ),
    (
        "E021",
        "a value or bin is malformed (low without high, null value, text edge)",
    ),
    (
        "E022",
        "an uncertainty is malformed (not a number, empty, 5%%)",
    ),
    (
        "E023",
        "a bin's low edge is above its high edge, or an open bin is open the wrong way",
    ),
    ("E024", "a value or uncertainty is NaN or infinite"),
    (
        "E025",
        "a percentage uncertainty on a value that is not a number",
    ),
    ("E026", "every uncertainty of a point is zero"),
    (
        "E027",
        "a bin is open at both ends, or a value is given as a text range",
    ),
    (
        "E028",
        "a number that YAML 1.1 (HEPData) and YAML 1.2 read as different values (012, 1_000)",
    ),
    (
        "E029",
        "a table has independent variables but no dependent variables",
    ),
    ("E030", "two tables have the same name"),
    ("E031", "two tables use the same data file"),
    (
        "E032",
        "a data file, submission.yaml or version folder is missing",
    ),
    ("E033", "a local resource file is missing"),
    ("E034", "a table name is longer than 64 characters"),
    ("E035", "a file name contains a folder separator"),
    ("E036", "a data file is larger than the configured limit"),
    ("E037", "a file in the submission is referenced by nothing"),
    (
        "E038",
        "a resource location is neither a file name nor a well-formed URL",
    ),
    (
        "E039",
        "a record holds a symbolic link (records hold real files only)",
    ),
    ("E040", "record.yaml is missing or has a bad field"),
    (
        "E041",
        "a record id has characters other than a-z, 0-9 and -",
    ),
    (
        "E042",
        "record.yaml's version log and the version folders disagree",
    ),
    (
        "E043",
        "a keyword name is not cmenergies, observables, reactions or phrases",
    ),
    (
        "E044",
        "a cmenergies value is not a number in GeV or a single range such as 7000-8000",
    ),
    (
        "E045",
        "a related HEPData record is not a record number, or is listed twice",
    ),
    (
        "E046",
        "a related table DOI is not of the form 10.17182/hepdata.N.vM/tK, or is listed twice",
    ),
    (
        "E047",
        "a file of a published version (one with a lock) was changed, added or removed",
    ),
    (
        "E048",
        "a lock file is malformed, its version folder is gone, or a published lock was replaced",
    ),
    (
        "E049",
        "a table or resource of a published version changed its number",
    ),
    ("E050", "a file could not be read"),
    (
        "E060",
        "a table's data_schema is not a schema URL HEPData can load",
    ),
    (
        "E061",
        "a pyhf workspace has a wrong or missing field (schema shape)",
    ),
    (
        "E062",
        "a pyhf workspace's data lengths disagree with its bins",
    ),
    (
        "E063",
        "a pyhf workspace refers to something it does not define, or defines it twice",
    ),
    (
        "E064",
        "a pyhf patchset has a wrong or missing field (schema shape)",
    ),
    (
        "E065",
        "a pyhf patchset names a patch twice, repeats a signal point's values, or gives values not matching its labels",
    ),
    (
        "E066",
        "a pyhf patchset's digest does not match its background-only workspace",
    ),
    (
        "E067",
        "a patch does not apply to its background-only workspace (RFC 6902)",
    ),
    (
        "E070",
        "a submission archive cannot be read, or holds an unsafe member",
    ),
    (
        "E071",
        "a resource archive cannot be read, or holds an unsafe member",
    ),
    (
        "W001",
        "a number that YAML 1.1 (HEPData's validator) reads as text but YAML 1.2 as a number",
    ),
    ("W002", "an empty YAML document (a stray ---)"),
    ("W003", "a value is empty text, an invisible cell"),
    ("W004", "a percentage uncertainty of a zero value"),
    (
        "W006",
        "a JSON file has a comma before a closing bracket, which strict JSON forbids",
    ),
    (
        "W007",
        "an uncertainty is not a number (schema 0.1.0 accepts it; it is left out)",
    ),
    (
        "W010",
        "a file in a record folder that hepstatic does not use",
    ),
    (
        "W011",
        "a table's custom data_schema cannot be checked offline",
    ),
    (
        "W012",
        "a field in the record-wide first document that HEPData ignores",
    ),
    (
        "W013",
        "a pyhf workspace names a POI that none of its modifiers defines (a signal patch may add it)",
    ),
    (
        "W014",
        "a resource file that is XML or JSON is not well-formed",
    ),
    (
        "W015",
        "a TMVA BDT weight file cannot be evaluated (a tree that is not binary, a cut on an undeclared variable)",
    ),
];

/// The summary of `code`, if it exists.
pub fn summary(code: &str) -> Option<&'static str> {
    CODES.iter().find(|(c, _)| *c == code).map(|(_, s)| *s)
}

#[cfg(test)]
mod tests {
    use super::CODES;

    #[test]
    fn codes_are_unique_and_sorted() {
        let codes: Vec<&str> = CODES.iter().map(|(c, _)| *c).collect();
        let mut sorted = codes.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(codes, sorted);
    }

    /// Every code the sources emit is listed, and every listed code is emitted somewhere.
    #[test]
    fn codes_match_the_sources() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
        let mut used = std::collections::BTreeSet::new();
        for dir in ["load", "check", "likelihood", "resource"] {
            for entry in walkdir::WalkDir::new(format!("{root}/{dir}")) {
                let entry = entry.unwrap();
                if entry.path().extension().is_none_or(|e| e != "rs")
                    || entry.path().ends_with("codes.rs")
                {
                    continue;
                }
                let text = std::fs::read_to_string(entry.path()).unwrap();
                for (i, _) in text.match_indices('"') {
                    let code = &text[i + 1..];
                    if code.len() > 5
                        && (code.starts_with('E') || code.starts_with('W'))
                        && code[1..4].bytes().all(|b| b.is_ascii_digit())
                        && code.as_bytes()[4] == b'"'
                    {
                        used.insert(code[..4].to_string());
                    }
                }
            }
        }
        for code in &used {
            assert!(
                CODES.iter().any(|(c, _)| c == code),
                "{code} is used but not listed"
            );
        }
        for (code, _) in CODES {
            assert!(used.contains(*code), "{code} is listed but never used");
        }
    }
}
