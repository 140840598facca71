//! What templates see: plain, serialisable views of records, versions and tables, with
//! every text already made safe HTML and every link already built.

use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::model::{
    Amount, License, Point, Record, Resource, Table, TableData, UncertaintyKind, Value, Variable,
    Version,
};

use super::links::{self, Dois};
use super::markdown::{escape, inline, to_html};
use super::plot::{self, Plot};
use super::{math, number};

/// How many cells (values and uncertainties) one page of a table's rows holds, about:
/// a long table is shown in pages so that no page grows with the table (c27: a
/// 20,000-row table must not make a 6 MB page). Row pages are addressed by number
/// (`rows/<p>/`), so this budget is part of those URLs: change it only with a reason.
const PAGE_CELLS: usize = 2000;
/// The fewest and most rows on one page, whatever the table's width.
const PAGE_ROWS_MIN: usize = 100;
const PAGE_ROWS_MAX: usize = 500;

/// Rows on each page of this table: about [`PAGE_CELLS`] cells' worth, counting each
/// column and each uncertainty of the first row. A table of up to a quarter more rows
/// than that is shown whole, on its own page.
pub fn page_rows(data: &TableData) -> usize {
    let errors: usize = data
        .dependent
        .iter()
        .map(|v| v.values.first().map_or(0, |p| p.errors.len()))
        .sum();
    let width = (data.independent.len() + data.dependent.len() + errors).max(1);
    (PAGE_CELLS / width).clamp(PAGE_ROWS_MIN, PAGE_ROWS_MAX)
}

/// Whether a table is shown in pages of [`page_rows`] rather than whole.
fn is_paged(data: &TableData) -> bool {
    data.rows() > page_rows(data) + page_rows(data) / 4
}

#[derive(Clone, Serialize, Deserialize)]
pub struct RecordHead {
    pub id: String,
    pub title_html: String,
    pub title_text: String,
    pub collaborations: Vec<String>,
    pub authors: Vec<String>,
    pub year: Option<i32>,
    pub inspire_id: Option<u64>,
    pub arxiv: Option<String>,
    pub journal_ref: Option<String>,
    pub journal_doi: Option<String>,
    pub abstract_html: Option<String>,
    /// The abstract as one line of plain text, for `<meta>` descriptions.
    pub abstract_text: Option<String>,
    pub url: String,
    pub doi: String,
}

/// One line of the record list.
#[derive(Serialize, Deserialize)]
pub struct RecordCard {
    pub head: RecordHead,
    pub latest: u32,
    pub latest_url: String,
    pub date: Option<String>,
    pub tables: usize,
    pub resources: usize,
    pub draft: bool,
}

#[derive(Serialize)]
pub struct VersionLink {
    pub number: u32,
    pub url: String,
    pub date: Option<String>,
    pub message: Option<String>,
    pub current: bool,
}

#[derive(Serialize)]
pub struct LicenseView {
    pub name: String,
    pub url: Option<String>,
    pub description: Option<String>,
}

#[derive(Serialize)]
pub struct KeywordView {
    pub name: String,
    pub values: Vec<String>,
}

#[derive(Serialize)]
pub struct TableCard {
    pub k: usize,
    pub name_html: String,
    pub description_html: String,
    pub location: Option<String>,
    pub url: String,
    pub doi: String,
    pub rows: usize,
    pub shape: String,
    pub keywords: Vec<KeywordView>,
}

/// A resource as listed on a version or table page, and on its own landing page.
#[derive(Clone, Serialize)]
pub struct ResourceView {
    /// 1-based number among local resources; `None` for a URL.
    pub k: Option<usize>,
    pub name: String,
    pub description_html: String,
    pub kind: Option<String>,
    /// The landing page (local) or the external URL.
    pub url: String,
    pub file_url: Option<String>,
    pub size: Option<String>,
    pub bytes: Option<u64>,
    pub sha256: Option<String>,
    pub doi: Option<String>,
    pub external: bool,
    /// A raster image the landing page can show (SVG is left out: it can carry script).
    pub is_image: bool,
}

#[derive(Serialize)]
pub struct Citation {
    pub text: String,
    pub bibtex: String,
}

