//! `hepstatic nginx-config` served by Debian's nginx on a loopback port: a resource's
//! landing URL gives the file to scripts (`Accept: */*`) and the page to browsers.

mod common;

use std::fs;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

/// The nginx program; the test fails, never skips, when it is missing.
fn nginx() -> PathBuf {
    for candidate in ["/usr/sbin/nginx", "/usr/bin/nginx"] {
        if Path::new(candidate).is_file() {
            return PathBuf::from(candidate);
        }
    }
    panic!("nginx is needed for this test (Debian package nginx; .ci/run installs it)");
}

/// Stops the nginx this test started, by its own process id.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn get(url: &str, accept: &str) -> reqwest::blocking::Response {
    // reqwest is built without a TLS provider of its own (see doi::register).
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
        .get(url)
        .header("Accept", accept)
        .send()
        .unwrap()
}

#[test]
fn nginx_serves_files_to_scripts_and_pages_to_browsers() {
    let nginx = nginx();
    let project = tempfile::tempdir().unwrap();
    let dir = project.path();
    copy_tree(&repo().join("tests/fixtures/doi"), dir);
    copy_tree(&repo().join("themes"), &dir.join("themes"));
    let built = hepstatic(dir, &["build"]);
    assert!(built.status.success(), "{}", stderr(&built));

    let port = free_port();
    let out = hepstatic(
        dir,
        &[
            "nginx-config",
            "--site",
            "site",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--server-name",
            "localhost",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let block = String::from_utf8(out.stdout).unwrap();
    assert!(
        block.contains("\"file:/record/demo-1/v1/r1/\" \"/record/demo-1/v1/r1/notes file.txt\";"),
        "{block}"
    );
    assert!(!dir.join("site").join("nginx.conf").exists());

    // A whole nginx.conf around the block, everything inside the scratch folder, one
    // process in the foreground.
    let run = dir.join("nginx");
    fs::create_dir_all(run.join("tmp")).unwrap();
    let conf = format!(
        "daemon off;\nmaster_process off;\nworker_processes 1;\npid {run}/nginx.pid;\nerror_log {run}/error.log;\n\
         events {{ worker_connections 64; }}\n\
         http {{\n    include /etc/nginx/mime.types;\n    default_type application/octet-stream;\n    access_log off;\n\
         client_body_temp_path {run}/tmp/body;\n    proxy_temp_path {run}/tmp/proxy;\n    fastcgi_temp_path {run}/tmp/fastcgi;\n\
         uwsgi_temp_path {run}/tmp/uwsgi;\n    scgi_temp_path {run}/tmp/scgi;\n{block}}}\n",
        run = run.display()
    );
    let conf_file = run.join("nginx.conf");
    fs::write(&conf_file, conf).unwrap();
    let test = Command::new(&nginx)
        .arg("-t")
        .arg("-p")
        .arg(&run)
        .arg("-e")
        .arg(run.join("error.log"))
        .arg("-c")
        .arg(&conf_file)
        .output()
        .unwrap();
    assert!(
        test.status.success(),
        "nginx -t: {}",
        String::from_utf8_lossy(&test.stderr)
    );
    let _server = Running(
        Command::new(&nginx)
            .arg("-p")
            .arg(&run)
            .arg("-e")
            .arg(run.join("error.log"))
            .arg("-c")
            .arg(&conf_file)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "nginx did not start: {}",
            fs::read_to_string(run.join("error.log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let base = format!("http://127.0.0.1:{port}");

    // curl's Accept: the bytes of the file, whatever its name.
    let landing = format!("{base}/record/demo-1/v1/r1/");
    let r = get(&landing, "*/*");
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["vary"], "Accept");
    assert_eq!(r.text().unwrap(), "Selection notes.\n");
    let r = get(&format!("{base}/record/demo-1/v1/r2/"), "application/json");
    assert_eq!(r.text().unwrap(), "{\"channels\": []}\n");

    // A browser's Accept: the landing page.
    let browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    let r = get(&landing, browser);
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(r.text().unwrap().contains("notes file.txt"));

    // Everything else as the static site: pages, downloads, sidecars; dot folders hidden.
    for (path, accept, want) in [
        ("/record/demo-1/v1/", "*/*", "<!DOCTYPE html>"),
        ("/record/demo-1/v1/t1/", "*/*", "<!DOCTYPE html>"),
        ("/record/demo-1/v1/t1/demo-1-v1-t1.csv", "*/*", "SIG"),
        (
            "/record/demo-1/v1/r1/datacite.xml",
            "*/*",
            "<identifier identifierType=\"DOI\">10.5072/hepstatic.demo-1.v1/r1<",
        ),
        (
            "/record/demo-1/v1/r1/notes%20file.txt",
            browser,
            "Selection notes.",
        ),
    ] {
        let r = get(&format!("{base}{path}"), accept);
        assert_eq!(r.status(), 200, "{path}");
        assert!(r.text().unwrap().contains(want), "{path}");
    }
    fs::create_dir_all(dir.join("site/.site.staging-1")).unwrap();
    fs::write(dir.join("site/.site.staging-1/index.html"), "half").unwrap();
    assert_eq!(
        get(&format!("{base}/.site.staging-1/index.html"), "*/*").status(),
        404
    );
    assert_eq!(
        get(&format!("{base}/record/demo-1/v1/r9/"), "*/*").status(),
        404
    );
}
