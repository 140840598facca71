//! End-to-end: `publish` freezes a version (lock verifiable with the real `sha256sum`, the
//! date in record.yaml), `check` then guards it, and `new-version` starts a correction.
//! Also case c30 (versions and their DOIs).

mod common;

use std::fs;
use std::process::Command;

use common::*;

#[test]
fn publish_writes_a_lock_sha256sum_verifies_and_the_date() {
    let project = doi_project();
    let dir = project.path();
    let record = dir.join("records/demo-1");
    let before = fs::read_to_string(record.join("record.yaml")).unwrap();

    let err = run_ok(dir, &["publish", "demo-1", "--date", "2025-03-04"]);
    assert!(err.contains("version 1 published"), "{err}");

    // The lock: sorted `<sha256>  <path>` lines over every file of v1/.
    let lock = fs::read_to_string(record.join("v1.lock")).unwrap();
    let paths: Vec<&str> = lock.lines().map(|l| &l[66..]).collect();
    assert_eq!(
        paths,
        [
            "data1.yaml",
            "data2.yaml",
            "likelihood.json",
            "notes file.txt",
            "submission.yaml"
        ]
    );
    assert!(lock.lines().all(|l| l.len() > 66
        && l[..64].bytes().all(|b| b.is_ascii_hexdigit())
        && &l[64..66] == "  "));
    let check = Command::new("sha256sum")
        .args(["-c", "--strict", "../v1.lock"])
        .current_dir(record.join("v1"))
        .output()
        .expect("sha256sum (coreutils) must be installed for this test");
    assert!(
        check.status.success(),
        "sha256sum -c failed: {}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&check.stdout)
            .matches(": OK")
            .count(),
        5
    );

    // record.yaml: only the date was added, comments and the rest kept byte for byte.
    let after = fs::read_to_string(record.join("record.yaml")).unwrap();
    assert_eq!(
        after,
        before.replace(
            "{version: 1, message: First release}",
            "{version: 1, date: 2025-03-04, message: First release}"
        )
    );

    // Publishing again changes nothing.
    let err = run_ok(dir, &["publish", "demo-1", "--date", "2030-01-01"]);
    assert!(err.contains("already published"), "{err}");
    assert_eq!(
        fs::read_to_string(record.join("record.yaml")).unwrap(),
        after
    );
    assert_eq!(fs::read_to_string(record.join("v1.lock")).unwrap(), lock);
    run_ok(dir, &["check", "records"]);
}

