//! The search index: records and tables by their metadata, with facets.
//!
//! Only metadata go in (titles, abstracts, names, descriptions, keywords, resource
//! types), never table rows, so the index grows with the number of tables and not with
//! their length (c27). Texts are stored as plain text with tags stripped and LaTeX left
//! as written (c26: "miss" finds `$E_{T}^{miss}$`).

use std::collections::{BTreeMap, HashMap};

use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize, Serializer};

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

/// What the index keeps of one record: its latest version's texts, already plain and
/// cut, and its facet values as written. Entries are made as each record is built; the
/// values are numbered once every record is known (see [`Facets`]).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Entry {
    pub id: String,
    /// URL of the latest version.
    pub url: String,
    /// Title, plain.
    pub title: String,
    /// Collaborations and authors, year, arXiv: one line.
    pub meta: String,
    /// Abstract, plain, cut.
    pub abstract_text: String,
    /// The record's facet values, each once, in the order first met (the record's own,
    /// then its tables'): (facet, value as first written).
    pub values: Vec<(usize, String)>,
    pub tables: Vec<TableEntry>,
}

/// A table of the latest version, as the index keeps it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TableEntry {
    /// The name as written: made plain for the index, HTML for the facet pages.
    pub name: String,
    /// The description, plain, cut.
    pub text: String,
    /// The table's facet values, as places in its record's `values`.
    pub values: Vec<usize>,
}

/// The index entry of `record`, or `None` when it has no version.
pub fn entry(record: &Record) -> Option<Entry> {
    let latest = record.latest()?;
    let m = &record.meta;
    let mut values = Values::default();
    for c in &m.collaborations {
        values.add(0, c.trim().to_string());
    }
    if let Some(y) = m.year {
        values.add(1, y.to_string());
    }
    for kind in latest.submission.resources.iter().filter_map(resource_kind) {
        values.add(6, kind.to_string());
    }
    let tables = latest
        .submission
        .tables
        .iter()
        .map(|t| {
            let mut found = table_keywords(t);
            found.extend(
                t.resources
                    .iter()
                    .filter_map(resource_kind)
                    .map(|kind| (6, kind.to_string())),
            );
            if t.data_schema.as_deref().is_some_and(is_likelihood_text) {
                found.push((6, "likelihood".to_string()));
            }
            let mut mine = Vec::new();
            for (facet, value) in found {
                if let Some(i) = values.add(facet, value)
                    && !mine.contains(&i)
                {
                    mine.push(i);
                }
            }
            TableEntry {
                name: t.name.value.clone(),
                text: plain_text(t.description.as_deref().unwrap_or_default(), TABLE_TEXT),
                values: mine,
            }
        })
        .collect();

    let mut meta = if m.collaborations.is_empty() {
        m.authors.join(", ")
    } else {
        m.collaborations.join(", ")
    };
    if let Some(y) = m.year {
        meta.push_str(&format!(" · {y}"));
    }
    if let Some(a) = &m.arxiv {
        meta.push_str(&format!(" · arXiv:{a}"));
    }
    Some(Entry {
        id: record.id.clone(),
        url: links::version(&record.id, latest.number),
        title: plain_text(&math::plain(&m.title), usize::MAX),
        meta,
        abstract_text: plain_text(
            m.abstract_text.as_deref().unwrap_or_default(),
            ABSTRACT_TEXT,
        ),
        values: values.list,
        tables,
    })
}

/// A record's facet values, each once.
#[derive(Default)]
struct Values {
    list: Vec<(usize, String)>,
    keys: Vec<(usize, String)>,
}