/// Everything the version page shows.
#[derive(Serialize)]
pub struct VersionView {
    pub record: RecordHead,
    pub number: u32,
    pub date: Option<String>,
    pub message: Option<String>,
    pub draft: bool,
    pub latest: bool,
    pub doi: String,
    pub url: String,
    pub versions: Vec<VersionLink>,
    pub comment_html: Option<String>,
    pub license: Option<LicenseView>,
    pub tables: Vec<TableCard>,
    pub resources: Vec<ResourceView>,
    pub citation: Citation,
    pub record_json: String,
    /// The whole version in one file: as submitted, and every table per format.
    pub archives: Vec<Download>,
}

#[derive(Serialize)]
pub struct Download {
    pub label: &'static str,
    pub url: String,
    pub mime: &'static str,
}

#[derive(Serialize)]
pub struct QualifierRow {
    pub name_html: String,
    pub cells: Vec<String>,
}

/// The table as an HTML grid: independent columns, then one column per dependent
/// variable, with qualifier rows above the dependent headers as on hepdata.net.
///
/// The rows come as one HTML fragment (`<tr>` elements for the `<tbody>`), written
/// here rather than by a template loop: a long table's pages are mostly cells, and
/// a template engine's per-cell overhead made them the slowest part of a build.
#[derive(Serialize)]
pub struct Grid {
    pub independent: Vec<String>,
    pub dependent: Vec<String>,
    pub qualifiers: Vec<QualifierRow>,
    pub body_html: String,
}

#[derive(Serialize)]
pub struct Neighbour {
    pub url: String,
    pub name_html: String,
}

#[derive(Serialize)]
pub struct TableView {
    pub record: RecordHead,
    pub version: u32,
    pub version_url: String,
    pub draft: bool,
    pub k: usize,
    pub count: usize,
    pub name_html: String,
    pub name_text: String,
    pub description_html: String,
    pub location: Option<String>,
    pub keywords: Vec<KeywordView>,
    pub doi: String,
    pub url: String,
    pub downloads: Vec<Download>,
    pub license: Option<LicenseView>,
    pub resources: Vec<ResourceView>,
    pub grid: Option<Grid>,
    pub custom_schema: Option<String>,
    pub prev: Option<Neighbour>,
    pub next: Option<Neighbour>,
    pub plot: Option<PlotView>,
    /// Set when the table is longer than one page: the grid holds page 1 only.
    pub paging: Option<Paging>,
    /// Ranges of every variable, for a table shown in pages.
    pub summary: Vec<VariableSummary>,
    /// What the YODA file could not say as the table does.
    pub yoda_notes: Vec<String>,
    /// The description as one line of plain text (for `<meta>` and Open Graph).
    pub summary_text: String,
    /// The landing page's JSON-LD, when the table has a DOI landing page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jsonld: Option<String>,
}

/// A table's plot: the SVG beside the page and what it shows, in words.
#[derive(Serialize)]
pub struct PlotView {
    /// The SVG's file name, relative to the table page.
    pub url: String,
    pub description: String,
    pub notes: Vec<String>,
    pub kind: &'static str,
    /// The picture, for the site writer; not shown to templates.
    #[serde(skip)]
    pub svg: String,
}

/// Where a page of rows sits among the table's pages.
#[derive(Serialize)]
pub struct Paging {
    pub page: usize,
    pub pages: usize,
    /// 1-based numbers of the first and last row on this page.
    pub first: usize,
    pub last: usize,
    pub total: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
    /// Page links: the first, the last and those near this one; `None` marks a gap.
    pub links: Vec<Option<PageLink>>,
}

#[derive(Serialize)]
pub struct PageLink {
    pub number: usize,
    pub url: String,
    pub current: bool,
}

/// One page of a long table's rows (pages 2 and up).
#[derive(Serialize)]
pub struct RowsPage<'a> {
    pub table: &'a TableView,
    pub paging: Paging,
    pub grid: Grid,
    pub url: String,
}

#[derive(Serialize)]
pub struct VariableSummary {
    pub name_html: String,
    pub independent: bool,
    /// "0.3 – 12.5", or the number of distinct text entries.
    pub range: String,
    /// Rows with no value at all (NaN, or nothing).
    pub missing: usize,
}

