//! DataCite metadata, BibTeX and JSON-LD beside every landing page (validated with
//! `xmllint` against the DataCite 4.6 schema), and `publish --register` against a local
//! server that answers as DataCite's REST API does, errors included.

mod common;

use std::collections::HashMap;
use std::fs;
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use common::*;
use serde_json::{Value as Json, json};

/// demo-1 with v1 published and v2 a draft.
fn published_project() -> tempfile::TempDir {
    let project = doi_project();
    let dir = project.path();
    run_ok(dir, &["publish", "demo-1", "--date", "2025-03-04"]);
    run_ok(dir, &["new-version", "demo-1", "-m", "Draft"]);
    project
}

fn schema() -> std::path::PathBuf {
    let xsd = shared().join("schemas/datacite-kernel-4.6/metadata.xsd");
    assert!(
        xsd.is_file(),
        "the DataCite schema is missing at {}",
        xsd.display()
    );
    xsd
}

/// Runs xmllint on `files`; the test fails (never skips) when xmllint is missing.
fn xmllint(files: &[std::path::PathBuf]) {
    let out = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(schema())
        .args(files)
        .output()
        .expect("xmllint is needed (Debian package libxml2-utils; .ci/run installs it)");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "xmllint rejects DataCite XML:\n{err}");
    assert_eq!(err.matches(" validates").count(), files.len(), "{err}");
}

