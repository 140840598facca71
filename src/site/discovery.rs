//! How crawlers and feed readers find the site: `/feed.atom`, `/sitemap.xml`,
//! `/robots.txt`.

use std::fmt::Write;

use anyhow::Result;

use crate::config::Config;
use crate::model::Record;
use crate::render::links;
use crate::render::markdown::escape;
use crate::render::math;

use super::output::Output;

/// Entries of the feed: the newest versions.
const FEED_ENTRIES: usize = 50;
/// URLs per sitemap file (the protocol's limit); more make a sitemap index.
const SITEMAP_URLS: usize = 50_000;

/// Writes the three files. `records` are in the order the site lists them.
///
/// # Errors
/// On I/O failure.
pub fn write_discovery(
    config: &Config,
    records: &[&Record],
    published: &dyn Fn(&Record, u32) -> bool,
    out: &Output,
) -> Result<()> {
    let base = config.site.base_url.trim_end_matches('/');
    out.write("feed.atom", feed(config, records, published).as_bytes())?;

    // Sitemap: home, lists, search, and every record, version, table and resource page.
    let mut urls: Vec<(String, Option<String>)> = ["/", "/records/", "/search/"]
        .iter()
        .map(|p| (format!("{base}{p}"), None))
        .collect();
    for r in records {
        let date = |n: u32| {
            r.meta
                .versions
                .iter()
                .find(|v| v.version == n)
                .and_then(|v| v.date.clone())
        };
        if let Some(latest) = r.latest() {
            urls.push((
                format!("{base}{}", links::record(&r.id)),
                date(latest.number),
            ));
        }
        for v in &r.versions {
            let d = date(v.number);
            urls.push((
                format!("{base}{}", links::version(&r.id, v.number)),
                d.clone(),
            ));
            for k in 1..=v.submission.tables.len() {
                urls.push((
                    format!("{base}{}", links::table(&r.id, v.number, k)),
                    d.clone(),
                ));
            }
            for k in 1..=v.submission.local_resources().count() {
                urls.push((
                    format!("{base}{}", links::resource(&r.id, v.number, k)),
                    d.clone(),
                ));
            }
        }
    }
    let chunks: Vec<_> = urls.chunks(SITEMAP_URLS).collect();
    if chunks.len() == 1 {
        out.write("sitemap.xml", urlset(chunks[0]).as_bytes())?;
    } else {
        let mut index = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
        );
        for (i, chunk) in chunks.iter().enumerate() {
            let name = format!("sitemap-{}.xml", i + 1);
            out.write(&name, urlset(chunk).as_bytes())?;
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

fn urlset(urls: &[(String, Option<String>)]) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (loc, date) in urls {
        match date {
            Some(d) => {
                let _ = writeln!(
                    s,
                    "  <url><loc>{}</loc><lastmod>{}</lastmod></url>",
                    escape(loc),
                    escape(d)
                );
            }
            None => {
                let _ = writeln!(s, "  <url><loc>{}</loc></url>", escape(loc));
            }
        }
    }
    s.push_str("</urlset>\n");
    s
}

/// An Atom feed of the newest versions, one entry each.
fn feed(config: &Config, records: &[&Record], published: &dyn Fn(&Record, u32) -> bool) -> String {
    let base = config.site.base_url.trim_end_matches('/');
    let mut entries: Vec<(String, &Record, u32)> = records
        .iter()
        .flat_map(|r| {
            r.versions.iter().map(move |v| {
                let date = r
                    .meta
                    .versions
                    .iter()
                    .find(|l| l.version == v.number)
                    .and_then(|l| l.date.clone())
                    .unwrap_or_else(|| format!("{}-01-01", r.meta.year.unwrap_or(1970)));
                (date, *r, v.number)
            })
        })
        .collect();
    entries.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.id.cmp(&b.1.id)).then(b.2.cmp(&a.2)));
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
    for (date, r, n) in &entries {
        let url = format!("{base}{}", links::version(&r.id, *n));
        let log = r.meta.versions.iter().find(|l| l.version == *n);
        let mut summary = format!(
            "{}{}, version {n}",
            r.meta.collaborations.join(", "),
            r.meta.year.map(|y| format!(" ({y})")).unwrap_or_default()
        );
        if let Some(m) = log.and_then(|l| l.message.as_deref()) {
            summary.push_str(&format!(": {m}"));
        }
        if !published(r, *n) {
            summary.push_str(" [draft]");
        }
        let author = r
            .meta
            .collaborations
            .first()
            .or(r.meta.authors.first())
            .cloned()
            .unwrap_or_else(|| config.site.title.clone());
        let _ = write!(
            s,
            "  <entry>\n    <title>{}</title>\n    <id>{url}</id>\n    <link href=\"{url}\"/>\n    <updated>{}</updated>\n    <author><name>{}</name></author>\n    <summary>{}</summary>\n  </entry>\n",
            escape(&format!("{} (v{n})", math::plain(&r.meta.title))),
            stamp(date),
            escape(&author),
            escape(&summary)
        );
    }
    s.push_str("</feed>\n");
    s
}