/// A local file's size and digest, measured by the site writer.
#[derive(Clone, Debug)]
pub struct FileFacts {
    pub bytes: u64,
    pub sha256: String,
}

pub fn record_head(config: &Config, record: &Record) -> RecordHead {
    let m = &record.meta;
    RecordHead {
        id: record.id.clone(),
        title_html: inline(&m.title),
        title_text: math::plain(&m.title),
        collaborations: m.collaborations.clone(),
        authors: m.authors.clone(),
        year: m.year,
        inspire_id: m.inspire_id,
        arxiv: m.arxiv.clone(),
        journal_ref: m.journal.as_ref().and_then(|j| j.reference.clone()),
        journal_doi: m.journal.as_ref().and_then(|j| j.doi.clone()),
        abstract_html: m.abstract_text.as_deref().map(to_html),
        abstract_text: m.abstract_text.as_deref().map(|a| one_line(a, 300)),
        url: links::record(&record.id),
        doi: Dois::new(config).record(&record.id),
    }
}

pub fn record_card(
    config: &Config,
    record: &Record,
    published: impl Fn(u32) -> bool,
) -> Option<RecordCard> {
    let latest = record.latest()?;
    let log = record
        .meta
        .versions
        .iter()
        .find(|v| v.version == latest.number);
    Some(RecordCard {
        head: record_head(config, record),
        latest: latest.number,
        latest_url: links::version(&record.id, latest.number),
        date: log.and_then(|l| l.date.clone()),
        tables: latest.submission.tables.len(),
        resources: latest.submission.local_resources().count(),
        draft: !published(latest.number),
    })
}

fn license_view(l: &License) -> LicenseView {
    LicenseView {
        name: l.name.clone(),
        url: l.url.clone(),
        description: l.description.clone(),
    }
}

fn keywords(table: &Table) -> Vec<KeywordView> {
    table
        .keywords
        .iter()
        .map(|k| KeywordView {
            name: k.name.value.clone(),
            values: k.values.iter().map(|v| v.value.clone()).collect(),
        })
        .collect()
}

/// "12 rows × 3 columns" or "2D: 10 × 10 bins".
fn shape(data: Option<&TableData>) -> String {
    let Some(d) = data else {
        return "custom format".to_string();
    };
    let rows = d.rows();
    let cols = d.independent.len() + d.dependent.len();
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    format!("{} × {}", plural(rows, "row"), plural(cols, "column"))
}

/// Numbers local resources 1, 2, ... in DOI order (record-wide first, then per table).
pub fn resource_views(
    config: &Config,
    record: &Record,
    version: &Version,
    facts: &dyn Fn(&str) -> Option<FileFacts>,
) -> (Vec<ResourceView>, Vec<Vec<ResourceView>>) {
    let dois = Dois::new(config);
    let mut k = 0;
    let mut view = |r: &Resource| -> ResourceView {
        let description_html = r.description.as_deref().map(to_html).unwrap_or_default();
        if r.is_local() {
            k += 1;
            let f = facts(r.file_name());
            ResourceView {
                k: Some(k),
                name: r.file_name().to_string(),
                description_html,
                kind: r.kind.clone(),
                url: links::resource(&record.id, version.number, k),
                file_url: Some(links::resource_file(
                    &record.id,
                    version.number,
                    k,
                    r.file_name(),
                )),
                size: f.as_ref().map(|f| human_size(f.bytes)),
                bytes: f.as_ref().map(|f| f.bytes),
                sha256: f.map(|f| f.sha256),
                doi: Some(dois.resource(&record.id, version.number, k)),
                external: false,
                is_image: is_raster_image(r.file_name()),
            }
        } else {
            ResourceView {
                k: None,
                name: r.location.value.clone(),
                description_html,
                kind: r.kind.clone(),
                url: r.location.value.clone(),
                file_url: None,
                size: None,
                bytes: None,
                sha256: None,
                doi: None,
                external: true,
                is_image: false,
            }
        }
    };
    let wide = version.submission.resources.iter().map(&mut view).collect();
    let per_table = version
        .submission
        .tables
        .iter()
        .map(|t| t.resources.iter().map(&mut view).collect())
        .collect();
    (wide, per_table)
}