#[test]
fn every_landing_page_has_valid_datacite_xml_bibtex_and_json_ld() {
    let project = published_project();
    let dir = project.path();
    // A real shipped record beside the fixture, for metadata of real size and text.
    copy_tree(
        &repo().join("records/star-30"),
        &dir.join("records/star-30"),
    );
    run_ok(dir, &["build"]);
    let site = dir.join("site");

    // Landing pages: every version, table and resource folder, and each record's page.
    let mut landing = Vec::new();
    for f in files(&site) {
        let Some(folder) = f.strip_suffix("index.html") else {
            continue;
        };
        let last = folder
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or("");
        let is_landing = folder.starts_with("record/")
            && (folder.matches('/').count() == 2
                || last.starts_with('v')
                || last.starts_with('t')
                || last.starts_with('r'))
            && !folder.contains("/rows/");
        if is_landing {
            landing.push(folder.to_string());
        }
    }
    assert!(landing.len() > 20, "{landing:?}");
    let mut xml_files = Vec::new();
    for folder in &landing {
        let xml = site.join(folder).join("datacite.xml");
        assert!(xml.is_file(), "no datacite.xml in {folder}");
        let bib = fs::read_to_string(site.join(folder).join("citation.bib"))
            .unwrap_or_else(|_| panic!("no citation.bib in {folder}"));
        assert!(
            bib.starts_with("@misc{hepstatic:") && bib.contains("doi       = {10.5072/"),
            "{bib}"
        );
        xml_files.push(xml);
    }
    xmllint(&xml_files);

    // JSON-LD in every page's head, one script, parseable, never closing early.
    for f in files(&site).iter().filter(|f| f.ends_with(".html")) {
        let html = fs::read_to_string(site.join(f)).unwrap();
        let open = "<script type=\"application/ld+json\">";
        assert_eq!(html.matches(open).count(), 1, "{f}");
        let start = html.find(open).unwrap() + open.len();
        let end = start + html[start..].find("</script>").unwrap();
        let ld: Json = serde_json::from_str(&html[start..end])
            .unwrap_or_else(|e| panic!("{f}: JSON-LD does not parse: {e}"));
        assert_eq!(ld["@context"], "https://schema.org", "{f}");
        if landing.iter().any(|l| format!("{l}index.html") == *f) {
            assert_eq!(ld["@type"], "Dataset", "{f}");
            assert!(ld["name"].as_str().is_some_and(|n| !n.is_empty()), "{f}");
        }
    }

    // The fields of the fixture's DOIs.
    let rec = site.join("record/demo-1");
    let read = |p: &str| fs::read_to_string(rec.join(p)).unwrap();
    let table = read("v1/t1/datacite.xml");
    for want in [
        "<identifier identifierType=\"DOI\">10.5072/hepstatic.demo-1.v1/t1</identifier>",
        "<creatorName nameType=\"Organizational\">TEST Collaboration</creatorName>",
        "<title xml:lang=\"en\">&quot;Table 1&quot; of &quot;Measurement of σ(pp →X) &amp; friends &lt;at&gt; 13 TeV&quot;</title>",
        "<publisher>hepstatic test repository</publisher>",
        "<publicationYear>2025</publicationYear>",
        "<resourceType resourceTypeGeneral=\"Dataset\">HEPData table</resourceType>",
        "<subject subjectScheme=\"observables\">SIG</subject>",
        "<subject subjectScheme=\"reactions\">P P --&gt; X</subject>",
        "<subject>Cross Section</subject>",
        "<date dateType=\"Issued\">2025-03-04</date>",
        "relationType=\"IsPartOf\">10.5072/hepstatic.demo-1.v1<",
        "relatedIdentifierType=\"DOI\" relationType=\"IsSupplementTo\">10.1016/j.physletb.2024.1<",
        "relatedIdentifierType=\"arXiv\" relationType=\"IsSupplementTo\">arXiv:2401.00001<",
        "relatedIdentifierType=\"URL\" relationType=\"IsSupplementTo\">https://inspirehep.net/literature/123456<",
        "rightsIdentifier=\"CC0-1.0\"",
        "descriptionType=\"Abstract\">Cross section in bins of transverse momentum.<",
    ] {
        assert!(table.contains(want), "table XML lacks {want}:\n{table}");
    }
    let version = read("v1/datacite.xml");
    for want in [
        "resourceTypeGeneral=\"Collection\"",
        "relationType=\"IsVersionOf\">10.5072/hepstatic.demo-1<",
        "relationType=\"HasPart\">10.5072/hepstatic.demo-1.v1/t2<",
        "relationType=\"HasPart\">10.5072/hepstatic.demo-1.v1/r2<",
        "descriptionType=\"Abstract\">A synthetic record",
    ] {
        assert!(
            version.contains(want),
            "version XML lacks {want}:\n{version}"
        );
    }
    let resource = read("v1/r1/datacite.xml");
    assert!(
        resource.contains("resourceTypeGeneral=\"Other\""),
        "{resource}"
    );
    assert!(resource.contains("<size>17 bytes</size>"), "{resource}");
    assert!(read("v1/r2/datacite.xml").contains(">HistFactory</resourceType>"));
    let record = read("datacite.xml");
    assert!(record.contains("relationType=\"HasVersion\">10.5072/hepstatic.demo-1.v1<"));
    assert!(
        !record.contains("demo-1.v2<"),
        "the draft v2 is not a version yet"
    );
    // The draft: no issued date, and its JSON-LD names no DOI.
    assert!(!read("v2/datacite.xml").contains("dateType=\"Issued\""));
    let v2 = read("v2/index.html");
    assert!(
        v2.contains("\"creativeWorkStatus\":\"Draft\"") && !v2.contains("\"propertyID\":\"DOI\"")
    );
    assert!(
        read("v1/index.html").contains("\"@id\":\"https://doi.org/10.5072/hepstatic.demo-1.v1\"")
    );
}

/// One DOI as the mock DataCite holds it.
#[derive(Clone, Debug)]
struct Held {
    url: String,
    xml: String,
    state: String,
}

#[derive(Default)]
struct MockState {
    dois: HashMap<String, Held>,
    /// (method, path) of every request.
    log: Vec<(String, String)>,
    /// Answer 500 to the next this many writes (POST or PUT).
    fail_writes: usize,
    /// Answer the next GET this late (past the client's time-out).
    slow_gets: usize,
}

struct Mock {
    endpoint: String,
    state: Arc<Mutex<MockState>>,
}

const USER: &str = "TEST.HEPSTATIC";
const PASSWORD: &str = "secret";

