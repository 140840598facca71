//! End-to-end: build the shipped records with the real binary and look at what came out.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::*;
use hepstatic::load::load_data;
use hepstatic::model::Value;
use serde_json::Value as Json;

/// The shipped records, built once for all tests of this file.
fn build_all() -> &'static Path {
    static SITE: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, site) = SITE.get_or_init(|| {
        let project = tempfile::tempdir().unwrap();
        fs::copy(
            repo().join("hepstatic.toml"),
            project.path().join("hepstatic.toml"),
        )
        .unwrap();
        copy_tree(&repo().join("themes"), &project.path().join("themes"));
        copy_tree(&repo().join("records"), &project.path().join("records"));
        let out = hepstatic(project.path(), &["build"]);
        assert!(out.status.success(), "build failed: {}", stderr(&out));
        assert!(stderr(&out).contains("built site"), "{}", stderr(&out));
        let site = project.path().join("site");
        (project, site)
    });
    site
}

fn read_json(path: &Path) -> Json {
    serde_json::from_slice(&fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
        .unwrap()
}

/// Maps a site URL path (absolute or relative to `page`) to the file that serves it.
fn target(site: &Path, page: &str, link: &str) -> Option<std::path::PathBuf> {
    let link = link.split('#').next().unwrap_or("");
    if link.is_empty() || link.contains("://") || link.starts_with("mailto:") {
        return None;
    }
    let path = if let Some(abs) = link.strip_prefix('/') {
        abs.to_string()
    } else {
        let base = page.rsplit_once('/').map_or("", |(d, _)| d);
        if base.is_empty() {
            link.to_string()
        } else {
            format!("{base}/{link}")
        }
    };
    let path = percent_decode(&path);
    let full = site.join(&path);
    Some(if path.is_empty() || path.ends_with('/') {
        full.join("index.html")
    } else {
        full
    })
}

#[test]
fn shipped_records_build_with_every_page_download_and_link() {
    let site = build_all();
    for f in [
        "index.html",
        "records/index.html",
        "records.json",
        "static/style.css",
    ] {
        assert!(site.join(f).is_file(), "missing {f}");
    }
    let index = read_json(&site.join("records.json"));
    let records = index["records"].as_array().unwrap();
    let shipped = fs::read_dir(repo().join("records"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().is_dir())
        .count();
    assert_eq!(records.len(), shipped);
    assert!(records.len() >= 6);

    let base = index["base_url"]
        .as_str()
        .unwrap()
        .trim_end_matches('/')
        .to_string();
    let local = |url: &str| site.join(url.strip_prefix(&base).unwrap().trim_start_matches('/'));
    let mut tables = 0;
    for r in records {
        let id = r["id"].as_str().unwrap();
        assert!(site.join(format!("record/{id}/index.html")).is_file());
        let latest = fs::read_to_string(site.join(format!("record/{id}/index.html"))).unwrap();
        assert!(
            latest.contains("rel=\"canonical\""),
            "{id}: the latest page has no canonical link"
        );
        for v in r["versions"].as_array().unwrap() {
            let rj = read_json(&local(v["record_json"].as_str().unwrap()));
            assert!(
                local(rj["url"].as_str().unwrap())
                    .join("index.html")
                    .is_file()
            );
            for t in rj["tables"].as_array().unwrap() {
                tables += 1;
                assert!(
                    local(t["url"].as_str().unwrap())
                        .join("index.html")
                        .is_file()
                );
                for (_, d) in t["downloads"].as_object().unwrap() {
                    let file = local(d["url"].as_str().unwrap());
                    let bytes =
                        fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
                    assert_eq!(
                        hepstatic::site::sha256_hex(&bytes),
                        d["sha256"].as_str().unwrap()
                    );
                }
            }
            for res in rj["resources"].as_array().unwrap() {
                if let Some(url) = res["url"].as_str() {
                    let file = local(&percent_decode(url));
                    let bytes = fs::read(&file).unwrap();
                    assert_eq!(
                        hepstatic::site::sha256_hex(&bytes),
                        res["sha256"].as_str().unwrap()
                    );
                    assert!(
                        local(res["landing_url"].as_str().unwrap())
                            .join("index.html")
                            .is_file()
                    );
                }
            }
        }
    }
    assert!(tables > 100, "only {tables} tables");

    // Every link on every page resolves to a file of the site.
    let mut broken = BTreeSet::new();
    let all = files(site);
    for page in all.iter().filter(|f| f.ends_with(".html")) {
        let html = fs::read_to_string(site.join(page)).unwrap();
        for link in links(&html) {
            if let Some(file) = target(site, page, &link)
                && !file.is_file()
            {
                broken.insert(format!("{page} -> {link}"));
            }
        }
    }
    assert!(
        broken.is_empty(),
        "broken links:\n{}",
        broken.into_iter().collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn resources_are_served_byte_for_byte() {
    let site = build_all();
    let original =
        fs::read(repo().join("records/ins1755298/v1/atlas-1lbb-ins1755298.tar.gz")).unwrap();
    let served =
        fs::read(site.join("record/ins1755298/v1/r1/atlas-1lbb-ins1755298.tar.gz")).unwrap();
    assert_eq!(original, served);
    // A name with parentheses, served under its own name.
    let rj = read_json(&site.join("record/ins1241574/v1/record.json"));
    let names: Vec<&str> = rj["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["name"].as_str())
        .collect();
    assert!(names.contains(&"ins1241574_resources.tar.gz"), "{names:?}");
    for r in rj["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["url"].is_string())
    {
        let name = r["name"].as_str().unwrap();
        let k = r["number"].as_u64().unwrap();
        let a = fs::read(repo().join("records/ins1241574/v1").join(name)).unwrap();
        let b = fs::read(site.join(format!("record/ins1241574/v1/r{k}")).join(name)).unwrap();
        assert_eq!(a, b, "{name}");
    }
}

/// JSON and CSV downloads carry the same numbers as the YAML the table was loaded from.
#[test]
fn csv_and_json_values_equal_the_yaml() {
    let site = build_all();
    let mut checked = 0;
    for rj_path in files(site).iter().filter(|f| f.ends_with("record.json")) {
        let rj = read_json(&site.join(rj_path));
        let dir = Path::new(rj_path).parent().unwrap();
        for t in rj["tables"].as_array().unwrap() {
            let k = t["number"].as_u64().unwrap();
            let tdir = site.join(dir).join(format!("t{k}"));
            let Some(yaml_name) = t["downloads"]["yaml"]["url"].as_str() else {
                continue;
            };
            let yaml_file = tdir.join(yaml_name.rsplit('/').next().unwrap());
            let mut diags = Vec::new();
            let data = load_data(&yaml_file, &mut diags)
                .unwrap_or_else(|| panic!("{}: {diags:?}", yaml_file.display()));
            let json = read_json(
                &tdir.join(
                    yaml_file
                        .file_name()
                        .unwrap()
                        .to_string_lossy()
                        .replace(".yaml", ".json"),
                ),
            );
            let csv = fs::read_to_string(
                tdir.join(
                    yaml_file
                        .file_name()
                        .unwrap()
                        .to_string_lossy()
                        .replace(".yaml", ".csv"),
                ),
            )
            .unwrap();
            let csv_numbers: Vec<f64> = csv
                .lines()
                .filter(|l| !l.starts_with('#'))
                .flat_map(|l| l.split(','))
                .filter_map(|c| c.trim().trim_matches('"').parse::<f64>().ok())
                .collect();
            for (i, var) in data.dependent.iter().enumerate() {
                let jvalues = json["dependent_variables"][i]["values"].as_array().unwrap();
                assert_eq!(jvalues.len(), var.values.len());
                for (p, jp) in var.values.iter().zip(jvalues) {
                    match p.value.as_ref().map(|v| &v.value) {
                        Some(Value::Number(x)) => {
                            let jx = jp["value"]
                                .as_f64()
                                .unwrap_or_else(|| panic!("{}: {jp}", yaml_file.display()));
                            assert!(
                                close(*x, jx),
                                "{}: JSON {jx} != YAML {x}",
                                yaml_file.display()
                            );
                            assert!(
                                csv_numbers.iter().any(|c| close(*c, *x)),
                                "{}: value {x} not in the CSV",
                                yaml_file.display()
                            );
                            checked += 1;
                        }
                        Some(Value::Text(s)) => assert_eq!(jp["value"].as_str(), Some(s.as_str())),
                        None => {}
                    }
                }
            }
        }
    }
    assert!(checked > 1000, "only {checked} values compared");
}

fn close(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= 1e-12 * a.abs().max(b.abs())
}

/// ../shared/cases/c09: names with `/`, `\`, `$`, `%` and non-ASCII letters, and pairs that
/// collide under naive slugging, each get their own page and downloads.
#[test]
fn awkward_table_names_get_distinct_working_pages() {
    let project = scratch_project(&[]);
    add_record(
        project.path(),
        "c09",
        &shared().join("cases/c09/input"),
        "Awkward names",
    );
    let out = hepstatic(project.path(), &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let site = project.path().join("site");
    let rj = read_json(&site.join("record/c09/v1/record.json"));
    let tables = rj["tables"].as_array().unwrap();
    assert_eq!(tables.len(), 7);
    // The whole-version CSV archive has seven files, one per table (the reference writes
    // five, overwriting two).
    let url = rj["archives"]["csv"]["url"].as_str().unwrap();
    let csvs =
        untar(&fs::read(site.join(url.trim_start_matches("http://localhost:8000/"))).unwrap());
    let names: BTreeSet<&str> = csvs
        .iter()
        .map(|(p, _)| p.as_str())
        .filter(|p| p.ends_with(".csv"))
        .collect();
    assert_eq!(names.len(), 7, "{names:?}");
    let submitted = fs::read_to_string(shared().join("cases/c09/input/submission.yaml")).unwrap();
    for (i, t) in tables.iter().enumerate() {
        let k = i + 1;
        let name = t["name"].as_str().unwrap();
        let page = fs::read_to_string(site.join(format!("record/c09/v1/t{k}/index.html"))).unwrap();
        // Shown verbatim (HTML-escaped only; math as MathML with its source kept), on a
        // page of its own.
        let escape = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;");
        let title = format!(
            "<title>{} · ",
            escape(&hepstatic::render::math::plain(name))
        );
        assert!(page.contains(&title), "t{k}: {name} not in the page title");
        for (i, part) in name.split('$').enumerate() {
            let shown = if i % 2 == 1 {
                format!(
                    "<annotation encoding=\"application/x-tex\">{}</annotation>",
                    escape(part)
                )
            } else {
                escape(part)
            };
            assert!(page.contains(&shown), "t{k}: {part:?} of {name} not shown");
        }
        let json = read_json(&site.join(format!("record/c09/v1/t{k}/c09-v1-t{k}.json")));
        assert_eq!(
            json["name"].as_str(),
            Some(name),
            "t{k} JSON names another table"
        );
        assert!(submitted.contains(name.trim_matches('\'')) || name.contains('\\'));
        let csv =
            fs::read_to_string(site.join(format!("record/c09/v1/t{k}/c09-v1-t{k}.csv"))).unwrap();
        assert!(
            csv.contains(&format!("{k}.0"))
                || csv.contains(&format!(",{k}"))
                || csv.contains(&format!("{k},")),
            "t{k} CSV: {csv}"
        );
    }
}

#[test]
fn a_record_with_errors_stops_the_build_and_keeps_the_old_site() {
    let project = scratch_project(&["ins1512299"]);
    assert!(hepstatic(project.path(), &["build"]).status.success());
    let index = fs::read(project.path().join("site/index.html")).unwrap();

    let data = project.path().join("records/ins1512299/v1");
    let table = fs::read_dir(&data)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name().unwrap() != "submission.yaml"
                && p.extension().is_some_and(|e| e == "yaml")
        })
        .unwrap();
    let text = fs::read_to_string(&table).unwrap();
    fs::write(&table, text.replacen("value:", "valeu:", 1)).unwrap();

    let out = hepstatic(project.path(), &["build"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("E012") && err.contains("valeu"), "{err}");
    assert!(
        err.contains(&table.file_name().unwrap().to_string_lossy().to_string()),
        "{err}"
    );
    assert_eq!(
        fs::read(project.path().join("site/index.html")).unwrap(),
        index
    );
    let leftovers: Vec<_> = fs::read_dir(project.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().contains("staging"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn markdown_cannot_inject_script() {
    let project = scratch_project(&[]);
    let sub = tempfile::tempdir().unwrap();
    fs::write(
        sub.path().join("submission.yaml"),
        "comment: 'hello <script>alert(1)</script> [x](javascript:alert(2))'\n---\nname: T <b>1</b>\ndescription: '<img src=x onerror=alert(3)> $p_{T}$'\nkeywords: []\ndata_file: d.yaml\n",
    )
    .unwrap();
    fs::write(sub.path().join("d.yaml"), "independent_variables: []\ndependent_variables:\n- header: {name: '<script>x</script>'}\n  values: [{value: 1}]\n").unwrap();
    add_record(
        project.path(),
        "xss",
        sub.path(),
        "<script>alert(4)</script>",
    );
    let out = hepstatic(project.path(), &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    for f in files(&project.path().join("site"))
        .iter()
        .filter(|f| f.ends_with(".html"))
    {
        let html = without_theme_scripts(
            &fs::read_to_string(project.path().join("site").join(f)).unwrap(),
        );
        assert!(!html.contains("<script"), "{f} carries a script");
        assert!(!html.contains("onerror"), "{f} carries an event handler");
        assert!(
            !html.contains("javascript:"),
            "{f} carries a javascript: link"
        );
    }
}

/// The shipped site's browsing pages: plots beside tables, math as MathML, long tables in
/// pages of rows with a light plot.
#[test]
fn tables_have_plots_math_and_pages_of_rows() {
    let site = build_all();

    // A 1D table: the plot is an <img> of an SVG with a title and a description.
    let page = fs::read_to_string(site.join("record/star-30/v1/t1/index.html")).unwrap();
    assert!(
        page.contains("<img src=\"star-30-v1-t1.svg\" alt=\"Plot of "),
        "no plot on star-30 t1"
    );
    let svg = fs::read_to_string(site.join("record/star-30/v1/t1/star-30-v1-t1.svg")).unwrap();
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.contains("<title id=\"title\">") && svg.contains("<desc id=\"desc\">Plot of "));
    assert!(
        svg.contains("logarithmic y axis"),
        "yields over decades: log axis"
    );

    // Correlation matrices and likelihood scans are heat maps.
    for t in [
        "ins1413748/v1/t100/ins1413748-v1-t100",
        "ins1241574/v1/t2/ins1241574-v1-t2",
    ] {
        let svg = fs::read_to_string(site.join(format!("record/{t}.svg"))).unwrap();
        assert!(svg.contains("<desc id=\"desc\">Heat map of "), "{t}");
        assert!(svg.contains("linearGradient"), "{t}: no colour scale");
        assert!(svg.len() < 100_000, "{t}: {} bytes", svg.len());
    }

    // Math is MathML; no formula is left as a `$...$` span.
    let version = fs::read_to_string(site.join("record/ins1755298/v1/index.html")).unwrap();
    assert!(version.contains("<math>"), "no MathML in the title");
    assert!(!version.contains("class=\"math\""));

    // The 20,000-row table (two independent columns, one dependent, no uncertainties):
    // a summary, the first 500 rows, links to the other 39 pages.
    let page = fs::read_to_string(site.join("record/ins1241574/v1/t2/index.html")).unwrap();
    assert!(
        page.len() < 200_000,
        "long table page is {} bytes",
        page.len()
    );
    assert!(
        page.contains("20000 rows, shown 500 at a time"),
        "no summary"
    );
    assert!(page.contains("href=\"/record/ins1241574/v1/t2/rows/40/\""));
    let last = fs::read_to_string(site.join("record/ins1241574/v1/t2/rows/40/index.html")).unwrap();
    assert!(last.contains("rows 19501–20000 of 20000"));
    assert!(!site.join("record/ins1241574/v1/t2/rows/41").exists());
    let svg = fs::metadata(site.join("record/ins1241574/v1/t2/ins1241574-v1-t2.svg")).unwrap();
    assert!(svg.len() < 100_000);

    // Every table with data has a YODA download, listed in record.json.
    let rj = read_json(&site.join("record/star-30/v1/record.json"));
    for t in rj["tables"].as_array().unwrap() {
        let yoda = t["downloads"]["yoda"]["url"].as_str().unwrap();
        assert!(yoda.ends_with(&format!("-t{}.yoda", t["number"])), "{yoda}");
    }
    let yoda = fs::read_to_string(site.join("record/star-30/v1/t1/star-30-v1-t1.yoda")).unwrap();
    assert!(yoda.starts_with("BEGIN YODA_"), "{yoda}");
    assert!(
        yoda.contains("Title: doi:10.5072/hepstatic.star-30.v1/t1\n"),
        "{yoda}"
    );
}

#[test]
fn search_index_and_facet_pages_work_without_script() {
    let site = build_all();
    let index = read_json(&site.join("search/index.json"));
    let records = index["records"].as_array().unwrap();
    assert_eq!(records.len(), 8);
    let bytes = fs::metadata(site.join("search/index.json")).unwrap().len();
    // Metadata only: 165 tables, some of 20,000 rows, in well under 100 kB.
    assert!(bytes < 100_000, "index is {bytes} bytes");

    // Every facet value has its page; the ATLAS page lists the ATLAS records.
    let facets = index["facets"].as_array().unwrap();
    let keys: Vec<&str> = facets.iter().map(|f| f["key"].as_str().unwrap()).collect();
    assert_eq!(
        keys,
        [
            "collaboration",
            "year",
            "reaction",
            "observable",
            "cmenergy",
            "phrase",
            "resource"
        ]
    );
    for f in facets {
        for v in f["values"].as_array().unwrap() {
            let page = site.join(format!(
                "search/{}/{}/index.html",
                f["key"].as_str().unwrap(),
                v["slug"].as_str().unwrap()
            ));
            assert!(page.is_file(), "{}", page.display());
        }
    }
    let atlas = fs::read_to_string(site.join("search/collaboration/atlas/index.html")).unwrap();
    assert!(atlas.contains("href=\"/record/ins1755298/\""));
    assert!(!atlas.contains("href=\"/record/star-30/\""));
    // A keyword facet lists the tables that carry it.
    let higgs = fs::read_to_string(site.join("search/reaction/p-p-higgs-x/index.html")).unwrap();
    assert!(higgs.contains("/record/ins1241574/v1/t1/"), "{higgs}");
    // The likelihood archive makes its record a "likelihood" resource.
    let like = fs::read_to_string(site.join("search/resource/likelihood/index.html")).unwrap();
    assert!(like.contains("/record/ins1755298/"));
    let search = fs::read_to_string(site.join("search/index.html")).unwrap();
    assert!(search.contains("<noscript>") && search.contains("/search/collaboration/atlas/"));
}

#[test]
fn feed_sitemap_robots_and_open_graph() {
    let site = build_all();
    let feed = fs::read_to_string(site.join("feed.atom")).unwrap();
    assert!(
        feed.starts_with("<?xml") && feed.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\">")
    );
    assert_eq!(feed.matches("<entry>").count(), 8);
    let sitemap = fs::read_to_string(site.join("sitemap.xml")).unwrap();
    assert!(sitemap.contains("<loc>http://localhost:8000/record/star-30/v1/t1/</loc>"));
    assert!(!sitemap.contains("/rows/"));
    let robots = fs::read_to_string(site.join("robots.txt")).unwrap();
    assert!(robots.contains("Sitemap: http://localhost:8000/sitemap.xml"));
    let page = fs::read_to_string(site.join("record/star-30/v1/t1/index.html")).unwrap();
    assert!(page.contains("<meta property=\"og:title\" content=\"Figure 2.1"));
    assert!(page.contains(
        "<meta property=\"og:image\" content=\"http://localhost:8000/record/star-30/v1/t1/star-30-v1-t1.svg\">"
    ));
    assert!(page.contains("<link rel=\"alternate\" type=\"application/atom+xml\""));
}

/// Unpacks a .tar.gz into (path, bytes), in archive order.
fn untar(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    use std::io::Read;
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(bytes));
    let mut out = Vec::new();
    for e in tar.entries().unwrap() {
        let mut e = e.unwrap();
        let path = e.path().unwrap().to_string_lossy().into_owned();
        let mut data = Vec::new();
        e.read_to_end(&mut data).unwrap();
        out.push((path, data));
    }
    out
}

#[test]
fn version_archives_unpack_into_one_folder_and_are_reproducible() {
    let site = build_all();
    let rj = read_json(&site.join("record/star-30/v1/record.json"));
    let archives = &rj["archives"];
    let local = |url: &str| site.join(url.trim_start_matches("http://localhost:8000/"));

    // The submission as submitted, every file byte for byte, under star-30-v1/.
    let url = archives["submission"]["url"].as_str().unwrap();
    assert!(
        url.ends_with("/record/star-30/v1/star-30-v1.tar.gz"),
        "{url}"
    );
    let bytes = fs::read(local(url)).unwrap();
    assert_eq!(
        hepstatic::site::sha256_hex(&bytes),
        archives["submission"]["sha256"].as_str().unwrap()
    );
    let entries = untar(&bytes);
    let source = repo().join("records/star-30/v1");
    let mut files = 0;
    for (path, data) in &entries {
        assert!(path.starts_with("star-30-v1/"), "{path}");
        if !path.ends_with('/') {
            let original = fs::read(source.join(&path["star-30-v1/".len()..])).unwrap();
            assert_eq!(&original, data, "{path}");
            files += 1;
        }
    }
    assert_eq!(files, common::files(&source).len());

    // Every table in one format: one file per table, the same bytes as the table's own.
    for format in ["csv", "json", "yoda"] {
        let url = archives[format]["url"].as_str().unwrap();
        assert!(url.ends_with(&format!("star-30-v1-{format}.tar.gz")));
        let entries = untar(&fs::read(local(url)).unwrap());
        let tables = rj["tables"].as_array().unwrap();
        let named: Vec<_> = entries.iter().filter(|(p, _)| !p.ends_with('/')).collect();
        assert_eq!(named.len(), tables.len(), "{format}");
        for (t, (path, data)) in tables.iter().zip(named) {
            let own = local(t["downloads"][format]["url"].as_str().unwrap());
            assert_eq!(
                path,
                &format!("star-30-v1/{}", own.file_name().unwrap().to_string_lossy())
            );
            assert_eq!(&fs::read(&own).unwrap(), data);
        }
    }

    // A second build gives the same bytes.
    let project = scratch_project(&["star-30"]);
    assert!(hepstatic(project.path(), &["build"]).status.success());
    for name in [
        "star-30-v1.tar.gz",
        "star-30-v1-csv.tar.gz",
        "star-30-v1-yoda.tar.gz",
    ] {
        let again = fs::read(project.path().join("site/record/star-30/v1").join(name)).unwrap();
        let first = fs::read(site.join("record/star-30/v1").join(name)).unwrap();
        assert!(again == first, "{name} differs between two builds");
    }
}

/// ../shared/cases/c26: math reaches the math renderer byte for byte, Markdown does not
/// mangle it, hostile markup never runs, and the search index holds plain text.
#[test]
fn c26_math_and_markup() {
    let project = scratch_project(&[]);
    add_record(
        project.path(),
        "c26",
        &shared().join("cases/c26/input"),
        "Math $p_{T}$",
    );
    let out = hepstatic(project.path(), &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let site = project.path().join("site");
    let version = fs::read_to_string(site.join("record/c26/v1/index.html")).unwrap();
    let table = fs::read_to_string(site.join("record/c26/v1/t1/index.html")).unwrap();
    for html in [&version, &table] {
        let html = &without_theme_scripts(html);
        assert!(!html.contains("<script"), "script");
        assert!(!html.contains("<iframe"), "iframe");
        assert!(!html.contains("onerror"), "event handler");
        assert!(!html.contains("javascript:"), "javascript: URL");
    }
    // Formulas as MathML, their source kept verbatim in the annotation.
    for tex in [
        r"\sqrt{s} = 13",
        "p_{T}^{j_1}",
        "m_{jj}",
        r"\sigma_{\mathrm{fid}} = \sum_{i} a_{i} b_{i}",
    ] {
        assert!(
            version.contains(&format!(
                "<annotation encoding=\"application/x-tex\">{tex}</annotation>"
            )),
            "{tex} not rendered verbatim"
        );
    }
    // `\\` inside $$...$$ stays `\\`, rendered or shown as source.
    assert!(
        version.contains(r"a_{1} = b_{1} \\ a_{2} = b_{2}"),
        "{version}"
    );
    assert!(version.contains("display=\"block\"") || version.contains("class=\"tex\""));
    // No emphasis from underscores; allowed markup survives.
    assert!(!version.contains("<em>"), "{version}");
    assert!(version.contains("H<sub>T</sub>") && version.contains("10<sup>-3</sup>"));
    assert!(version.contains("<a href=\"https://example.org/paper\""));
    assert!(table.contains("a_b_c in plain text") && table.contains("Efficiency of 50%"));
    // A variable name's HTML is text; its math is rendered.
    assert!(table.contains("&lt;b&gt;bold&lt;/b&gt;"), "{table}");
    assert!(table.contains("<annotation encoding=\"application/x-tex\">\\epsilon</annotation>"));
    // Plain text, math source kept, in the search index: "miss" finds Table 26.
    let index = fs::read_to_string(site.join("search/index.json")).unwrap();
    let doc = read_json(&site.join("search/index.json"));
    let t = &doc["records"][0]["tables"][0];
    assert_eq!(t[1], "Table 26");
    assert!(
        t[2].as_str().unwrap().contains("$E_{T}^{miss} > 200$ GeV"),
        "{t}"
    );
    assert!(!index.contains("<b>") && !index.contains("<script"));
}

/// ../shared/cases/c27: a 20,000-row table among 300 small ones. The page stays small,
/// the rows are paged, the plot is light and the search index holds metadata only.
#[test]
fn c27_long_table_stays_light() {
    let input = tempfile::tempdir().unwrap();
    let status = std::process::Command::new("python3")
        .arg(shared().join("cases/c27/make_large.py"))
        .arg(input.path())
        .status()
        .expect("python3 runs");
    assert!(status.success());
    let project = scratch_project(&[]);
    add_record(project.path(), "c27", input.path(), "Long");
    let out = hepstatic(project.path(), &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let site = project.path().join("site/record/c27/v1");
    let page = fs::metadata(site.join("t1/index.html")).unwrap().len();
    assert!(page < 150_000, "long table page: {page} bytes");
    // One independent column, three dependent with two uncertainties each: ten cells a
    // row, 200 rows a page, 100 pages.
    assert!(site.join("t1/rows/100/index.html").is_file());
    assert!(!site.join("t1/rows/101").exists());
    let svg = fs::metadata(site.join("t1/c27-v1-t1.svg")).unwrap().len();
    assert!(svg < 60_000, "plot: {svg} bytes");
    let csv = fs::read_to_string(site.join("t1/c27-v1-t1.csv")).unwrap();
    assert!(csv.lines().count() > 60_000, "the download has every row");
    assert_eq!(
        fs::read_dir(&site)
            .unwrap()
            .filter(|e| e
                .as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with('t'))
            .count(),
        301
    );
    let index = fs::metadata(project.path().join("site/search/index.json"))
        .unwrap()
        .len();
    assert!(index < 60_000, "search index: {index} bytes for 301 tables");
}

/// ../shared/cases/c20 on the site: the analysis name comes from the record-wide
/// resource, the custom identifier names the object, and the repeated bin of table 20c
/// becomes a second object instead of being dropped (the reference's bug).
#[test]
fn c20_yoda_downloads() {
    let project = scratch_project(&[]);
    add_record(
        project.path(),
        "c20",
        &shared().join("cases/c20/input"),
        "YODA",
    );
    let out = hepstatic(project.path(), &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let site = project.path().join("site/record/c20/v1");
    let a = fs::read_to_string(site.join("t1/c20-v1-t1.yoda")).unwrap();
    assert!(
        a.contains("/REF/EXAMPLE_2020_I0000001/d01-x01-y01\n"),
        "{a}"
    );
    let c = fs::read_to_string(site.join("t3/c20-v1-t3.yoda")).unwrap();
    assert!(
        c.contains("/REF/EXAMPLE_2020_I0000001/d03-x01-y02\n"),
        "{c}"
    );
    let page = fs::read_to_string(site.join("t3/index.html")).unwrap();
    assert!(
        page.contains("written as d03-x01-y02"),
        "the YODA note is shown"
    );
}