fn is_raster_image(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".png", ".jpg", ".jpeg", ".gif", ".webp"]
        .iter()
        .any(|e| lower.ends_with(e))
}

pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut size = bytes as f64 / 1024.0;
    let mut unit = 0;
    while size >= 1024.0 && unit < UNITS.len() - 1 {
        size /= 1024.0;
        unit += 1;
    }
    format!("{size:.1} {}", UNITS[unit])
}

pub struct VersionInput<'a> {
    pub config: &'a Config,
    pub record: &'a Record,
    pub version: &'a Version,
    pub published: &'a dyn Fn(u32) -> bool,
    pub resources: Vec<ResourceView>,
}

pub fn version_view(input: VersionInput) -> VersionView {
    let VersionInput {
        config,
        record,
        version,
        published,
        resources,
    } = input;
    let dois = Dois::new(config);
    let id = &record.id;
    let n = version.number;
    let log = record.meta.versions.iter().find(|v| v.version == n);
    let latest = record.latest().map(|v| v.number) == Some(n);
    let sub = &version.submission;
    let tables = sub
        .tables
        .iter()
        .enumerate()
        .map(|(i, t)| TableCard {
            k: i + 1,
            name_html: inline(&t.name.value),
            description_html: t.description.as_deref().map(to_html).unwrap_or_default(),
            location: t.location.clone(),
            url: links::table(id, n, i + 1),
            doi: dois.table(id, n, i + 1),
            rows: t.data.as_ref().map_or(0, TableData::rows),
            shape: shape(t.data.as_ref()),
            keywords: keywords(t),
        })
        .collect();
    let versions = record
        .versions
        .iter()
        .rev()
        .map(|v| {
            let l = record.meta.versions.iter().find(|x| x.version == v.number);
            VersionLink {
                number: v.number,
                url: links::version(id, v.number),
                date: l.and_then(|l| l.date.clone()),
                message: l.and_then(|l| l.message.clone()),
                current: v.number == n,
            }
        })
        .collect();
    VersionView {
        record: record_head(config, record),
        number: n,
        date: log.and_then(|l| l.date.clone()),
        message: log.and_then(|l| l.message.clone()),
        draft: !published(n),
        latest,
        doi: dois.version(id, n),
        url: links::version(id, n),
        versions,
        comment_html: sub
            .comment
            .as_deref()
            .filter(|c| !c.trim().is_empty())
            .map(to_html),
        license: sub.license.as_ref().map(license_view),
        tables,
        resources,
        citation: citation(config, record, n),
        record_json: format!("{}record.json", links::version(id, n)),
        archives: archives(id, n),
    }
}

/// The version's archives, as listed on its page and in record.json.
pub fn archives(id: &str, n: u32) -> Vec<Download> {
    [
        ("Submission", None),
        ("CSV", Some("csv")),
        ("JSON", Some("json")),
        ("YODA", Some("yoda")),
    ]
    .into_iter()
    .map(|(label, format)| Download {
        label,
        url: links::version_archive(id, n, format),
        mime: "application/gzip",
    })
    .collect()
}

