//! Metadata fields of submission documents: keywords, licences, resources and
//! cross-references, each read under the record's schema version.

use crate::model::{Keyword, License, Resource, SchemaVersion, Spanned};

use super::fields::{Fields, get, suggestion};
use super::yaml::{self, Node};

/// The keyword names HEPData's search knows (schema 1.0.0 on).
pub const KEYWORD_NAMES: [&str; 4] = ["cmenergies", "observables", "reactions", "phrases"];

const RESOURCE_KEYS: [&str; 4] = ["location", "description", "type", "license"];
const LICENSE_KEYS: [&str; 3] = ["name", "url", "description"];

pub fn record_ids(node: &Node, f: &mut Fields) {
    for item in f.seq(node, "\"record_ids\"").unwrap_or_default() {
        let Some(e) = f.map(item, "an entry of \"record_ids\"") else {
            continue;
        };
        f.unknown_keys(e, &["type", "id"], "an entry of \"record_ids\"");
        if let Some(t) = f.required(e, "type", item.pos, "the record id") {
            f.text(t, "a record id's \"type\"");
        }
        if let Some(id) = f.required(e, "id", item.pos, "the record id") {
            f.text_or_number(id, "a record id's \"id\"");
        }
    }
}

pub fn modifications(node: &Node, f: &mut Fields) {
    for item in f.seq(node, "\"modifications\"").unwrap_or_default() {
        let Some(e) = f.map(item, "an entry of \"modifications\"") else {
            continue;
        };
        for key in ["action", "who"] {
            if let Some(v) = f.required(e, key, item.pos, "the modification") {
                f.text(v, format!("a modification's \"{key}\""));
            }
        }
    }
}

/// `related_to_hepdata_records`: HEPData record numbers, positive and each given once
/// (schema 1.1.1; earlier versions ignore the key).
pub fn related_records(node: &Node, f: &mut Fields) -> Vec<i64> {
    let strict = f.version >= SchemaVersion::V1_1_1;
    let items = if strict {
        f.seq(node, "\"related_to_hepdata_records\"")
            .unwrap_or_default()
    } else {
        node.as_seq().unwrap_or_default()
    };
    let mut out: Vec<i64> = Vec::new();
    for item in items {
        let number = item
            .as_scalar()
            .filter(|s| s.plain)
            .and_then(|s| s.as_f64())
            .filter(|x| *x >= 1.0 && x.fract() == 0.0 && *x < 9.0e15);
        match number {
            Some(x) if out.contains(&(x as i64)) && strict => f.error(
                "E045",
                item.pos,
                format!("related HEPData record {x} is listed twice"),
                "list each related record once",
            ),
            Some(x) if out.contains(&(x as i64)) => {}
            Some(x) => out.push(x as i64),
            None if strict => f.error(
                "E045",
                item.pos,
                format!(
                    "a related HEPData record must be a record number (a whole number from 1), found {}",
                    item.describe()
                ),
                "give the record's number without quotes, e.g. `- 80123`",
            ),
            None => {}
        }
    }
    out
}

