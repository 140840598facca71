//! Bytes -> text, and the schema version a submission declares.

use std::path::Path;

use crate::model::{Diagnostic, Pos, SchemaVersion};

use super::yaml::Node;

/// Decodes UTF-8, reporting the line and column of the first byte that is not.
pub fn decode(bytes: &[u8], path: &Path, diagnostics: &mut Vec<Diagnostic>) -> Option<String> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Some(text.to_string()),
        Err(e) => {
            let offset = e.valid_up_to();
            let before = &bytes[..offset];
            let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
            let line_start = before
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |p| p + 1);
            let col = String::from_utf8_lossy(&before[line_start..])
                .chars()
                .count()
                + 1;
            let utf16 = bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]);
            let message = if utf16 {
                "this file is UTF-16 text; HEPData files are UTF-8".to_string()
            } else {
                format!(
                    "this file is not UTF-8 text (byte 0x{:02x} cannot start a character here)",
                    bytes[offset]
                )
            };
            diagnostics.push(
                Diagnostic::error("E001", path, Pos::new(line as u32, col as u32), message)
                    .with_help("save the file as UTF-8 (Latin-1 accents and symbols are the usual culprits)"),
            );
            None
        }
    }
}

/// The schema version a submission declares, if any: a comment among the first lines,
/// `# schema_version: 1.0.0`, or a `schema_version` field in the record-wide first
/// document (which HEPData's schema lets through as an extra field). An unknown version,
/// or two that disagree, is reported; `None` then, and the configured default applies.
pub fn declared_version(
    text: &str,
    first: Option<&Node>,
    path: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<SchemaVersion> {
    let mut found: Vec<(String, Pos)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_start_matches('\u{feff}').trim();
        if line.is_empty() || line == "---" {
            continue;
        }
        let Some(comment) = line.strip_prefix('#') else {
            break;
        };
        if let Some(value) = comment_version(comment) {
            found.push((value.to_string(), Pos::new(i as u32 + 1, 1)));
        }
    }
    if let Some(node) = first.and_then(|d| d.get("schema_version"))
        && let Some(s) = node.as_scalar()
    {
        found.push((s.text.clone(), node.pos));
    }
    let mut version: Option<SchemaVersion> = None;
    for (text, pos) in found {
        match text.parse::<SchemaVersion>() {
            Ok(v) if version.is_some_and(|w| w != v) => {
                diagnostics.push(
                    Diagnostic::error(
                        "E016",
                        path,
                        pos,
                        format!(
                            "schema version {v} disagrees with the version {} declared before",
                            version.unwrap_or_default()
                        ),
                    )
                    .with_help("declare the schema version once"),
                );
                return None;
            }
            Ok(v) => version = Some(v),
            Err(message) => {
                diagnostics.push(
                    Diagnostic::error("E016", path, pos, message)
                        .with_help("declare one of the listed versions, e.g. `# schema_version: 1.1.1`, or remove the declaration to use the configured default"),
                );
                return None;
            }
        }
    }
    version
}

/// `schema_version: 1.0.0` (also `schema version = 1.0.0`, `hepdata schema_version ...`).
fn comment_version(comment: &str) -> Option<&str> {
    let c = comment.trim();
    let lower = c.to_ascii_lowercase();
    let start = lower
        .find("schema_version")
        .or_else(|| lower.find("schema version"))?;
    if !lower[..start].trim().is_empty() && lower[..start].trim() != "hepdata" {
        return None;
    }
    let rest = c[start + "schema_version".len()..].trim_start();
    let rest = rest.strip_prefix([':', '='])?.trim();
    rest.split_whitespace().next()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::yaml::parse;

    fn declared(text: &str) -> (Option<SchemaVersion>, Vec<Diagnostic>) {
        let docs = parse(text, Path::new("s.yaml"), false).unwrap();
        let mut diags = Vec::new();
        let v = declared_version(text, docs.docs.first(), Path::new("s.yaml"), &mut diags);
        (v, diags)
    }

    #[test]
    fn versions_from_comments_and_fields() {
        assert_eq!(
            declared("# schema_version: 0.1.0\ncomment: x\n").0,
            Some(SchemaVersion::V0_1_0)
        );
        assert_eq!(
            declared("# HEPData schema version = 1.0.1\n---\na: 1\n").0,
            Some(SchemaVersion::V1_0_1)
        );
        assert_eq!(
            declared("schema_version: '1.1.0'\ncomment: x\n").0,
            Some(SchemaVersion::V1_1_0)
        );
        assert_eq!(declared("comment: x\n# schema_version: 0.1.0\n").0, None);
        let (v, d) = declared("# schema_version: 2.0\na: 1\n");
        assert_eq!((v, d[0].code, d[0].line), (None, "E016", 1));
        let (v, d) = declared("# schema_version: 1.0.0\nschema_version: 1.1.1\n");
        assert_eq!((v, d[0].code, d[0].line), (None, "E016", 2));
    }

    #[test]
    fn undecodable_bytes_are_located() {
        let mut diags = Vec::new();
        assert!(decode(b"a: 1\nb: caf\xe9\n", Path::new("d.yaml"), &mut diags).is_none());
        assert_eq!((diags[0].line, diags[0].column), (2, 7));
    }
}