/// A citation line and a BibTeX entry for one version.
pub fn citation(config: &Config, record: &Record, n: u32) -> Citation {
    let m = &record.meta;
    let doi = Dois::new(config).version(&record.id, n);
    let who = if m.collaborations.is_empty() {
        m.authors.join(", ")
    } else {
        m.collaborations
            .iter()
            .map(|c| format!("{c} Collaboration"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut text = format!("{who}, \"{}\"", m.title);
    if let Some(j) = m.journal.as_ref().and_then(|j| j.reference.as_ref()) {
        text.push_str(&format!(", {j}"));
    }
    if let Some(a) = &m.arxiv {
        text.push_str(&format!(", arXiv:{a}"));
    }
    if let Some(y) = m.year {
        text.push_str(&format!(" ({y})"));
    }
    text.push_str(&format!(
        ". {}, version {n}, https://doi.org/{doi}",
        config.site.title
    ));

    let year = record
        .meta
        .versions
        .iter()
        .find(|v| v.version == n)
        .and_then(|v| v.date.as_deref())
        .and_then(|d| d.get(..4))
        .map(str::to_string)
        .or(m.year.map(|y| y.to_string()))
        .unwrap_or_default();
    let bib_author = if m.collaborations.is_empty() {
        m.authors.join(" and ")
    } else {
        m.collaborations
            .iter()
            .map(|c| format!("{{{c} Collaboration}}"))
            .collect::<Vec<_>>()
            .join(" and ")
    };
    let bibtex = format!(
        "@misc{{{key},\n  author       = \"{author}\",\n  title        = \"{{{title}}}\",\n  howpublished = \"{publisher}\",\n  year         = \"{year}\",\n  note         = \"Version {n}\",\n  doi          = \"{doi}\",\n  url          = \"https://doi.org/{doi}\"\n}}",
        key = format_args!("{}:{}.v{n}", config.doi.namespace, record.id),
        author = bib_escape(&bib_author),
        title = bib_escape(&m.title),
        publisher = bib_escape(&config.doi.publisher),
    );
    Citation { text, bibtex }
}

/// Keeps braces balanced and quotes out of a BibTeX field; LaTeX stays as written.
fn bib_escape(text: &str) -> String {
    let open = text.matches('{').count();
    let close = text.matches('}').count();
    let text = text.replace('"', "{\"}");
    if open == close {
        text
    } else {
        text.replace(['{', '}'], "")
    }
}

pub struct TableInput<'a> {
    pub config: &'a Config,
    pub record: &'a Record,
    /// The record's head, made once for all its tables.
    pub head: &'a RecordHead,
    pub version: &'a Version,
    pub index: usize,
    pub draft: bool,
    pub resources: Vec<ResourceView>,
    pub yoda_notes: Vec<String>,
}

pub fn table_view(input: TableInput) -> TableView {
    let TableInput {
        config,
        record,
        head,
        version,
        index,
        draft,
        resources,
        yoda_notes,
    } = input;
    let dois = Dois::new(config);
    let (id, n, k) = (&record.id, version.number, index + 1);
    let tables = &version.submission.tables;
    let table = &tables[index];
    let mut downloads = vec![
        Download {
            label: "YAML",
            url: links::table_file(id, n, k, "yaml"),
            mime: "application/yaml",
        },
        Download {
            label: "JSON",
            url: links::table_file(id, n, k, "json"),
            mime: "application/json",
        },
        Download {
            label: "CSV",
            url: links::table_file(id, n, k, "csv"),
            mime: "text/csv",
        },
        Download {
            label: "YODA",
            url: links::table_file(id, n, k, "yoda"),
            mime: "text/plain",
        },
    ];
    if table.data.is_none() {
        // A custom-schema table (a pyhf workspace) is served as submitted only.
        downloads.clear();
        if let Some(df) = &table.data_file {
            downloads.push(Download {
                label: "original",
                url: links::encode_segment(&df.value),
                mime: "application/json",
            });
        }
    }
    let neighbour = |i: usize| Neighbour {
        url: links::table(id, n, i + 1),
        name_html: inline(&tables[i].name.value),
    };
    let rows = table.data.as_ref().map_or(0, TableData::rows);
    let paged = table.data.as_ref().is_some_and(is_paged);
    let page = table.data.as_ref().map_or(rows, page_rows);
    let plot = table.data.as_ref().and_then(|d| {
        plot::plot(&table.name.value, d).map(|p: Plot| PlotView {
            url: links::table_file(id, n, k, "svg"),
            description: p.description,
            notes: p.notes,
            kind: p.kind,
            svg: p.svg,
        })
    });
    TableView {
        record: head.clone(),
        version: n,
        version_url: links::version(id, n),
        draft,
        k,
        count: tables.len(),
        name_html: inline(&table.name.value),
        name_text: math::plain(&table.name.value),
        description_html: table
            .description
            .as_deref()
            .map(to_html)
            .unwrap_or_default(),
        location: table.location.clone(),
        keywords: keywords(table),
        doi: dois.table(id, n, k),
        url: links::table(id, n, k),
        downloads,
        license: table
            .license
            .as_ref()
            .or(version.submission.license.as_ref())
            .map(license_view),
        resources,
        grid: table
            .data
            .as_ref()
            .map(|d| grid(d, 0..if paged { page } else { rows })),
        custom_schema: table.data_schema.clone(),
        prev: (index > 0).then(|| neighbour(index - 1)),
        next: (index + 1 < tables.len()).then(|| neighbour(index + 1)),
        plot,
        paging: paged.then(|| paging(id, n, k, 1, page, rows)),
        summary: match &table.data {
            Some(d) if paged => summary(d),
            _ => Vec::new(),
        },
        yoda_notes,
        summary_text: one_line(table.description.as_deref().unwrap_or_default(), 300),
        jsonld: None,
    }
}

/// Pages 2 and up of a long table, each with its URL.
pub fn rows_pages<'a>(view: &'a TableView, data: &TableData) -> Vec<RowsPage<'a>> {
    if !is_paged(data) {
        return Vec::new();
    }
    let (rows, size) = (data.rows(), page_rows(data));
    let (id, n, k) = (&view.record.id, view.version, view.k);
    (2..=rows.div_ceil(size))
        .map(|p| {
            let start = (p - 1) * size;
            RowsPage {
                table: view,
                paging: paging(id, n, k, p, size, rows),
                grid: grid(data, start..(start + size).min(rows)),
                url: links::table_rows(id, n, k, p),
            }
        })
        .collect()
}

