//! `/search/`: the index for the search page's script, and a static page per facet value
//! (`/search/<facet>/<value>/`), so that facets work without JavaScript.

use anyhow::Result;
use serde_json::json;

use crate::render::pages::{SiteView, Theme};
use crate::render::search::{Entry, Facets, Index};
use crate::render::{links, markdown};

use super::listing::Listing;
use super::output::Output;

/// Records listed on one facet page at most (newest first); the rest are reached by the
/// search page or /records/.
const FACET_PAGE_RECORDS: usize = 300;

/// What the search index came to, for the build's log.
pub struct SearchSummary {
    pub index_bytes: usize,
}

/// Writes `/search/index.json`, `/search/index.html` and the facet pages. `listings`
/// are in the order the site lists them (newest first).
///
/// # Errors
/// On a template error or I/O failure.
pub fn write_search(
    theme: &Theme,
    site: &SiteView,
    listings: &[Listing],
    out: &Output,
) -> Result<SearchSummary> {
    let facets = Facets::new(listings.iter().map(|l| &l.search));
    let records: Vec<(&Entry, Vec<usize>)> = listings
        .iter()
        .map(|l| (&l.search, facets.ids(&l.search)))
        .collect();
    let index = Index {
        facets: &facets,
        records: &records,
    };
    let index_bytes = out.write_with("search/index.json", |w| {
        Ok(serde_json::to_writer(w, &index)?)
    })?;

    let page = json!({ "facets": &facets.list, "total": records.len() });
    out.write(
        "search/index.html",
        theme.render("search.html", site, &page)?.as_bytes(),
    )?;

    // One page per facet value, listing the first records to have it.
    for facet in &facets.list {
        for value in &facet.values {
            let listed: Vec<_> = listings
                .iter()
                .zip(&records)
                .filter(|(_, (_, ids))| ids.contains(&value.id))
                .take(FACET_PAGE_RECORDS)
                .map(|(l, (entry, ids))| {
                    let (id, n) = (l.id(), l.card.latest);
                    let tables: Vec<_> = entry
                        .tables
                        .iter()
                        .enumerate()
                        .filter(|(_, t)| t.values.iter().any(|&v| ids[v] == value.id))
                        .map(|(i, t)| {
                            json!({
                                "k": i + 1,
                                "url": links::table(id, n, i + 1),
                                "name_html": markdown::inline(&t.name),
                            })
                        })
                        .collect();
                    json!({ "card": &l.card, "tables": tables })
                })
                .collect();
            let page = json!({
                "facet": facet.key,
                "label": facet.label,
                "value": value.value,
                "total": value.records,
                "shown": listed.len(),
                "records": listed,
            });
            out.write(
                &format!("search/{}/{}/index.html", facet.key, value.slug),
                theme.render("facet.html", site, &page)?.as_bytes(),
            )?;
        }
    }
    Ok(SearchSummary {
        index_bytes: index_bytes as usize,
    })
}
