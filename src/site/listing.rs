//! What the pages listing many records keep of each one once it is built: a few
//! kilobytes, however many rows its tables hold.
//!
//! A record's [`Listing`] is made right after its pages are written, and its table data
//! and metadata are let go; the listing is cached beside the record's fingerprint, so an
//! incremental build reads it back instead of the record.

use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::config::Config;
use crate::model::Record;
use crate::render::links::{self, Dois};
use crate::render::search;
use crate::render::view::{self, RecordCard};

/// One record as home, /records/, /records.json, the feed, the sitemap and the search
/// pages need it.
#[derive(Serialize, Deserialize)]
pub struct Listing {
    /// The line of the record lists (home, /records/, facet pages).
    pub card: RecordCard,
    /// Its entry in `/records.json`, serialised (compact).
    pub json: String,
    /// Every version, in increasing number.
    pub versions: Vec<VersionEntry>,
    /// The latest version, as the search index takes it.
    pub search: search::Entry,
}

/// A version as the feed and the sitemap list it.
#[derive(Serialize, Deserialize)]
pub struct VersionEntry {
    pub number: u32,
    /// From the version log of `record.yaml`.
    pub date: Option<String>,
    pub message: Option<String>,
    pub draft: bool,
    pub tables: usize,
    /// Local resource files (each has a landing page).
    pub resources: usize,
}

impl Listing {
    /// The listing of `record`, whose version `n` is published when `published(n)`;
    /// `None` for a record without versions, which no list shows.
    pub fn new(
        config: &Config,
        record: &Record,
        published: impl Fn(u32) -> bool,
    ) -> Option<Listing> {
        let card = view::record_card(config, record, &published)?;
        let search = search::entry(record)?;
        let m = &record.meta;
        let versions: Vec<VersionEntry> = record
            .versions
            .iter()
            .map(|v| {
                let log = m.versions.iter().find(|l| l.version == v.number);
                VersionEntry {
                    number: v.number,
                    date: log.and_then(|l| l.date.clone()),
                    message: log.and_then(|l| l.message.clone()),
                    draft: !published(v.number),
                    tables: v.submission.tables.len(),
                    resources: v.submission.local_resources().count(),
                }
            })
            .collect();

        let base = config.site.base_url.trim_end_matches('/');
        let dois = Dois::new(config);
        let id = &record.id;
        let entry = json!({
            "id": id,
            "title": m.title,
            "collaborations": m.collaborations,
            "year": m.year,
            "inspire_id": m.inspire_id,
            "arxiv": m.arxiv,
            "doi": dois.record(id),
            "url": format!("{base}{}", links::record(id)),
            "latest_version": record.latest().map(|v| v.number),
            "versions": versions.iter().map(|v| json!({
                "version": v.number,
                "date": v.date,
                "message": v.message,
                "draft": v.draft,
                "doi": dois.version(id, v.number),
                "url": format!("{base}{}", links::version(id, v.number)),
                "record_json": format!("{base}{}record.json", links::version(id, v.number)),
                "tables": v.tables,
            })).collect::<Vec<_>>(),
        });
        let mut listing = Listing {
            card,
            json: entry.to_string(),
            versions,
            search,
        };
        listing.trim();
        Some(listing)
    }

    /// Gives back the spare capacity of texts built piece by piece (up to as much again as
    /// their length): every listing is held until the end of the build.
    fn trim(&mut self) {
        let head = &mut self.card.head;
        for text in [&mut head.title_html, &mut head.title_text, &mut self.json]
            .into_iter()
            .chain(head.abstract_html.as_mut())
            .chain(head.abstract_text.as_mut())
        {
            text.shrink_to_fit();
        }
        let search = &mut self.search;
        for text in [
            &mut search.url,
            &mut search.title,
            &mut search.meta,
            &mut search.abstract_text,
        ] {
            text.shrink_to_fit();
        }
        search.values.shrink_to_fit();
        for t in &mut search.tables {
            t.text.shrink_to_fit();
            t.values.shrink_to_fit();
        }
    }

    pub fn id(&self) -> &str {
        &self.card.head.id
    }
}