fn paging(id: &str, n: u32, k: usize, page: usize, size: usize, total: usize) -> Paging {
    let pages = total.div_ceil(size);
    let url = |p: usize| links::table_rows(id, n, k, p);
    let mut links = Vec::new();
    for p in 1..=pages {
        if p == 1 || p == pages || p.abs_diff(page) <= 2 {
            links.push(Some(PageLink {
                number: p,
                url: url(p),
                current: p == page,
            }));
        } else if links.last().is_some_and(Option::is_some) {
            links.push(None);
        }
    }
    Paging {
        page,
        pages,
        first: (page - 1) * size + 1,
        last: (page * size).min(total),
        total,
        prev: (page > 1).then(|| url(page - 1)),
        next: (page < pages).then(|| url(page + 1)),
        links,
    }
}

/// The range of every variable of a long table, so that a reader sees its extent without
/// paging through it.
fn summary(data: &TableData) -> Vec<VariableSummary> {
    let one = |v: &Variable, independent: bool| {
        let mut lo = f64::INFINITY;
        let mut hi = f64::NEG_INFINITY;
        let mut missing = 0;
        let mut texts = std::collections::BTreeSet::new();
        for p in &v.values {
            let mut seen = false;
            let values = p
                .value
                .iter()
                .map(|x| &x.value)
                .chain(p.bin.iter().flat_map(|b| [&b.low.value, &b.high.value]));
            for x in values {
                match x {
                    Value::Number(x) if x.is_finite() => {
                        lo = lo.min(*x);
                        hi = hi.max(*x);
                        seen = true;
                    }
                    Value::Text(t) => {
                        texts.insert(t.clone());
                        seen = true;
                    }
                    Value::Number(_) => {}
                }
            }
            missing += usize::from(!seen);
        }
        let range = if lo <= hi {
            format!("{} – {}", number::format(lo), number::format(hi))
        } else {
            format!("{} distinct text entries", texts.len())
        };
        VariableSummary {
            name_html: header_html(v),
            independent,
            range,
            missing,
        }
    };
    data.independent
        .iter()
        .map(|v| one(v, true))
        .chain(data.dependent.iter().map(|v| one(v, false)))
        .collect()
}

/// Markdown or plain text as one line of plain text (tags dropped, formulas in Unicode),
/// cut at `max` characters.
pub fn one_line(text: &str, max: usize) -> String {
    let plain = math::plain(&super::search::plain_text(text, usize::MAX));
    let words: Vec<&str> = plain.split_whitespace().collect();
    let line = words.join(" ");
    if line.chars().count() <= max {
        return line;
    }
    let mut cut: String = line.chars().take(max - 1).collect();
    cut.push('…');
    cut
}

