//! `/search/`: the index for the search page's script, and a static page per facet value
//! (`/search/<facet>/<value>/`), so that facets work without JavaScript.

use anyhow::Result;
use serde_json::json;

use crate::model::Record;
use crate::render::links;
use crate::render::pages::{SiteView, Theme};
use crate::render::search;
use crate::render::view::RecordCard;

use super::output::Output;

/// Records listed on one facet page at most (newest first); the rest are reached by the
/// search page or /records/.
const FACET_PAGE_RECORDS: usize = 300;

/// What the search index came to, for the build's log.
pub struct SearchSummary {
    pub index_bytes: usize,
}

/// Writes `/search/index.json`, `/search/index.html` and the facet pages. `records` are
/// in the order the site lists them (newest first).
///
/// # Errors
/// On a template error or I/O failure.
pub fn write_search(
    theme: &Theme,
    site: &SiteView,
    records: &[&Record],
    cards: &[RecordCard],
    out: &Output,
) -> Result<SearchSummary> {
    let (index, pages) = search::index(records);
    let text = serde_json::to_string(&index)?;
    out.write("search/index.json", text.as_bytes())?;

    let page = json!({ "facets": &index.facets, "total": index.records.len() });
    out.write(
        "search/index.html",
        theme.render("search.html", site, &page)?.as_bytes(),
    )?;

    let cards: std::collections::HashMap<&str, &RecordCard> =
        cards.iter().map(|c| (c.head.id.as_str(), c)).collect();
    let by_id: std::collections::HashMap<&str, &Record> =
        records.iter().map(|r| (r.id.as_str(), *r)).collect();
    let card = |id: &str| cards.get(id).copied();
    for p in &pages {
        let listed: Vec<_> = p
            .records
            .iter()
            .take(FACET_PAGE_RECORDS)
            .filter_map(|(id, tables)| {
                let c = card(id)?;
                let record = by_id.get(id.as_str())?;
                let latest = record.latest()?;
                let tables: Vec<_> = tables
                    .iter()
                    .map(|&k| {
                        let t = &latest.submission.tables[k - 1];
                        json!({
                            "k": k,
                            "url": links::table(id, latest.number, k),
                            "name_html": crate::render::markdown::inline(&t.name.value),
                        })
                    })
                    .collect();
                Some(json!({ "card": c, "tables": tables }))
            })
            .collect();
        let page = json!({
            "facet": p.facet,
            "label": p.label,
            "value": p.value,
            "total": p.records.len(),
            "shown": listed.len(),
            "records": listed,
        });
        out.write(
            &format!("search/{}/{}/index.html", p.facet, p.slug),
            theme.render("facet.html", site, &page)?.as_bytes(),
        )?;
    }
    Ok(SearchSummary {
        index_bytes: text.len(),
    })
}
