//! Site: check every record and write its pages and downloads into the output folder.
//!
//! Input: the records folder, the settings and the theme. Output: the site folder of
//! DESIGN.md, swapped in whole at the end (see `generation`).
//!
//! Records are independent: each is read, checked and written on its own thread (rayon),
//! and then only its listing is kept for the indexes (`listing`: a few kilobytes, and a
//! line of search text per table). Memory thus follows the largest record, plus some tens
//! of kilobytes per record of the site. A record whose files are unchanged since the last
//! build is not read at all: its pages are taken from the previous generation and its
//! listing from the cache (`cache`).

mod bundle;
pub mod cache;
mod discovery;
pub mod generation;
mod index;
mod listing;
pub mod output;
mod search;
mod version;

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use crate::check::check_record;
use crate::config::Config;
use crate::load::{Options, load_record, record_dirs};
use crate::model::{Diagnostic, Record, sort_diagnostics};
use crate::render::pages::{SiteView, Theme};

use cache::{Checked, Fingerprint, StatCache};
use generation::{MANIFEST, Manifest, SiteDir, link_tree, read_manifest};
use listing::Listing;

pub use output::{Output, sha256_hex};

/// An incremental build rewrites at most this many records; more, and it builds afresh.
const MAX_HELD_RECORDS: usize = 64;

/// How to build.
#[derive(Clone, Debug, Default)]
pub struct BuildOptions {
    /// Rebuild every record, even those unchanged since the last build.
    pub full: bool,
    /// Show a progress bar (on a terminal).
    pub progress: bool,
}

/// What a build did, for the summary line.
#[derive(Debug, Default)]
pub struct Summary {
    pub records: usize,
    pub versions: usize,
    pub tables: usize,
    /// Records read, checked and written by this build (the rest were unchanged).
    pub rebuilt: usize,
    /// Files and bytes written by this build.
    pub files: usize,
    pub bytes: u64,
    /// Size of `/search/index.json`.
    pub search_index_bytes: usize,
}

/// The checker's findings, and the summary when the site was written (no errors).
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    pub summary: Option<Summary>,
}

/// Everything a record's pages are made with.
struct Inputs<'a> {
    config: &'a Config,
    theme: &'a Theme,
    site: SiteView,
    records_dir: &'a Path,
    load: Options,
}

/// One record, read and checked (and written, when all is well): its findings and listing.
struct Done {
    id: String,
    fingerprint: String,
    /// Whether the record could be read at all.
    loaded: bool,
    /// `None` for a record without versions, or one that could not be read.
    listing: Option<Listing>,
    diagnostics: Vec<Diagnostic>,
}

/// Checks the records in `records_dir`; when none has an error, writes the site to `out`
/// and swaps it in. The site at `out` is never left half-written: a failed or killed
/// build leaves it as it was.
///
/// # Errors
/// When the records or the theme cannot be read, or the site cannot be written.
pub fn build(
    config: &Config,
    theme_dir: &Path,
    records_dir: &Path,
    out: &Path,
    options: &BuildOptions,
) -> Result<Report> {
    let inputs = Inputs {
        config,
        theme: &Theme::load(theme_dir)?,
        site: SiteView {
            title: config.site.title.clone(),
            base_url: config.site.base_url.clone(),
        },
        records_dir,
        load: config.load_options(),
    };
    refuse_overlap(records_dir, out)?;
    let site = SiteDir::open(out)?;
    let cache_dir = site.cache();
    let dirs = record_dirs(records_dir)
        .with_context(|| format!("cannot list {}", records_dir.display()))?;
    let mut stat = StatCache::load(&cache_dir);
    let inputs_print = cache::inputs(config, theme_dir)?;
    let live = read_manifest(out);
    let live_usable = live.as_ref().is_some_and(|m| m.inputs == inputs_print);
    if options.full || !live_usable {
        // Nothing to compare with: every record is written, and fingerprinted as it is
        // read, so that reading the records overlaps with writing others.
        let report = full_build(
            &inputs,
            &site,
            &dirs,
            None,
            &mut stat,
            inputs_print,
            options,
        )?;
        if report.summary.is_some() {
            stat.save(&cache_dir)?;
        }
        return Ok(report);
    }
    let prints = stat.fingerprint_all(&dirs)?;
    let current = manifest(inputs_print, &dirs, &prints);
    let mut spare = read_manifest(&site.spare());
    if spare.as_ref().is_none_or(|m| m.inputs != current.inputs) {
        // No usable spare generation (the first rebuild after a clean build or a fresh
        // clone, or an interrupted one): start an empty spare. The incremental build
        // hard-links every unchanged record into it from the live site, which costs a
        // link per file instead of writing the whole site again.
        let mut trash = site.trash()?;
        trash.discard(&site.spare())?;
        trash.empty_now()?;
        fs::create_dir_all(site.spare())
            .with_context(|| format!("cannot create {}", site.spare().display()))?;
        spare = Some(Manifest::default());
    }
    let report = {
        let (live, spare) = (live.unwrap_or_default(), spare.unwrap_or_default());
        let changed = dirs
            .iter()
            .zip(&prints)
            .filter(|(d, p)| live.records.get(&dir_id(d)) != Some(*p))
            .count();
        // Changed records are held in memory whole between checking and writing: past a
        // few dozen, a full build (which streams) is the better way.
        if changed > MAX_HELD_RECORDS {
            let inputs_print = current.inputs;
            full_build(
                &inputs,
                &site,
                &dirs,
                Some(&prints),
                &mut stat,
                inputs_print,
                options,
            )?
        } else {
            incremental_build(
                &inputs, &site, &dirs, &prints, &current, &live, &spare, options,
            )?
        }
    };
    if report.summary.is_some() {
        stat.save(&cache_dir)?;
    }
    Ok(report)
}

