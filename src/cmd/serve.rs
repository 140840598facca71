//! `hepstatic serve`: build, serve the site on localhost, rebuild when records change.
//!
//! A preview server, not a production one: it binds to loopback by default and serves
//! one request at a time per worker thread. It answers as a static host would, with the
//! right content types, strong ETags (304 on a match) and single byte ranges (206), so
//! that `curl -r` and resumable downloads of large likelihood archives can be tried
//! locally.

use std::fs::{self, File};
use std::io::{Read, Seek, SeekFrom};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};
use tiny_http::{Header, Method, Request, Response, Server, StatusCode};

use crate::config::Config;

use super::build;
use crate::site::BuildOptions;

/// How often the watcher looks at `records/`, `themes/` and `hepstatic.toml`.
const POLL: Duration = Duration::from_millis(700);

pub struct Options {
    pub root: PathBuf,
    /// The settings file, read again when it changes (`None`: built-in settings).
    pub config_path: Option<PathBuf>,
    pub out: PathBuf,
    pub bind: String,
    pub port: u16,
    pub watch: bool,
}

/// Builds once, then serves until killed. A failing rebuild keeps the previous site
/// online and prints the checker's messages.
///
/// # Errors
/// When the first build fails for a reason other than record errors, or the port
/// cannot be bound.
pub fn run(config: &Config, options: &Options) -> Result<i32> {
    // The port first: a busy port is reported before minutes of building, not after.
    let server = Server::http((options.bind.as_str(), options.port))
        .map_err(|e| anyhow::anyhow!("cannot listen on {}:{}: {e}", options.bind, options.port))?;
    let code = build::run(
        config,
        &options.root,
        &options.out,
        &BuildOptions::default(),
    )?;
    if code != 0 && !options.out.is_dir() {
        eprintln!("serve: nothing to serve until the records build");
        return Ok(code);
    }
    let addr = server
        .server_addr()
        .to_ip()
        .context("the server has no IP address")?;
    eprintln!(
        "serving {} at http://{addr}/ (Ctrl-C stops)",
        options.out.display()
    );

    if options.watch {
        let (config, root, out) = (config.clone(), options.root.clone(), options.out.clone());
        let config_path = options.config_path.clone();
        thread::spawn(move || watch(config, config_path.as_deref(), &root, &out));
    }
    let server = Arc::new(server);
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let (server, site) = (Arc::clone(&server), options.out.clone());
            thread::spawn(move || {
                for request in server.incoming_requests() {
                    if let Err(e) = respond(&site, request) {
                        eprintln!("serve: {e:#}");
                    }
                }
            })
        })
        .collect();
    for w in workers {
        let _ = w.join();
    }
    Ok(0)
}

/// Rebuilds whenever the inputs' fingerprint (paths, sizes, modification times) changes,
/// with the settings read again (a broken settings file is reported and the last good
/// settings kept).
fn watch(mut config: Config, config_path: Option<&Path>, root: &Path, out: &Path) {
    let mut last = fingerprint(root, config_path);
    loop {
        thread::sleep(POLL);
        let now = fingerprint(root, config_path);
        if now != last {
            last = now;
            eprintln!("serve: records changed, rebuilding");
            if let Some(path) = config_path {
                match Config::load(path) {
                    Ok(fresh) => config = fresh,
                    Err(e) => {
                        eprintln!("serve: {e:#}; the site stays as it was");
                        continue;
                    }
                }
            }
            if let Err(e) = build::run(&config, root, out, &BuildOptions::default()) {
                eprintln!("serve: rebuild failed: {e:#}");
            }
        }
    }
}

fn fingerprint(root: &Path, config_path: Option<&Path>) -> Vec<(PathBuf, u64, u128)> {
    let mut items = Vec::new();
    let watched = [root.join("records"), root.join("themes")]
        .into_iter()
        .chain(config_path.map(Path::to_path_buf));
    for top in watched {
        for entry in walkdir::WalkDir::new(top)
            .into_iter()
            .filter_map(Result::ok)
        {
            if let Ok(meta) = entry.metadata() {
                let mtime = meta
                    .modified()
                    .ok()
                    .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                    .map_or(0, |d| d.as_nanos());
                items.push((entry.path().to_path_buf(), meta.len(), mtime));
            }
        }
    }
    items.sort();
    items
}

/// The file under `site` that serves `url_path`, or `None` if the path leaves the site.
pub fn resolve(site: &Path, url_path: &str) -> Option<PathBuf> {
    let path = url_path.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_decode(path)?;
    let rel = Path::new(decoded.trim_start_matches('/'));
    if !rel.components().all(|c| matches!(c, Component::Normal(_))) {
        return None;
    }
    let full = site.join(rel);
    Some(if full.is_dir() {
        full.join("index.html")
    } else {
        full
    })
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Content types for what the site serves; anything else is guessed from the extension.
pub fn content_type(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let known = [
        (".tar.gz", "application/gzip"),
        (".tgz", "application/gzip"),
        (".gz", "application/gzip"),
        (".html", "text/html; charset=utf-8"),
        (".css", "text/css; charset=utf-8"),
        (".js", "text/javascript; charset=utf-8"),
        (".json", "application/json"),
        (".yaml", "application/yaml; charset=utf-8"),
        (".yml", "application/yaml; charset=utf-8"),
        (".csv", "text/csv; charset=utf-8"),
        (".yoda", "text/plain; charset=utf-8"),
        (".svg", "image/svg+xml"),
        (".atom", "application/atom+xml"),
        (".xml", "application/xml"),
        (".bib", "application/x-bibtex; charset=utf-8"),
        (".txt", "text/plain; charset=utf-8"),
        (".tar", "application/x-tar"),
        (".root", "application/octet-stream"),
    ];
    if let Some((_, t)) = known.iter().find(|(ext, _)| name.ends_with(ext)) {
        return (*t).to_string();
    }
    mime_guess::from_path(path)
        .first_or_octet_stream()
        .to_string()
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes())
        .expect("header names and values are ASCII")
}

