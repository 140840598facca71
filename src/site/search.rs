//! `/search/`: the index for the search page's script, and a static page per facet value
//! (`/search/<facet>/<value>/`), so that facets work without JavaScript.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Result;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::render::pages::{SiteView, Theme};
use crate::render::search::{Entry, Facets, Index};
use crate::render::{links, markdown};

use super::listing::Listing;
use super::output::Output;

/// Records listed on one facet page at most (newest first); the rest are reached by the
/// search page or /records/.
const FACET_PAGE_RECORDS: usize = 300;

/// What the search index came to, for the build's log, and what each facet page was
/// made from (site path -> digest), for the next build to know which it may keep.
pub struct SearchSummary {
    pub index_bytes: usize,
    pub pages: BTreeMap<String, String>,
}

/// What a facet page depends on besides the theme and settings (which, when changed,
/// make every build a full one): the records it lists, by the fingerprints of their
/// files. A rebuild keeps, by hard link from the live site, every facet page whose
/// digest is the one the live site was built with, instead of rendering it again: after
/// one record changes, only the pages of its facet values are written.
pub struct Reuse<'a> {
    /// Record id -> fingerprint of its files, for this build.
    pub prints: &'a BTreeMap<String, String>,
    /// The live site and the digests of its facet pages, for an incremental build.
    pub live: Option<(&'a Path, &'a BTreeMap<String, String>)>,
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
    reuse: &Reuse,
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
    let mut pages = BTreeMap::new();
    for facet in &facets.list {
        for value in &facet.values {
            let path = format!("search/{}/{}/index.html", facet.key, value.slug);
            let shown: Vec<_> = listings
                .iter()
                .zip(&records)
                .filter(|(_, (_, ids))| ids.contains(&value.id))
                .take(FACET_PAGE_RECORDS)
                .collect();
            let mut digest = Sha256::new();
            for part in [facet.key, facet.label, &value.value, &value.slug] {
                digest.update(part.as_bytes());
                digest.update([0]);
            }
            digest.update(value.records.to_le_bytes());
            for (l, _) in &shown {
                digest.update(l.id().as_bytes());
                digest.update([0]);
                let print = reuse.prints.get(l.id()).map_or("", String::as_str);
                digest.update(print.as_bytes());
                digest.update([0]);
            }
            let digest = hex::encode(digest.finalize());
            let kept = match reuse.live {
                Some((live, before)) if before.get(&path) == Some(&digest) => {
                    out.link_from(live, &path)?
                }
                _ => false,
            };
            pages.insert(path.clone(), digest);
            if kept {
                continue;
            }
            let listed: Vec<_> = shown
                .into_iter()
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
            out.write(&path, theme.render("facet.html", site, &page)?.as_bytes())?;
        }
    }
    Ok(SearchSummary {
        index_bytes: index_bytes as usize,
        pages,
    })
}
