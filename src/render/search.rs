//! The search index: records and tables by their metadata, with facets.
//!
//! Only metadata go in (titles, abstracts, names, descriptions, keywords, resource
//! types), never table rows, so the index grows with the number of tables and not with
//! their length (c27). Texts are stored as plain text with tags stripped and LaTeX left
//! as written (c26: "miss" finds `$E_{T}^{miss}$`).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::{Record, Resource, Table};

use super::{links, math, number};

/// The facets, in the order the search page shows them: (key, label, keyword name).
pub const FACETS: [(&str, &str); 7] = [
    ("collaboration", "Collaboration"),
    ("year", "Year"),
    ("reaction", "Reaction"),
    ("observable", "Observable"),
    ("cmenergy", "Centre-of-mass energy"),
    ("phrase", "Phrase"),
    ("resource", "Resource type"),
];

/// Characters of a table description kept in the index.
const TABLE_TEXT: usize = 160;
/// Characters of an abstract kept in the index.
const ABSTRACT_TEXT: usize = 600;

/// The whole index, as `/search/index.json` holds it.
#[derive(Serialize)]
pub struct Index {
    pub facets: Vec<Facet>,
    pub records: Vec<RecordDoc>,
}

#[derive(Serialize)]
pub struct Facet {
    pub key: &'static str,
    pub label: &'static str,
    pub values: Vec<FacetValue>,
}

/// One value of a facet; `id` is what documents refer to it by.
#[derive(Serialize)]
pub struct FacetValue {
    pub id: usize,
    pub value: String,
    pub slug: String,
    pub records: usize,
}

/// A record (its latest version) as the index keeps it. Short keys: the index is
/// downloaded whole.
#[derive(Serialize)]
pub struct RecordDoc {
    /// Record id.
    pub id: String,
    /// URL of the latest version.
    pub u: String,
    /// Title, plain.
    pub t: String,
    /// Collaborations and authors, year, arXiv: one line.
    pub m: String,
    /// Abstract, plain, cut.
    pub a: String,
    /// Facet value ids of the record (union of its tables').
    pub f: Vec<usize>,
    /// Tables: [number, name, description, facet value ids].
    pub tables: Vec<TableDoc>,
}

#[derive(Serialize)]
pub struct TableDoc(pub usize, pub String, pub String, pub Vec<usize>);

/// What a facet value's page lists.
pub struct FacetPage {
    pub facet: &'static str,
    pub label: &'static str,
    pub value: String,
    pub slug: String,
    /// Record ids, in index order, and for each the tables (numbers) that carry the value.
    pub records: Vec<(String, Vec<usize>)>,
}

