//! The git-push workflow with real git: a bare repository with hepstatic's hooks and a
//! clone. Bad records and changes to a published version are rejected with the checker's
//! messages; good pushes are built into the web root.

mod common;

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use common::*;

fn git(dir: &Path, args: &[&str]) -> Output {
    Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.org")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.org")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("git is needed for this test (.ci/run installs it)")
}

fn git_ok(dir: &Path, args: &[&str]) -> String {
    let out = git(dir, args);
    assert!(
        out.status.success(),
        "git {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Commits everything in `work` and pushes; returns (accepted, what the pusher saw).
fn push(work: &Path, message: &str) -> (bool, String) {
    git_ok(work, &["add", "-A"]);
    git_ok(work, &["commit", "-q", "-m", message]);
    let out = git(work, &["push", "origin", "main"]);
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn served(www: &Path, path: &str) -> Option<String> {
    fs::read_to_string(www.join(path)).ok()
}

#[test]
fn push_is_checked_then_built_and_published_versions_stay_frozen() {
    let tmp = tempfile::tempdir().unwrap();
    let bare = tmp.path().join("records.git");
    let work = tmp.path().join("work");
    let www = tmp.path().join("www");
    git_ok(
        tmp.path(),
        &["init", "-q", "--bare", "-b", "main", bare.to_str().unwrap()],
    );
    let out = hepstatic(
        tmp.path(),
        &[
            "hook",
            "install",
            "records.git",
            "--web-root",
            www.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let pre = fs::read_to_string(bare.join("hooks/pre-receive")).unwrap();
    assert!(
        pre.starts_with("#!/bin/sh\n") && pre.contains("hook pre-receive --branch 'main'"),
        "{pre}"
    );

    // First push: the fixture with version 1 published. Accepted, built, served.
    git_ok(tmp.path(), &["clone", "-q", bare.to_str().unwrap(), "work"]);
    copy_tree(&repo().join("tests/fixtures/doi"), &work);
    copy_tree(&repo().join("themes"), &work.join("themes"));
    fs::write(work.join(".gitignore"), "site/\n").unwrap();
    let published = hepstatic(&work, &["publish", "demo-1", "--date", "2025-01-01"]);
    assert!(published.status.success(), "{}", stderr(&published));
    let (ok, seen) = push(&work, "demo-1 v1");
    assert!(ok, "{seen}");
    assert!(
        seen.contains("remote: hepstatic: records of") && seen.contains("no error"),
        "{seen}"
    );
    assert!(seen.contains("now serves"), "{seen}");
    assert!(fs::symlink_metadata(&www).unwrap().file_type().is_symlink());
    let page = served(&www, "record/demo-1/v1/t1/index.html").expect("the site is served");
    assert!(page.contains("10.5072/hepstatic.demo-1.v1/t1"));
    let first_build = fs::read_link(&www).unwrap();

    // A bad record: rejected, each problem shown to the pusher, the site unchanged.
    let bad = work.join("records/bad-1");
    copy_tree(&work.join("records/demo-1/v1"), &bad.join("v1"));
    fs::write(
        bad.join("record.yaml"),
        "title: Bad\ncollaborations: [TEST]\nyear: 2024\nversions:\n  - {version: 1}\n",
    )
    .unwrap();
    let data = bad.join("v1/data1.yaml");
    fs::write(
        &data,
        fs::read_to_string(&data)
            .unwrap()
            .replace("symerror: 0.1", "symerror: lots"),
    )
    .unwrap();
    let (ok, seen) = push(&work, "bad record");
    assert!(!ok, "a bad record was accepted: {seen}");
    assert!(
        seen.contains("remote: records/bad-1/v1/data1.yaml:"),
        "{seen}"
    );
    assert!(
        seen.contains("error[E022]") && seen.contains("help:"),
        "{seen}"
    );
    assert!(seen.contains("push rejected: 1 error"), "{seen}");
    assert_eq!(fs::read_link(&www).unwrap(), first_build);
    assert!(served(&www, "record/bad-1/v1/index.html").is_none());
    git_ok(&work, &["reset", "-q", "--hard", "HEAD~1"]);

    // A good change: a new draft version. Accepted; the site now has v2.
    let out = hepstatic(&work, &["new-version", "demo-1", "-m", "Corrected notes"]);
    assert!(out.status.success(), "{}", stderr(&out));
    fs::write(
        work.join("records/demo-1/v2/notes file.txt"),
        "Corrected notes.\n",
    )
    .unwrap();
    let (ok, seen) = push(&work, "demo-1 v2 draft");
    assert!(ok, "{seen}");
    assert!(
        served(&www, "record/demo-1/v2/r1/notes file.txt")
            .is_some_and(|t| t == "Corrected notes.\n")
    );
    assert_ne!(fs::read_link(&www).unwrap(), first_build);

    // A change to the published version 1: rejected.
    let v1_data = work.join("records/demo-1/v1/data2.yaml");
    fs::write(
        &v1_data,
        fs::read_to_string(&v1_data).unwrap().replace("1.2", "1.3"),
    )
    .unwrap();
    let (ok, seen) = push(&work, "edit v1");
    assert!(!ok, "{seen}");
    assert!(seen.contains("remote: records/demo-1/v1/data2.yaml: error[E047]: this file changed after version 1 was published"), "{seen}");

    // The same change with the lock removed: the previous revision's lock still holds.
    fs::remove_file(work.join("records/demo-1/v1.lock")).unwrap();
    git_ok(&work, &["add", "-A"]);
    git_ok(
        &work,
        &["commit", "-q", "--amend", "-m", "edit v1, drop the lock"],
    );
    let out = git(&work, &["push", "origin", "main"]);
    let seen = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{seen}");
    assert!(
        seen.contains(
            "records/demo-1/v1.lock: error[E048]: the lock of published version 1 was removed"
        ),
        "{seen}"
    );
    assert!(
        seen.contains("records/demo-1/v1/data2.yaml: error[E047]"),
        "{seen}"
    );
    git_ok(&work, &["reset", "-q", "--hard", "origin/main"]);

    // Tables renumbered and the lock written anew: the rewrite and the renumbering named.
    let sub = work.join("records/demo-1/v1/submission.yaml");
    let text = fs::read_to_string(&sub).unwrap();
    fs::write(
        &sub,
        text.replace("name: Table 1", "name: Table X")
            .replace("name: Table 2", "name: Table 1")
            .replace("name: Table X", "name: Table 2"),
    )
    .unwrap();
    let digests = Command::new("sha256sum")
        .args([
            "data1.yaml",
            "data2.yaml",
            "likelihood.json",
            "notes file.txt",
            "submission.yaml",
        ])
        .current_dir(work.join("records/demo-1/v1"))
        .output()
        .unwrap();
    fs::write(work.join("records/demo-1/v1.lock"), digests.stdout).unwrap();
    let (ok, seen) = push(&work, "renumber v1");
    assert!(!ok, "{seen}");
    assert!(
        seen.contains("error[E048]: the lock of published version 1 was rewritten"),
        "{seen}"
    );
    assert!(seen.contains("error[E049]: table \"Table 1\" was table 1 when version 1 was published and is now table 2"), "{seen}");
    assert!(
        seen.contains("records/demo-1/v1/submission.yaml: error[E047]"),
        "{seen}"
    );
    assert!(
        seen.contains("`git checkout -- records/demo-1/v1/submission.yaml`"),
        "{seen}"
    );
    git_ok(&work, &["reset", "-q", "--hard", "origin/main"]);

    // The branch cannot be deleted; CI's `hook verify` gives the same verdicts.
    let out = git(&work, &["push", "origin", ":main"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot be deleted"));
    let head = String::from_utf8(git(&work, &["rev-parse", "HEAD"]).stdout).unwrap();
    let out = hepstatic(&work, &["hook", "verify", "HEAD~1", head.trim()]);
    assert!(out.status.success(), "{}", stderr(&out));
    fs::write(&v1_data, "changed\n").unwrap();
    git_ok(&work, &["commit", "-q", "-am", "edit"]);
    let out = hepstatic(&work, &["hook", "verify", head.trim(), "HEAD"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("check failed"), "{}", stderr(&out));
}

#[test]
fn install_refuses_what_is_not_a_bare_repository_or_not_its_hook() {
    let tmp = tempfile::tempdir().unwrap();
    git_ok(tmp.path(), &["init", "-q", "work"]);
    let out = hepstatic(
        tmp.path(),
        &["hook", "install", "work", "--web-root", "www"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not a bare repository"),
        "{}",
        stderr(&out)
    );

    git_ok(
        tmp.path(),
        &["init", "-q", "--bare", "-b", "main", "bare.git"],
    );
    fs::write(
        tmp.path().join("bare.git/hooks/pre-receive"),
        "#!/bin/sh\nexit 0\n",
    )
    .unwrap();
    let out = hepstatic(
        tmp.path(),
        &["hook", "install", "bare.git", "--web-root", "www"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--force"), "{}", stderr(&out));
    let out = hepstatic(
        tmp.path(),
        &[
            "hook",
            "install",
            "bare.git",
            "--web-root",
            "www",
            "--force",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
}

/// The example CI workflows in docs/ci are YAML and run the same check as the hook.
#[test]
fn example_ci_workflows_parse_and_run_hook_verify() {
    for name in ["github-actions.yml", "gitlab-ci.yml"] {
        let path = repo().join("docs/ci").join(name);
        let text = fs::read_to_string(&path).unwrap();
        let docs = hepstatic::load::yaml::parse(&text, &path, false)
            .unwrap_or_else(|d| panic!("{name} is not YAML: {}", d.message));
        assert!(docs.problems.is_empty(), "{name}: {:?}", docs.problems);
        assert!(docs.docs[0].as_map().is_some(), "{name}");
        assert!(
            text.contains("hepstatic hook verify \"$old\" HEAD"),
            "{name}"
        );
        assert!(
            text.contains("--register") && text.contains("DATACITE_PASSWORD"),
            "{name}"
        );
    }
}