fn respond(site: &Path, request: Request) -> Result<()> {
    if !matches!(request.method(), Method::Get | Method::Head) {
        return Ok(
            request.respond(Response::from_string("method not allowed\n").with_status_code(405))?
        );
    }
    let url = request.url().to_string();
    let Some(path) = resolve(site, &url) else {
        return Ok(request.respond(Response::from_string("bad path\n").with_status_code(400))?);
    };
    // `/record/x` names a folder: send the browser to `/record/x/` so relative links work.
    if !url.ends_with('/') && site.join(url.trim_start_matches('/')).is_dir() {
        let to = format!("{url}/");
        return Ok(request.respond(Response::empty(301).with_header(header("Location", &to)))?);
    }
    let Ok(meta) = fs::metadata(&path) else {
        let missing = site.join("404.html");
        let body = fs::read(&missing).unwrap_or_else(|_| b"not found\n".to_vec());
        return Ok(request.respond(
            Response::from_data(body)
                .with_status_code(404)
                .with_header(header("Content-Type", "text/html; charset=utf-8")),
        )?);
    };
    let len = meta.len();
    let mtime = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
    let etag = format!(
        "\"{len:x}-{:x}\"",
        mtime.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos())
    );
    let common = [
        header("Content-Type", &content_type(&path)),
        header("ETag", &etag),
        header("Accept-Ranges", "bytes"),
        header("Cache-Control", "no-cache"),
    ];

    let if_none_match = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("If-None-Match"))
        .map(|h| h.value.as_str().to_string());
    if if_none_match.is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*")) {
        let mut response = Response::empty(304);
        for h in common {
            response.add_header(h);
        }
        return Ok(request.respond(response)?);
    }

    let range = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Range"))
        .map(|h| h.value.as_str().to_string());
    let head = *request.method() == Method::Head;
    let mut file = File::open(&path).with_context(|| format!("cannot open {}", path.display()))?;
    if let Some(range) = range {
        // Only a single range is served as 206; a multi-range request gets the whole file
        // (allowed by RFC 9110) rather than a multipart body.
        match http_range_header::parse_range_header(&range).and_then(|r| r.validate(len)) {
            Ok(ranges) if ranges.len() == 1 => {
                let (start, end) = (*ranges[0].start(), *ranges[0].end());
                let count = end - start + 1;
                file.seek(SeekFrom::Start(start))?;
                let body: Box<dyn Read + Send> = if head {
                    Box::new(std::io::empty())
                } else {
                    Box::new(file.take(count))
                };
                let mut response = Response::new(
                    StatusCode(206),
                    Vec::new(),
                    body,
                    Some(count as usize),
                    None,
                );
                for h in common {
                    response.add_header(h);
                }
                response.add_header(header(
                    "Content-Range",
                    &format!("bytes {start}-{end}/{len}"),
                ));
                return Ok(request.respond(response)?);
            }
            Ok(_) => {}
            Err(_) => {
                let response = Response::empty(416)
                    .with_header(header("Content-Range", &format!("bytes */{len}")));
                return Ok(request.respond(response)?);
            }
        }
    }
    let body: Box<dyn Read + Send> = if head {
        Box::new(std::io::empty())
    } else {
        Box::new(file)
    };
    let mut response = Response::new(StatusCode(200), Vec::new(), body, Some(len as usize), None);
    for h in common {
        response.add_header(h);
    }
    Ok(request.respond(response)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_site() {
        let site = Path::new("/srv/site");
        assert_eq!(
            resolve(site, "/record/x/v1/t1/a.csv"),
            Some(site.join("record/x/v1/t1/a.csv"))
        );
        assert_eq!(
            resolve(site, "/r/figure_7_%282ph%29.yaml"),
            Some(site.join("r/figure_7_(2ph).yaml"))
        );
        assert_eq!(resolve(site, "/../etc/passwd"), None);
        assert_eq!(resolve(site, "/a/%2e%2e/%2e%2e/etc/passwd"), None);
        assert_eq!(resolve(site, "/a/%zz"), None);
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type(Path::new("a-v1.tar.gz")), "application/gzip");
        assert_eq!(
            content_type(Path::new("t.yaml")),
            "application/yaml; charset=utf-8"
        );
        assert_eq!(content_type(Path::new("t.csv")), "text/csv; charset=utf-8");
        assert_eq!(content_type(Path::new("plot.svg")), "image/svg+xml");
        assert_eq!(content_type(Path::new("datacite.xml")), "application/xml");
        assert_eq!(content_type(Path::new("x.png")), "image/png");
    }
}