/// Builds the index over `records` (ordered as the site lists them, newest first).
pub fn index(records: &[&Record]) -> (Index, Vec<FacetPage>) {
    // Facet values as (facet, normalised key) -> display value, and who has them.
    let mut values: BTreeMap<(usize, String), String> = BTreeMap::new();
    let mut record_values: Vec<Vec<(usize, String)>> = Vec::new();
    let mut table_values: Vec<Vec<Vec<(usize, String)>>> = Vec::new();
    for record in records {
        let Some(latest) = record.latest() else {
            record_values.push(Vec::new());
            table_values.push(Vec::new());
            continue;
        };
        let mut own = Vec::new();
        let mut add = |list: &mut Vec<(usize, String)>, facet: usize, display: String| {
            let key = normalise(facet, &display);
            if key.is_empty() {
                return;
            }
            values.entry((facet, key.clone())).or_insert(display);
            if !list.contains(&(facet, key.clone())) {
                list.push((facet, key));
            }
        };
        for c in &record.meta.collaborations {
            add(&mut own, 0, c.trim().to_string());
        }
        if let Some(y) = record.meta.year {
            add(&mut own, 1, y.to_string());
        }
        for r in latest.submission.resources.iter() {
            if let Some(kind) = resource_kind(r) {
                add(&mut own, 6, kind.to_string());
            }
        }
        let mut per_table = Vec::new();
        for t in &latest.submission.tables {
            let mut mine = Vec::new();
            for (facet, value) in table_keywords(t) {
                add(&mut mine, facet, value);
            }
            for r in &t.resources {
                if let Some(kind) = resource_kind(r) {
                    add(&mut mine, 6, kind.to_string());
                }
            }
            if t.data_schema.as_deref().is_some_and(is_likelihood_text) {
                add(&mut mine, 6, "likelihood".to_string());
            }
            for v in &mine {
                if !own.contains(v) {
                    own.push(v.clone());
                }
            }
            per_table.push(mine);
        }
        record_values.push(own);
        table_values.push(per_table);
    }

    // Ids and slugs, facet by facet, values sorted (years newest first).
    let mut facets: Vec<Facet> = FACETS
        .iter()
        .map(|(key, label)| Facet {
            key,
            label,
            values: Vec::new(),
        })
        .collect();
    let mut ids: BTreeMap<(usize, String), usize> = BTreeMap::new();
    let mut next = 0;
    for (f, facet) in facets.iter_mut().enumerate() {
        let mut mine: Vec<(&String, &String)> = values
            .iter()
            .filter(|((vf, _), _)| *vf == f)
            .map(|((_, k), d)| (k, d))
            .collect();
        if f == 1 {
            mine.reverse();
        } else if f == 4 {
            mine.sort_by(|a, b| {
                let num = |s: &str| s.parse::<f64>().unwrap_or(f64::MAX);
                num(a.0).total_cmp(&num(b.0))
            });
        }
        let mut slugs: Vec<String> = Vec::new();
        for (key, display) in mine {
            let mut slug = slugify(display);
            if slug.is_empty() {
                slug = format!("v{next}");
            }
            let base = slug.clone();
            let mut i = 2;
            while slugs.contains(&slug) {
                slug = format!("{base}-{i}");
                i += 1;
            }
            slugs.push(slug.clone());
            let records = record_values
                .iter()
                .filter(|vs| vs.iter().any(|(vf, k)| *vf == f && k == key))
                .count();
            ids.insert((f, key.clone()), next);
            facet.values.push(FacetValue {
                id: next,
                value: if f == 4 {
                    format!("{display} GeV")
                } else {
                    display.clone()
                },
                slug,
                records,
            });
            next += 1;
        }
    }
    let id_of = |v: &(usize, String)| ids[v];

    // Documents.
    let docs: Vec<RecordDoc> = records
        .iter()
        .zip(record_values.iter().zip(&table_values))
        .filter_map(|(record, (own, per_table))| {
            let latest = record.latest()?;
            let m = &record.meta;
            let who = if m.collaborations.is_empty() {
                m.authors.join(", ")
            } else {
                m.collaborations.join(", ")
            };
            let mut meta = who;
            if let Some(y) = m.year {
                meta.push_str(&format!(" · {y}"));
            }
            if let Some(a) = &m.arxiv {
                meta.push_str(&format!(" · arXiv:{a}"));
            }
            Some(RecordDoc {
                id: record.id.clone(),
                u: links::version(&record.id, latest.number),
                t: plain_text(&math::plain(&m.title), usize::MAX),
                m: meta,
                a: plain_text(
                    m.abstract_text.as_deref().unwrap_or_default(),
                    ABSTRACT_TEXT,
                ),
                f: own.iter().map(id_of).collect(),
                tables: latest
                    .submission
                    .tables
                    .iter()
                    .zip(per_table)
                    .enumerate()
                    .map(|(i, (t, vs))| {
                        TableDoc(
                            i + 1,
                            plain_text(&math::plain(&t.name.value), usize::MAX),
                            plain_text(t.description.as_deref().unwrap_or_default(), TABLE_TEXT),
                            vs.iter().map(id_of).collect(),
                        )
                    })
                    .collect(),
            })
        })
        .collect();

    // One page per facet value, listing who has it.
    let pages = facets
        .iter()
        .enumerate()
        .flat_map(|(f, facet)| {
            let docs = &docs;
            facet.values.iter().map(move |v| FacetPage {
                facet: FACETS[f].0,
                label: FACETS[f].1,
                value: v.value.clone(),
                slug: v.slug.clone(),
                records: docs
                    .iter()
                    .filter(|d| d.f.contains(&v.id))
                    .map(|d| {
                        let tables = d
                            .tables
                            .iter()
                            .filter(|t| t.3.contains(&v.id))
                            .map(|t| t.0)
                            .collect();
                        (d.id.clone(), tables)
                    })
                    .collect(),
            })
        })
        .collect();
    (
        Index {
            facets,
            records: docs,
        },
        pages,
    )
}