pub fn keywords(node: &Node, f: &mut Fields) -> Vec<Keyword> {
    let Some(items) = f.seq(node, "\"keywords\"") else {
        return Vec::new();
    };
    let v1 = !f.version.is_v0();
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let what = format!("keywords[{i}]");
        let Some(entries) = f.map(item, &what) else {
            continue;
        };
        if v1 {
            f.unknown_keys(entries, &["name", "values"], &what);
        }
        let name = f
            .required(entries, "name", item.pos, &what)
            .and_then(|n| f.text(n, format!("{what}: \"name\"")));
        if v1 && let Some(name) = &name {
            f.check_length(name, format!("{what}: \"name\""), 128);
            if !KEYWORD_NAMES.contains(&name.value.as_str()) {
                f.error(
                    "E043",
                    name.pos,
                    format!(
                        "keyword name \"{}\" is not one of {}",
                        yaml::shorten(&name.value, 40),
                        KEYWORD_NAMES.join(", ")
                    ),
                    &format!(
                        "{} (centre-of-mass energies in GeV, observables, reactions, free phrases)",
                        suggestion(&name.value, &KEYWORD_NAMES)
                    ),
                );
            }
        }
        let values: Vec<Spanned<String>> = match f.required(entries, "values", item.pos, &what) {
            Some(v) => f
                .seq(v, format!("{what}: \"values\""))
                .unwrap_or_default()
                .iter()
                .filter_map(|x| f.text_or_number(x, format!("{what}: a value")))
                .collect(),
            None => Vec::new(),
        };
        if f.version >= SchemaVersion::V1_1_0 {
            for v in &values {
                f.check_length(v, format!("{what}: a value"), 128);
            }
        }
        if let Some(name) = name {
            if v1 && name.value == "cmenergies" {
                check_cmenergies(&values, entries, f);
            }
            out.push(Keyword { name, values });
        }
    }
    out
}

/// `cmenergies` values, in GeV: each a number, or a single range such as `7000-8000`.
fn check_cmenergies(values: &[Spanned<String>], entries: &[(Node, Node)], f: &mut Fields) {
    let items = get(entries, "values")
        .and_then(Node::as_seq)
        .unwrap_or_default();
    for (v, node) in values.iter().zip(items) {
        let is_number = node.as_scalar().is_some_and(|s| s.as_f64().is_some())
            || super::parse_python_float(&v.value).is_some();
        if is_number {
            continue;
        }
        if is_energy_range(&v.value) && values.len() == 1 {
            continue;
        }
        let (message, help) = if is_energy_range(&v.value) {
            (
                format!(
                    "cmenergies range \"{}\" must be the keyword's only value",
                    v.value
                ),
                "give either several energies as numbers or one range such as 7000-8000",
            )
        } else {
            (
                format!(
                    "cmenergies value \"{}\" must be a number in GeV or a range such as 7000-8000",
                    yaml::shorten(&v.value, 40)
                ),
                "write the energy in GeV as a number without units (e.g. 13000, or 1383-1481 for a range); other details belong in a phrase",
            )
        };
        f.error("E044", v.pos, message, help);
    }
}

/// `1.7-4.7`: two unsigned decimals joined by `-`, as HEPData accepts for ranges.
fn is_energy_range(text: &str) -> bool {
    let decimal = |s: &str| {
        let (int, frac) = s.split_once('.').unwrap_or((s, ""));
        !int.is_empty()
            && int.bytes().all(|b| b.is_ascii_digit())
            && frac.bytes().all(|b| b.is_ascii_digit())
    };
    text.split_once('-')
        .is_some_and(|(a, b)| decimal(a) && decimal(b))
}

/// A licence: `{name, url, description}`, name and url required (schema 1.0.0 on).
pub fn license(node: &Node, f: &mut Fields, what: &str) -> Option<License> {
    let entries = f.map(node, what)?;
    f.unknown_keys(entries, &LICENSE_KEYS, what);
    let name = f
        .required(entries, "name", node.pos, what)
        .and_then(|n| f.text_max(n, format!("{what}: \"name\""), 256));
    let url = f
        .required(entries, "url", node.pos, what)
        .and_then(|n| f.text_max(n, format!("{what}: \"url\""), 256));
    let description =
        get(entries, "description").and_then(|n| f.text(n, format!("{what}: \"description\"")));
    Some(License {
        name: name?.value,
        url: url.map(|s| s.value),
        description: description.map(|s| s.value),
    })
}

/// A licence in a schema that does not check it: taken when well formed, else ignored.
pub fn lenient_license(node: &Node) -> Option<License> {
    let text = |key: &str| {
        node.get(key)
            .and_then(|n| n.as_scalar())
            .and_then(|s| s.as_str())
            .map(str::to_string)
    };
    Some(License {
        name: text("name")?,
        url: text("url"),
        description: text("description"),
    })
}