/// The site folder is replaced whole: it may neither hold the records (the project
/// folder, say) nor lie inside them.
fn refuse_overlap(records_dir: &Path, out: &Path) -> Result<()> {
    let records = fs::canonicalize(records_dir)
        .with_context(|| format!("cannot read {}", records_dir.display()))?;
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let (Ok(parent), Some(name)) = (fs::canonicalize(parent), out.file_name()) else {
        return Ok(()); // a new folder in a new place: it cannot hold the records
    };
    let site = parent.join(name);
    if records.starts_with(&site) || site.starts_with(&records) {
        anyhow::bail!(
            "--out {} would replace or sit inside the records in {}: choose a folder outside them (the default is site/ beside records/)",
            out.display(),
            records_dir.display()
        );
    }
    Ok(())
}

/// The manifest of a build from these inputs and records; its facet pages are added once
/// written.
fn manifest(inputs: String, dirs: &[PathBuf], prints: &[String]) -> Manifest {
    Manifest {
        inputs,
        records: dirs
            .iter()
            .zip(prints)
            .map(|(d, p)| (dir_id(d), p.clone()))
            .collect(),
        pages: BTreeMap::new(),
    }
}

fn dir_id(dir: &Path) -> String {
    dir.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Writes every record into a new staging folder and swaps it in; the previous site
/// becomes the spare generation.
fn full_build(
    inputs: &Inputs,
    site: &SiteDir,
    dirs: &[PathBuf],
    prints: Option<&[String]>,
    stat: &mut StatCache,
    inputs_print: String,
    options: &BuildOptions,
) -> Result<Report> {
    // The old spare goes at once; deleting its files overlaps with the build.
    let mut trash = site.trash()?;
    trash.discard(&site.spare())?;
    let deleting = trash.empty();
    let staging = Staging(site.staging()?);
    let output = Output::new(&staging.0);

    let bar = progress(options, dirs.len());
    let failed = AtomicBool::new(false);
    let seen = &*stat;
    let results: Vec<(Done, Option<Fingerprint>)> = dirs
        .par_iter()
        .enumerate()
        .map(|(i, dir)| {
            // Fingerprints not taken yet are taken here, each just before its record is
            // read (the files are then read from memory).
            let fresh = prints
                .is_none()
                .then(|| seen.fingerprint(dir))
                .transpose()?;
            let print = match (&fresh, prints) {
                (Some(f), _) => f.print.as_str(),
                (None, Some(p)) => p[i].as_str(),
                (None, None) => "",
            };
            let (record, diagnostics) = read_check(inputs, dir, &failed);
            if let Some(r) = &record
                && !failed.load(Ordering::Relaxed)
            {
                write_record(inputs, r, &output)?;
            }
            bar.inc(1);
            let done = finish(inputs, dir, print, record.as_ref(), diagnostics);
            Ok((done, fresh))
        })
        .collect::<Result<_>>()?;
    bar.finish_and_clear();
    let _ = deleting.join();
    let (done, fresh): (Vec<Done>, Vec<Option<Fingerprint>>) = results.into_iter().unzip();
    let prints = match prints {
        Some(p) => p.to_vec(),
        None => stat.learn(fresh.into_iter().flatten().collect()),
    };
    let current = manifest(inputs_print, dirs, &prints);

    let (diagnostics, listings, records) = gather(done, &site.cache())?;
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Ok(Report {
            diagnostics,
            summary: None,
        });
    }
    let mut summary = write_shared(inputs, listings, records, &current, None, &output)?;
    summary.rebuilt = records;
    let had_old = site.swap_in(&staging.0)?;
    let staging = staging.keep();
    if had_old {
        // The previous site is where the staging folder was: keep it as the spare.
        fs::rename(&staging, site.spare())
            .with_context(|| format!("cannot keep {} as the spare", staging.display()))?;
    }
    Ok(Report {
        diagnostics,
        summary: Some(summary),
    })
}

