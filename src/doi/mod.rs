//! DOIs: what each landing page's DOI says about it, and its registration.
//!
//! Input: a checked record, a target (the record, a version, a table or a resource) and
//! the settings. Output: one [`Metadata`], written three ways: DataCite kernel 4.6 XML
//! (`datacite`), a BibTeX entry (`bibtex`) and schema.org JSON-LD (`jsonld`). `register`
//! sends the XML to DataCite; it is the only part that uses the network.

pub mod bibtex;
pub mod datacite;
pub mod jsonld;
pub mod register;

use crate::config::Config;
use crate::model::{License, Record, Table, Version};
use crate::render::links::{self, Dois};
use crate::render::math;

/// What a DOI names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// `P/N.<id>`: the record, whatever its version; resolves to the latest version.
    Record,
    /// `P/N.<id>.v<n>`.
    Version(u32),
    /// `P/N.<id>.v<n>/t<k>`, `k` 1-based.
    Table(u32, usize),
    /// `P/N.<id>.v<n>/r<k>`, `k` 1-based over local resources.
    Resource(u32, usize),
}

/// A creator: a collaboration (an organisation) or a person.
#[derive(Clone, Debug, PartialEq)]
pub struct Creator {
    pub name: String,
    pub organisation: bool,
}

/// A related identifier: `relation` and `kind` are DataCite's `relationType` and
/// `relatedIdentifierType`.
#[derive(Clone, Debug, PartialEq)]
pub struct Related {
    pub relation: &'static str,
    pub kind: &'static str,
    pub id: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Rights {
    pub name: String,
    pub url: Option<String>,
    /// The SPDX identifier, when the licence is one hepstatic knows.
    pub spdx: Option<&'static str>,
}

/// A file a landing page offers, for JSON-LD's `distribution`.
#[derive(Clone, Debug, PartialEq)]
pub struct Download {
    pub url: String,
    pub mime: &'static str,
}

/// Everything the DOI of one landing page says, in DataCite's terms.
#[derive(Clone, Debug)]
pub struct Metadata {
    pub target: Target,
    pub doi: String,
    /// The landing page, absolute.
    pub landing_url: String,
    /// The URL the DOI resolves to: the landing page, or the file itself for a resource
    /// (so that `curl -L https://doi.org/<doi>` gets the bytes).
    pub url: String,
    pub title: String,
    pub creators: Vec<Creator>,
    pub publisher: String,
    pub year: i32,
    /// The version's publication date; `None` for a draft.
    pub issued: Option<String>,
    /// DataCite's `resourceTypeGeneral` (Collection, Dataset, Other) and a free text.
    pub type_general: &'static str,
    pub type_text: String,
    /// (`descriptionType`, text): Abstract first when there is one.
    pub descriptions: Vec<(&'static str, String)>,
    /// (scheme, term): HEPData keywords; `None` for free phrases.
    pub subjects: Vec<(Option<String>, String)>,
    pub rights: Rights,
    pub related: Vec<Related>,
    pub version: Option<u32>,
    pub sizes: Vec<String>,
    pub formats: Vec<&'static str>,
    pub downloads: Vec<Download>,
    /// A draft's DOI is reserved, not registered.
    pub draft: bool,
}

/// HEPData's licence for data that state none.
fn cc0() -> Rights {
    Rights {
        name: "CC0 1.0 Universal".to_string(),
        url: Some("https://creativecommons.org/publicdomain/zero/1.0/".to_string()),
        spdx: Some("CC0-1.0"),
    }
}

fn rights(license: Option<&License>) -> Rights {
    let Some(l) = license else {
        return cc0();
    };
    let key: String = l
        .name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    let spdx = match key.as_str() {
        "cc0" | "cc010" | "cc0universal" | "cc010universal" => Some("CC0-1.0"),
        "ccby40" | "ccbyattribution40" => Some("CC-BY-4.0"),
        "ccbysa40" => Some("CC-BY-SA-4.0"),
        _ => None,
    };
    Rights {
        name: l.name.clone(),
        url: l.url.clone(),
        spdx,
    }
}

/// Builds the metadata of `target`'s DOI; `None` when the target does not exist.
/// `published(n)` tells whether version `n` has a lock.
pub fn metadata(
    config: &Config,
    record: &Record,
    target: Target,
    published: &dyn Fn(u32) -> bool,
) -> Option<Metadata> {
    let dois = Dois::new(config);
    let id = &record.id;
    let m = &record.meta;
    let base = config.site.base_url.trim_end_matches('/');
    let paper = math::plain(&m.title);
    let n = match target {
        Target::Record => record.latest()?.number,
        Target::Version(n) | Target::Table(n, _) | Target::Resource(n, _) => n,
    };
    let version = record.versions.iter().find(|v| v.number == n)?;
    let log = m.versions.iter().find(|l| l.version == n);
    let draft = !published(n);
    let issued = log.and_then(|l| l.date.clone()).filter(|_| !draft);
    let first_date = m
        .versions
        .iter()
        .filter(|l| published(l.version))
        .min_by_key(|l| l.version)
        .and_then(|l| l.date.clone());
    let date_year = |d: Option<&String>| d.and_then(|d| d.get(..4)?.parse::<i32>().ok());
    let year = match target {
        Target::Record => date_year(first_date.as_ref()),
        _ => date_year(issued.as_ref()),
    }
    .or(m.year)
    .unwrap_or_else(|| crate::publish::today()[..4].parse().unwrap_or(1970));

    let mut meta = Metadata {
        target,
        doi: String::new(),
        landing_url: String::new(),
        url: String::new(),
        title: paper.clone(),
        creators: creators(record),
        publisher: config.doi.publisher.clone(),
        year,
        issued,
        type_general: "Collection",
        type_text: String::new(),
        descriptions: Vec::new(),
        subjects: Vec::new(),
        rights: rights(version.submission.license.as_ref()),
        related: Vec::new(),
        version: Some(n),
        sizes: Vec::new(),
        formats: Vec::new(),
        downloads: Vec::new(),
        draft,
    };
    let abstract_text = m.abstract_text.clone().filter(|a| !a.trim().is_empty());
    let comment = version
        .submission
        .comment
        .clone()
        .filter(|c| !c.trim().is_empty());

    match target {
        Target::Record => {
            meta.doi = dois.record(id);
            meta.landing_url = format!("{base}{}", links::record(id));
            meta.url = meta.landing_url.clone();
            meta.type_text = "HEPData record".to_string();
            meta.version = None;
            meta.draft = !record.versions.iter().any(|v| published(v.number));
            meta.descriptions
                .extend(abstract_text.map(|a| ("Abstract", a)));
            meta.subjects = subjects(version.submission.tables.iter());
            for v in record.versions.iter().filter(|v| published(v.number)) {
                meta.related
                    .push(doi_relation("HasVersion", dois.version(id, v.number)));
            }
        }
        Target::Version(_) => {
            meta.doi = dois.version(id, n);
            meta.landing_url = format!("{base}{}", links::version(id, n));
            meta.url = meta.landing_url.clone();
            meta.type_text = "HEPData record version".to_string();
            meta.descriptions
                .extend(abstract_text.map(|a| ("Abstract", a)));
            meta.descriptions.extend(comment.map(|c| ("Other", c)));
            if let Some(msg) = log.and_then(|l| l.message.clone()) {
                meta.descriptions
                    .push(("Other", format!("Version {n}: {msg}")));
            }
            meta.subjects = subjects(version.submission.tables.iter());
            meta.sizes
                .push(plural(version.submission.tables.len(), "table"));
            meta.formats = vec!["application/gzip"];
            meta.related
                .push(doi_relation("IsVersionOf", dois.record(id)));
            for k in 1..=version.submission.tables.len() {
                meta.related
                    .push(doi_relation("HasPart", dois.table(id, n, k)));
            }
            for k in 1..=version.submission.local_resources().count() {
                meta.related
                    .push(doi_relation("HasPart", dois.resource(id, n, k)));
            }
            let dir = links::version(id, n);
            for format in [None, Some("csv"), Some("json"), Some("yoda")] {
                meta.downloads.push(Download {
                    url: format!("{base}{dir}{}", links::version_archive(id, n, format)),
                    mime: "application/gzip",
                });
            }
        }
        Target::Table(_, k) => {
            let table = version.submission.tables.get(k.checked_sub(1)?)?;
            meta.doi = dois.table(id, n, k);
            meta.landing_url = format!("{base}{}", links::table(id, n, k));
            meta.url = meta.landing_url.clone();
            meta.title = format!("\"{}\" of \"{paper}\"", math::plain(&table.name.value));
            meta.type_general = "Dataset";
            meta.type_text = "HEPData table".to_string();
            meta.rights = rights(
                table
                    .license
                    .as_ref()
                    .or(version.submission.license.as_ref()),
            );
            if let Some(d) = table.description.clone().filter(|d| !d.trim().is_empty()) {
                meta.descriptions.push(("Abstract", d));
            }
            if let Some(loc) = &table.location {
                meta.descriptions
                    .push(("Other", format!("Location in the publication: {loc}")));
            }
            meta.subjects = subjects(std::iter::once(table));
            meta.related
                .push(doi_relation("IsPartOf", dois.version(id, n)));
            let dir = links::table(id, n, k);
            match &table.data {
                Some(data) => {
                    meta.sizes.push(plural(data.rows(), "row"));
                    for (ext, mime) in TABLE_FORMATS {
                        meta.formats.push(mime);
                        meta.downloads.push(Download {
                            url: format!("{base}{dir}{}", links::table_file(id, n, k, ext)),
                            mime,
                        });
                    }
                }
                None => {
                    if let Some(df) = &table.data_file {
                        meta.formats.push("application/json");
                        meta.downloads.push(Download {
                            url: format!("{base}{dir}{}", links::encode_segment(&df.value)),
                            mime: "application/json",
                        });
                    }
                }
            }
        }
        Target::Resource(_, k) => {
            let resource = version
                .submission
                .local_resources()
                .nth(k.checked_sub(1)?)?;
            let name = resource.file_name();
            meta.doi = dois.resource(id, n, k);
            meta.landing_url = format!("{base}{}", links::resource(id, n, k));
            meta.url = format!("{base}{}", links::resource_file(id, n, k, name));
            meta.title = format!("\"{name}\" of \"{paper}\"");
            meta.type_general = "Other";
            meta.type_text = resource
                .kind
                .clone()
                .filter(|t| !t.trim().is_empty())
                .unwrap_or_else(|| "Additional resource".to_string());
            if let Some(l) = &resource.license {
                meta.rights = rights(Some(l));
            }
            if let Some(d) = resource
                .description
                .clone()
                .filter(|d| !d.trim().is_empty())
            {
                meta.descriptions.push(("Abstract", d));
            }
            if let Ok(size) = std::fs::metadata(version.dir.join(name)) {
                meta.sizes.push(format!("{} bytes", size.len()));
            }
            let mime = mime_for(name);
            meta.formats.push(mime);
            meta.downloads.push(Download {
                url: meta.url.clone(),
                mime,
            });
            meta.related
                .push(doi_relation("IsPartOf", dois.version(id, n)));
        }
    }
    meta.related.extend(paper_relations(record));
    Some(meta)
}

/// What is written beside a landing page: `datacite.xml`, `citation.bib`, and the JSON-LD
/// for the page's head (ready to go inside a `<script>` element).
pub struct Landing {
    pub xml: String,
    pub bib: String,
    pub jsonld: String,
}

/// The files and JSON-LD of `target`'s landing page; `None` when the target does not
/// exist.
pub fn landing(
    config: &Config,
    record: &Record,
    target: Target,
    published: &dyn Fn(u32) -> bool,
) -> Option<Landing> {
    let m = metadata(config, record, target, published)?;
    let part_of = part_of(config, record, target, published);
    Some(Landing {
        xml: datacite::to_xml(&m),
        bib: bibtex::entry(&m, &config.doi.namespace, &record.id),
        jsonld: jsonld::script_text(&jsonld::dataset(&m, part_of.as_deref())),
    })
}

/// Every target of one version, in the order DOIs are registered: resources and tables
/// before the version that lists them.
pub fn version_targets(version: &Version) -> Vec<Target> {
    let n = version.number;
    let resources = version.submission.local_resources().count();
    let mut targets: Vec<Target> = (1..=resources).map(|k| Target::Resource(n, k)).collect();
    targets.extend((1..=version.submission.tables.len()).map(|k| Target::Table(n, k)));
    targets.push(Target::Version(n));
    targets
}

const TABLE_FORMATS: [(&str, &str); 4] = [
    ("yaml", "application/yaml"),
    ("json", "application/json"),
    ("csv", "text/csv"),
    ("yoda", "text/plain"),
];

fn doi_relation(relation: &'static str, id: String) -> Related {
    Related {
        relation,
        kind: "DOI",
        id,
    }
}

/// The paper the data supplement: its journal DOI, arXiv number and INSPIRE record.
fn paper_relations(record: &Record) -> Vec<Related> {
    let m = &record.meta;
    let mut out = Vec::new();
    if let Some(doi) = m.journal.as_ref().and_then(|j| j.doi.clone()) {
        out.push(doi_relation("IsSupplementTo", doi));
    }
    if let Some(a) = &m.arxiv {
        out.push(Related {
            relation: "IsSupplementTo",
            kind: "arXiv",
            id: format!("arXiv:{}", a.trim_start_matches("arXiv:")),
        });
    }
    if let Some(i) = m.inspire_id {
        out.push(Related {
            relation: "IsSupplementTo",
            kind: "URL",
            id: format!("https://inspirehep.net/literature/{i}"),
        });
    }
    out
}

fn creators(record: &Record) -> Vec<Creator> {
    let m = &record.meta;
    if m.collaborations.is_empty() {
        m.authors
            .iter()
            .map(|a| Creator {
                name: a.clone(),
                organisation: false,
            })
            .collect()
    } else {
        m.collaborations
            .iter()
            .map(|c| Creator {
                name: if c.to_ascii_lowercase().ends_with("collaboration") {
                    c.clone()
                } else {
                    format!("{c} Collaboration")
                },
                organisation: true,
            })
            .collect()
    }
}

/// Keywords as subjects: free phrases as they are, the others with their keyword name
/// (`observables`, `reactions`, `cmenergies`) as the scheme; each once.
/// Where `target`'s parent is found: its DOI once published, its page while a draft. Only
/// the parent's DOI, page and state are worked out, not its whole metadata, which for a
/// version means every table's (quadratic over a record of thousands of tables).
fn part_of(
    config: &Config,
    record: &Record,
    target: Target,
    published: &dyn Fn(u32) -> bool,
) -> Option<String> {
    let dois = Dois::new(config);
    let base = config.site.base_url.trim_end_matches('/');
    let id = &record.id;
    let (doi, landing, draft) = match target {
        Target::Record => return None,
        Target::Version(_) => {
            record.latest()?;
            (
                dois.record(id),
                format!("{base}{}", links::record(id)),
                !record.versions.iter().any(|v| published(v.number)),
            )
        }
        Target::Table(n, _) | Target::Resource(n, _) => {
            record.versions.iter().find(|v| v.number == n)?;
            (
                dois.version(id, n),
                format!("{base}{}", links::version(id, n)),
                !published(n),
            )
        }
    };
    Some(if draft {
        landing
    } else {
        format!("https://doi.org/{doi}")
    })
}

fn subjects<'a>(tables: impl Iterator<Item = &'a Table>) -> Vec<(Option<String>, String)> {
    let mut out: Vec<(Option<String>, String)> = Vec::new();
    // First-seen order, without a quadratic search: a record may have thousands of tables.
    let mut seen = std::collections::HashSet::new();
    for t in tables {
        for kw in &t.keywords {
            for v in &kw.values {
                let value = v.value.trim();
                if value.is_empty() || !seen.insert((kw.name.value.as_str(), value)) {
                    continue;
                }
                let scheme = (kw.name.value != "phrases").then(|| kw.name.value.clone());
                out.push((scheme, value.to_string()));
            }
        }
    }
    out
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// The media type of a resource file, from its name.
pub fn mime_for(name: &str) -> &'static str {
    let lower = name.to_ascii_lowercase();
    let ext = |e: &str| lower.ends_with(e);
    if ext(".tar.gz") || ext(".tgz") || ext(".gz") {
        "application/gzip"
    } else if ext(".zip") {
        "application/zip"
    } else if ext(".json") {
        "application/json"
    } else if ext(".yaml") || ext(".yml") {
        "application/yaml"
    } else if ext(".xml") {
        "application/xml"
    } else if ext(".csv") {
        "text/csv"
    } else if ext(".txt") || ext(".yoda") || ext(".c") || ext(".cc") || ext(".cxx") || ext(".py") {
        "text/plain"
    } else if ext(".png") {
        "image/png"
    } else if ext(".jpg") || ext(".jpeg") {
        "image/jpeg"
    } else if ext(".pdf") {
        "application/pdf"
    } else {
        "application/octet-stream"
    }
}
