//! How crawlers and feed readers find the site: `/feed.atom`, `/sitemap.xml`,
//! `/robots.txt`.

use std::fmt::Write as _;
use std::io::Write;

use anyhow::Result;

use crate::config::Config;
use crate::render::links;
use crate::render::markdown::escape;

use super::listing::{Listing, VersionEntry};
use super::output::Output;

/// Entries of the feed: the newest versions.
const FEED_ENTRIES: usize = 50;
/// URLs per sitemap file (the protocol's limit); more make a sitemap index.
const SITEMAP_URLS: usize = 50_000;

/// Writes the three files. `listings` are in the order the site lists them.
///
/// # Errors
/// On I/O failure.
pub fn write_discovery(config: &Config, listings: &[Listing], out: &Output) -> Result<()> {
    let base = config.site.base_url.trim_end_matches('/');
    out.write("feed.atom", feed(config, listings).as_bytes())?;

    // Sitemap: home, lists, search, and every record, version, table and resource page.
    // Its URLs are made as they are written: there are several per table.
    let total = 3 + listings
        .iter()
        .map(|l| {
            1 + l
                .versions
                .iter()
                .map(|v| 1 + v.tables + v.resources)
                .sum::<usize>()
        })
        .sum::<usize>();
    let mut urls = sitemap_urls(base, listings);
    if total <= SITEMAP_URLS {
        out.write_with("sitemap.xml", |w| urlset(w, &mut urls))?;
    } else {
        let mut index = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
        );
        for i in 0..total.div_ceil(SITEMAP_URLS) {
            let name = format!("sitemap-{}.xml", i + 1);
            out.write_with(&name, |w| urlset(w, urls.by_ref().take(SITEMAP_URLS)))?;
            let _ = writeln!(index, "  <sitemap><loc>{base}/{name}</loc></sitemap>");
        }
        index.push_str("</sitemapindex>\n");
        out.write("sitemap.xml", index.as_bytes())?;
    }

    let robots = format!(
        "User-agent: *\nAllow: /\n# Pages of long tables' rows: every row is in the downloads.\nDisallow: /record/*/rows/\n\nSitemap: {base}/sitemap.xml\n"
    );
    out.write("robots.txt", robots.as_bytes())?;
    Ok(())
}

/// Every page of the sitemap, in order: (URL, last change).
fn sitemap_urls<'a>(
    base: &'a str,
    listings: &'a [Listing],
) -> impl Iterator<Item = (String, Option<&'a str>)> + 'a {
    let lists = ["/", "/records/", "/search/"]
        .into_iter()
        .map(move |p| (format!("{base}{p}"), None));
    let records = listings.iter().flat_map(move |l| {
        let id = l.id();
        // The record's page shows its latest version.
        let latest = l
            .versions
            .last()
            .map(|v| (format!("{base}{}", links::record(id)), v.date.as_deref()));
        let versions = l.versions.iter().flat_map(move |v| {
            let (n, date) = (v.number, v.date.as_deref());
            let tables = (1..=v.tables).map(move |k| links::table(id, n, k));
            let resources = (1..=v.resources).map(move |k| links::resource(id, n, k));
            std::iter::once(links::version(id, n))
                .chain(tables)
                .chain(resources)
                .map(move |path| (format!("{base}{path}"), date))
        });
        latest.into_iter().chain(versions)
    });
    lists.chain(records)
}

fn urlset<'a>(
    w: &mut dyn Write,
    urls: impl Iterator<Item = (String, Option<&'a str>)>,
) -> Result<()> {
    w.write_all(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n")?;
    for (loc, date) in urls {
        match date {
            Some(d) => writeln!(
                w,
                "  <url><loc>{}</loc><lastmod>{}</lastmod></url>",
                escape(&loc),
                escape(d)
            )?,
            None => writeln!(w, "  <url><loc>{}</loc></url>", escape(&loc))?,
        }
    }
    w.write_all(b"</urlset>\n")?;
    Ok(())
}

/// An Atom feed of the newest versions, one entry each.
fn feed(config: &Config, listings: &[Listing]) -> String {
    let base = config.site.base_url.trim_end_matches('/');
    let mut entries: Vec<(String, &Listing, &VersionEntry)> = listings
        .iter()
        .flat_map(|l| {
            l.versions.iter().map(move |v| {
                let date = v
                    .date
                    .clone()
                    .unwrap_or_else(|| format!("{}-01-01", l.card.head.year.unwrap_or(1970)));
                (date, l, v)
            })
        })
        .collect();
    entries.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then(a.1.id().cmp(b.1.id()))
            .then(b.2.number.cmp(&a.2.number))
    });
    entries.truncate(FEED_ENTRIES);
    let stamp = |d: &str| format!("{}T00:00:00Z", d.get(..10).unwrap_or(d));
    let updated = entries
        .first()
        .map_or_else(|| "1970-01-01T00:00:00Z".to_string(), |e| stamp(&e.0));

    let mut s = String::new();
    let _ = write!(
        s,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n  <title>{}</title>\n  <subtitle>New records and versions</subtitle>\n  <id>{base}/</id>\n  <link href=\"{base}/\"/>\n  <link rel=\"self\" href=\"{base}/feed.atom\"/>\n  <updated>{updated}</updated>\n",
        escape(&config.site.title)
    );
    for (date, l, v) in &entries {
        let (head, n) = (&l.card.head, v.number);
        let url = format!("{base}{}", links::version(l.id(), n));
        let mut summary = format!(
            "{}{}, version {n}",
            head.collaborations.join(", "),
            head.year.map(|y| format!(" ({y})")).unwrap_or_default()
        );
        if let Some(m) = &v.message {
            summary.push_str(&format!(": {m}"));
        }
        if v.draft {
            summary.push_str(" [draft]");
        }
        let author = head
            .collaborations
            .first()
            .or(head.authors.first())
            .cloned()
            .unwrap_or_else(|| config.site.title.clone());
        let _ = write!(
            s,
            "  <entry>\n    <title>{}</title>\n    <id>{url}</id>\n    <link href=\"{url}\"/>\n    <updated>{}</updated>\n    <author><name>{}</name></author>\n    <summary>{}</summary>\n  </entry>\n",
            escape(&format!("{} (v{n})", head.title_text)),
            stamp(date),
            escape(&author),
            escape(&summary)
        );
    }
    s.push_str("</feed>\n");
    s
}
