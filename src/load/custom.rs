//! Tables with a custom `data_schema`: their data file follows another format (a pyhf
//! workspace, say), named by the URL of its JSON schema.
//!
//! Nothing is downloaded: the checker works offline. Schemas it knows (pyhf's workspace
//! format) are checked by its own rules; others are reported as not checked.

use std::path::Path;

use crate::check::pyhf;
use crate::model::Spanned;

use super::fields::Fields;
use super::text::decode;
use super::yaml;

/// Checks the data file of a table whose `data_schema` is `schema`; `f` is the submission
/// file's reader (the schema's line is reported there), `path` names the data file.
pub fn check_custom(
    bytes: &[u8],
    path: &Path,
    json: bool,
    schema: &Spanned<String>,
    f: &mut Fields,
) {
    if let Err(why) = check_schema_url(&schema.value) {
        f.error(
            "E060",
            schema.pos,
            format!("data_schema \"{}\" is not a schema URL HEPData can load: {why}", schema.value),
            "give the schema's URL in the form https://<host>/<project>/schemas/<version>/<file>.json, e.g. https://scikit-hep.org/pyhf/schemas/1.0.0/workspace.json",
        );
        return;
    }
    if !is_pyhf_workspace(&schema.value) {
        f.warning(
            "W011",
            schema.pos,
            format!(
                "custom schema {} is not available offline, so this table's data file is not checked against it",
                schema.value
            ),
            "hepstatic checks pyhf workspaces (https://scikit-hep.org/pyhf/schemas/1.0.0/workspace.json) itself; other formats are published unchecked",
        );
        return;
    }
    let Some(text) = decode(bytes, path, f.diagnostics) else {
        return;
    };
    match yaml::parse(&text, path, json) {
        Ok(docs) => {
            f.diagnostics.extend(docs.problems);
            match docs.docs.first() {
                Some(root) => {
                    pyhf::check_workspace(root, path, f.diagnostics);
                }
                None => f.diagnostics.push(
                    crate::model::Diagnostic::error(
                        "E008",
                        path,
                        crate::model::Pos::NONE,
                        "this workspace file is empty",
                    )
                    .with_help(
                        "write the pyhf workspace (channels, observations, measurements, version)",
                    ),
                ),
            }
        }
        Err(d) => f.diagnostics.push(d),
    }
}

/// HEPData loads a remote schema from `http(s)://<host>/<project>/schemas/<version>/<file>`
/// (`<version>` like `1.0.0` or `v1.0`); anything else it cannot place.
pub fn check_schema_url(url: &str) -> Result<(), &'static str> {
    let Some((scheme, rest)) = url.split_once("://") else {
        return Err("it is not a URL");
    };
    if !matches!(scheme, "http" | "https") {
        return Err("only http and https URLs can be loaded");
    }
    let parts: Vec<&str> = rest.split('/').collect();
    let word = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '-' | ':'))
    };
    if parts.len() < 5 || !word(parts[0]) {
        return Err("the path must be <project>/schemas/<version>/<file>");
    }
    if !word(parts[1]) || parts[2] != "schemas" {
        return Err("the path must be <project>/schemas/<version>/<file>");
    }
    let version = parts[3].strip_prefix('v').unwrap_or(parts[3]);
    let numbers: Vec<&str> = version.split('.').collect();
    if !(2..=3).contains(&numbers.len())
        || numbers
            .iter()
            .any(|n| n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err("the folder after schemas/ must be a version such as 1.0.0");
    }
    if parts[4..].join("/").is_empty() {
        return Err("the URL names no schema file");
    }
    Ok(())
}

/// pyhf's workspace schema, under any of the project's published hosts.
pub fn is_pyhf_workspace(url: &str) -> bool {
    url.contains("/pyhf/schemas/") && url.ends_with("/workspace.json")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_urls() {
        assert!(
            check_schema_url("https://scikit-hep.org/pyhf/schemas/1.0.0/workspace.json").is_ok()
        );
        assert!(
            check_schema_url("http://127.0.0.1:9/example/schemas/1.0.0/custom_schema.json").is_ok()
        );
        assert!(check_schema_url("http://127.0.0.1:9/schemas/1.0.0/custom_schema.json").is_err());
        assert!(check_schema_url("workspace.json").is_err());
        assert!(check_schema_url("ftp://x.org/p/schemas/1.0.0/a.json").is_err());
        assert!(is_pyhf_workspace(
            "https://scikit-hep.org/pyhf/schemas/1.0.0/workspace.json"
        ));
    }
}