/// A local HTTP server speaking DataCite's JSON:API for `/dois`: checks credentials,
/// media type and each payload (DOI prefix, URL domain, XML valid and naming the DOI),
/// and answers with DataCite's status codes and error documents.
fn mock_datacite() -> Mock {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let port = server.server_addr().to_ip().unwrap().port();
    let state = Arc::new(Mutex::new(MockState::default()));
    let shared = state.clone();
    thread::spawn(move || {
        for mut request in server.incoming_requests() {
            let method = request.method().to_string();
            let path = request.url().to_string();
            let header = |name: &'static str| {
                request
                    .headers()
                    .iter()
                    .find(|h| h.field.equiv(name))
                    .map(|h| h.value.to_string())
            };
            let auth = header("Authorization");
            let content_type = header("Content-Type");
            let mut body = String::new();
            let _ = request.as_reader().read_to_string(&mut body);
            let slow = {
                let mut s = shared.lock().unwrap();
                s.log.push((method.clone(), path.clone()));
                method == "GET" && s.slow_gets > 0 && {
                    s.slow_gets -= 1;
                    true
                }
            };
            if slow {
                thread::sleep(Duration::from_millis(2500));
            }
            let (status, answer) = answer(
                &shared,
                &method,
                &path,
                auth.as_deref(),
                content_type.as_deref(),
                &body,
            );
            let response = tiny_http::Response::from_string(answer.to_string())
                .with_status_code(status)
                .with_header(
                    "Content-Type: application/vnd.api+json"
                        .parse::<tiny_http::Header>()
                        .unwrap(),
                );
            let _ = request.respond(response);
        }
    });
    Mock {
        endpoint: format!("http://127.0.0.1:{port}"),
        state,
    }
}

fn error(status: u16, source: Option<&str>, title: &str) -> (u16, Json) {
    let mut e = json!({ "status": status.to_string(), "title": title });
    if let Some(s) = source {
        e["source"] = json!(s);
    }
    (status, json!({ "errors": [e] }))
}

fn answer(
    state: &Mutex<MockState>,
    method: &str,
    path: &str,
    auth: Option<&str>,
    content_type: Option<&str>,
    body: &str,
) -> (u16, Json) {
    let expected = format!("Basic {}", BASE64.encode(format!("{USER}:{PASSWORD}")));
    if auth != Some(expected.as_str()) {
        return error(401, None, "Bad credentials.");
    }
    let mut s = state.lock().unwrap();
    let doc = |doi: &str, h: &Held| {
        json!({ "data": { "id": doi, "type": "dois", "attributes": {
            "doi": doi, "url": h.url, "state": h.state, "xml": BASE64.encode(&h.xml),
        } } })
    };
    if method == "GET" {
        let doi = path.strip_prefix("/dois/").unwrap_or_default();
        return match s.dois.get(doi) {
            Some(h) => (200, doc(doi, h)),
            None => error(404, None, "The resource you are looking for doesn't exist."),
        };
    }
    if content_type != Some("application/vnd.api+json") {
        return error(415, None, "The content type is not recognized.");
    }
    if s.fail_writes > 0 {
        s.fail_writes -= 1;
        return error(500, None, "Internal Server Error");
    }
    let Ok(payload) = serde_json::from_str::<Json>(body) else {
        return error(
            400,
            None,
            "You need to provide a payload following the JSONAPI spec",
        );
    };
    let data = &payload["data"];
    let attrs = &data["attributes"];
    let doi = attrs["doi"].as_str().unwrap_or_default().to_string();
    assert_eq!(data["type"], "dois", "{payload}");
    assert_eq!(data["id"].as_str(), Some(doi.as_str()), "{payload}");
    if !doi.starts_with("10.5072/hepstatic.") {
        return error(403, None, "You are not authorized to access this resource.");
    }
    let url = attrs["url"].as_str().unwrap_or_default().to_string();
    if !url.starts_with("https://data.example.org/") {
        return error(
            422,
            Some("url"),
            "URL is not allowed by repository domain settings.",
        );
    }
    let xml = attrs["xml"]
        .as_str()
        .and_then(|x| BASE64.decode(x).ok())
        .and_then(|x| String::from_utf8(x).ok())
        .unwrap_or_default();
    if !xml.contains(&format!(
        "<identifier identifierType=\"DOI\">{doi}</identifier>"
    )) {
        return error(
            422,
            Some("xml"),
            "DOI in XML does not match the DOI in the payload.",
        );
    }
    let existing = s.dois.get(&doi).cloned();
    match (method, existing) {
        ("POST", Some(_)) => error(422, Some("doi"), "This DOI has already been taken"),
        ("POST", None) if path == "/dois" => {
            let state = if attrs["event"] == "publish" {
                "findable"
            } else {
                "draft"
            };
            let h = Held {
                url,
                xml,
                state: state.to_string(),
            };
            let answer = doc(&doi, &h);
            s.dois.insert(doi, h);
            (201, answer)
        }
        ("PUT", old) if path == format!("/dois/{doi}") => {
            let state = if attrs["event"] == "publish" {
                "findable".to_string()
            } else {
                old.map_or("draft".to_string(), |o| o.state)
            };
            let h = Held { url, xml, state };
            let answer = doc(&doi, &h);
            s.dois.insert(doi, h);
            (200, answer)
        }
        _ => error(404, None, "The resource you are looking for doesn't exist."),
    }
}

