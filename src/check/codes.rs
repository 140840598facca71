//! Every diagnostic code, with a one-line summary. Codes are stable: scripts and CI
//! annotations refer to them, so a code is never reused for another rule.

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
        "E010",
        "a field has the wrong type (text, number, list or mapping expected)",
    ),
    ("E011", "a required field is missing"),
    ("E012", "a field is not allowed here (often a typo)"),
    (
        "E020",
        "variables of one table have different numbers of values",
    ),
    (
        "E021",
        "a value or bin is malformed (low without high, null value)",
    ),
    (
        "E022",
        "an uncertainty is malformed (not a number, empty, 5%%)",
    ),
    ("E023", "a bin's low edge is above its high edge"),
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
    ("E040", "record.yaml is missing or has a bad field"),
    (
        "E041",
        "a record id has characters other than a-z, 0-9 and -",
    ),
    (
        "E042",
        "record.yaml's version log and the version folders disagree",
    ),
    ("E050", "a file could not be read"),
    (
        "W001",
        "a number that YAML 1.1 (HEPData) and YAML 1.2 read differently",
    ),
    ("W002", "an empty YAML document (a stray ---)"),
    (
        "W010",
        "a file in a record folder that hepstatic does not use",
    ),
];

/// The summary of `code`, if it exists.
pub fn summary(code: &str) -> Option<&'static str> {
    CODES.iter().find(|(c, _)| *c == code).map(|(_, s)| *s)
}