/// `additional_resources`; `record_wide` tells the first document's list from a table's.
pub fn resources(node: &Node, f: &mut Fields, record_wide: bool) -> Vec<Resource> {
    let Some(items) = f.seq(node, "\"additional_resources\"") else {
        return Vec::new();
    };
    let v0 = f.version.is_v0();
    // Schema 1.0.x required a description only in the record-wide list; 1.1.0 everywhere.
    let description_required = !v0 && (record_wide || f.version >= SchemaVersion::V1_1_0);
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let what = format!("additional_resources[{i}]");
        let Some(entries) = f.map(item, &what) else {
            continue;
        };
        if !v0 {
            f.unknown_keys(entries, &RESOURCE_KEYS, &what);
        }
        let location = f
            .required(entries, "location", item.pos, &what)
            .and_then(|n| {
                if v0 {
                    f.text(n, format!("{what}: \"location\""))
                } else {
                    f.text_max(n, format!("{what}: \"location\""), 256)
                }
            });
        let description = if description_required {
            f.required(entries, "description", item.pos, &what)
        } else {
            get(entries, "description")
        }
        .and_then(|n| f.text(n, format!("{what}: \"description\"")));
        let kind = get(entries, "type")
            .and_then(|n| f.text_max(n, format!("{what}: \"type\""), 64))
            .map(|s| s.value);
        let license = get(entries, "license").and_then(|n| {
            if v0 {
                lenient_license(n)
            } else {
                license(n, f, &format!("{what}: \"license\""))
            }
        });
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

/// `related_to_table_dois`: DOIs of HEPData tables, `10.17182/hepdata.N.vM/tK`, each once.
pub fn related_dois(node: &Node, f: &mut Fields) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in f.seq(node, "\"related_to_table_dois\"").unwrap_or_default() {
        let Some(doi) = f.text(item, "a related table DOI") else {
            continue;
        };
        if !is_table_doi(&doi.value) {
            f.error(
                "E046",
                doi.pos,
                format!(
                    "\"{}\" is not a HEPData table DOI of the form 10.17182/hepdata.<record>.v<version>/t<table>",
                    yaml::shorten(&doi.value, 60)
                ),
                "copy the table's DOI from its HEPData page, e.g. 10.17182/hepdata.80123.v1/t2 (no https://doi.org/ prefix)",
            );
        } else if out.contains(&doi.value) {
            f.error(
                "E046",
                doi.pos,
                format!("related table DOI {} is listed twice", doi.value),
                "list each related table once",
            );
        } else {
            out.push(doi.value);
        }
    }
    out
}

/// `10.17182/hepdata.N.vM/tK` with N, M, K made of digits.
pub fn is_table_doi(doi: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let Some(rest) = doi.strip_prefix("10.17182/hepdata.") else {
        return false;
    };
    let Some((record, rest)) = rest.split_once(".v") else {
        return false;
    };
    let Some((version, table)) = rest.split_once("/t") else {
        return false;
    };
    digits(record) && digits(version) && digits(table)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_dois() {
        assert!(is_table_doi("10.17182/hepdata.80123.v1/t2"));
        for bad in [
            "10.17182/hepdata.80123.v1",
            "https://doi.org/10.17182/hepdata.1.v1/t1",
            "10.17182/hepdata.x.v1/t1",
            "10.17182/hepdata.1.v1/t1/",
        ] {
            assert!(!is_table_doi(bad), "{bad}");
        }
    }

    #[test]
    fn energy_ranges() {
        assert!(is_energy_range("7000-8000"));
        assert!(is_energy_range("1.383-1.481"));
        assert!(!is_energy_range("1.383-1.481 GeV"));
        assert!(!is_energy_range("-5-3"));
        assert!(!is_energy_range("7000"));
    }
}