fn set_endpoint(dir: &Path, endpoint: &str) {
    let toml = dir.join("hepstatic.toml");
    let text = fs::read_to_string(&toml)
        .unwrap()
        .replace("https://api.test.datacite.org", endpoint);
    fs::write(toml, text).unwrap();
}

fn register(dir: &Path, extra: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_hepstatic"))
        .args([
            "publish",
            "demo-1",
            "--version",
            "1",
            "--register",
            "--timeout",
            "1",
        ])
        .args(extra)
        .current_dir(dir)
        .env("DATACITE_USERNAME", USER)
        .env("DATACITE_PASSWORD", PASSWORD)
        .output()
        .unwrap()
}

#[test]
fn register_creates_then_changes_nothing_and_survives_server_errors() {
    let project = published_project();
    let dir = project.path();
    let mock = mock_datacite();
    set_endpoint(dir, &mock.endpoint);
    {
        let mut s = mock.state.lock().unwrap();
        s.fail_writes = 1;
        s.slow_gets = 1;
    }

    let out = register(dir, &[]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("trying again"), "{err}");
    assert!(err.contains("6 created, 0 updated, 0 unchanged"), "{err}");
    {
        let s = mock.state.lock().unwrap();
        let mut dois: Vec<&String> = s.dois.keys().collect();
        dois.sort();
        assert_eq!(
            dois,
            [
                "10.5072/hepstatic.demo-1",
                "10.5072/hepstatic.demo-1.v1",
                "10.5072/hepstatic.demo-1.v1/r1",
                "10.5072/hepstatic.demo-1.v1/r2",
                "10.5072/hepstatic.demo-1.v1/t1",
                "10.5072/hepstatic.demo-1.v1/t2",
            ]
        );
        assert!(s.dois.values().all(|h| h.state == "findable"));
        // A resource DOI resolves to the file itself; the others to their pages.
        assert_eq!(
            s.dois["10.5072/hepstatic.demo-1.v1/r1"].url,
            "https://data.example.org/record/demo-1/v1/r1/notes%20file.txt"
        );
        assert_eq!(
            s.dois["10.5072/hepstatic.demo-1"].url,
            "https://data.example.org/record/demo-1/"
        );
        assert_eq!(
            s.dois["10.5072/hepstatic.demo-1.v1/t2"].url,
            "https://data.example.org/record/demo-1/v1/t2/"
        );
        // What was registered is valid DataCite XML.
        let tmp = tempfile::tempdir().unwrap();
        let files: Vec<_> = s
            .dois
            .values()
            .enumerate()
            .map(|(i, h)| {
                let p = tmp.path().join(format!("{i}.xml"));
                fs::write(&p, &h.xml).unwrap();
                p
            })
            .collect();
        xmllint(&files);
    }

    // Twice: nothing is written the second time.
    let writes = |s: &MockState| s.log.iter().filter(|(m, _)| m != "GET").count();
    let before = writes(&mock.state.lock().unwrap());
    let out = register(dir, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("0 created, 0 updated, 6 unchanged"),
        "{}",
        stderr(&out)
    );
    assert_eq!(writes(&mock.state.lock().unwrap()), before);

    // Metadata changed since (the publisher): updated in place, still findable.
    let toml = dir.join("hepstatic.toml");
    let text = fs::read_to_string(&toml).unwrap();
    fs::write(
        &toml,
        text.replace(
            "publisher = \"hepstatic test repository\"",
            "publisher = \"Renamed\"",
        ),
    )
    .unwrap();
    let out = register(dir, &[]);
    assert!(
        stderr(&out).contains("0 created, 6 updated, 0 unchanged"),
        "{}",
        stderr(&out)
    );
    let s = mock.state.lock().unwrap();
    assert!(
        s.dois
            .values()
            .all(|h| h.state == "findable" && h.xml.contains("<publisher>Renamed</publisher>"))
    );
    assert!(
        s.log.iter().all(|(_, p)| !p.contains(".v2")),
        "a draft is never registered"
    );
}

