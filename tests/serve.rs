//! `hepstatic serve` with a real HTTP client: content types, ETags, ranges, rebuilds.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::*;

/// Waits up to 60 s for the page at `url` to contain `text`.
fn wait_for_text(http: &reqwest::blocking::Client, url: &str, text: &str, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let body = http
            .get(url)
            .send()
            .map(|r| r.text().unwrap_or_default())
            .unwrap_or_default();
        if body.contains(text) {
            return;
        }
        assert!(Instant::now() < deadline, "{what} within 60 s");
        std::thread::sleep(Duration::from_millis(300));
    }
}

fn client() -> reqwest::blocking::Client {
    // reqwest is built without a default TLS provider; plain HTTP needs none, but the
    // client still wants one installed.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

#[test]
fn serves_the_site_like_a_static_host() {
    let project = scratch_project(&["ins1512299"]);
    let server = serve(project.path());
    let http = client();

    let home = http.get(format!("{}/", server.base)).send().unwrap();
    assert_eq!(home.status(), 200);
    assert_eq!(home.headers()["content-type"], "text/html; charset=utf-8");

    let csv_url = format!(
        "{}/record/ins1512299/v1/t1/ins1512299-v1-t1.csv",
        server.base
    );
    let csv = http.get(&csv_url).send().unwrap();
    assert_eq!(csv.status(), 200);
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let etag = csv.headers()["etag"].to_str().unwrap().to_string();
    let body = csv.bytes().unwrap();
    let on_disk = std::fs::read(
        project
            .path()
            .join("site/record/ins1512299/v1/t1/ins1512299-v1-t1.csv"),
    )
    .unwrap();
    assert_eq!(body.as_ref(), on_disk.as_slice());

    let again = http
        .get(&csv_url)
        .header("If-None-Match", &etag)
        .send()
        .unwrap();
    assert_eq!(again.status(), 304);

    let part = http
        .get(&csv_url)
        .header("Range", "bytes=5-14")
        .send()
        .unwrap();
    assert_eq!(part.status(), 206);
    assert_eq!(
        part.headers()["content-range"],
        format!("bytes 5-14/{}", on_disk.len()).as_str()
    );
    assert_eq!(part.bytes().unwrap().as_ref(), &on_disk[5..15]);

    let json = http
        .get(format!("{}/record/ins1512299/v1/record.json", server.base))
        .send()
        .unwrap();
    assert_eq!(json.headers()["content-type"], "application/json");
    let yaml = http
        .get(format!(
            "{}/record/ins1512299/v1/t1/ins1512299-v1-t1.yaml",
            server.base
        ))
        .send()
        .unwrap();
    assert_eq!(
        yaml.headers()["content-type"],
        "application/yaml; charset=utf-8"
    );

    let folder = http
        .get(format!("{}/record/ins1512299", server.base))
        .send()
        .unwrap();
    assert_eq!(folder.status(), 301);
    assert_eq!(folder.headers()["location"], "/record/ins1512299/");
    assert_eq!(
        http.get(format!("{}/no/such/page/", server.base))
            .send()
            .unwrap()
            .status(),
        404
    );

    // A raw request that tries to climb out of the site (a client would normalise it).
    let mut stream = TcpStream::connect(server.base.trim_start_matches("http://")).unwrap();
    stream
        .write_all(b"GET /../../../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    assert!(reply.starts_with("HTTP/1.1 400"), "{reply}");
    assert!(!reply.contains("root:"));
}

#[test]
fn rebuilds_when_a_record_changes() {
    let project = scratch_project(&["ins1512299"]);
    let server = serve(project.path());
    let http = client();
    let page = format!("{}/record/ins1512299/v1/", server.base);
    assert!(
        !http
            .get(&page)
            .send()
            .unwrap()
            .text()
            .unwrap()
            .contains("Renamed for the test")
    );

    let meta = project.path().join("records/ins1512299/record.yaml");
    let text = std::fs::read_to_string(&meta).unwrap();
    let title_line = text
        .lines()
        .find(|l| l.starts_with("title:"))
        .unwrap()
        .to_string();
    std::fs::write(
        &meta,
        text.replace(&title_line, "title: Renamed for the test"),
    )
    .unwrap();

    wait_for_text(
        &http,
        &page,
        "Renamed for the test",
        "the site was not rebuilt",
    );
}

#[test]
fn rebuilds_with_new_settings_when_hepstatic_toml_changes() {
    let project = scratch_project(&["ins1512299"]);
    let server = serve(project.path());
    let http = client();
    let home = format!("{}/", server.base);
    assert!(
        !http
            .get(&home)
            .send()
            .unwrap()
            .text()
            .unwrap()
            .contains("Retitled Repository")
    );
    let settings = project.path().join("hepstatic.toml");
    let text = std::fs::read_to_string(&settings).unwrap();
    let title_line = text
        .lines()
        .find(|l| l.starts_with("title = "))
        .expect("hepstatic.toml has a [site] title")
        .to_string();
    std::fs::write(
        &settings,
        text.replace(&title_line, "title = \"Retitled Repository\""),
    )
    .unwrap();
    wait_for_text(
        &http,
        &home,
        "Retitled Repository",
        "the new settings were not used",
    );
}

#[test]
fn a_busy_port_is_reported_before_building() {
    let project = scratch_project(&["ins1512299"]);
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let result = hepstatic(project.path(), &["serve", "--port", &port]);
    assert_eq!(result.status.code(), Some(2));
    let text = stderr(&result);
    assert!(text.contains("cannot listen on 127.0.0.1"), "{text}");
    assert!(
        !text.contains("built "),
        "it built before finding the port busy: {text}"
    );
    assert!(!project.path().join("site").exists());
}
