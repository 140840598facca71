//! pyhf patchsets (`patchset.json` schema 1.0.0): their shape, their consistency, their
//! digests, and every patch applied to the background-only workspace.
//!
//! `pyhf patchset verify` only compares digests; a patch with a wrong path or a sample of
//! the wrong length is found only when a theorist applies it. Here every patch is applied
//! and the result checked as a workspace, so such a patchset never gets published.

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;
use serde_json::Value;

use crate::model::{Diagnostic, Pos};

use super::digest::{self, ALGORITHMS};
use super::patch;
use super::{Workspace, check_patched};

/// One signal point of a patchset, for pages.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Point {
    pub name: String,
    /// The values, written as text in the order of the patchset's labels.
    pub values: Vec<String>,
    /// Did the patch apply, and the patched workspace check out? `None` when not tried.
    pub ok: Option<bool>,
}

/// What a patchset holds, for pages.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PatchsetSummary {
    pub description: String,
    pub labels: Vec<String>,
    /// `metadata.digests`, algorithm and hex digest.
    pub digests: Vec<(String, String)>,
    /// Did every digest match the background-only workspace? `None` when not compared.
    pub verified: Option<bool>,
    pub points: Vec<Point>,
}

/// Checks a patchset; with `ws`, also its digests and every patch applied to it.
pub fn check_patchset(
    value: &Value,
    file: &Path,
    ws: Option<&Workspace>,
    out: &mut Vec<Diagnostic>,
) -> PatchsetSummary {
    let before = out.len();
    let mut s = Shape { file, out };
    let summary = s.patchset(value);
    if out[before..].iter().any(Diagnostic::is_error) {
        return summary;
    }
    let mut summary = summary;
    let mut errors = Vec::new();
    consistency(value, &summary, file, &mut errors);
    let consistent = errors.is_empty();
    out.extend(errors);
    let Some(ws) = ws else { return summary };
    if !consistent {
        return summary;
    }

    // Digests, as `pyhf patchset verify` computes them.
    let mut verified = true;
    for (algorithm, expected) in &summary.digests {
        let Some(actual) = digest::digest(algorithm, &ws.value) else {
            continue;
        };
        if !actual.eq_ignore_ascii_case(expected) {
            verified = false;
            out.push(
                Diagnostic::error(
                    "E066",
                    file,
                    Pos::NONE,
                    format!(
                        "/metadata/digests/{algorithm}: the patchset was made for a background-only workspace with {algorithm} {expected}, but {} has {actual}",
                        ws.name
                    ),
                )
                .with_help(format!(
                    "pair the patchset with the workspace it was made for, or recompute the digest (pyhf digest {})",
                    ws.name
                )),
            );
        }
    }
    summary.verified = Some(verified);

    // Every patch applied to the workspace, the result checked as one.
    let patches = value["patches"].as_array().map_or(&[][..], Vec::as_slice);
    for (i, (p, point)) in patches.iter().zip(summary.points.iter_mut()).enumerate() {
        let at = format!("/patches/{i}/patch");
        let who = format!("patch \"{}\" ({at})", point.name);
        point.ok = Some(check_patched(ws, &p["patch"], &who, file, out));
    }
    summary
}

/// Checks a bare JSON patch file (a list of RFC 6902 operations) against a workspace.
pub fn check_patch_file(
    value: &Value,
    file: &Path,
    ws: &Workspace,
    out: &mut Vec<Diagnostic>,
) -> bool {
    let name = file
        .to_string_lossy()
        .rsplit(['/', ':'])
        .next()
        .unwrap_or("")
        .to_string();
    check_patched(ws, value, &format!("patch {name}"), file, out)
}

/// Names given twice, values given twice, values not matching the labels: what pyhf's
/// `PatchSet` refuses, each reported with the patch's name and index.
fn consistency(value: &Value, summary: &PatchsetSummary, file: &Path, out: &mut Vec<Diagnostic>) {
    let labels = summary.labels.len();
    let mut names: HashMap<&str, usize> = HashMap::new();
    let mut values: HashMap<String, (usize, &str)> = HashMap::new();
    for (i, point) in summary.points.iter().enumerate() {
        let ptr = format!("/patches/{i}/metadata");
        if let Some(first) = names.insert(&point.name, i) {
            out.push(
                Diagnostic::error(
                    "E065",
                    file,
                    Pos::NONE,
                    format!(
                        "{ptr}/name: two patches are named \"{}\" (patches {first} and {i})",
                        point.name
                    ),
                )
                .with_help("give every signal point its own name"),
            );
            names.insert(&point.name, first);
        }
        if point.values.len() != labels {
            out.push(
                Diagnostic::error(
                    "E065",
                    file,
                    Pos::NONE,
                    format!(
                        "{ptr}/values: patch \"{}\" has {} values for {labels} labels ({})",
                        point.name,
                        point.values.len(),
                        summary.labels.join(", ")
                    ),
                )
                .with_help("give one value per label in metadata.labels, in the same order"),
            );
        }
        let key =
            serde_json::to_string(&value["patches"][i]["metadata"]["values"]).unwrap_or_default();
        if let Some((first, first_name)) = values.get(&key) {
            out.push(
                Diagnostic::error(
                    "E065",
                    file,
                    Pos::NONE,
                    format!(
                        "{ptr}/values: patches \"{first_name}\" ({first}) and \"{}\" ({i}) both have the values ({})",
                        point.name,
                        point.values.join(", ")
                    ),
                )
                .with_help("each signal point is found by its values: remove the repeat or correct its values"),
            );
        } else {
            values.insert(key, (i, &point.name));
        }
    }
}

