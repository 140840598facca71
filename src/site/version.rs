//! One version of a record: its page, its tables, its resources and record.json.

use std::fs;

use anyhow::{Context as _, Result};
use rayon::prelude::*;
use serde_json::{Value as Json, json};

use crate::config::Config;
use crate::doi::{self, Target};
use crate::model::{Record, Table, Version};
use crate::render::formats::yoda::{YodaOptions, rivet_analysis, table_yoda_with};
use crate::render::formats::{csv, json as json_format, yaml};
use crate::render::links::{self, Dois};
use crate::render::pages::{SiteView, Theme};
use crate::render::view::{self, FileFacts, ResourceView, TableInput, VersionInput};

use super::bundle;
use super::output::{Output, sha256_hex};

pub struct Context<'a> {
    pub config: &'a Config,
    pub theme: &'a Theme,
    pub site: &'a SiteView,
    pub record: &'a Record,
    pub published: &'a (dyn Fn(u32) -> bool + Sync),
}

/// A written download: where it is and its digest, for record.json.
struct Written {
    url: String,
    sha256: String,
    bytes: usize,
}

/// (format, file name, bytes) of a download kept for the version's archives.
type Kept = (&'static str, String, Vec<u8>);

/// A table's downloads, kept for the version's per-format archives.
struct TableFiles {
    written: Vec<(&'static str, Written)>,
    /// (format, file name, bytes) of the CSV, JSON and YODA files.
    kept: Vec<Kept>,
    yoda_notes: Vec<String>,
}

pub fn write_version(ctx: &Context, version: &Version, out: &Output) -> Result<()> {
    let (id, n) = (&ctx.record.id, version.number);
    let draft = !(ctx.published)(n);

    // Resource files first: their sizes and digests appear on every page that lists them.
    let mut facts = std::collections::HashMap::new();
    for r in version.submission.local_resources() {
        let path = version.dir.join(r.file_name());
        let bytes =
            fs::read(&path).with_context(|| format!("cannot read resource {}", path.display()))?;
        facts.insert(
            r.file_name().to_string(),
            (
                FileFacts {
                    bytes: bytes.len() as u64,
                    sha256: sha256_hex(&bytes),
                },
                bytes,
            ),
        );
    }
    let lookup = |name: &str| facts.get(name).map(|(f, _)| f.clone());
    let (wide, per_table) = view::resource_views(ctx.config, ctx.record, version, &lookup);

    for r in wide
        .iter()
        .chain(per_table.iter().flatten())
        .filter(|r| !r.external)
    {
        let (Some(k), Some(file_url)) = (r.k, &r.file_url) else {
            continue;
        };
        let (_, bytes) = &facts[&r.name];
        out.write(&decode_path(file_url), bytes)?;
        let contents = view::resource_contents(&r.name, bytes);
        write_resource_page(ctx, version, r, k, draft, &contents, out)?;
    }

    // Tables: downloads first (the page names what the YODA file leaves out), then the
    // page, its plot and, for a long table, its further pages of rows.
    // Tables are written on all cores: a record may have thousands.
    let head = view::record_head(ctx.config, ctx.record);
    let written: Vec<(Json, Vec<Kept>)> = version
        .submission
        .tables
        .par_iter()
        .enumerate()
        .map(|(i, table)| {
            let files = write_table_files(ctx, version, i, table, out)?;
            let mut page = view::table_view(TableInput {
                config: ctx.config,
                record: ctx.record,
                head: &head,
                version,
                index: i,
                draft,
                resources: per_table.get(i).cloned().unwrap_or_default(),
                yoda_notes: files.yoda_notes,
            });
            let jsonld =
                write_doi_files(ctx, Target::Table(version.number, i + 1), &page.url, out)?;
            page.jsonld = jsonld["jsonld"].as_str().map(str::to_owned);
            let html = ctx.theme.render("table.html", ctx.site, &page)?;
            out.write(&format!("{}index.html", page.url), html.as_bytes())?;
            if let Some(plot) = &page.plot {
                out.write(&format!("{}{}", page.url, plot.url), plot.svg.as_bytes())?;
            }
            if let Some(data) = &table.data {
                for rows in view::rows_pages(&page, data) {
                    let html = ctx.theme.render("rows.html", ctx.site, &rows)?;
                    out.write(&format!("{}index.html", rows.url), html.as_bytes())?;
                }
            }
            Ok((
                table_json_entry(ctx, version, i, table, &files.written),
                files.kept,
            ))
        })
        .collect::<Result<_>>()?;
    let mut table_entries = Vec::with_capacity(written.len());
    let mut kept = Vec::new();
    for (entry, files) in written {
        table_entries.push(entry);
        kept.extend(files);
    }
    // TODO: every table's CSV, JSON and YODA are held here until the archives are made.
    // Streaming them into the archives a batch of tables at a time was tried: it took
    // the 3,656-table record's peak from 1.35 GB to 1.07 GB at the same speed; the rest
    // is the parsed record itself, which is what to make smaller first.
    let archives = write_archives(ctx, version, &kept, out)?;

    // The version page, and the record's own page for the latest version.
    let page = view::version_view(VersionInput {
        config: ctx.config,
        record: ctx.record,
        version,
        published: ctx.published,
        resources: wide.clone(),
    });
    let jsonld = write_doi_files(ctx, Target::Version(n), &page.url, out)?;
    let html = ctx
        .theme
        .render("version.html", ctx.site, &merge(&page, jsonld)?)?;
    out.write(&format!("{}index.html", page.url), html.as_bytes())?;
    if page.latest {
        let mut canonical = write_doi_files(ctx, Target::Record, &links::record(id), out)?;
        canonical["canonical"] = json!(format!(
            "{}{}",
            ctx.config.site.base_url.trim_end_matches('/'),
            page.url
        ));
        let html = ctx
            .theme
            .render("version.html", ctx.site, &merge(&page, canonical)?)?;
        out.write(&format!("{}index.html", links::record(id)), html.as_bytes())?;
    }

    let resources: Vec<Json> = wide
        .iter()
        .chain(per_table.iter().flatten())
        .map(|r| resource_json(ctx, r))
        .collect();
    let mut record_json = record_json(ctx, version, draft, table_entries, resources);
    record_json["archives"] = archives;
    out.write(
        &format!("{}record.json", links::version(id, n)),
        pretty(&record_json).as_bytes(),
    )?;
    Ok(())
}

/// Adds keys to a serialised view (for the canonical link on `/record/<id>/`).
fn merge<T: serde::Serialize>(page: &T, extra: Json) -> Result<Json> {
    let mut value = serde_json::to_value(page)?;
    if let (Some(map), Json::Object(add)) = (value.as_object_mut(), extra) {
        map.extend(add);
    }
    Ok(value)
}

/// Writes `datacite.xml` and `citation.bib` beside the landing page at `dir` and returns
/// `{"jsonld": ...}` for its head.
fn write_doi_files(ctx: &Context, target: Target, dir: &str, out: &Output) -> Result<Json> {
    let Some(files) = doi::landing(ctx.config, ctx.record, target, ctx.published) else {
        return Ok(json!({}));
    };
    out.write(&format!("{dir}datacite.xml"), files.xml.as_bytes())?;
    out.write(&format!("{dir}citation.bib"), files.bib.as_bytes())?;
    Ok(json!({ "jsonld": files.jsonld }))
}

/// The on-disk path of a URL path: percent-decoding the one encoded segment.
fn decode_path(url: &str) -> String {
    let bytes = url.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&url[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn write_resource_page(
    ctx: &Context,
    version: &Version,
    r: &ResourceView,
    k: usize,
    draft: bool,
    contents: &view::ResourceContents,
    out: &Output,
) -> Result<()> {
    let mut page = json!({
        "contents": contents,
        "record": view::record_head(ctx.config, ctx.record),
        "version": version.number,
        "version_url": links::version(&ctx.record.id, version.number),
        "draft": draft,
        "k": k,
        "resource": r,
    });
    // A resource file named like a sidecar keeps the name: its bytes are what the DOI gives.
    if !matches!(r.name.as_str(), "datacite.xml" | "citation.bib") {
        page["jsonld"] =
            write_doi_files(ctx, Target::Resource(version.number, k), &r.url, out)?["jsonld"]
                .take();
    }
    let html = ctx.theme.render("resource.html", ctx.site, &page)?;
    out.write(&format!("{}index.html", r.url), html.as_bytes())?;
    Ok(())
}

/// The whole version in one archive per format, and as submitted; returns their
/// record.json entries.
fn write_archives(
    ctx: &Context,
    version: &Version,
    kept: &[(&'static str, String, Vec<u8>)],
    out: &Output,
) -> Result<Json> {
    let (id, n) = (&ctx.record.id, version.number);
    let top = format!("{id}-v{n}");
    let date = ctx
        .record
        .meta
        .versions
        .iter()
        .find(|v| v.version == n)
        .and_then(|v| v.date.as_deref());
    let mtime = bundle::date_seconds(date);
    let submitted = bundle::files_below(&version.dir)?;
    // The four archives are compressed side by side: for a record of thousands of tables
    // they are most of its build, and one core would do them one after the other.
    let formats = [
        ("submission", None),
        ("csv", Some("csv")),
        ("json", Some("json")),
        ("yoda", Some("yoda")),
    ];
    let built: Vec<(&str, Json)> = formats
        .par_iter()
        .map(|&(label, format)| {
            let files: Vec<bundle::Entry> = match format {
                None => submitted
                    .iter()
                    .map(|(name, path)| bundle::Entry::File(name.clone(), path))
                    .collect(),
                Some(f) => kept
                    .iter()
                    .filter(|(ext, _, _)| *ext == f)
                    .map(|(_, name, bytes)| bundle::Entry::Bytes(name.clone(), bytes))
                    .collect(),
            };
            let bytes = bundle::tar_gz(&top, files, mtime)?;
            let url = format!(
                "{}{}",
                links::version(id, n),
                links::version_archive(id, n, format)
            );
            let sha256 = out.write_hashed(&url, &bytes)?;
            let entry =
                json!({ "url": absolute(ctx, &url), "sha256": sha256, "bytes": bytes.len() });
            Ok((label, entry))
        })
        .collect::<Result<_>>()?;
    let mut entries = serde_json::Map::new();
    for (label, entry) in built {
        entries.insert(label.to_string(), entry);
    }
    Ok(Json::Object(entries))
}

fn write_table_files(
    ctx: &Context,
    version: &Version,
    i: usize,
    table: &Table,
    out: &Output,
) -> Result<TableFiles> {
    let (id, n, k) = (&ctx.record.id, version.number, i + 1);
    let dir = links::table(id, n, k);
    let mut files = Vec::new();
    let mut kept = Vec::new();
    let mut yoda_notes = Vec::new();
    let mut put = |ext: &'static str, name: String, bytes: &[u8], out: &Output| -> Result<()> {
        let url = format!("{dir}{name}");
        let sha256 = out.write_hashed(&decode_path(&url), bytes)?;
        files.push((
            ext,
            Written {
                url,
                sha256,
                bytes: bytes.len(),
            },
        ));
        if matches!(ext, "csv" | "json" | "yoda") {
            kept.push((ext, name, bytes.to_vec()));
        }
        Ok(())
    };
    match &table.data {
        Some(data) => {
            let yaml_text = match &data.source {
                Some(source) => source.clone(),
                None => yaml::table_yaml(data),
            };
            put(
                "yaml",
                links::table_file(id, n, k, "yaml"),
                yaml_text.as_bytes(),
                out,
            )?;
            let json_text = json_format::table_json(table, data);
            put(
                "json",
                links::table_file(id, n, k, "json"),
                json_text.as_bytes(),
                out,
            )?;
            put(
                "csv",
                links::table_file(id, n, k, "csv"),
                csv::table_csv(table, data).as_bytes(),
                out,
            )?;
            let yoda = table_yoda_with(table, data, &yoda_options(ctx, version, k));
            put(
                "yoda",
                links::table_file(id, n, k, "yoda"),
                yoda.text.as_bytes(),
                out,
            )?;
            yoda_notes = yoda.notes;
        }
        None => {
            // A custom data_schema (e.g. a pyhf workspace): served byte for byte.
            if let Some(df) = &table.data_file {
                let bytes = fs::read(&table.data_path)
                    .with_context(|| format!("cannot read {}", table.data_path.display()))?;
                put("original", links::encode_segment(&df.value), &bytes, out)?;
            }
        }
    }
    Ok(TableFiles {
        written: files,
        kept,
        yoda_notes,
    })
}

/// YODA paths name a Rivet analysis: the one a record-wide resource links to, else
/// `<EXPERIMENT>_<year>_I<inspire id>`, else one made from the record's id so that the
/// file is still valid YODA.
fn yoda_options(ctx: &Context, version: &Version, k: usize) -> YodaOptions {
    let record = ctx.record;
    let analysis =
        rivet_analysis(&record.meta, &version.submission.resources).unwrap_or_else(|| {
            format!(
                "{}_{}_{}",
                record
                    .meta
                    .collaborations
                    .first()
                    .map_or("HEPSTATIC".to_string(), |c| c
                        .to_ascii_uppercase()
                        .replace(|c: char| !c.is_ascii_alphanumeric(), "")),
                record.meta.year.unwrap_or(0),
                record.id.to_ascii_uppercase().replace('-', "_")
            )
        });
    let mut options = YodaOptions::new(&analysis, k);
    options.doi = Some(Dois::new(ctx.config).version(&record.id, version.number));
    options
}

fn absolute(ctx: &Context, path: &str) -> String {
    format!("{}{}", ctx.config.site.base_url.trim_end_matches('/'), path)
}

fn table_json_entry(
    ctx: &Context,
    version: &Version,
    i: usize,
    table: &Table,
    files: &[(&'static str, Written)],
) -> Json {
    let (id, n, k) = (&ctx.record.id, version.number, i + 1);
    let downloads: serde_json::Map<String, Json> = files
        .iter()
        .map(|(ext, w)| {
            (
                (*ext).to_string(),
                json!({ "url": absolute(ctx, &w.url), "sha256": w.sha256, "bytes": w.bytes }),
            )
        })
        .collect();
    json!({
        "number": k,
        "name": table.name.value,
        "description": table.description,
        "location": table.location,
        "doi": Dois::new(ctx.config).table(id, n, k),
        "url": absolute(ctx, &links::table(id, n, k)),
        "data_schema": table.data_schema,
        "rows": table.data.as_ref().map(|d| d.rows()),
        "keywords": table.keywords.iter().map(|kw| json!({
            "name": kw.name.value,
            "values": kw.values.iter().map(|v| v.value.clone()).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "downloads": downloads,
    })
}

fn resource_json(ctx: &Context, r: &ResourceView) -> Json {
    if r.external {
        return json!({ "location": r.name, "description_html": r.description_html, "type": r.kind });
    }
    json!({
        "number": r.k,
        "name": r.name,
        "type": r.kind,
        "doi": r.doi,
        "landing_url": absolute(ctx, &r.url),
        "url": r.file_url.as_deref().map(|u| absolute(ctx, u)),
        "sha256": r.sha256,
        "bytes": r.bytes,
    })
}

fn record_json(
    ctx: &Context,
    version: &Version,
    draft: bool,
    tables: Vec<Json>,
    resources: Vec<Json>,
) -> Json {
    let (record, n) = (ctx.record, version.number);
    let m = &record.meta;
    let dois = Dois::new(ctx.config);
    let log = m.versions.iter().find(|v| v.version == n);
    json!({
        "id": record.id,
        "version": n,
        "draft": draft,
        "doi": dois.version(&record.id, n),
        "record_doi": dois.record(&record.id),
        "url": absolute(ctx, &links::version(&record.id, n)),
        "title": m.title,
        "collaborations": m.collaborations,
        "authors": m.authors,
        "year": m.year,
        "inspire_id": m.inspire_id,
        "arxiv": m.arxiv,
        "journal": m.journal.as_ref().map(|j| json!({ "reference": j.reference, "doi": j.doi })),
        "date": log.and_then(|l| l.date.clone()),
        "message": log.and_then(|l| l.message.clone()),
        "comment": version.submission.comment,
        "license": version.submission.license.as_ref().map(|l| json!({ "name": l.name, "url": l.url, "description": l.description })),
        "tables": tables,
        "resources": resources,
    })
}

pub fn pretty(value: &Json) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}
