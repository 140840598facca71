//! The pages and files that list every record: home, /records/, /records.json.

use anyhow::Result;
use serde_json::json;

use crate::config::Config;
use crate::doi::jsonld;
use crate::model::Record;
use crate::render::links::{self, Dois};
use crate::render::pages::{SiteView, Theme};
use crate::render::view::{self, RecordCard};

use super::discovery::write_discovery;
use super::output::Output;
use super::search::{SearchSummary, write_search};
use super::version::pretty;

/// How many records the home page shows.
const HOME_RECORDS: usize = 10;

pub fn write_indexes(
    config: &Config,
    theme: &Theme,
    site: &SiteView,
    records: &[Record],
    published: &dyn Fn(&Record, u32) -> bool,
    out: &Output,
) -> Result<SearchSummary> {
    let mut cards: Vec<RecordCard> = records
        .iter()
        .filter_map(|r| view::record_card(config, r, |n| published(r, n)))
        .collect();
    // Newest first: by the latest version's date, then publication year, then id.
    cards.sort_by(|a, b| {
        b.date
            .cmp(&a.date)
            .then(b.head.year.cmp(&a.head.year))
            .then(a.head.id.cmp(&b.head.id))
    });

    let tables: usize = cards.iter().map(|c| c.tables).sum();
    let catalog = jsonld::script_text(&jsonld::catalog(
        &config.site.title,
        &config.site.base_url,
        &config.doi.publisher,
    ));
    let home = json!({ "records": &cards[..cards.len().min(HOME_RECORDS)], "total": cards.len(), "tables": tables, "jsonld": catalog });
    out.write(
        "index.html",
        theme.render("index.html", site, &home)?.as_bytes(),
    )?;
    let all =
        json!({ "records": &cards, "total": cards.len(), "tables": tables, "jsonld": catalog });
    out.write(
        "records/index.html",
        theme.render("records.html", site, &all)?.as_bytes(),
    )?;

    let base = config.site.base_url.trim_end_matches('/');
    let dois = Dois::new(config);
    let by_id: std::collections::HashMap<&str, &Record> =
        records.iter().map(|r| (r.id.as_str(), r)).collect();
    let ordered: Vec<&Record> = cards
        .iter()
        .filter_map(|c| by_id.get(c.head.id.as_str()).copied())
        .collect();
    let entries: Vec<_> = ordered
        .iter()
        .map(|r| {
            let m = &r.meta;
            json!({
                "id": r.id,
                "title": m.title,
                "collaborations": m.collaborations,
                "year": m.year,
                "inspire_id": m.inspire_id,
                "arxiv": m.arxiv,
                "doi": dois.record(&r.id),
                "url": format!("{base}{}", links::record(&r.id)),
                "latest_version": r.latest().map(|v| v.number),
                "versions": r.versions.iter().map(|v| {
                    let log = m.versions.iter().find(|l| l.version == v.number);
                    json!({
                        "version": v.number,
                        "date": log.and_then(|l| l.date.clone()),
                        "message": log.and_then(|l| l.message.clone()),
                        "draft": !published(r, v.number),
                        "doi": dois.version(&r.id, v.number),
                        "url": format!("{base}{}", links::version(&r.id, v.number)),
                        "record_json": format!("{base}{}record.json", links::version(&r.id, v.number)),
                        "tables": v.submission.tables.len(),
                    })
                }).collect::<Vec<_>>(),
            })
        })
        .collect();
    let doc =
        json!({ "site": config.site.title, "base_url": config.site.base_url, "records": entries });
    out.write("records.json", pretty(&doc).as_bytes())?;

    write_discovery(config, &ordered, published, out)?;
    write_search(theme, site, &ordered, &cards, out)
}
