//! A HEPData submission: `submission.yaml` (or a single-YAML file) and its data files.
//!
//! Documents are read under the schema version the record declares (or the configured
//! default): the first document holds record-wide fields when it has no `data_file`, every
//! other document is a table. Data files are read from the submission's [`Source`], a
//! folder or an archive in memory.

use std::path::Path;

use crate::model::{Diagnostic, Pos, SchemaVersion, Spanned, Submission, Table, TableData};

use super::Options;
use rayon::prelude::*;

use super::data::read_data;
use super::fields::{Fields, get, suggestion};
use super::meta::{
    keywords, lenient_license, license, modifications, record_ids, related_dois, related_records,
    resources,
};
use super::source::Source;
use super::text::{declared_version, decode};
use super::yaml::{self, Node};

/// Keys of the record-wide first document that HEPData knows. Its schema accepts any key,
/// so others are warned about, not refused.
const HEADER_KEYS: [&str; 13] = [
    "additional_resources",
    "comment",
    "record_ids",
    "hepdata_doi",
    "related_to_hepdata_records",
    "related_to_hepdata_recids",
    "modifications",
    "dateupdated",
    "preprintyear",
    "publicationyear",
    "associated_records",
    "schema_version",
    "data_license",
];

/// Keys of a table document in schema 1.0.0; later versions add some (see `table_keys`).
const TABLE_KEYS_1_0_0: [&str; 7] = [
    "name",
    "location",
    "description",
    "keywords",
    "data_file",
    "data_license",
    "additional_resources",
];

/// Table names: HEPData stores them in a 64-character column (schema 1.0.0 on).
pub const MAX_NAME_CHARS: usize = 64;

/// Reads a submission from `file` (`submission.yaml` in a version folder, or a single-YAML
/// file); data files are looked up beside it. Problems go to `diagnostics`.
pub fn load_submission(
    file: &Path,
    options: &Options,
    diagnostics: &mut Vec<Diagnostic>,
) -> Submission {
    let dir = file.parent().map(Path::to_path_buf).unwrap_or_default();
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    read_submission(&Source::Dir(dir), &name, options, diagnostics)
}

/// Reads the submission whose main file is `name` in `source`.
pub fn read_submission(
    source: &Source,
    name: &str,
    options: &Options,
    diagnostics: &mut Vec<Diagnostic>,
) -> Submission {
    let file = source.path(name);
    let mut submission = Submission {
        file: file.clone(),
        schema_version: options.schema_version,
        ..Submission::default()
    };
    let bytes = match source.read(name) {
        Ok(bytes) => bytes,
        Err(e) => {
            diagnostics.push(
                Diagnostic::error(
                    "E050",
                    &file,
                    Pos::NONE,
                    format!("cannot read this file: {e}"),
                )
                .with_help("check that the file exists and is readable"),
            );
            return submission;
        }
    };
    let Some(text) = decode(&bytes, &file, diagnostics) else {
        return submission;
    };
    let docs = match yaml::parse(&text, &file, false) {
        Ok(docs) => docs,
        Err(d) => {
            diagnostics.push(d);
            return submission;
        }
    };
    diagnostics.extend(docs.problems);
    // Listed only once submission.yaml could be read: otherwise every file would look
    // unreferenced, and the one real problem would drown.
    submission.files = source.entries();
    let version = declared_version(&text, docs.docs.first(), &file, diagnostics)
        .unwrap_or(options.schema_version);
    submission.schema_version = version;
    let single_yaml = name != "submission.yaml";

    let mut f = Fields::new(&file, diagnostics).with_version(version);
    // (table index, data_file, data_schema) of the data files to read once every table
    // document is known.
    let mut pending = Vec::new();
    for (index, doc) in docs.docs.iter().enumerate() {
        let start = docs.starts.get(index).copied().unwrap_or(doc.pos);
        if doc.is_null() {
            f.warning(
                "W002",
                start,
                format!("YAML document {} is empty (a stray `---`?)", index + 1),
                "remove the extra `---` line",
            );
            continue;
        }
        let Some(entries) = f.map(doc, format!("YAML document {}", index + 1)) else {
            continue;
        };
        let has = |key: &str| get(entries, key).is_some();
        let inline = has("independent_variables") || has("dependent_variables");
        let is_table = has("name") || has("data_file") || inline;
        if index == 0 && !is_table {
            read_header(entries, &mut f, &mut submission);
            continue;
        }
        if !is_table {
            let keys: Vec<&str> = entries
                .iter()
                .filter_map(|(k, _)| k.as_scalar().map(|s| s.text.as_str()))
                .collect();
            f.error(
                "E014",
                start,
                format!(
                    "YAML document {} is not a table (it has no \"name\" and no \"data_file\") and only the first document may hold record-wide fields; found {}",
                    index + 1,
                    keys.join(", ")
                ),
                "move these fields into the first document of submission.yaml, or complete the table with name, description, keywords and data_file",
            );
            // Its resources are still checked, and their files count as referenced, so
            // that the one mistake is reported once.
            if let Some(n) = get(entries, "additional_resources") {
                let found = resources(n, &mut f, true);
                submission.resources.extend(found);
            }
            continue;
        }
        if single_yaml && inline && !has("name") {
            f.error(
                "E014",
                start,
                format!(
                    "YAML document {} looks like a data table but has no \"name\", \"description\" or \"keywords\"; a single-file submission needs them for every table",
                    index + 1
                ),
                "add name, description and keywords above the variables, or check this file as a data file referenced from a submission.yaml",
            );
            continue;
        }
        let mut data_file = None;
        if let Some(table) = read_table(doc, entries, &mut f, source, single_yaml, &mut data_file) {
            if let Some((named, schema)) = data_file {
                pending.push((submission.tables.len(), named, schema));
            }
            submission.tables.push(table);
        }
    }
    // Data files are read on all cores: a record may have thousands of tables.
    let read: Vec<_> = pending
        .par_iter()
        .map(|(index, named, schema)| {
            let mut found = Vec::new();
            let mut f = Fields::new(&file, &mut found).with_version(version);
            let data = read_data_file(source, named, schema.as_ref(), options, &mut f);
            (*index, data, found)
        })
        .collect();
    for (index, data, found) in read {
        submission.tables[index].data = data;
        f.diagnostics.extend(found);
    }
    if submission.tables.is_empty()
        && version >= SchemaVersion::V1_1_0
        && !f.diagnostics.iter().any(Diagnostic::is_error)
    {
        f.error(
            "E011",
            Pos::new(1, 1),
            "this submission has no table documents".to_string(),
            "add at least one document with name, description, keywords and data_file (an empty table `{independent_variables: [], dependent_variables: []}` will do)",
        );
    }
    submission
}

