//! `hepstatic publish`: freeze a version, and with `--register` register its DOIs.

use std::io::{self, IsTerminal};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::check::{check, counts};
use crate::config::Config;
use crate::doi::register::{self, Client, Outcome, Registration};
use crate::doi::{self, Target, datacite};
use crate::load::{Item, Loaded, load_record};
use crate::model::Record;
use crate::publish::{self, is_published};

use super::check::print_human;
use super::{EXIT_FAILURE, EXIT_OK, EXIT_PROBLEMS};

/// What `publish` was asked to do.
#[derive(Clone, Debug)]
pub struct Options {
    /// The folder holding records/.
    pub root: PathBuf,
    pub id: String,
    /// The version to freeze; the latest when `None`.
    pub version: Option<u32>,
    /// The publication date written into record.yaml (default: today, UTC).
    pub date: Option<String>,
    pub register: bool,
    /// Print what would be written and sent; write and send nothing.
    pub dry_run: bool,
    pub timeout: Duration,
}

/// Checks the record, freezes the version, and registers the record's published DOIs.
///
/// # Errors
/// On I/O failure, or when registration fails.
pub fn run(config: &Config, options: &Options) -> Result<i32> {
    let date = options.date.clone().unwrap_or_else(publish::today);
    if !crate::load::is_date(&date) {
        bail!("--date must be written YYYY-MM-DD, found {date:?}");
    }
    let record_dir = record_dir(&options.root, &options.id)?;

    // Only a record the checker passes is frozen: a lock would make its errors permanent.
    let Some(mut record) = checked_record(config, &record_dir)? else {
        eprintln!("publish refused: {} has errors; fix them first", options.id);
        return Ok(EXIT_PROBLEMS);
    };
    let n = match options.version {
        Some(n) => n,
        None => record
            .latest()
            .map(|v| v.number)
            .context("no version folder")?,
    };
    if !record.versions.iter().any(|v| v.number == n) {
        bail!("{} has no version {n}", options.id);
    }

    let already = is_published(&record_dir, n);
    let frozen = match publish::freeze(&record_dir, n, &date, options.dry_run) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("publish refused: {e:#}");
            return Ok(EXIT_PROBLEMS);
        }
    };
    if !already {
        let verb = if options.dry_run {
            "would write"
        } else {
            "wrote"
        };
        eprintln!(
            "{}: version {n} published: {verb} {} ({} files) and `date: {date}` in record.yaml",
            options.id,
            frozen.lock.display(),
            frozen.entries.len()
        );
        // The metadata below carry the publication date as record.yaml now holds it.
        if let Some(log) = record.meta.versions.iter_mut().find(|l| l.version == n) {
            log.date = Some(date.clone());
        }
    } else {
        eprintln!(
            "{}: version {n} was already published ({}); nothing to write",
            options.id,
            frozen.lock.display()
        );
    }
    if !options.register {
        if !options.dry_run && !already {
            eprintln!(
                "next: commit records/{}/ and push; `hepstatic publish {} --register` registers the DOIs",
                options.id, options.id
            );
        }
        return Ok(EXIT_OK);
    }

    let published = |k: u32| is_published(&record_dir, k) || (options.dry_run && k == n);
    let registrations = registrations(config, &record, &published);
    if options.dry_run {
        for r in &registrations {
            println!(
                "{}",
                serde_json::to_string_pretty(&register::payload(r, true))?
            );
        }
        eprintln!(
            "dry run: {} DOIs would be registered at {}",
            registrations.len(),
            config.doi.endpoint
        );
        return Ok(EXIT_OK);
    }
    let (user, password) = register::credentials()?;
    let client = Client::new(
        &config.doi.endpoint,
        &user,
        &password,
        register::Options {
            timeout: options.timeout,
            ..register::Options::default()
        },
    )?;
    let (mut created, mut updated, mut unchanged) = (0, 0, 0);
    for r in &registrations {
        match client.register(r) {
            Ok(Outcome::Created) => {
                created += 1;
                eprintln!("registered {} -> {}", r.doi, r.url);
            }
            Ok(Outcome::Updated) => {
                updated += 1;
                eprintln!("updated {} -> {}", r.doi, r.url);
            }
            Ok(Outcome::Unchanged) => unchanged += 1,
            Err(e) => {
                eprintln!("hepstatic: error: {e:#}");
                eprintln!(
                    "registration stopped: {created} created, {updated} updated, {unchanged} unchanged; run it again once the cause is fixed"
                );
                return Ok(EXIT_FAILURE);
            }
        }
    }
    eprintln!(
        "DOIs at {}: {created} created, {updated} updated, {unchanged} unchanged",
        config.doi.endpoint
    );
    Ok(EXIT_OK)
}

/// Every DOI of the record's published versions, then the record's own DOI (which lists
/// the versions), in the order they are registered. Drafts have none.
pub fn registrations(
    config: &Config,
    record: &Record,
    published: &dyn Fn(u32) -> bool,
) -> Vec<Registration> {
    let mut targets: Vec<Target> = record
        .versions
        .iter()
        .filter(|v| published(v.number))
        .flat_map(doi::version_targets)
        .collect();
    if !targets.is_empty() {
        targets.push(Target::Record);
    }
    targets
        .into_iter()
        .filter_map(|t| doi::metadata(config, record, t, published))
        .map(|m| Registration {
            xml: datacite::to_xml(&m),
            doi: m.doi,
            url: m.url,
        })
        .collect()
}

/// `root/records/<id>`, named as the user sees it.
pub(crate) fn record_dir(root: &Path, id: &str) -> Result<PathBuf> {
    let records = if root == Path::new(".") {
        PathBuf::from("records")
    } else {
        root.join("records")
    };
    let dir = records.join(id);
    if !dir.join("record.yaml").is_file() {
        bail!(
            "there is no record {id} (no {})",
            dir.join("record.yaml").display()
        );
    }
    Ok(dir)
}

/// Loads one record and runs the checker on it, printing what it finds; `None` when it
/// has errors.
pub(crate) fn checked_record(config: &Config, dir: &Path) -> Result<Option<Record>> {
    let options = config.load_options();
    let mut loaded = Loaded {
        schema_version: options.schema_version,
        ..Loaded::default()
    };
    let record = load_record(dir, &options, &mut loaded.diagnostics);
    loaded.items.extend(record.clone().map(Item::Record));
    let diagnostics = check(&loaded);
    let color = io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    print_human(&mut io::stderr().lock(), &diagnostics, color)?;
    let (errors, _) = counts(&diagnostics);
    Ok(record.filter(|_| errors == 0))
}