fn header_html(v: &Variable) -> String {
    match &v.units {
        Some(u) if !u.is_empty() => format!(
            "{} <span class=\"units\">[{}]</span>",
            inline(&v.name.value),
            inline(u)
        ),
        _ => inline(&v.name.value),
    }
}

/// Builds the grid shown on a table page, for the rows in `rows` (0-based).
pub fn grid(data: &TableData, rows: std::ops::Range<usize>) -> Grid {
    let mut names: Vec<String> = Vec::new();
    for v in &data.dependent {
        for q in &v.qualifiers {
            let name = qualifier_name(&q.name, q.units.as_deref());
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    let qualifiers = names
        .iter()
        .map(|name| QualifierRow {
            name_html: inline(name),
            cells: data
                .dependent
                .iter()
                .map(|v| {
                    v.qualifiers
                        .iter()
                        .filter(|q| qualifier_name(&q.name, q.units.as_deref()) == *name)
                        .map(|q| inline(&q.value))
                        .collect::<Vec<_>>()
                        .join("; ")
                })
                .collect(),
        })
        .collect();
    // Compact on purpose: a long table's pages are mostly these rows, and their bytes are
    // most of a site's HTML. End tags of cells and rows are left out (HTML allows it; the
    // parser closes them), independent values are row headers (`<th>`), attribute values
    // that need no quotes get none.
    let mut body_html = String::with_capacity(rows.len() * 24 * (data.dependent.len() + 2));
    for i in rows {
        body_html.push_str("<tr>");
        for v in &data.independent {
            body_html.push_str("<th>");
            if let Some(p) = v.values.get(i) {
                independent_cell(&mut body_html, p);
            }
        }
        for v in &data.dependent {
            body_html.push_str("<td>");
            if let Some(p) = v.values.get(i) {
                dependent_cell(&mut body_html, p);
            }
        }
        body_html.push('\n');
    }
    Grid {
        independent: data.independent.iter().map(header_html).collect(),
        dependent: data.dependent.iter().map(header_html).collect(),
        qualifiers,
        body_html,
    }
}

fn qualifier_name(name: &str, units: Option<&str>) -> String {
    match units {
        Some(u) if !u.is_empty() => format!("{name} [{u}]"),
        _ => name.to_string(),
    }
}

fn push_value(out: &mut String, v: &Value) {
    match v {
        Value::Number(x) => number::write_format(out, *x),
        Value::Text(t) => out.push_str(&inline(t)),
    }
}

/// An independent variable's cell: its value, its bin, or both.
fn independent_cell(out: &mut String, p: &Point) {
    match (&p.bin, &p.value) {
        (Some(b), Some(v)) => {
            push_value(out, &v.value);
            out.push_str(" <span class=bin>(");
            push_value(out, &b.low.value);
            out.push_str(" – ");
            push_value(out, &b.high.value);
            out.push_str(")</span>");
        }
        (Some(b), None) => {
            push_value(out, &b.low.value);
            out.push_str(" – ");
            push_value(out, &b.high.value);
        }
        (None, Some(v)) => push_value(out, &v.value),
        (None, None) => {}
    }
}

fn push_amount(out: &mut String, a: &Amount) {
    match a {
        Amount::Absolute(x) => number::write_format(out, x.abs()),
        Amount::Percent(p) => {
            number::write_format(out, p.abs());
            out.push('%');
        }
        Amount::Empty => out.push('0'),
    }
}

/// Signed amount for one side of an asymmetric uncertainty: HEPData writes `minus` with
/// its sign (usually negative), and a side may go the same way as the other.
fn push_signed(out: &mut String, a: &Amount, default_sign: char) {
    let (x, pct) = match a {
        Amount::Absolute(x) => (*x, ""),
        Amount::Percent(p) => (*p, "%"),
        Amount::Empty => {
            out.push(default_sign);
            out.push('0');
            return;
        }
    };
    out.push(if x < 0.0 {
        '−'
    } else if x > 0.0 {
        '+'
    } else {
        default_sign
    });
    number::write_format(out, x.abs());
    out.push_str(pct);
}

/// A dependent variable's cell: the value, then each uncertainty (`<span class=err>`)
/// with its label (`<small>`).
fn dependent_cell(out: &mut String, p: &Point) {
    if let Some(v) = &p.value {
        push_value(out, &v.value);
    }
    for u in &p.errors {
        out.push_str("<span class=err>");
        match &u.kind {
            UncertaintyKind::Symmetric(a) => {
                out.push('±');
                push_amount(out, a);
            }
            UncertaintyKind::Asymmetric { plus, minus } => {
                out.push_str("<span class=asym><sup>");
                push_signed(out, plus, '+');
                out.push_str("</sup><sub>");
                push_signed(out, minus, '−');
                out.push_str("</sub></span>");
            }
        }
        if let Some(label) = &u.label {
            out.push_str("<small>");
            out.push_str(&escape(label));
            out.push_str("</small>");
        }
        out.push_str("</span>");
    }
}

/// What a resource landing page shows of a file's content: an archive's files, the
/// likelihoods in it, or a TMVA BDT's method and variables.
#[derive(Debug, Default, Serialize)]
pub struct ResourceContents {
    /// Every file of an archive with its size and SHA-256.
    pub files: Vec<crate::likelihood::ArchiveFile>,
    /// Why an archive could not be listed.
    pub archive_error: Option<String>,
    /// One entry per folder holding a `BkgOnly.json`.
    pub likelihoods: Vec<crate::likelihood::Region>,
    pub bdt: Option<crate::bdt::Bdt>,
}

/// Looks inside a resource file for its landing page; problems are the checker's to
/// report, so a file that cannot be read is shown without contents. The analysis is the
/// checker's own, cached, so a likelihood archive is not checked a second time here.
pub fn resource_contents(name: &str, bytes: &[u8]) -> ResourceContents {
    let analysis = crate::resource::analyse(bytes, std::path::Path::new(name));
    let (files, likelihoods) = analysis
        .archive
        .as_ref()
        .map(|a| (a.files.clone(), a.regions.clone()))
        .unwrap_or_default();
    ResourceContents {
        files,
        archive_error: analysis.archive_error.clone(),
        likelihoods,
        bdt: analysis.bdt.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::formats::fixture;

    /// A table of `rows` rows, `indep` independent and `dep` dependent columns, each
    /// dependent value with `errors` uncertainties.
    fn table(rows: usize, indep: usize, dep: usize, errors: usize) -> TableData {
        let mut y = String::from("independent_variables:\n");
        for i in 0..indep {
            y += &format!("- header: {{name: x{i}}}\n  values:\n");
            for r in 0..rows {
                y += &format!("  - {{value: {r}}}\n");
            }
        }
        y += "dependent_variables:\n";
        let errs = vec!["{symerror: 0.5}"; errors].join(", ");
        for d in 0..dep {
            y += &format!("- header: {{name: y{d}}}\n  values:\n");
            for r in 0..rows {
                y += &format!("  - {{value: {r}.5, errors: [{errs}]}}\n");
            }
        }
        fixture::data(&y)
    }

    #[test]
    fn page_size_follows_the_width_of_a_row() {
        // Narrow rows: the most rows a page holds.
        assert_eq!(page_rows(&table(10, 1, 1, 0)), PAGE_ROWS_MAX);
        // Ten cells a row (c27's long table): 200 rows.
        assert_eq!(page_rows(&table(10, 1, 3, 2)), 200);
        // Very wide rows: never fewer than the minimum.
        assert_eq!(page_rows(&table(10, 2, 20, 3)), PAGE_ROWS_MIN);
    }

    #[test]
    fn a_table_a_quarter_over_one_page_is_still_shown_whole() {
        assert!(!is_paged(&table(625, 1, 1, 0)));
        assert!(is_paged(&table(626, 1, 1, 0)));
        // 626 rows of 500 a page: two pages, the second of 126 rows.
        let data = table(626, 1, 1, 0);
        let p = paging("r", 1, 1, 2, page_rows(&data), data.rows());
        assert_eq!((p.pages, p.first, p.last), (2, 501, 626));
    }
}
