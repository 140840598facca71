//! Rules about a submission: table names, data files and resource files.

use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::path::Path;

use crate::load::is_safe_name;
use crate::model::{Diagnostic, Pos, Resource, Submission};

use super::table::check_table;

/// HEPData stores table names in a 64-character column and uses them in links.
pub const MAX_NAME_CHARS: usize = 64;

pub fn check_submission(sub: &Submission, out: &mut Vec<Diagnostic>) {
    let file = &sub.file;
    let dir = file.parent().unwrap_or(Path::new("."));
    let mut names: HashMap<&str, Pos> = HashMap::new();
    let mut data_files: HashMap<&str, Pos> = HashMap::new();

    for table in &sub.tables {
        let name = table.name.value.as_str();
        if let Some(first) = names.get(name) {
            out.push(
                Diagnostic::error(
                    "E030",
                    file,
                    table.name.pos,
                    format!(
                        "table name \"{name}\" is used twice (first on line {})",
                        first.line
                    ),
                )
                .with_help(
                    "give every table its own name, e.g. add the figure panel or the channel",
                ),
            );
        } else if !name.is_empty() {
            names.insert(name, table.name.pos);
        }
        let chars = name.chars().count();
        if chars > MAX_NAME_CHARS {
            out.push(
                Diagnostic::error("E034", file, table.name.pos, format!("table name is {chars} characters long; at most {MAX_NAME_CHARS} are allowed"))
                    .with_help("shorten the name (e.g. \"Figure 3a\") and move the details into \"description\""),
            );
        }
        if let Some(df) = &table.data_file {
            if let Some(first) = data_files.get(df.value.as_str()) {
                out.push(
                    Diagnostic::error(
                        "E031",
                        file,
                        df.pos,
                        format!(
                            "data file \"{}\" is used by two tables (first on line {})",
                            df.value, first.line
                        ),
                    )
                    .with_help("each table needs its own data file"),
                );
            } else {
                data_files.insert(&df.value, df.pos);
            }
            if !is_safe_name(&df.value) {
                out.push(
                    Diagnostic::error(
                        "E035",
                        file,
                        df.pos,
                        format!(
                            "data file \"{}\" must be a plain file name, without folders",
                            df.value
                        ),
                    )
                    .with_help("put the file beside submission.yaml and give its name only"),
                );
            }
        }
        for r in &table.resources {
            check_resource(r, file, dir, out);
        }
        check_table(table, file, out);
    }
    for r in &sub.resources {
        check_resource(r, file, dir, out);
    }
    if is_submission_yaml(file) {
        check_unreferenced(sub, dir, out);
    }
}

fn is_submission_yaml(file: &Path) -> bool {
    file.file_name().is_some_and(|n| n == "submission.yaml")
}

fn check_resource(r: &Resource, file: &Path, dir: &Path, out: &mut Vec<Diagnostic>) {
    let loc = &r.location;
    if !r.is_local() {
        let ok = loc.value.split_once("://").is_some_and(|(scheme, rest)| {
            matches!(
                scheme.to_ascii_lowercase().as_str(),
                "http" | "https" | "ftp" | "doi"
            ) && !rest.is_empty()
                && !rest.contains(char::is_whitespace)
        });
        if !ok {
            out.push(
                Diagnostic::error(
                    "E038",
                    file,
                    loc.pos,
                    format!(
                        "resource location \"{}\" is not a well-formed http(s) URL",
                        loc.value
                    ),
                )
                .with_help("give a full URL such as https://example.org/page, without spaces"),
            );
        }
        return;
    }
    if !is_safe_name(&loc.value) {
        out.push(
            Diagnostic::error(
                "E035",
                file,
                loc.pos,
                format!(
                    "resource file \"{}\" must be a plain file name, without folders",
                    loc.value
                ),
            )
            .with_help("put the file beside submission.yaml and give its name only"),
        );
        return;
    }
    if !dir.join(&loc.value).is_file() {
        out.push(
            Diagnostic::error(
                "E033",
                file,
                loc.pos,
                format!("resource file \"{}\" does not exist", loc.value),
            )
            .with_help(
                "add the file beside submission.yaml, correct the name, or link to it with a URL",
            ),
        );
    }
}

/// Files in the submission folder that nothing names (HEPData rejects them, so that a
/// forgotten table is not published silently). macOS `._` files are the usual case.
fn check_unreferenced(sub: &Submission, dir: &Path, out: &mut Vec<Diagnostic>) {
    let mut named: BTreeSet<&str> = BTreeSet::new();
    named.insert("submission.yaml");
    for t in &sub.tables {
        if let Some(df) = &t.data_file {
            named.insert(&df.value);
        }
    }
    for r in sub
        .resources
        .iter()
        .chain(sub.tables.iter().flat_map(|t| &t.resources))
    {
        named.insert(&r.location.value);
    }
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut extra: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !named.contains(n.as_str()))
        .collect();
    extra.sort();
    for name in extra {
        // A thumbnail is referenced by its full-size image's resource entry.
        if name
            .strip_prefix("thumb_")
            .is_some_and(|full| named.contains(full))
        {
            continue;
        }
        let help = if name.starts_with("._") || name == ".DS_Store" {
            "this is a macOS metadata file: delete it (and add it to .gitignore)"
        } else {
            "list it in additional_resources with a description, or delete it"
        };
        out.push(
            Diagnostic::error(
                "E037",
                &dir.join(&name),
                Pos::NONE,
                "this file is in the submission but nothing refers to it",
            )
            .with_help(help),
        );
    }
}