#[test]
fn check_fails_on_any_change_to_a_published_version() {
    let project = doi_project();
    let dir = project.path();
    let v1 = dir.join("records/demo-1/v1");
    run_ok(dir, &["publish", "demo-1"]);

    // A changed file, an added one and a removed one: each named, with a fix.
    fs::write(
        v1.join("data2.yaml"),
        fs::read_to_string(v1.join("data2.yaml"))
            .unwrap()
            .replace("1.2", "1.25"),
    )
    .unwrap();
    fs::write(v1.join("extra.txt"), "late\n").unwrap();
    fs::remove_file(v1.join("notes file.txt")).unwrap();
    let out = hepstatic(dir, &["check", "records"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("records/demo-1/v1/data2.yaml: error[E047]: this file changed after version 1 was published"), "{err}");
    assert!(
        err.contains("records/demo-1/v1/extra.txt: error[E047]: this file was added to version 1"),
        "{err}"
    );
    assert!(err.contains("records/demo-1/v1/notes file.txt: error[E047]: this file of published version 1 was removed"), "{err}");
    assert!(err.contains("hepstatic new-version demo-1"), "{err}");

    // Renumbering tables rewrites submission.yaml: caught, and the numbering named.
    let project = doi_project();
    let dir = project.path();
    run_ok(dir, &["publish", "demo-1"]);
    let sub = dir.join("records/demo-1/v1/submission.yaml");
    let text = fs::read_to_string(&sub).unwrap();
    fs::write(
        &sub,
        text.replace("Table 1", "Table X")
            .replace("Table 2", "Table 1")
            .replace("Table X", "Table 2"),
    )
    .unwrap();
    let err = stderr(&hepstatic(dir, &["check", "records"]));
    assert!(
        err.contains("submission.yaml: error[E047]")
            && err.contains("DOIs, follow submission.yaml"),
        "{err}"
    );

    // A lock whose folder is gone, and a malformed lock line.
    fs::rename(
        dir.join("records/demo-1/v1.lock"),
        dir.join("records/demo-1/v2.lock"),
    )
    .unwrap();
    fs::write(dir.join("records/demo-1/v1.lock"), "not a digest\n").unwrap();
    let err = stderr(&hepstatic(dir, &["check", "records"]));
    assert!(err.contains("records/demo-1/v2.lock: error[E048]: version 2 was published, but its folder v2/ is gone"), "{err}");
    assert!(
        err.contains("records/demo-1/v1.lock:1:1: error[E048]"),
        "{err}"
    );
}

#[test]
fn new_version_copies_the_latest_and_logs_it() {
    let project = doi_project();
    let dir = project.path();
    let record = dir.join("records/demo-1");

    // A draft is edited in place, not copied.
    let out = hepstatic(dir, &["new-version", "demo-1", "-m", "x"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("still a draft"), "{}", stderr(&out));

    run_ok(dir, &["publish", "demo-1", "--date", "2025-01-01"]);
    let err = run_ok(
        dir,
        &["new-version", "demo-1", "-m", "Corrected table 2, bin 1"],
    );
    assert!(err.contains("records/demo-1/v2"), "{err}");
    assert_eq!(files(&record.join("v1")), files(&record.join("v2")));
    let yaml = fs::read_to_string(record.join("record.yaml")).unwrap();
    assert!(yaml.starts_with("# The record of the DOI tests"), "{yaml}");
    assert!(
        yaml.ends_with("  - {version: 1, date: 2025-01-01, message: First release}   # dated by publish\n  - {version: 2, message: \"Corrected table 2, bin 1\"}\n"),
        "{yaml}"
    );

    // The copy is a draft: it may change, and check passes; publishing it freezes it.
    fs::write(record.join("v2/notes file.txt"), "Revised notes.\n").unwrap();
    run_ok(dir, &["check", "records"]);
    assert!(!record.join("v2.lock").exists());
    run_ok(dir, &["publish", "demo-1", "--date", "2025-02-01"]);
    assert!(record.join("v2.lock").is_file());
    run_ok(dir, &["check", "records"]);
}

#[test]
fn publish_refuses_a_record_with_errors_and_versions_out_of_order() {
    let project = doi_project();
    let dir = project.path();
    let record = dir.join("records/demo-1");
    fs::write(record.join("v1/data1.yaml"), "independent_variables: [\n").unwrap();
    let out = hepstatic(dir, &["publish", "demo-1"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("publish refused"), "{}", stderr(&out));
    assert!(!record.join("v1.lock").exists());

    let project = doi_project();
    let dir = project.path();
    let record = dir.join("records/demo-1");
    copy_tree(&record.join("v1"), &record.join("v2"));
    let yaml = fs::read_to_string(record.join("record.yaml")).unwrap();
    fs::write(
        record.join("record.yaml"),
        format!("{yaml}  - {{version: 2, message: two}}\n"),
    )
    .unwrap();
    let out = hepstatic(dir, &["publish", "demo-1", "--version", "2"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("version 1 is still a draft"),
        "{}",
        stderr(&out)
    );
}

/// Case c30: `dois/` fails with its four errors; `versions/` builds two versions whose
/// pages, downloads and DOIs each keep to their own version.
#[test]
fn c30_versions_and_their_dois() {
    let case = shared().join("cases/c30");
    let project = scratch_project(&[]);
    let dir = project.path();

    let out = hepstatic(dir, &["check", case.join("dois").to_str().unwrap()]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("checked 1 input: 4 errors"), "{err}");
    assert_eq!(err.matches("error[E045]").count(), 2, "{err}");
    assert_eq!(err.matches("error[E046]").count(), 2, "{err}");

    // v1 published, v2 a draft.
    add_record(
        dir,
        "c30",
        &case.join("versions/v1"),
        "Record with two versions",
    );
    let record = dir.join("records/c30");
    run_ok(dir, &["publish", "c30", "--date", "2024-01-02"]);
    run_ok(dir, &["new-version", "c30", "-m", "Value corrected"]);
    fs::remove_dir_all(record.join("v2")).unwrap();
    copy_tree(&case.join("versions/v2"), &record.join("v2"));
    run_ok(dir, &["build"]);

    let site = dir.join("site/record/c30");
    for (n, value, other) in [(1, "1.5", "2.5"), (2, "2.5", "1.5")] {
        let page = fs::read_to_string(site.join(format!("v{n}/t1/index.html"))).unwrap();
        // A grid cell starts `<td>` and, with its end tag left out, runs to the next tag
        // or the end of the line.
        let cell = |v: &str| {
            page.match_indices(&format!("<td>{v}"))
                .any(|(i, m)| matches!(page[i + m.len()..].chars().next(), Some('<' | '\n')))
        };
        assert!(cell(value), "v{n}");
        assert!(!cell(other), "v{n}");
        assert!(
            page.contains(&format!("10.5072/hepstatic.c30.v{n}/t1")),
            "v{n}"
        );
        assert!(
            !page.contains("None") && !page.contains("doi.org/None"),
            "v{n}"
        );
        // Every link into the record stays in the page's version.
        let wrong = format!("/v{}/", 3 - n);
        for link in links(&page) {
            assert!(!link.contains(&wrong), "v{n} links {link}");
        }
        let csv = fs::read_to_string(site.join(format!("v{n}/t1/c30-v{n}-t1.csv"))).unwrap();
        assert!(csv.contains(value), "v{n} CSV: {csv}");
        let xml = fs::read_to_string(site.join(format!("v{n}/t1/datacite.xml"))).unwrap();
        assert!(xml.contains(&format!(">10.5072/hepstatic.c30.v{n}/t1</identifier>")));
    }
    // v1 is published (its DOI a link), v2 a draft (its DOI reserved).
    let v1 = fs::read_to_string(site.join("v1/index.html")).unwrap();
    let v2 = fs::read_to_string(site.join("v2/index.html")).unwrap();
    assert!(v1.contains("https://doi.org/10.5072/hepstatic.c30.v1"));
    assert!(
        v2.contains("DOI (reserved)") && !v2.contains("https://doi.org/10.5072/hepstatic.c30.v2\"")
    );
    // The record's own page is the latest version, with a canonical link to it.
    let latest = fs::read_to_string(site.join("index.html")).unwrap();
    assert!(latest.contains("rel=\"canonical\" href=\"http://localhost:8000/record/c30/v2/\""));
    let record_xml = fs::read_to_string(site.join("datacite.xml")).unwrap();
    assert!(
        record_xml
            .contains("<identifier identifierType=\"DOI\">10.5072/hepstatic.c30</identifier>")
    );
    assert!(record_xml.contains("relationType=\"HasVersion\">10.5072/hepstatic.c30.v1<"));
    assert!(
        !record_xml.contains("hepstatic.c30.v2<"),
        "a draft is no version yet"
    );
}