fn read_header(entries: &[(Node, Node)], f: &mut Fields, submission: &mut Submission) {
    for (key, value) in entries {
        let Some(name) = key.as_scalar().map(|s| s.text.as_str()) else {
            continue;
        };
        if name == "data_license" {
            // hepdata_lib long wrote it here, where HEPData's schema has no such field and
            // HEPData ignores it. The authors' licence is still shown (by hepstatic) for
            // tables without their own, rather than the default.
            f.warning(
                "W012",
                key.pos,
                "a record-wide \"data_license\" is not part of HEPData's format: HEPData ignores it (hepstatic shows it for tables without a licence of their own)"
                    .to_string(),
                "set `data_license` in each table document instead, so that HEPData shows it too",
            );
            submission.license = lenient_license(value);
        } else if !HEADER_KEYS.contains(&name) {
            f.warning(
                "W012",
                key.pos,
                format!(
                    "HEPData ignores \"{}\" in the record-wide first document",
                    yaml::shorten(name, 40)
                ),
                &suggestion(name, &HEADER_KEYS),
            );
        }
    }
    submission.comment = get(entries, "comment")
        .and_then(|n| f.text(n, "\"comment\""))
        .map(|s| s.value);
    submission.resources = get(entries, "additional_resources")
        .map(|n| resources(n, f, true))
        .unwrap_or_default();
    for key in ["dateupdated", "preprintyear", "publicationyear"] {
        if let Some(n) = get(entries, key) {
            f.text(n, format!("\"{key}\""));
        }
    }
    if let Some(n) = get(entries, "record_ids") {
        record_ids(n, f);
    }
    if let Some(n) = get(entries, "modifications") {
        modifications(n, f);
    }
    if let Some(node) = get(entries, "related_to_hepdata_records") {
        submission.related_records = related_records(node, f);
    }
}

/// Keys a table document may have under `version`.
fn table_keys(version: SchemaVersion, inline: bool) -> Vec<&'static str> {
    let mut keys = TABLE_KEYS_1_0_0.to_vec();
    if version >= SchemaVersion::V1_0_1 {
        keys.extend(["data_schema", "table_doi"]);
    }
    if version >= SchemaVersion::V1_1_1 {
        keys.push("related_to_table_dois");
    }
    if inline {
        keys.extend(["independent_variables", "dependent_variables"]);
    }
    keys
}

