//! The pages and files that list every record: home, /records/, /records.json.

use anyhow::Result;
use serde::ser::{Error as _, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::Value as Json;

use crate::config::Config;
use crate::doi::jsonld;
use crate::render::pages::{SiteView, Theme};
use crate::render::view::RecordCard;

use super::discovery::write_discovery;
use super::listing::Listing;
use super::output::Output;
use super::search::{Reuse, SearchSummary, write_search};

/// How many records the home page shows.
const HOME_RECORDS: usize = 10;

/// Puts `listings` in the order the site lists records: newest first, by the latest
/// version's date, then publication year, then id.
pub fn sort_newest_first(listings: &mut [Listing]) {
    listings.sort_by(|a, b| {
        let (a, b) = (&a.card, &b.card);
        b.date
            .cmp(&a.date)
            .then(b.head.year.cmp(&a.head.year))
            .then(a.head.id.cmp(&b.head.id))
    });
}

/// The home page and /records/ as templates see them.
#[derive(Serialize)]
struct RecordList<'a> {
    records: &'a [&'a RecordCard],
    total: usize,
    tables: usize,
    jsonld: &'a str,
}

/// Writes every page and file that lists records. `listings` are in site order (see
/// [`sort_newest_first`]).
///
/// # Errors
/// On a template error or I/O failure.
pub fn write_indexes(
    config: &Config,
    theme: &Theme,
    site: &SiteView,
    listings: &[Listing],
    reuse: &Reuse,
    out: &Output,
) -> Result<SearchSummary> {
    let cards: Vec<&RecordCard> = listings.iter().map(|l| &l.card).collect();
    let tables: usize = cards.iter().map(|c| c.tables).sum();
    let catalog = jsonld::script_text(&jsonld::catalog(
        &config.site.title,
        &config.site.base_url,
        &config.doi.publisher,
    ));
    let home = RecordList {
        records: &cards[..cards.len().min(HOME_RECORDS)],
        total: cards.len(),
        tables,
        jsonld: &catalog,
    };
    out.write(
        "index.html",
        theme.render("index.html", site, &home)?.as_bytes(),
    )?;
    let all = RecordList {
        records: &cards,
        ..home
    };
    out.write(
        "records/index.html",
        theme.render("records.html", site, &all)?.as_bytes(),
    )?;

    // Written as it is serialised: until then each record's entry is a line of text.
    out.write_with("records.json", |w| {
        let file = RecordsFile {
            site: &config.site.title,
            base_url: &config.site.base_url,
            records: Entries(listings),
        };
        file.serialize(&mut serde_json::Serializer::pretty(&mut *w))?;
        w.write_all(b"\n")?;
        Ok(())
    })?;

    write_discovery(config, listings, out)?;
    write_search(theme, site, listings, reuse, out)
}

/// `/records.json`.
#[derive(Serialize)]
struct RecordsFile<'a> {
    site: &'a str,
    base_url: &'a str,
    records: Entries<'a>,
}

struct Entries<'a>(&'a [Listing]);

impl Serialize for Entries<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for l in self.0 {
            // Parsed back one at a time, to be laid out as the rest of the file.
            let entry: Json = serde_json::from_str(&l.json).map_err(S::Error::custom)?;
            seq.serialize_element(&entry)?;
        }
        seq.end()
    }
}
