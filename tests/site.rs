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
    let submitted = fs::read_to_string(shared().join("cases/c09/input/submission.yaml")).unwrap();
    for (i, t) in tables.iter().enumerate() {
        let k = i + 1;
        let name = t["name"].as_str().unwrap();
        let page = fs::read_to_string(site.join(format!("record/c09/v1/t{k}/index.html"))).unwrap();
        // Shown verbatim (HTML-escaped only), on a page of its own.
        let shown = name.replace('&', "&amp;").replace('<', "&lt;");
        assert!(
            page.contains(&shown) || page.contains(&shown.replace('$', "")),
            "t{k}: {name} not shown"
        );
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
        let html = fs::read_to_string(project.path().join("site").join(f)).unwrap();
        assert!(!html.contains("<script"), "{f} carries a script");
        assert!(!html.contains("onerror"), "{f} carries an event handler");
        assert!(
            !html.contains("javascript:"),
            "{f} carries a javascript: link"
        );
    }
}
