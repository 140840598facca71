//! Registration with DataCite's REST API (JSON:API): create a DOI or bring it up to date,
//! in state `findable`. Idempotent: a DOI whose URL, state and XML are already as they
//! should be is not written again.

use std::thread::sleep;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use reqwest::StatusCode;
use reqwest::blocking::{Client as Http, RequestBuilder, Response};
use serde_json::{Value as Json, json};

const MEDIA_TYPE: &str = "application/vnd.api+json";

/// One DOI to register: where it resolves and its DataCite XML.
#[derive(Clone, Debug)]
pub struct Registration {
    pub doi: String,
    pub url: String,
    pub xml: String,
}

/// What registering one DOI did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Created,
    Updated,
    Unchanged,
}

/// Settings of the client; `Default` is what the command line uses.
#[derive(Clone, Debug)]
pub struct Options {
    /// Per request (default 30 s).
    pub timeout: Duration,
    /// Tries per DOI on a server error (5xx), a time-out or a lost connection (default 4).
    pub attempts: u32,
    /// Wait before the second try, doubled for each further one (default 1 s).
    pub backoff: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            timeout: Duration::from_secs(30),
            attempts: 4,
            backoff: Duration::from_secs(1),
        }
    }
}

/// The JSON:API document that creates or updates `r`. `publish` adds the event that
/// makes the DOI findable (left out when it already is).
pub fn payload(r: &Registration, publish: bool) -> Json {
    let mut attributes = json!({
        "doi": r.doi,
        "url": r.url,
        "xml": BASE64.encode(r.xml.as_bytes()),
    });
    if publish {
        attributes["event"] = json!("publish");
    }
    json!({ "data": { "id": r.doi, "type": "dois", "attributes": attributes } })
}

pub struct Client {
    http: Http,
    endpoint: String,
    username: String,
    password: String,
    options: Options,
}

/// A failure worth another try (server error, time-out, connection), or not.
enum Failure {
    Transient(anyhow::Error),
    Fatal(anyhow::Error),
}

impl Client {
    /// A client for `endpoint` (e.g. `https://api.test.datacite.org`).
    ///
    /// # Errors
    /// When the HTTP client cannot be set up (TLS).
    pub fn new(endpoint: &str, username: &str, password: &str, options: Options) -> Result<Client> {
        // reqwest is built without a default TLS provider; ring is the one linked in.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = Http::builder()
            .timeout(options.timeout)
            .user_agent(concat!("hepstatic/", env!("CARGO_PKG_VERSION")))
            .build()
            .context("cannot set up the HTTP client")?;
        Ok(Client {
            http,
            endpoint: endpoint.trim_end_matches('/').to_string(),
            username: username.to_string(),
            password: password.to_string(),
            options,
        })
    }

    /// Creates the DOI or brings it up to date, retrying transient failures. Each try
    /// starts by reading the DOI again: a write whose answer was lost is then seen as done.
    ///
    /// # Errors
    /// When DataCite refuses the request (bad credentials, 422 invalid metadata), or
    /// transient failures persist past the last try.
    pub fn register(&self, r: &Registration) -> Result<Outcome> {
        let mut wait = self.options.backoff;
        let mut attempt = 1;
        loop {
            match self.try_register(r) {
                Ok(outcome) => return Ok(outcome),
                Err(Failure::Fatal(e)) => return Err(e),
                Err(Failure::Transient(e)) if attempt >= self.options.attempts => {
                    return Err(e.context(format!("{}: gave up after {attempt} tries", r.doi)));
                }
                Err(Failure::Transient(e)) => {
                    eprintln!(
                        "hepstatic: warning: {}: {e:#}; trying again in {:.1} s",
                        r.doi,
                        wait.as_secs_f64()
                    );
                    sleep(wait);
                    wait *= 2;
                    attempt += 1;
                }
            }
        }
    }