/// Reports keys of a table document that its schema version does not allow, saying when a
/// key exists only in a later version.
fn table_unknown_keys(entries: &[(Node, Node)], f: &mut Fields, inline: bool) {
    if f.version.is_v0() {
        return;
    }
    let allowed = table_keys(f.version, inline);
    let latest = table_keys(SchemaVersion::V1_1_1, inline);
    for (key, _) in entries {
        let Some(name) = key.as_scalar().map(|s| s.text.as_str()) else {
            continue;
        };
        if allowed.contains(&name) {
            continue;
        }
        let help = if latest.contains(&name) {
            let since = if name == "related_to_table_dois" {
                "1.1.1"
            } else {
                "1.0.1"
            };
            format!(
                "\"{name}\" exists from HEPData schema {since} on; this record follows {}",
                f.version
            )
        } else if ["independent_variables", "dependent_variables"].contains(&name) {
            "inline data belongs in a single-file submission; here, put it in the data file"
                .to_string()
        } else {
            suggestion(name, &latest)
        };
        f.error(
            "E012",
            key.pos,
            format!(
                "unexpected key \"{}\" in a table document",
                yaml::shorten(name, 40)
            ),
            &help,
        );
    }
}

fn read_table(
    doc: &Node,
    entries: &[(Node, Node)],
    f: &mut Fields,
    source: &Source,
    single_yaml: bool,
    to_read: &mut Option<(Spanned<String>, Option<Spanned<String>>)>,
) -> Option<Table> {
    let inline = get(entries, "independent_variables").is_some()
        || get(entries, "dependent_variables").is_some();
    table_unknown_keys(entries, f, inline && single_yaml);
    let v0 = f.version.is_v0();

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
        .and_then(|n| {
            if v0 {
                f.text(n, "\"location\"")
            } else {
                f.text_max(n, "\"location\"", 256)
            }
        })
        .map(|s| s.value);
    let data_schema = get(entries, "data_schema").and_then(|n| f.text(n, "\"data_schema\""));
    let license = if v0 {
        // Schema 0.1.0 named the table's licence `license` and did not check `data_license`.
        get(entries, "license")
            .or(get(entries, "data_license"))
            .and_then(lenient_license)
    } else {
        get(entries, "data_license").and_then(|n| license(n, f, "\"data_license\""))
    };
    let resources = get(entries, "additional_resources")
        .map(|n| resources(n, f, false))
        .unwrap_or_default();
    if let Some(n) = get(entries, "table_doi") {
        f.text(n, "\"table_doi\"");
    }
    let related_dois = match get(entries, "related_to_table_dois") {
        Some(n) if f.version >= SchemaVersion::V1_1_1 => related_dois(n, f),
        _ => Vec::new(),
    };

    let data_file = if inline && single_yaml {
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

    let (data_path, data) = if inline && single_yaml {
        (f.file.to_path_buf(), read_data(doc, f, true))
    } else if let Some(df) = &data_file {
        let path = source.path(&df.value);
        let data = if !is_safe_name(&df.value) {
            // Reported by the checker; a name with folders is never opened.
            None
        } else {
            // Read by the caller, with the other tables' files.
            *to_read = Some((df.clone(), data_schema.clone()));
            None
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
        data_schema: data_schema.map(|s| s.value),
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

/// Reads the data file a table names; a missing or oversized file is reported at the
/// `data_file:` line of the submission file. A table with a custom `data_schema` gets
/// that schema's checks instead of HEPData's and no `TableData`.
fn read_data_file(
    source: &Source,
    named: &Spanned<String>,
    data_schema: Option<&Spanned<String>>,
    options: &Options,
    f: &mut Fields,
) -> Option<TableData> {
    let Some(size) = source.file_size(&named.value) else {
        f.error(
            "E032",
            named.pos,
            format!("data file \"{}\" does not exist", named.value),
            "add the file beside submission.yaml, or correct the name in data_file",
        );
        return None;
    };
    if size > options.max_data_file_bytes {
        let (size, limit) = size_and_limit(size, options.max_data_file_bytes);
        f.error(
            "E036",
            named.pos,
            format!(
                "data file \"{}\" is {size}, more than the limit of {limit}",
                named.value
            ),
            "split the table, or add the file as an additional resource instead; the limit is max_data_file_mib in hepstatic.toml",
        );
        return None;
    }
    let path = source.path(&named.value);
    let bytes = match source.read(&named.value) {
        Ok(bytes) => bytes,
        Err(e) => {
            f.diagnostics.push(
                Diagnostic::error(
                    "E050",
                    &path,
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
    let json = is_json_name(&named.value);
    if let Some(schema) = data_schema {
        super::custom::check_custom(&bytes, &path, json, schema, f);
        return None;
    }
    read_data_bytes(&bytes, &path, json, f.version, f.diagnostics)
}

/// A size and the limit it is over, as the E036 message gives them: rounded, unless
/// rounding would make them look equal (`1048577 bytes` over `1048576 bytes (1.0 MiB)`).
fn size_and_limit(size: u64, limit: u64) -> (String, String) {
    let (a, b) = (human_size(size), human_size(limit));
    if a == b {
        (format!("{size} bytes"), format!("{limit} bytes ({b})"))
    } else {
        (a, b)
    }
}

/// `12.3 MiB`, `4.0 KiB` or `592 bytes`.
fn human_size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 => format!("{:.1} MiB", b as f64 / 1_048_576.0),
        b if b >= 1 << 10 => format!("{:.1} KiB", b as f64 / 1024.0),
        b => format!("{b} bytes"),
    }
}

/// Does the name end in `.json` (any case)? Such data files are read as JSON.
pub fn is_json_name(name: &str) -> bool {
    Path::new(name)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
}

/// Reads one data file from disk (YAML, or JSON when its name ends in `.json`) under the
/// latest schema.
pub fn load_data(path: &Path, diagnostics: &mut Vec<Diagnostic>) -> Option<TableData> {
    load_data_with(path, &Options::default(), diagnostics)
}

/// [`load_data`] under `options` (schema version, size limit).
pub fn load_data_with(
    path: &Path,
    options: &Options,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<TableData> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) => {
            diagnostics.push(
                Diagnostic::error(
                    "E050",
                    path,
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
    if bytes.len() as u64 > options.max_data_file_bytes {
        diagnostics.push(
            Diagnostic::error("E036", path, Pos::NONE, {
                let (size, limit) = size_and_limit(bytes.len() as u64, options.max_data_file_bytes);
                format!("this data file is {size}, more than the limit of {limit}")
            })
            .with_help("split the table; the limit is max_data_file_mib in hepstatic.toml"),
        );
        return None;
    }
    let json = is_json_name(&path.to_string_lossy());
    read_data_bytes(&bytes, path, json, options.schema_version, diagnostics)
}

/// Reads a data table from the bytes of a data file named `path` in messages.
pub fn read_data_bytes(
    bytes: &[u8],
    path: &Path,
    json: bool,
    version: SchemaVersion,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<TableData> {
    let text = decode(bytes, path, diagnostics)?;
    // Most data files are well-formed tables in plain YAML: read them without the node
    // tree. Any other file, and any file with something to report, takes the full path.
    if !json && let Some(mut data) = super::direct::read(&text) {
        data.source = Some(text);
        return Some(data);
    }
    let docs = match yaml::parse(&text, path, json) {
        Ok(docs) => docs,
        Err(d) => {
            diagnostics.push(d);
            return None;
        }
    };
    diagnostics.extend(docs.problems);
    let mut f = Fields::new(path, diagnostics).with_version(version);
    if docs.docs.len() > 1 {
        let pos = docs.starts.get(1).copied().unwrap_or(Pos::new(1, 1));
        f.error(
            "E007",
            pos,
            format!(
                "a data file holds one table, but this one has {} YAML documents (a second starts here)",
                docs.docs.len()
            ),
            "remove this `---` line and what follows it, or move the second table into a file of its own",
        );
        return None;
    }
    let Some(doc) = docs.docs.first().filter(|d| !d.is_null()) else {
        let (message, help) = if text.trim_start_matches('\u{feff}').is_empty() {
            (
                "this data file is empty",
                "write the table (independent_variables and dependent_variables), or restore the file if it was truncated",
            )
        } else {
            (
                "this data file has no YAML content, only comments or blank lines",
                "write the table (independent_variables and dependent_variables) below the comments",
            )
        };
        f.error("E008", Pos::NONE, message.to_string(), help);
        return None;
    };
    let mut data = read_data(doc, &mut f, false)?;
    if !json {
        data.source = Some(text);
    }
    Some(data)
}

#[cfg(test)]
mod tests {
    use super::size_and_limit;

    #[test]
    fn sizes_over_a_limit_never_read_as_equal() {
        assert_eq!(
            size_and_limit(1_048_577, 1_048_576),
            ("1048577 bytes".into(), "1048576 bytes (1.0 MiB)".into())
        );
        assert_eq!(
            size_and_limit(12 << 20, 10 << 20),
            ("12.0 MiB".into(), "10.0 MiB".into())
        );
    }
}