/// A rule for text: the test, and how the rule reads in a message.
type Pattern = (fn(&str) -> bool, &'static str);

/// The patchset schema: every problem reported, not only the first.
struct Shape<'a> {
    file: &'a Path,
    out: &'a mut Vec<Diagnostic>,
}

impl Shape<'_> {
    fn error(&mut self, ptr: &str, message: String, help: &str) {
        let at = if ptr.is_empty() { "/" } else { ptr };
        self.out.push(
            Diagnostic::error("E064", self.file, Pos::NONE, format!("{at}: {message}"))
                .with_help(help),
        );
    }

    fn object<'v>(
        &mut self,
        v: &'v Value,
        ptr: &str,
        allowed: Option<&[&str]>,
        required: &[&str],
    ) -> Option<&'v serde_json::Map<String, Value>> {
        let Some(map) = v.as_object() else {
            self.error(
                ptr,
                format!("must be an object, found {}", describe(v)),
                "write an object {\"key\": value}",
            );
            return None;
        };
        if let Some(allowed) = allowed {
            for key in map.keys() {
                if !allowed.contains(&key.as_str()) {
                    self.error(
                        ptr,
                        format!("unexpected key \"{key}\""),
                        &format!("pyhf's patchset format allows here: {}", allowed.join(", ")),
                    );
                }
            }
        }
        for key in required {
            if !map.contains_key(*key) {
                self.error(
                    ptr,
                    format!("\"{key}\" is required"),
                    &format!("add \"{key}\" to this object"),
                );
            }
        }
        Some(map)
    }

    fn text(&mut self, v: &Value, ptr: &str, pattern: Option<Pattern>) -> Option<String> {
        let Some(s) = v.as_str() else {
            self.error(
                ptr,
                format!("must be text, found {}", describe(v)),
                "write it in double quotes",
            );
            return None;
        };
        if let Some((ok, rule)) = pattern
            && !ok(s)
        {
            self.error(
                ptr,
                format!("\"{s}\" does not match {rule}"),
                &format!("write it as {rule}"),
            );
            return None;
        }
        Some(s.to_string())
    }

    fn patchset(&mut self, v: &Value) -> PatchsetSummary {
        let mut summary = PatchsetSummary::default();
        let Some(_) = self.object(
            v,
            "",
            Some(&["metadata", "patches", "version"]),
            &["metadata", "patches", "version"],
        ) else {
            return summary;
        };
        if let Some(version) = v.get("version")
            && version.as_str() != Some("1.0.0")
        {
            self.error(
                "/version",
                format!("must be \"1.0.0\", found {}", describe(version)),
                "pyhf patchsets of this format declare \"version\": \"1.0.0\"",
            );
        }
        if let Some(meta) = v.get("metadata") {
            self.metadata(meta, &mut summary);
        }
        if let Some(patches) = v.get("patches") {
            match patches.as_array() {
                None => self.error(
                    "/patches",
                    format!("must be a list, found {}", describe(patches)),
                    "write a list of patches",
                ),
                Some(items) if items.is_empty() => self.error(
                    "/patches",
                    "must not be empty".into(),
                    "give at least one signal patch",
                ),
                Some(items) => {
                    for (i, p) in items.iter().enumerate() {
                        if let Some(point) = self.patch(p, &format!("/patches/{i}")) {
                            summary.points.push(point);
                        }
                    }
                }
            }
        }
        summary
    }

    fn metadata(&mut self, meta: &Value, summary: &mut PatchsetSummary) {
        let ptr = "/metadata";
        if self
            .object(
                meta,
                ptr,
                None,
                &["references", "digests", "labels", "description"],
            )
            .is_none()
        {
            return;
        }
        if let Some(d) = meta.get("description") {
            summary.description = self
                .text(d, "/metadata/description", None)
                .unwrap_or_default();
        }
        if let Some(refs) = meta.get("references")
            && let Some(map) = self.object(refs, "/metadata/references", Some(&["hepdata"]), &[])
        {
            if map.is_empty() {
                self.error(
                    "/metadata/references",
                    "must not be empty".into(),
                    "give the HEPData record, e.g. {\"hepdata\": \"ins1755298\"}",
                );
            }
            if let Some(h) = map.get("hepdata") {
                self.text(
                    h,
                    "/metadata/references/hepdata",
                    Some((is_inspire, "ins followed by 7 digits, e.g. ins1755298")),
                );
            }
        }
        if let Some(digests) = meta.get("digests")
            && let Some(map) = self.object(digests, "/metadata/digests", Some(&ALGORITHMS), &[])
        {
            if map.is_empty() {
                self.error("/metadata/digests", "must not be empty".into(), "give the sha256 digest of the background-only workspace (pyhf digest BkgOnly.json)");
            }
            for (algorithm, d) in map {
                let len = if algorithm == "md5" { 32 } else { 64 };
                let ptr = format!("/metadata/digests/{algorithm}");
                let ok: fn(&str) -> bool = if len == 32 { is_md5 } else { is_sha256 };
                if ALGORITHMS.contains(&algorithm.as_str())
                    && let Some(s) = self.text(d, &ptr, Some((ok, "a hexadecimal digest")))
                {
                    summary.digests.push((algorithm.clone(), s));
                }
            }
        }
        if let Some(labels) = meta.get("labels") {
            match labels.as_array() {
                None => self.error(
                    "/metadata/labels",
                    format!("must be a list, found {}", describe(labels)),
                    "list the names of the signal-point parameters, e.g. [\"m1\", \"m2\"]",
                ),
                Some(items) if items.is_empty() => self.error(
                    "/metadata/labels",
                    "must not be empty".into(),
                    "list the names of the signal-point parameters",
                ),
                Some(items) => {
                    for (i, l) in items.iter().enumerate() {
                        if let Some(l) = self.text(
                            l,
                            &format!("/metadata/labels/{i}"),
                            Some((is_word, "letters, digits and _")),
                        ) {
                            summary.labels.push(l);
                        }
                    }
                }
            }
        }
    }

    fn patch(&mut self, p: &Value, ptr: &str) -> Option<Point> {
        self.object(p, ptr, Some(&["metadata", "patch"]), &["metadata", "patch"])?;
        let mptr = format!("{ptr}/metadata");
        let meta = p.get("metadata")?;
        self.object(meta, &mptr, None, &["name", "values"])?;
        let name = self.text(meta.get("name")?, &format!("{mptr}/name"), None)?;
        let values = meta.get("values")?;
        let Some(items) = values.as_array() else {
            self.error(
                &format!("{mptr}/values"),
                format!("must be a list, found {}", describe(values)),
                "list the signal point's values, one per label",
            );
            return None;
        };
        let mut texts = Vec::new();
        for (i, v) in items.iter().enumerate() {
            match v {
                Value::Number(n) => texts.push(n.to_string()),
                Value::String(s) => texts.push(s.clone()),
                other => self.error(
                    &format!("{mptr}/values/{i}"),
                    format!("must be a number or text, found {}", describe(other)),
                    "write the signal point's value, e.g. 500",
                ),
            }
        }
        let ops = p.get("patch")?;
        self.operations(ops, &format!("{ptr}/patch"));
        (texts.len() == items.len()).then_some(Point {
            name,
            values: texts,
            ok: None,
        })
    }

    /// RFC 6902's shape (pyhf's `jsonpatch.json`); whether the operations apply is
    /// checked against the workspace.
    fn operations(&mut self, ops: &Value, ptr: &str) {
        let Some(items) = ops.as_array() else {
            self.error(
                ptr,
                format!(
                    "must be a list of RFC 6902 operations, found {}",
                    describe(ops)
                ),
                "write [{\"op\": \"add\", \"path\": ..., \"value\": ...}, ...]",
            );
            return;
        };
        for (i, op) in items.iter().enumerate() {
            let optr = format!("{ptr}/{i}");
            let Some(map) = self.object(op, &optr, None, &["op", "path"]) else {
                continue;
            };
            let Some(name) = map
                .get("op")
                .and_then(|o| self.text(o, &format!("{optr}/op"), None))
            else {
                continue;
            };
            let needs: &[&str] = match name.as_str() {
                "add" | "replace" | "test" => &["value"],
                "move" | "copy" => &["from"],
                "remove" => &[],
                other => {
                    self.error(
                        &format!("{optr}/op"),
                        format!("unknown operation \"{other}\""),
                        "RFC 6902 has add, remove, replace, move, copy and test",
                    );
                    continue;
                }
            };
            for key in needs {
                if !map.contains_key(*key) {
                    self.error(
                        &optr,
                        format!("a \"{name}\" operation needs \"{key}\""),
                        &format!("add \"{key}\""),
                    );
                }
            }
            if let Some(path) = map.get("path")
                && let Some(text) = self.text(path, &format!("{optr}/path"), None)
                && let Err(why) = patch::parse_pointer(&text)
            {
                self.error(
                    &format!("{optr}/path"),
                    why,
                    "write a JSON pointer such as /channels/0/samples/-",
                );
            }
        }
    }
}

fn is_inspire(s: &str) -> bool {
    s.len() == 10 && s.starts_with("ins") && s[3..].bytes().all(|b| b.is_ascii_digit())
}

fn is_md5(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

fn is_sha256(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

fn is_word(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

pub(crate) fn describe(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("text \"{}\"", crate::load::yaml::shorten(s, 60)),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "an object".into(),
    }
}