/// Brings the spare generation up to the records now and swaps it in: changed records
/// are read, checked and written; records the live site already has right are hard-linked
/// from it; the indexes are written anew.
#[allow(clippy::too_many_arguments)]
fn incremental_build(
    inputs: &Inputs,
    site: &SiteDir,
    dirs: &[PathBuf],
    prints: &[String],
    current: &Manifest,
    live: &Manifest,
    spare_manifest: &Manifest,
    options: &BuildOptions,
) -> Result<Report> {
    let cache_dir = site.cache();
    // Changed records are read and checked first: nothing is touched if one has an error.
    let mut cached = Vec::new();
    let mut todo = Vec::new();
    for (dir, print) in dirs.iter().zip(prints) {
        let id = dir_id(dir);
        let unchanged = live.records.get(&id) == Some(print);
        match unchanged
            .then(|| Checked::load(&cache_dir, &id, print))
            .flatten()
        {
            Some(c) => cached.push(c),
            None => todo.push((dir, print, unchanged)),
        }
    }
    // Changed records keep their data until they are written; the others only their listing.
    let failed = AtomicBool::new(false);
    let bar = progress(options, todo.len());
    let loaded: Vec<(Done, Option<Record>)> = todo
        .par_iter()
        .map(|(dir, print, unchanged)| {
            let (record, diagnostics) = read_check(inputs, dir, &failed);
            let done = finish(inputs, dir, print, record.as_ref(), diagnostics);
            bar.inc(1);
            (done, record.filter(|_| !unchanged))
        })
        .collect();
    bar.finish_and_clear();
    if failed.load(Ordering::Relaxed) {
        let done = loaded.into_iter().map(|(d, _)| d).collect();
        let (diagnostics, _, _) = gather(done, &cache_dir)?;
        return Ok(Report {
            diagnostics,
            summary: None,
        });
    }

    // From here on the spare is being changed: without its manifest it is never reused.
    let spare = site.spare();
    match fs::remove_file(spare.join(MANIFEST)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            return Err(e).context("cannot mark the spare generation as being written");
        }
        _ => {}
    }
    let output = Output::new(&spare);
    let ids: HashMap<String, &String> = dirs
        .iter()
        .zip(prints)
        .map(|(d, p)| (dir_id(d), p))
        .collect();
    let changed = |id: &str| {
        loaded
            .iter()
            .any(|(_, r)| r.as_ref().is_some_and(|r| r.id == id))
    };
    // First, everything of the spare that goes is moved out of it, and deleted while the
    // rest is written: removed records, records to write again, records to link again
    // from the live site, and the indexes (every one is written anew).
    let mut trash = site.trash()?;
    for id in spare_manifest.records.keys() {
        if !ids.contains_key(id) {
            trash.discard(&spare.join("record").join(id))?;
        }
    }
    let mut relink = Vec::new();
    for (id, print) in &ids {
        if changed(id) {
            trash.discard(&spare.join("record").join(id))?;
        } else if spare_manifest.records.get(id) != Some(*print) {
            // Unchanged since the live site was built, but not since the spare was.
            trash.discard(&spare.join("record").join(id))?;
            relink.push(id);
        }
    }
    for entry in fs::read_dir(&spare).with_context(|| format!("cannot list {}", spare.display()))? {
        let entry = entry?;
        if entry.file_name() != "record" {
            trash.discard(&entry.path())?;
        }
    }
    let deleting = trash.empty();

    let mut rebuilt = 0;
    let written: Vec<Result<()>> = loaded
        .par_iter()
        .filter_map(|(_, record)| record.as_ref())
        .map(|record| write_record(inputs, record, &output))
        .collect();
    for w in written {
        w?;
        rebuilt += 1;
    }
    for id in relink {
        let from = site.target.join("record").join(id);
        if from.is_dir() {
            link_tree(&from, &spare.join("record").join(id))?;
        }
    }

    let mut done: Vec<Done> = loaded.into_iter().map(|(d, _)| d).collect();
    done.extend(cached.into_iter().map(|c| Done {
        id: c.id,
        fingerprint: c.fingerprint,
        loaded: true,
        listing: c.listing,
        diagnostics: c.diagnostics,
    }));
    let (diagnostics, listings, records) = gather(done, &cache_dir)?;
    let mut summary = write_shared(
        inputs,
        listings,
        records,
        current,
        Some((&site.target, live)),
        &output,
    )?;
    summary.rebuilt = rebuilt;
    site.swap_in(&spare)?;
    deleting
        .join()
        .map_err(|_| anyhow::anyhow!("the thread deleting replaced files panicked"))??;
    Ok(Report {
        diagnostics,
        summary: Some(summary),
    })
}

