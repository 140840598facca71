//! A HEPData submission: `submission.yaml` (or a single-YAML file) and its data files.

use std::fs;
use std::path::Path;

use crate::model::{
    Diagnostic, Keyword, License, Pos, Resource, Spanned, Submission, Table, TableData,
};

use super::Options;
use super::data::read_data;
use super::fields::{Fields, get};
use super::yaml::{self, Node};

/// Keys HEPData allows in the optional first, record-wide document.
const HEADER_KEYS: [&str; 9] = [
    "additional_resources",
    "comment",
    "data_license",
    "record_ids",
    "hepdata_doi",
    "related_to_hepdata_records",
    "modifications",
    "dateupdated",
    "description",
];

/// Keys of a table document; the last two only when the data are inline.
const TABLE_KEYS: [&str; 16] = [
    "name",
    "location",
    "description",
    "keywords",
    "data_file",
    "data_schema",
    "data_license",
    "additional_resources",
    "table_doi",
    "related_to_table_dois",
    "modifications",
    "dateupdated",
    "record_ids",
    "hepdata_doi",
    "independent_variables",
    "dependent_variables",
];

const RESOURCE_KEYS: [&str; 5] = ["location", "description", "type", "license", "filename"];
const LICENSE_KEYS: [&str; 3] = ["name", "url", "description"];

/// Reads a submission from `file` (`submission.yaml` in a version folder, or a single-YAML
/// file); data files are looked up beside it. Problems go to `diagnostics`.
pub fn load_submission(
    file: &Path,
    options: &Options,
    diagnostics: &mut Vec<Diagnostic>,
) -> Submission {
    let mut submission = Submission {
        file: file.to_path_buf(),
        ..Submission::default()
    };
    let Some(text) = read_text(file, diagnostics) else {
        return submission;
    };
    let docs = match yaml::parse(&text, file, false) {
        Ok(docs) => docs,
        Err(d) => {
            diagnostics.push(d);
            return submission;
        }
    };
    diagnostics.extend(docs.problems);
    let dir = file.parent().unwrap_or(Path::new("."));

    let mut f = Fields::new(file, diagnostics);
    for (index, doc) in docs.docs.iter().enumerate() {
        if doc.is_null() {
            let pos = docs.starts.get(index).copied().unwrap_or(doc.pos);
            f.warning(
                "W002",
                pos,
                "this YAML document is empty (a stray `---`?)".to_string(),
                "remove the extra `---` line",
            );
            continue;
        }
        let Some(entries) = f.map(doc, "a submission document") else {
            continue;
        };
        let is_table = [
            "name",
            "data_file",
            "independent_variables",
            "dependent_variables",
        ]
        .iter()
        .any(|k| get(entries, k).is_some());
        if index == 0 && !is_table {
            read_header(entries, &mut f, &mut submission);
        } else if let Some(table) = read_table(doc, entries, &mut f, dir, options) {
            submission.tables.push(table);
        }
    }
    if submission.tables.is_empty() && !f.diagnostics.iter().any(Diagnostic::is_error) {
        f.error(
            "E011",
            Pos::new(1, 1),
            "this submission has no table documents".to_string(),
            "add at least one document with name, description, keywords and data_file (HEPData requires a table; an empty one `{independent_variables: [], dependent_variables: []}` will do)",
        );
    }
    submission
}

fn read_header(entries: &[(Node, Node)], f: &mut Fields, submission: &mut Submission) {
    f.unknown_keys(entries, &HEADER_KEYS, "the record-wide first document");
    submission.comment = get(entries, "comment")
        .and_then(|n| f.text(n, "\"comment\""))
        .map(|s| s.value);
    submission.license = get(entries, "data_license").and_then(|n| license(n, f));
    submission.resources = get(entries, "additional_resources")
        .map(|n| resources(n, f))
        .unwrap_or_default();
    if let Some(node) = get(entries, "related_to_hepdata_records")
        && let Some(items) = f.seq(node, "\"related_to_hepdata_records\"")
    {
        for item in items {
            match item.as_scalar().and_then(|s| s.as_f64()) {
                Some(x) if x >= 1.0 && x.fract() == 0.0 => {
                    submission.related_records.push(x as i64)
                }
                _ => f.error(
                    "E010",
                    item.pos,
                    format!(
                        "a related HEPData record must be a positive whole number, found {}",
                        item.describe()
                    ),
                    "give the record's number, e.g. 80123",
                ),
            }
        }
    }
}