#[test]
fn register_reports_datacite_errors_and_needs_credentials() {
    let project = published_project();
    let dir = project.path();
    let mock = mock_datacite();
    set_endpoint(dir, &mock.endpoint);

    // A URL outside the repository's domains: DataCite's 422, shown, exit 2.
    let toml = dir.join("hepstatic.toml");
    let text = fs::read_to_string(&toml).unwrap();
    fs::write(
        &toml,
        text.replace("https://data.example.org/", "https://elsewhere.example/"),
    )
    .unwrap();
    let out = register(dir, &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("DataCite refused it (422 Unprocessable Entity): url: URL is not allowed by repository domain settings."), "{err}");
    assert!(err.contains("registration stopped: 0 created"), "{err}");

    // Wrong credentials: 401, with a hint.
    let out = Command::new(env!("CARGO_BIN_EXE_hepstatic"))
        .args(["publish", "demo-1", "--register"])
        .current_dir(dir)
        .env("DATACITE_USERNAME", USER)
        .env("DATACITE_PASSWORD", "wrong")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("401") && stderr(&out).contains("DATACITE_USERNAME"),
        "{}",
        stderr(&out)
    );

    // No credentials at all: nothing is sent.
    let sent = mock.state.lock().unwrap().log.len();
    let out = Command::new(env!("CARGO_BIN_EXE_hepstatic"))
        .args(["publish", "demo-1", "--register"])
        .current_dir(dir)
        .env_remove("DATACITE_USERNAME")
        .env_remove("DATACITE_PASSWORD")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("set DATACITE_USERNAME and DATACITE_PASSWORD"),
        "{}",
        stderr(&out)
    );
    assert_eq!(mock.state.lock().unwrap().log.len(), sent);
}

#[test]
fn dry_run_prints_payloads_and_writes_nothing() {
    let project = doi_project();
    let dir = project.path();
    // An endpoint nothing listens on: a dry run must not try it.
    set_endpoint(dir, "http://127.0.0.1:9");
    let yaml = fs::read_to_string(dir.join("records/demo-1/record.yaml")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_hepstatic"))
        .args([
            "publish",
            "demo-1",
            "--register",
            "--dry-run",
            "--date",
            "2025-05-06",
        ])
        .current_dir(dir)
        .env_remove("DATACITE_USERNAME")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!dir.join("records/demo-1/v1.lock").exists());
    assert_eq!(
        fs::read_to_string(dir.join("records/demo-1/record.yaml")).unwrap(),
        yaml
    );

    let stdout = String::from_utf8(out.stdout).unwrap();
    let payloads: Vec<Json> = serde_json::Deserializer::from_str(&stdout)
        .into_iter::<Json>()
        .map(Result::unwrap)
        .collect();
    assert_eq!(payloads.len(), 6, "{stdout}");
    for p in &payloads {
        let a = &p["data"]["attributes"];
        assert_eq!(p["data"]["type"], "dois");
        assert_eq!(a["event"], "publish");
        let xml = String::from_utf8(BASE64.decode(a["xml"].as_str().unwrap()).unwrap()).unwrap();
        assert!(xml.contains(&format!(">{}</identifier>", a["doi"].as_str().unwrap())));
        // The date the publication would write is in the metadata already.
        assert!(xml.contains("2025"), "{xml}");
    }
    assert_eq!(
        payloads.last().unwrap()["data"]["id"],
        "10.5072/hepstatic.demo-1"
    );
}
