//! Rules about a submission: table names, data files, resource files and stray files.
//!
//! Files are looked up in the submission's listing (`Submission::files`), taken when it
//! was loaded from a folder or an archive, so nothing here reads the disk.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use crate::load::{MAX_NAME_CHARS, is_safe_name};
use crate::model::{Diagnostic, Pos, Resource, SchemaVersion, Submission};

use super::table::check_table;

pub fn check_submission(sub: &Submission, out: &mut Vec<Diagnostic>) {
    let file = &sub.file;
    let version = sub.schema_version;
    let mut names: HashMap<&str, Pos> = HashMap::new();
    let mut data_files: HashMap<&str, Pos> = HashMap::new();

    for table in &sub.tables {
        let name = table.name.value.as_str();
        // Duplicates overwrite each other in HEPData's database (schema 1.1.0 checks them).
        if version >= SchemaVersion::V1_1_0 {
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
        }
        let chars = name.chars().count();
        if !version.is_v0() && chars > MAX_NAME_CHARS {
            out.push(
                Diagnostic::error("E034", file, table.name.pos, format!("table name is {chars} characters long; at most {MAX_NAME_CHARS} are allowed"))
                    .with_help("shorten the name (e.g. \"Figure 3a\") and move the details into \"description\""),
            );
        }
        if let Some(df) = &table.data_file {
            if version >= SchemaVersion::V1_1_0 {
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
            check_resource(r, sub, out);
        }
        check_table(table, version, out);
    }
    for r in &sub.resources {
        check_resource(r, sub, out);
    }
    if is_submission_yaml(file) && version >= SchemaVersion::V1_1_0 {
        check_unreferenced(sub, out);
    }
    super::resources::check_resources(sub, out);
}

fn is_submission_yaml(file: &Path) -> bool {
    file.file_name().is_some_and(|n| n == "submission.yaml")
        || file.to_string_lossy().ends_with(":submission.yaml")
}

fn check_resource(r: &Resource, sub: &Submission, out: &mut Vec<Diagnostic>) {
    let file = &sub.file;
    let loc = &r.location;
    // Records converted from the old HepData site link their files as /resource/...
    if sub.schema_version.is_v0() && loc.value.starts_with("/resource/") {
        return;
    }
    let looks_like_url = ["http:", "https:", "ftp:", "ftps:"]
        .iter()
        .any(|scheme| loc.value.to_ascii_lowercase().starts_with(scheme));
    if !r.is_local() || looks_like_url {
        if let Err(why) = check_url(&loc.value) {
            out.push(
                Diagnostic::error(
                    "E038",
                    file,
                    loc.pos,
                    format!(
                        "resource location \"{}\" is not a well-formed URL: {why}",
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
            .with_help("put the file beside submission.yaml and give its name only; link to files elsewhere with a URL"),
        );
        return;
    }
    let present = sub.files.iter().any(|f| f.name == loc.value && !f.is_dir);
    if !present {
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

/// `scheme://host/...` with a scheme a browser or `curl` follows, a host, and no spaces.
fn check_url(url: &str) -> Result<(), &'static str> {
    let (scheme, rest) = url
        .split_once("://")
        .ok_or("it has no scheme such as https://")?;
    if !matches!(
        scheme.to_ascii_lowercase().as_str(),
        "http" | "https" | "ftp" | "ftps"
    ) {
        return Err("only http, https and ftp links can be followed");
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("it contains a space or a control character");
    }
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit('@').next().unwrap_or(host);
    let host = host.split(':').next().unwrap_or(host);
    if host.is_empty()
        || !host
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '[' | ']'))
    {
        return Err("it has no valid host name");
    }
    Ok(())
}

/// Files in the submission's folder that nothing names (HEPData rejects them from schema
/// 1.1.0 on, so that a forgotten table is not published silently). macOS `._` files are
/// the usual case. A folder counts as referenced when a name points into it (that name is
/// reported itself, for its `/`).
fn check_unreferenced(sub: &Submission, out: &mut Vec<Diagnostic>) {
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
    let referenced_dir = |dir: &str| {
        named.iter().any(|n| {
            n.strip_prefix(dir)
                .is_some_and(|rest| rest.starts_with('/'))
        })
    };
    let present: BTreeSet<&str> = sub.files.iter().map(|f| f.name.as_str()).collect();
    for entry in &sub.files {
        let name = entry.name.as_str();
        if named.contains(name) || (entry.is_dir && referenced_dir(name)) {
            continue;
        }
        let (message, help) = if entry.is_dir {
            (
                "this folder is in the submission but nothing refers to it",
                "HEPData submissions are flat: move the files it holds beside submission.yaml and list them in additional_resources, or delete it",
            )
        } else if name
            .strip_prefix("._")
            .is_some_and(|real| present.contains(real))
        {
            (
                "this file is in the submission but nothing refers to it",
                "this is a macOS metadata (AppleDouble) file: delete it; when packing on macOS, set COPYFILE_DISABLE=1 so tar leaves such files out",
            )
        } else if name == ".DS_Store" || name.starts_with("._") {
            (
                "this file is in the submission but nothing refers to it",
                "this is a macOS metadata file: delete it (and add it to .gitignore)",
            )
        } else {
            (
                "this file is in the submission but nothing refers to it",
                "list it in additional_resources with a description, or delete it",
            )
        };
        out.push(Diagnostic::error("E037", &entry.path, Pos::NONE, message).with_help(help));
    }
}

#[cfg(test)]
mod tests {
    use super::check_url;

    #[test]
    fn urls() {
        assert!(check_url("https://example.org/analysis-code").is_ok());
        assert!(check_url("http://user@host.cern.ch:8080/x?y#z").is_ok());
        for bad in [
            "https://",
            "https:// example.org",
            "mailto://x",
            "https://exa mple.org",
            "http:///path",
        ] {
            assert!(check_url(bad).is_err(), "{bad}");
        }
    }
}