/// The keyword facets of a table: (facet number, value as written).
fn table_keywords(t: &Table) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for k in &t.keywords {
        let facet = match k.name.value.trim().to_ascii_lowercase().as_str() {
            "reactions" => 2,
            "observables" => 3,
            "cmenergies" => 4,
            "phrases" => 5,
            _ => continue,
        };
        for v in &k.values {
            let v = v.value.trim();
            if facet == 4 {
                // Centre-of-mass energies are numbers in GeV, written `13000` or `13000.0`,
                // or ranges `7000-8000`.
                let value = v
                    .parse::<f64>()
                    .map(number::format)
                    .unwrap_or_else(|_| v.to_string());
                out.push((4, value.replace('−', "-")));
            } else {
                out.push((facet, v.to_string()));
            }
        }
    }
    out
}

/// Values that differ only in case or spacing are one facet value.
fn normalise(_facet: usize, value: &str) -> String {
    value
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// A URL segment for a facet value: lowercase ASCII letters and digits joined by `-`.
pub fn slugify(value: &str) -> String {
    let mut out = String::new();
    for c in value.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if c == '.' && out.chars().last().is_some_and(|l| l.is_ascii_digit()) {
            out.push('.');
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches(['-', '.']).to_string()
}

/// The kind of resource a file is, for the "resource type" facet: from its `type`, its
/// name and its description.
pub fn resource_kind(r: &Resource) -> Option<&'static str> {
    let kind = r.kind.as_deref().unwrap_or_default().to_ascii_lowercase();
    let name = r.location.value.to_ascii_lowercase();
    let desc = r
        .description
        .as_deref()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let text = format!("{kind} {desc}");
    if is_likelihood_text(&text) {
        return Some("likelihood");
    }
    if [
        "bdt",
        "tmva",
        "mva",
        "boosted decision",
        "neural network",
        "onnx",
    ]
    .iter()
    .any(|w| text.contains(w))
        || name.ends_with(".weights.xml")
        || name.ends_with(".onnx")
    {
        return Some("BDT / MVA");
    }
    let code_ext = [
        ".py", ".c", ".cc", ".cpp", ".cxx", ".h", ".hh", ".ipynb", ".f", ".f90", ".slha",
    ];
    if kind.contains("code")
        || [
            "code",
            "rivet",
            "script",
            "github.com",
            "gitlab",
            "simplified likelihood",
        ]
        .iter()
        .any(|w| desc.contains(w) || name.contains(w))
        || code_ext.iter().any(|e| name.ends_with(e))
    {
        return Some("code");
    }
    None
}

fn is_likelihood_text(text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    ["likelihood", "histfactory", "pyhf", "workspace"]
        .iter()
        .any(|w| t.contains(w))
}

/// Text for the index: tags stripped, whitespace collapsed, LaTeX kept, cut at `max`.
pub fn plain_text(text: &str, max: usize) -> String {
    // A `<` starts a tag only outside math and when a letter, `/` or `!` follows
    // (`$a<b$` is a formula, not a tag).
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut in_math = false;
    let mut prev = ' ';
    while let Some(c) = chars.next() {
        if c == '$' && prev != '\\' {
            in_math = !in_math;
        }
        let tag = c == '<'
            && !in_math
            && chars
                .peek()
                .is_some_and(|n| n.is_ascii_alphabetic() || *n == '/' || *n == '!');
        if tag {
            for t in chars.by_ref() {
                if t == '>' {
                    break;
                }
            }
            out.push(' ');
        } else {
            out.push(c);
        }
        prev = c;
    }
    let line = out.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= max {
        return line;
    }
    let mut cut: String = line.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slugify("ATLAS"), "atlas");
        assert_eq!(slugify("P P --> TOP TOPBAR X"), "p-p-top-topbar-x");
        assert_eq!(slugify("13000.0"), "13000.0");
        assert_eq!(slugify("$E_{T}^{miss}$"), "e-t-miss");
        assert_eq!(slugify("日本"), "");
    }

    #[test]
    fn index_text_is_plain_with_math_source() {
        assert_eq!(
            plain_text(
                "Efficiency of 50% at $E_{T}^{miss} > 200$ <b>GeV</b>.\nSecond",
                200
            ),
            "Efficiency of 50% at $E_{T}^{miss} > 200$ GeV . Second"
        );
        assert_eq!(plain_text("abcdef", 4), "abc…");
        assert_eq!(plain_text("$a<b$ <script>x</script>", 100), "$a<b$ x");
    }
}