fn read_table(
    doc: &Node,
    entries: &[(Node, Node)],
    f: &mut Fields,
    dir: &Path,
    options: &Options,
) -> Option<Table> {
    f.unknown_keys(entries, &TABLE_KEYS, "a table document");
    let name = f
        .required(entries, "name", doc.pos, "this table document")
        .and_then(|n| f.text(n, "\"name\""));
    let description = f
        .required(entries, "description", doc.pos, "this table document")
        .and_then(|n| f.text(n, "\"description\""))
        .map(|s| s.value);
    let keywords = match f.required(entries, "keywords", doc.pos, "this table document") {
        Some(n) => keywords(n, f),
        None => Vec::new(),
    };
    let location = get(entries, "location")
        .and_then(|n| f.text(n, "\"location\""))
        .map(|s| s.value);
    let data_schema = get(entries, "data_schema")
        .and_then(|n| f.text(n, "\"data_schema\""))
        .map(|s| s.value);
    let license = get(entries, "data_license").and_then(|n| license(n, f));
    let resources = get(entries, "additional_resources")
        .map(|n| resources(n, f))
        .unwrap_or_default();
    let related_dois = match get(entries, "related_to_table_dois") {
        Some(n) => f
            .seq(n, "\"related_to_table_dois\"")
            .unwrap_or_default()
            .iter()
            .filter_map(|d| f.text(d, "a related table DOI"))
            .map(|s| s.value)
            .collect(),
        None => Vec::new(),
    };

    let inline = get(entries, "independent_variables").is_some()
        || get(entries, "dependent_variables").is_some();
    let data_file = if inline {
        if let Some(n) = get(entries, "data_file") {
            f.error(
                "E012",
                n.pos,
                "this table has both \"data_file\" and inline data".to_string(),
                "keep either the data file or the inline variables",
            );
        }
        None
    } else {
        f.required(entries, "data_file", doc.pos, "this table document")
            .and_then(|n| f.text(n, "\"data_file\""))
    };

    let (data_path, data) = if inline {
        (f.file.to_path_buf(), read_data(doc, f, true))
    } else if let Some(df) = &data_file {
        let path = dir.join(&df.value);
        let data = if data_schema.is_some() || !is_safe_name(&df.value) {
            // Custom schemas (pyhf workspaces) are not HEPData tables; unsafe names are
            // reported by the checker and never opened.
            None
        } else {
            load_data_file(&path, df, options, f.diagnostics, f.file)
        };
        (path, data)
    } else {
        (f.file.to_path_buf(), None)
    };

    Some(Table {
        name: name.unwrap_or_else(|| Spanned::new(String::new(), doc.pos)),
        description,
        location,
        keywords,
        data_file,
        data_schema,
        resources,
        license,
        related_dois,
        pos: doc.pos,
        data_path,
        data,
    })
}

/// A name that stays inside the submission folder: no folders, no `..`, not absolute.
pub fn is_safe_name(name: &str) -> bool {
    !name.is_empty()
        && !name.contains(['/', '\\'])
        && name != "."
        && name != ".."
        && !name.contains('\0')
}

/// Reads a data file named by a table document; a missing or oversized file is reported
/// at the `data_file:` line of `submission`.
fn load_data_file(
    path: &Path,
    named: &Spanned<String>,
    options: &Options,
    diagnostics: &mut Vec<Diagnostic>,
    submission: &Path,
) -> Option<TableData> {
    match fs::metadata(path) {
        Ok(meta) if meta.is_file() => {
            if meta.len() > options.max_data_file_bytes {
                diagnostics.push(
                    Diagnostic::error(
                        "E036",
                        submission,
                        named.pos,
                        format!(
                            "data file \"{}\" is {:.1} MiB, more than the limit of {:.1} MiB",
                            named.value,
                            meta.len() as f64 / 1_048_576.0,
                            options.max_data_file_bytes as f64 / 1_048_576.0
                        ),
                    )
                    .with_help("split the table, or raise max_data_file_mib in hepstatic.toml if the repository accepts larger files"),
                );
                return None;
            }
        }
        _ => {
            diagnostics.push(
                Diagnostic::error(
                    "E032",
                    submission,
                    named.pos,
                    format!("data file \"{}\" does not exist", named.value),
                )
                .with_help("add the file beside submission.yaml, or correct the name in data_file"),
            );
            return None;
        }
    }
    load_data(path, diagnostics)
}

