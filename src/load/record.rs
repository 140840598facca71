//! `records/<id>/record.yaml`: publication metadata and the version log.

use std::path::Path;

use crate::model::{Diagnostic, Journal, Pos, RecordMeta, VersionLog};

use super::fields::{Fields, get};
use super::text::decode;
use super::yaml::{self, Resolved};

const RECORD_KEYS: [&str; 10] = [
    "title",
    "collaborations",
    "authors",
    "abstract",
    "inspire_id",
    "arxiv",
    "journal",
    "year",
    "versions",
    "keywords",
];

/// Reads `record.yaml`; `None` when it cannot be read at all (reported).
pub fn load_meta(file: &Path, diagnostics: &mut Vec<Diagnostic>) -> Option<RecordMeta> {
    let bytes = match std::fs::read(file) {
        Ok(bytes) => bytes,
        Err(e) => {
            diagnostics.push(
                Diagnostic::error(
                    "E050",
                    file,
                    Pos::NONE,
                    format!("cannot read this file: {e}"),
                )
                .with_help(
                    "check that the file exists and can be read (permissions, a broken link)",
                ),
            );
            return None;
        }
    };
    let text = decode(&bytes, file, diagnostics)?;
    let docs = match yaml::parse(&text, file, false) {
        Ok(d) => d,
        Err(d) => {
            diagnostics.push(d);
            return None;
        }
    };
    diagnostics.extend(docs.problems);
    let mut f = Fields::new(file, diagnostics);
    let Some(doc) = docs.docs.iter().find(|d| !d.is_null()) else {
        f.error(
            "E040",
            Pos::new(1, 1),
            "record.yaml is empty".to_string(),
            "add at least title, year and versions",
        );
        return None;
    };
    let entries = f.map(doc, "record.yaml")?;
    f.unknown_keys(entries, &RECORD_KEYS, "record.yaml");
    let mut meta = RecordMeta::default();

    if let Some(t) = f
        .required(entries, "title", doc.pos, "record.yaml")
        .and_then(|n| f.text(n, "\"title\""))
    {
        meta.title = t.value;
    }
    meta.collaborations = text_list(entries, "collaborations", &mut f);
    meta.authors = text_list(entries, "authors", &mut f);
    if meta.collaborations.is_empty() && meta.authors.is_empty() {
        f.error(
            "E040",
            doc.pos,
            "record.yaml names no collaboration and no author".to_string(),
            "add `collaborations: [ATLAS]` or `authors: [A. Physicist]`",
        );
    }
    meta.abstract_text = get(entries, "abstract")
        .and_then(|n| f.text(n, "\"abstract\""))
        .map(|s| s.value);
    if let Some(n) = get(entries, "inspire_id") {
        match n.as_scalar().map(|s| (s.resolve(), s.text.as_str())) {
            Some((Resolved::Int(x), _)) if x >= 1.0 => meta.inspire_id = Some(x as u64),
            Some((Resolved::Str(t), _))
                if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) =>
            {
                meta.inspire_id = t.parse().ok();
            }
            _ => f.error(
                "E040",
                n.pos,
                format!(
                    "\"inspire_id\" must be the INSPIRE record number, found {}",
                    n.describe()
                ),
                "give the number only, e.g. `inspire_id: 1748602`",
            ),
        }
    }
    if let Some(n) = get(entries, "arxiv") {
        match n.as_scalar() {
            Some(s) if s.as_f64().is_some() => f.error(
                "E040",
                n.pos,
                format!(
                    "\"arxiv\" must be text, found the number {} (YAML drops trailing zeros)",
                    s.text
                ),
                &format!("quote it: `arxiv: \"{}\"`", s.text),
            ),
            _ => meta.arxiv = f.text(n, "\"arxiv\"").map(|s| s.value),
        }
    }
    if let Some(n) = get(entries, "journal")
        && let Some(j) = f.map(n, "\"journal\"")
    {
        f.unknown_keys(j, &["reference", "doi"], "\"journal\"");
        meta.journal = Some(Journal {
            reference: get(j, "reference")
                .and_then(|v| f.text(v, "the journal's \"reference\""))
                .map(|s| s.value),
            doi: get(j, "doi")
                .and_then(|v| f.text(v, "the journal's \"doi\""))
                .map(|s| s.value),
        });
    }
    if let Some(n) = f.required(entries, "year", doc.pos, "record.yaml") {
        match n.as_scalar().and_then(|s| s.as_f64()) {
            Some(y) if y.fract() == 0.0 && (1900.0..=2200.0).contains(&y) => {
                meta.year = Some(y as i32)
            }
            _ => f.error(
                "E040",
                n.pos,
                format!(
                    "\"year\" must be a year such as 2019, found {}",
                    n.describe()
                ),
                "give the publication year as four digits",
            ),
        }
    }
    if let Some(n) = f.required(entries, "versions", doc.pos, "record.yaml") {
        for item in f.seq(n, "\"versions\"").unwrap_or_default() {
            let Some(v) = f.map(item, "a version entry") else {
                continue;
            };
            f.unknown_keys(v, &["version", "date", "message"], "a version entry");
            let number = f
                .required(v, "version", item.pos, "the version entry")
                .and_then(|x| match x.as_scalar().and_then(|s| s.as_f64()) {
                    Some(k) if k >= 1.0 && k.fract() == 0.0 => Some(k as u32),
                    _ => {
                        f.error(
                            "E040",
                            x.pos,
                            format!(
                                "\"version\" must be a whole number from 1, found {}",
                                x.describe()
                            ),
                            "number versions 1, 2, 3, ... as the folders v1, v2, v3",
                        );
                        None
                    }
                });
            let date = get(v, "date").and_then(|x| {
                let text = x.as_scalar().map(|s| s.text.clone()).unwrap_or_default();
                if is_date(&text) {
                    Some(text)
                } else {
                    f.error(
                        "E040",
                        x.pos,
                        format!(
                            "\"date\" must be a date written YYYY-MM-DD, found {}",
                            x.describe()
                        ),
                        "write the date as e.g. 2019-08-12",
                    );
                    None
                }
            });
            let message = get(v, "message")
                .and_then(|x| f.text(x, "a version's \"message\""))
                .map(|s| s.value);
            if let Some(version) = number {
                meta.versions.push(VersionLog {
                    version,
                    date,
                    message,
                    pos: item.pos,
                });
            }
        }
    }
    Some(meta)
}

fn text_list(entries: &[(yaml::Node, yaml::Node)], key: &str, f: &mut Fields) -> Vec<String> {
    let Some(n) = get(entries, key) else {
        return Vec::new();
    };
    let what = format!("\"{key}\"");
    f.seq(n, &what)
        .unwrap_or_default()
        .iter()
        .filter_map(|x| f.text(x, format!("an entry of {what}")))
        .map(|s| s.value)
        .collect()
}

/// `YYYY-MM-DD` with a plausible month and day.
pub fn is_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    if parts.len() != 3 || parts[0].len() != 4 || parts[1].len() != 2 || parts[2].len() != 2 {
        return false;
    }
    let nums: Vec<Option<u32>> = parts.iter().map(|p| p.parse().ok()).collect();
    matches!((nums[0], nums[1], nums[2]), (Some(_), Some(m), Some(d)) if (1..=12).contains(&m) && (1..=31).contains(&d))
}