impl Values {
    /// The place of the value (added if new); `None` for an empty one.
    fn add(&mut self, facet: usize, display: String) -> Option<usize> {
        let key = (facet, normalise(facet, &display));
        if key.1.is_empty() {
            return None;
        }
        if let Some(i) = self.keys.iter().position(|k| *k == key) {
            return Some(i);
        }
        self.keys.push(key);
        self.list.push((facet, display));
        Some(self.list.len() - 1)
    }
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

/// Every facet value of the site, numbered.
pub struct Facets {
    pub list: Vec<Facet>,
    ids: HashMap<(usize, String), usize>,
}

impl Facets {
    /// Numbers the values of `entries` (ordered as the site lists them, newest first):
    /// facet by facet, values sorted (years newest first). A value is shown as the first
    /// record to have it writes it.
    pub fn new<'a>(entries: impl Iterator<Item = &'a Entry>) -> Facets {
        // (facet, normalised key) -> (display value, records with it).
        let mut values: BTreeMap<(usize, String), (&str, usize)> = BTreeMap::new();
        for e in entries {
            for (facet, display) in &e.values {
                let seen = values
                    .entry((*facet, normalise(*facet, display)))
                    .or_insert((display, 0));
                seen.1 += 1;
            }
        }

        let mut list: Vec<Facet> = FACETS
            .iter()
            .map(|(key, label)| Facet {
                key,
                label,
                values: Vec::new(),
            })
            .collect();
        let mut ids = HashMap::new();
        let mut next = 0;
        for (f, facet) in list.iter_mut().enumerate() {
            let mut mine: Vec<(&String, &(&str, usize))> = values
                .iter()
                .filter(|((vf, _), _)| *vf == f)
                .map(|((_, k), seen)| (k, seen))
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
            for (key, &(display, records)) in mine {
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
                ids.insert((f, key.clone()), next);
                facet.values.push(FacetValue {
                    id: next,
                    value: if f == 4 {
                        format!("{display} GeV")
                    } else {
                        display.to_string()
                    },
                    slug,
                    records,
                });
                next += 1;
            }
        }
        Facets { list, ids }
    }

    /// The ids of `entry`'s values, in its order.
    ///
    /// # Panics
    /// When `entry` was not among those the facets were made from.
    pub fn ids(&self, entry: &Entry) -> Vec<usize> {
        entry
            .values
            .iter()
            .map(|(f, display)| self.ids[&(*f, normalise(*f, display))])
            .collect()
    }
}

/// `/search/index.json`: the facets, then a document per record. It is serialised as it
/// goes, from the entries, so the site never holds the text whole.
pub struct Index<'a> {
    pub facets: &'a Facets,
    /// Entries as the site lists them, each with its value ids ([`Facets::ids`]).
    pub records: &'a [(&'a Entry, Vec<usize>)],
}

impl Serialize for Index<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut index = serializer.serialize_struct("Index", 2)?;
        index.serialize_field("facets", &self.facets.list)?;
        index.serialize_field("records", &Docs(self.records))?;
        index.end()
    }
}

struct Docs<'a>(&'a [(&'a Entry, Vec<usize>)]);

impl Serialize for Docs<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|(e, ids)| {
            RecordDoc {
                id: &e.id,
                u: &e.url,
                t: &e.title,
                m: &e.meta,
                a: &e.abstract_text,
                f: ids,
                tables: e
                    .tables
                    .iter()
                    .enumerate()
                    .map(|(i, t)| {
                        TableDoc(
                            i + 1,
                            plain_text(&math::plain(&t.name), usize::MAX),
                            &t.text,
                            t.values.iter().map(|&v| ids[v]).collect(),
                        )
                    })
                    .collect(),
            }
        }))
    }
}

/// A record as the index file holds it. Short keys: the index is downloaded whole.
#[derive(Serialize)]
struct RecordDoc<'a> {
    /// Record id.
    id: &'a str,
    /// URL of the latest version.
    u: &'a str,
    /// Title, plain.
    t: &'a str,
    /// Collaborations and authors, year, arXiv: one line.
    m: &'a str,
    /// Abstract, plain, cut.
    a: &'a str,
    /// Facet value ids of the record (union of its tables').
    f: &'a [usize],
    /// Tables: [number, name, description, facet value ids].
    tables: Vec<TableDoc<'a>>,
}

#[derive(Serialize)]
struct TableDoc<'a>(usize, String, &'a str, Vec<usize>);

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