/// Reads and checks one record, table data and all; marks `failed` on an error.
fn read_check(
    inputs: &Inputs,
    dir: &Path,
    failed: &AtomicBool,
) -> (Option<Record>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let record = load_record(dir, &inputs.load, &mut diagnostics);
    if let Some(r) = &record {
        check_record(r, &mut diagnostics);
    }
    if diagnostics.iter().any(Diagnostic::is_error) {
        failed.store(true, Ordering::Relaxed);
    }
    (record, diagnostics)
}

/// What is kept of a record read from `dir`: its findings and listing, not the record.
fn finish(
    inputs: &Inputs,
    dir: &Path,
    fingerprint: &str,
    record: Option<&Record>,
    diagnostics: Vec<Diagnostic>,
) -> Done {
    Done {
        id: dir_id(dir),
        fingerprint: fingerprint.to_string(),
        loaded: record.is_some(),
        listing: record.and_then(|r| {
            Listing::new(inputs.config, r, |n| is_published(inputs.records_dir, r, n))
        }),
        diagnostics,
    }
}

/// Writes every version of `record` (everything under `/record/<id>/`).
fn write_record(inputs: &Inputs, record: &Record, out: &Output) -> Result<()> {
    let published = |n: u32| is_published(inputs.records_dir, record, n);
    for v in &record.versions {
        let ctx = version::Context {
            config: inputs.config,
            theme: inputs.theme,
            site: &inputs.site,
            record,
            published: &published,
        };
        version::write_version(&ctx, v, out)?;
    }
    Ok(())
}

fn is_published(records_dir: &Path, record: &Record, n: u32) -> bool {
    records_dir
        .join(&record.id)
        .join(format!("v{n}.lock"))
        .is_file()
}

/// Sorts the findings and caches each record's listing (when no record has an error);
/// returns the findings, the listings and how many records were read.
fn gather(done: Vec<Done>, cache_dir: &Path) -> Result<(Vec<Diagnostic>, Vec<Listing>, usize)> {
    let mut diagnostics = Vec::new();
    let mut listings = Vec::new();
    let mut records = 0;
    let clean = !done
        .iter()
        .flat_map(|d| &d.diagnostics)
        .any(Diagnostic::is_error);
    for d in done {
        diagnostics.extend(d.diagnostics.iter().cloned());
        if !d.loaded {
            continue;
        }
        records += 1;
        let checked = Checked {
            id: d.id,
            fingerprint: d.fingerprint,
            listing: d.listing,
            diagnostics: d.diagnostics,
        };
        if clean {
            checked.save(cache_dir)?;
        }
        listings.extend(checked.listing);
    }
    sort_diagnostics(&mut diagnostics);
    Ok((diagnostics, listings, records))
}

/// Writes what lists many records (home, /records/, search, feed, sitemap), the theme's
/// static files and, last, the manifest. `records` counts the records read, listed or not.
fn write_shared(
    inputs: &Inputs,
    mut listings: Vec<Listing>,
    records: usize,
    manifest: &Manifest,
    live: Option<(&Path, &Manifest)>,
    out: &Output,
) -> Result<Summary> {
    index::sort_newest_first(&mut listings);
    let reuse = search::Reuse {
        prints: &manifest.records,
        live: live.map(|(dir, m)| (dir, &m.pages)),
    };
    let search = index::write_indexes(
        inputs.config,
        inputs.theme,
        &inputs.site,
        &listings,
        &reuse,
        out,
    )?;
    out.copy_dir(&inputs.theme.static_dir, "static")?;
    let manifest = Manifest {
        pages: search.pages,
        ..manifest.clone()
    };
    out.write(MANIFEST, &serde_json::to_vec_pretty(&manifest)?)?;
    let versions = listings.iter().map(|l| l.versions.len()).sum();
    let tables = listings
        .iter()
        .flat_map(|l| &l.versions)
        .map(|v| v.tables)
        .sum();
    Ok(Summary {
        records,
        versions,
        tables,
        rebuilt: 0,
        files: out.files(),
        bytes: out.bytes(),
        search_index_bytes: search.index_bytes,
    })
}

fn progress(options: &BuildOptions, len: usize) -> ProgressBar {
    if !options.progress || len < 2 {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len as u64);
    if let Ok(style) = ProgressStyle::with_template(
        "{spinner} {pos}/{len} records [{bar:30}] {elapsed} (eta {eta})",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// A staging folder, removed unless kept (a failed build leaves nothing behind).
struct Staging(PathBuf);

impl Staging {
    fn keep(self) -> PathBuf {
        let path = self.0.clone();
        std::mem::forget(self);
        path
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}