    fn try_register(&self, r: &Registration) -> Result<Outcome, Failure> {
        let url = format!("{}/dois/{}", self.endpoint, r.doi);
        let current = self.send(self.http.get(&url))?;
        match current.status() {
            StatusCode::NOT_FOUND => {
                let body = payload(r, true).to_string();
                let response = self.send(
                    self.http
                        .post(format!("{}/dois", self.endpoint))
                        .header("Content-Type", MEDIA_TYPE)
                        .body(body),
                )?;
                expect_success(response, &r.doi).map(|()| Outcome::Created)
            }
            s if s.is_success() => {
                let doc: Json = current
                    .json()
                    .map_err(|e| Failure::Transient(anyhow!("unreadable answer: {e}")))?;
                let attrs = &doc["data"]["attributes"];
                let findable = attrs["state"] == "findable";
                let same_url = attrs["url"].as_str() == Some(r.url.as_str());
                let same_xml = attrs["xml"]
                    .as_str()
                    .and_then(|x| BASE64.decode(x).ok())
                    .is_some_and(|x| x == r.xml.as_bytes());
                if findable && same_url && same_xml {
                    return Ok(Outcome::Unchanged);
                }
                let body = payload(r, !findable).to_string();
                let response = self.send(
                    self.http
                        .put(&url)
                        .header("Content-Type", MEDIA_TYPE)
                        .body(body),
                )?;
                expect_success(response, &r.doi).map(|()| Outcome::Updated)
            }
            _ => expect_success(current, &r.doi).map(|()| Outcome::Unchanged),
        }
    }

    fn send(&self, request: RequestBuilder) -> Result<Response, Failure> {
        let response = request
            .basic_auth(&self.username, Some(&self.password))
            .header("Accept", MEDIA_TYPE)
            .send()
            .map_err(|e| {
                let what = if e.is_timeout() {
                    "no answer in time"
                } else if e.is_connect() {
                    "cannot connect"
                } else {
                    "request failed"
                };
                Failure::Transient(anyhow!("{what}: {e}"))
            })?;
        if response.status().is_server_error() {
            let status = response.status();
            let text = response.text().unwrap_or_default();
            return Err(Failure::Transient(anyhow!(
                "DataCite answered {status}{}",
                errors_text(&text)
            )));
        }
        Ok(response)
    }
}

fn expect_success(response: Response, doi: &str) -> Result<(), Failure> {
    let status = response.status();
    if status.is_success() {
        return Ok(());
    }
    let text = response.text().unwrap_or_default();
    let hint = match status {
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
            "; check DATACITE_USERNAME and DATACITE_PASSWORD, and that the repository owns the prefix"
        }
        _ => "",
    };
    Err(Failure::Fatal(anyhow!(
        "{doi}: DataCite refused it ({status}){}{hint}",
        errors_text(&text)
    )))
}

/// DataCite's `errors` list (`[{"source": "url", "title": "Is invalid"}]`) as one line.
fn errors_text(body: &str) -> String {
    let Ok(doc) = serde_json::from_str::<Json>(body) else {
        return String::new();
    };
    let Some(errors) = doc["errors"].as_array() else {
        return String::new();
    };
    let parts: Vec<String> = errors
        .iter()
        .map(|e| match (e["source"].as_str(), e["title"].as_str()) {
            (Some(s), Some(t)) => format!("{s}: {t}"),
            (None, Some(t)) => t.to_string(),
            _ => e.to_string(),
        })
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!(": {}", parts.join("; "))
    }
}

/// The credentials from `DATACITE_USERNAME` and `DATACITE_PASSWORD`, the only place they
/// are read from (never from hepstatic.toml, which is committed).
///
/// # Errors
/// When either is unset or empty.
pub fn credentials() -> Result<(String, String)> {
    let get = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    match (get("DATACITE_USERNAME"), get("DATACITE_PASSWORD")) {
        (Some(u), Some(p)) => Ok((u, p)),
        _ => bail!(
            "registering needs DataCite credentials in the environment: set DATACITE_USERNAME and DATACITE_PASSWORD (or use --dry-run)"
        ),
    }
}
