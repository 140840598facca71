//! End-to-end: builds are reproducible, incremental builds equal clean ones, and a build
//! killed at any moment leaves the previous site whole.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::*;
use sha2::{Digest, Sha256};

/// Real records that build quickly (the 1Lbb likelihood record is left to tests/site.rs).
const RECORDS: &[&str] = &[
    "ins1397637",
    "ins1413748",
    "ins1512299",
    "ins3109635",
    "star-30",
];

/// Every file below `dir` with the SHA-256 of its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, String> {
    files(dir)
        .into_iter()
        .map(|f| {
            let digest = hex::encode(Sha256::digest(fs::read(dir.join(&f)).unwrap()));
            (f, digest)
        })
        .collect()
}

fn build(project: &Path, out: &str, extra: &[&str]) -> String {
    let mut args = vec!["build", "--out", out];
    args.extend_from_slice(extra);
    let result = hepstatic(project, &args);
    let text = stderr(&result);
    assert!(result.status.success(), "build failed: {text}");
    text
}

/// Asserts two site folders hold the same files with the same bytes, naming the first
/// difference.
fn assert_same_site(a: &Path, b: &Path) {
    let (sa, sb) = (snapshot(a), snapshot(b));
    let only_a: Vec<_> = sa.keys().filter(|k| !sb.contains_key(*k)).collect();
    let only_b: Vec<_> = sb.keys().filter(|k| !sa.contains_key(*k)).collect();
    assert!(
        only_a.is_empty() && only_b.is_empty(),
        "only in {}: {only_a:?}; only in {}: {only_b:?}",
        a.display(),
        b.display()
    );
    for (file, digest) in &sa {
        assert_eq!(
            digest,
            &sb[file],
            "{file} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

/// Facet pages of a site kept from the previous generation (hard-linked, so more than
/// one link) and written anew (one link).
fn facet_pages(site: &Path) -> (usize, usize) {
    use std::os::unix::fs::MetadataExt;
    let pages: Vec<u64> = files(&site.join("search"))
        .iter()
        .filter(|f| f.matches('/').count() == 2 && f.ends_with("index.html"))
        .map(|f| fs::metadata(site.join("search").join(f)).unwrap().nlink())
        .collect();
    let kept = pages.iter().filter(|&&n| n > 1).count();
    (kept, pages.len() - kept)
}

/// Changes a data value, a title, removes a record and adds one.
fn edit_records(project: &Path) {
    let records = project.join("records");
    let record_yaml = records.join("star-30/record.yaml");
    let text = fs::read_to_string(&record_yaml).unwrap();
    assert!(
        text.starts_with("title: '"),
        "star-30's title line changed: update this test"
    );
    fs::write(
        &record_yaml,
        text.replacen("title: '", "title: 'Edited ", 1),
    )
    .unwrap();
    let data = records.join("ins1397637/v1/Table1.yaml");
    let text = fs::read_to_string(&data).unwrap();
    assert!(
        text.contains("    value: 4.97\n"),
        "ins1397637 Table1 changed: update this test"
    );
    fs::write(
        &data,
        text.replacen("    value: 4.97\n", "    value: 1234.5\n", 1),
    )
    .unwrap();
    fs::remove_dir_all(records.join("ins3109635")).unwrap();
    copy_tree(
        &repo().join("records/ins1241574"),
        &records.join("ins1241574"),
    );
}

#[test]
fn clean_builds_are_identical_and_incremental_builds_equal_clean_ones() {
    let project = scratch_project(RECORDS);
    let p = project.path();
    let first = build(p, "a/site", &[]);
    assert!(
        first.contains(&format!("{} rebuilt", RECORDS.len())),
        "{first}"
    );
    build(p, "b/site", &["--full"]);
    assert_same_site(&p.join("a/site"), &p.join("b/site"));

    // The second build of `a` has no spare yet: it links one from the live site and
    // rewrites nothing; the third finds the first as its spare.
    let second = build(p, "a/site", &[]);
    assert!(second.contains("(0 rebuilt)"), "{second}");
    let idle = build(p, "a/site", &[]);
    assert!(idle.contains("(0 rebuilt)"), "{idle}");
    assert_same_site(&p.join("a/site"), &p.join("b/site"));
    // Nothing changed: every facet page was kept (linked from the previous generation),
    // none rendered again.
    let (kept, written) = facet_pages(&p.join("a/site"));
    assert!(kept > 0 && written == 0, "{kept} kept, {written} written");
    // `d` is built once only: its first rebuild after the edit starts from links.
    build(p, "d/site", &[]);

    edit_records(p);
    let after = build(p, "a/site", &[]);
    // star-30 and ins1397637 changed, ins1241574 is new; ins3109635 went away.
    assert!(after.contains("(3 rebuilt)"), "{after}");
    build(p, "c/site", &["--full"]);
    assert_same_site(&p.join("a/site"), &p.join("c/site"));
    // Only the facet pages listing an edited, added or removed record were written.
    let (kept, written) = facet_pages(&p.join("a/site"));
    assert!(kept > 0 && written > 0, "{kept} kept, {written} written");
    let linked = build(p, "d/site", &[]);
    assert!(linked.contains("(3 rebuilt)"), "{linked}");
    assert_same_site(&p.join("d/site"), &p.join("c/site"));
    assert!(!p.join("a/site/record/ins3109635").exists());
    let home = fs::read_to_string(p.join("a/site/records/index.html")).unwrap();
    assert!(home.contains("Edited"), "the edited title is listed");

    // Once more: the spare generation is two builds behind and must catch up.
    let again = build(p, "a/site", &[]);
    assert!(again.contains("(0 rebuilt)"), "{again}");
    assert_same_site(&p.join("a/site"), &p.join("c/site"));
}

#[test]
fn a_record_in_error_leaves_the_site_as_it_was() {
    let project = scratch_project(&["ins1397637", "ins3109635"]);
    let p = project.path();
    build(p, "site", &[]);
    build(p, "site", &[]);
    let before = snapshot(&p.join("site"));
    let record_yaml = p.join("records/ins3109635/record.yaml");
    let text = fs::read_to_string(&record_yaml).unwrap();
    fs::write(&record_yaml, format!("{text}\nyear: [not, a, year]\n")).unwrap();
    let result = hepstatic(p, &["build"]);
    assert_eq!(result.status.code(), Some(1), "{}", stderr(&result));
    assert!(
        stderr(&result).contains("record.yaml"),
        "{}",
        stderr(&result)
    );
    assert_eq!(before, snapshot(&p.join("site")));
    // Fixed again, the next build goes through.
    fs::write(&record_yaml, text).unwrap();
    build(p, "site", &[]);
}

/// A tiny pseudo-random sequence (no dependency needed), seeded from the clock and
/// printed, so that a failure can be replayed.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % below.max(1)
    }
}

#[test]
fn a_build_killed_at_any_moment_leaves_the_previous_site_whole() {
    let project = scratch_project(RECORDS);
    let p = project.path();
    build(p, "site", &[]);
    let old = snapshot(&p.join("site"));

    // The site the killed builds are making, built elsewhere once in full.
    edit_records(p);
    let start = Instant::now();
    build(p, "new/site", &["--full"]);
    let took = start.elapsed();
    let new = snapshot(&p.join("new/site"));
    assert_ne!(old, new);

    let seed = std::env::var("KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        });
    eprintln!("kill test seed {seed} (set KILL_SEED to replay); a full build takes {took:?}");
    let mut rng = Lcg(seed);
    let (mut saw_old, mut saw_new) = (0, 0);
    for round in 0..12 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_hepstatic"))
            .args(["build"])
            .current_dir(p)
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Anywhere from the start to near the end of a (full) build.
        let wait = rng.next(took.as_millis() as u64 * 9 / 10 + 1);
        std::thread::sleep(Duration::from_millis(wait));
        let _ = child.kill(); // SIGKILL on Unix
        let _ = child.wait();
        let now = snapshot(&p.join("site"));
        if now == old {
            saw_old += 1;
        } else if now == new {
            // The build finished before the kill; later rounds would test nothing new.
            saw_new += 1;
            break;
        } else {
            panic!(
                "round {round} (seed {seed}), killed after {wait} ms: the site is neither the old nor the new one"
            );
        }
    }
    eprintln!("old site seen {saw_old} times, new site {saw_new} times");
    // Whatever the kills left beside the site is cleared by the next build.
    build(p, "site", &[]);
    assert_eq!(snapshot(&p.join("site")), new);
    let leftovers: Vec<_> = fs::read_dir(p)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".staging-") || n.contains(".trash-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn an_edit_that_keeps_size_and_mtime_is_still_seen() {
    let project = scratch_project(&["ins1397637"]);
    let p = project.path();
    build(p, "site", &[]);
    build(p, "site", &[]);
    let data = p.join("records/ins1397637/v1/Table1.yaml");
    let before = fs::metadata(&data).unwrap();
    let text = fs::read_to_string(&data).unwrap();
    assert!(
        text.contains("    value: 4.97\n"),
        "ins1397637 Table1 changed: update this test"
    );
    // Same size, and the old modification time put back (as `touch -r` or `cp -p` do).
    fs::write(
        &data,
        text.replacen("    value: 4.97\n", "    value: 4.98\n", 1),
    )
    .unwrap();
    fs::File::options()
        .write(true)
        .open(&data)
        .unwrap()
        .set_modified(before.modified().unwrap())
        .unwrap();
    let again = build(p, "site", &[]);
    assert!(again.contains("(1 rebuilt)"), "{again}");
    build(p, "clean/site", &["--full"]);
    assert_same_site(&p.join("site"), &p.join("clean/site"));
}

#[test]
fn out_never_replaces_the_records_or_a_folder_of_the_users() {
    let project = scratch_project(&["ins1397637"]);
    let p = project.path();
    fs::create_dir_all(p.join("mydocs")).unwrap();
    fs::write(p.join("mydocs/thesis.tex"), "x").unwrap();
    for out in ["mydocs", "records", "records/ins1397637/site", "../", "."] {
        let result = hepstatic(p, &["build", "--out", out]);
        assert_eq!(
            result.status.code(),
            Some(2),
            "--out {out}: {}",
            stderr(&result)
        );
    }
    let outside = hepstatic(
        &p.join("records"),
        &["build", "--root", "..", "--out", "../../"],
    );
    assert_eq!(outside.status.code(), Some(2), "{}", stderr(&outside));
    assert_eq!(
        fs::read_to_string(p.join("mydocs/thesis.tex")).unwrap(),
        "x"
    );
    assert!(p.join("records/ins1397637/record.yaml").is_file());
    assert!(p.join("hepstatic.toml").is_file());
}

#[test]
fn root_brings_its_own_settings_and_site_folder() {
    let project = scratch_project(&["star-30"]);
    let settings = project.path().join("hepstatic.toml");
    let text = fs::read_to_string(&settings).unwrap();
    let title = text
        .lines()
        .find_map(|l| l.strip_prefix("title = "))
        .expect("hepstatic.toml has a [site] title");
    fs::write(
        &settings,
        text.replacen(
            &format!("title = {title}"),
            "title = \"Root Settings Repository\"",
            1,
        ),
    )
    .unwrap();
    // From another folder: the project's settings are read and the site lands in it.
    let elsewhere = tempfile::tempdir().unwrap();
    let root = project.path().to_str().unwrap();
    let result = hepstatic(elsewhere.path(), &["build", "--root", root]);
    assert!(result.status.success(), "{}", stderr(&result));
    let home = fs::read_to_string(project.path().join("site/index.html")).unwrap();
    assert!(
        home.contains("Root Settings Repository"),
        "settings of --root not used"
    );
    assert!(!elsewhere.path().join("site").exists());

    // A --config that does not exist is an error, not the built-in settings.
    let result = hepstatic(
        elsewhere.path(),
        &["build", "--root", root, "--config", "missing.toml"],
    );
    assert_eq!(result.status.code(), Some(2));
    let text = stderr(&result);
    assert!(
        text.contains("missing.toml does not exist"),
        "unclear message: {text}"
    );
}

#[test]
fn a_record_holding_a_symbolic_link_is_not_read_or_published() {
    let project = scratch_project(&["star-30", "ins1397637"]);
    build(project.path(), "site", &[]);
    let before = snapshot(&project.path().join("site"));
    // A data file replaced by a link to a file outside the record.
    let data = project.path().join("records/ins1397637/v1/Table1.yaml");
    let outside = project.path().join("outside.yaml");
    fs::rename(&data, &outside).unwrap();
    std::os::unix::fs::symlink(&outside, &data).unwrap();
    let result = hepstatic(project.path(), &["build"]);
    assert_eq!(result.status.code(), Some(1), "{}", stderr(&result));
    let text = stderr(&result);
    assert!(
        text.contains("records/ins1397637/v1/Table1.yaml: error[E039]: this is a symbolic link"),
        "{text}"
    );
    assert_eq!(snapshot(&project.path().join("site")), before);

    // Checking the version folder alone (no record around it) does not read through it.
    let result = hepstatic(project.path(), &["check", "records/ins1397637/v1"]);
    assert_eq!(result.status.code(), Some(1));
    let text = String::from_utf8_lossy(&result.stdout).into_owned() + &stderr(&result);
    assert!(text.contains("is a symbolic link"), "{text}");
}