/// Reads one data file (YAML, or JSON when its name ends in `.json`).
pub fn load_data(path: &Path, diagnostics: &mut Vec<Diagnostic>) -> Option<TableData> {
    let text = read_text(path, diagnostics)?;
    let json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let docs = match yaml::parse(&text, path, json) {
        Ok(docs) => docs,
        Err(d) => {
            diagnostics.push(d);
            return None;
        }
    };
    diagnostics.extend(docs.problems);
    let mut f = Fields::new(path, diagnostics);
    let real: Vec<&Node> = docs.docs.iter().filter(|d| !d.is_null()).collect();
    if real.len() != 1 {
        f.error(
            "E010",
            Pos::new(1, 1),
            format!(
                "a data file must hold exactly one table, found {} YAML documents",
                real.len()
            ),
            "keep one document with independent_variables and dependent_variables",
        );
        return None;
    }
    let mut data = read_data(real[0], &mut f, false)?;
    if !json {
        data.source = Some(text);
    }
    Some(data)
}

/// Reads a file as UTF-8 text, reporting I/O and encoding problems.
pub fn read_text(path: &Path, diagnostics: &mut Vec<Diagnostic>) -> Option<String> {
    match fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Some(text),
            Err(e) => {
                let offset = e.utf8_error().valid_up_to();
                let bytes = e.as_bytes();
                let line = bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1;
                let col = offset
                    - bytes[..offset]
                        .iter()
                        .rposition(|&b| b == b'\n')
                        .map_or(0, |p| p + 1)
                    + 1;
                diagnostics.push(
                    Diagnostic::error(
                        "E001",
                        path,
                        Pos::new(line as u32, col as u32),
                        "this file is not UTF-8 text",
                    )
                    .with_help("save the file as UTF-8"),
                );
                None
            }
        },
        Err(e) => {
            diagnostics.push(Diagnostic::error(
                "E050",
                path,
                Pos::NONE,
                format!("cannot read this file: {e}"),
            ));
            None
        }
    }
}

fn keywords(node: &Node, f: &mut Fields) -> Vec<Keyword> {
    let Some(items) = f.seq(node, "\"keywords\"") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in items {
        let Some(entries) = f.map(item, "a keyword") else {
            continue;
        };
        f.unknown_keys(entries, &["name", "values"], "a keyword");
        let name = f
            .required(entries, "name", item.pos, "the keyword")
            .and_then(|n| f.text(n, "a keyword's \"name\""));
        let values = match f.required(entries, "values", item.pos, "the keyword") {
            Some(v) => f
                .seq(v, "a keyword's \"values\"")
                .unwrap_or_default()
                .iter()
                .filter_map(|x| f.text_or_number(x, "a keyword value"))
                .collect(),
            None => Vec::new(),
        };
        if let Some(name) = name {
            out.push(Keyword { name, values });
        }
    }
    out
}

fn license(node: &Node, f: &mut Fields) -> Option<License> {
    let entries = f.map(node, "\"data_license\"")?;
    f.unknown_keys(entries, &LICENSE_KEYS, "a licence");
    let name = f
        .required(entries, "name", node.pos, "the licence")
        .and_then(|n| f.text(n, "a licence's \"name\""))?;
    let url = f
        .required(entries, "url", node.pos, "the licence")
        .and_then(|n| f.text(n, "a licence's \"url\""));
    let description =
        get(entries, "description").and_then(|n| f.text(n, "a licence's \"description\""));
    Some(License {
        name: name.value,
        url: url.map(|s| s.value),
        description: description.map(|s| s.value),
    })
}

fn resources(node: &Node, f: &mut Fields) -> Vec<Resource> {
    let Some(items) = f.seq(node, "\"additional_resources\"") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in items {
        let Some(entries) = f.map(item, "a resource") else {
            continue;
        };
        f.unknown_keys(entries, &RESOURCE_KEYS, "a resource");
        let location = f
            .required(entries, "location", item.pos, "the resource")
            .and_then(|n| f.text(n, "a resource's \"location\""));
        let description = f
            .required(entries, "description", item.pos, "the resource")
            .and_then(|n| f.text(n, "a resource's \"description\""));
        let kind = get(entries, "type")
            .and_then(|n| f.text(n, "a resource's \"type\""))
            .map(|s| s.value);
        let license = get(entries, "license").and_then(|n| license(n, f));
        if let Some(location) = location {
            out.push(Resource {
                location,
                description: description.map(|s| s.value),
                kind,
                license,
            });
        }
    }
    out
}
