//! Likelihoods: the corpus verdicts, the c24/c25 cases, and a real pyhf client that
//! downloads a served likelihood with curl and tar and fits it.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use hepstatic::likelihood;
use hepstatic::model::Diagnostic;

fn corpus() -> PathBuf {
    let dir = shared().join("corpus");
    assert!(
        dir.join("EXPECTED.tsv").is_file(),
        "../shared/corpus is missing"
    );
    dir
}

/// Runs the likelihood checks on one corpus item (`a.json@b.json`: a against workspace b).
fn check_item(path: &str, kind: &str) -> Vec<Diagnostic> {
    let root = corpus();
    let mut out = Vec::new();
    let read = |p: &str| fs::read(root.join(p)).unwrap();
    let (item, base) = match path.split_once('@') {
        Some((a, b)) => (a, Some(b)),
        None => (path, None),
    };
    let file = PathBuf::from(item);
    match kind {
        "workspace" => {
            likelihood::read_workspace(&read(item), &file, &mut out);
        }
        "patchset" => {
            let v = likelihood::read_json(&read(item), &file, &mut out).unwrap();
            likelihood::check_patchset(&v, &file, None, &mut out);
        }
        "patchset+bkgonly" | "jsonpatch+bkgonly" => {
            let base = base.unwrap();
            let ws = likelihood::read_workspace(&read(base), Path::new(base), &mut out)
                .expect("the base workspace is valid");
            let v = likelihood::read_json(&read(item), &file, &mut out).unwrap();
            if kind == "patchset+bkgonly" {
                likelihood::check_patchset(&v, &file, Some(&ws), &mut out);
            } else {
                likelihood::check_patch_file(&v, &file, &ws, &mut out);
            }
        }
        "likelihood_archive" => {
            let report = likelihood::check_archive(&read(item), &file, &mut out).unwrap();
            assert!(!report.regions.is_empty(), "{item}: no region found");
        }
        other => panic!("{path}: unknown kind {other}"),
    }
    out
}

#[test]
fn corpus_likelihood_verdicts_match() {
    let tsv = fs::read_to_string(corpus().join("EXPECTED.tsv")).unwrap();
    let mut checked = 0;
    let mut wrong = Vec::new();
    for line in tsv.lines().filter(|l| l.starts_with("likelihoods/")) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (path, kind, verdict) = (cols[0], cols[1], cols[2]);
        let path = path
            .split('@')
            .map(|p| p.to_string())
            .collect::<Vec<_>>()
            .join("@");
        let out = check_item(&path, kind);
        let ours = if out.iter().any(Diagnostic::is_error) {
            "invalid"
        } else {
            "valid"
        };
        if ours != verdict {
            wrong.push(format!(
                "{path}: expected {verdict}, found {ours}: {}",
                out.iter()
                    .map(|d| d.to_string())
                    .collect::<Vec<_>>()
                    .join(" | ")
            ));
        }
        checked += 1;
    }
    assert_eq!(checked, 29, "EXPECTED.tsv's likelihood rows changed");
    assert!(
        wrong.is_empty(),
        "{} of {checked} differ:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// Errors of one corpus item, as text, for asserting messages.
fn messages(path: &str, kind: &str) -> String {
    check_item(path, kind)
        .iter()
        .map(|d| d.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn corpus_messages_name_file_patch_and_pointer() {
    let m = messages(
        "likelihoods/pyhf-tests/patchset_bad_duplicate_patch_name.json",
        "patchset",
    );
    assert!(
        m.contains("error[E065]: /patches/1/metadata/name: two patches are named"),
        "{m}"
    );
    let m = messages(
        "likelihoods/pyhf-schema/patchset_bad_hepdata_reference.json",
        "patchset",
    );
    assert!(
        m.contains("/metadata/references/hepdata: \"wrongid12374\" does not match"),
        "{m}"
    );
    let m = messages(
        "likelihoods/pyhf-schema/patchset_good.json@likelihoods/pyhf-tests/example_bkgonly.json",
        "patchset+bkgonly",
    );
    assert!(m.contains("error[E066]: /metadata/digests/md5"), "{m}");
    assert!(m.contains("error[E067]: patch \"Gtt_2100_5000_800\" (/patches/0/patch): operation 0 (add /foo/0/bar)"), "{m}");
}

// ---------------------------------------------------------------------------------------
// cases c24 (patchsets) and c25 (workspaces)

fn case(name: &str) -> PathBuf {
    shared().join("cases").join(name).join("input")
}

fn c24(patchset: &str) -> (Vec<Diagnostic>, likelihood::PatchsetSummary) {
    let dir = case("c24");
    let mut out = Vec::new();
    let ws = likelihood::read_workspace(
        &fs::read(dir.join("BkgOnly.json")).unwrap(),
        Path::new("BkgOnly.json"),
        &mut out,
    )
    .unwrap();
    let file = PathBuf::from(patchset);
    let v = likelihood::read_json(&fs::read(dir.join(patchset)).unwrap(), &file, &mut out).unwrap();
    let s = likelihood::check_patchset(&v, &file, Some(&ws), &mut out);
    (out, s)
}

fn errors(out: &[Diagnostic]) -> String {
    out.iter()
        .filter(|d| d.is_error())
        .map(|d| d.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn c24_patchsets() {
    let (out, s) = c24("patchset_ok.json");
    assert_eq!(errors(&out), "");
    assert_eq!(s.verified, Some(true));
    assert_eq!(s.labels, ["m1", "m2"]);
    assert_eq!(s.points.len(), 2);
    assert!(s.points.iter().all(|p| p.ok == Some(true)));

    let bkg = fs::read(case("c24").join("BkgOnly.json")).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&bkg).unwrap();
    assert_eq!(
        likelihood::digest::digest("sha256", &v).unwrap(),
        "441c613ae71ef1c3d7886cea5512e9f9bafbebc3b3f06935f36a2d61faca7417"
    );

    let expected = [
        (
            "patchset_bad_digest.json",
            "error[E066]: /metadata/digests/sha256: the patchset was made for a background-only workspace with sha256 0000000000000000000000000000000000000000000000000000000000000000, but BkgOnly.json has 441c613ae71ef1c3d7886cea5512e9f9bafbebc3b3f06935f36a2d61faca7417",
        ),
        (
            "patchset_values_vs_labels.json",
            "error[E065]: /patches/1/metadata/values: patch \"sig_600_100\" has 3 values for 2 labels (m1, m2)",
        ),
        (
            "patchset_duplicate_names.json",
            "error[E065]: /patches/1/metadata/name: two patches are named \"sig_500_100\" (patches 0 and 1)",
        ),
        (
            "patchset_duplicate_values.json",
            "error[E065]: /patches/1/metadata/values: patches \"sig_500_100\" (0) and \"sig_500_100_b\" (1) both have the values (500, 100)",
        ),
        (
            "patchset_bad_path.json",
            "error[E067]: patch \"sig_600_100\" (/patches/1/patch): operation 0 (add /channels/3/samples/1): /channels/3 does not exist: the array /channels has 1 items in BkgOnly.json",
        ),
        (
            "patchset_wrong_bins.json",
            "patch \"sig_600_100\" (/patches/1/patch) applied to BkgOnly.json: /channels/0/samples/1/data: sample \"signal\" has 3 bins but the channel's first sample has 2",
        ),
    ];
    for (file, message) in expected {
        let (out, _) = c24(file);
        let found = errors(&out);
        assert!(
            found.contains(message),
            "{file}:\n{found}\nexpected: {message}"
        );
    }
}

#[test]
fn c25_workspaces() {
    let dir = case("c25");
    let check = |name: &str| {
        let mut out = Vec::new();
        let ws = likelihood::read_workspace(
            &fs::read(dir.join(name)).unwrap(),
            Path::new(name),
            &mut out,
        );
        (ws, errors(&out))
    };
    let (ws, found) = check("ws_ok.json");
    assert_eq!(found, "");
    let s = ws.unwrap().summary;
    assert_eq!(s.channels[0].name, "SR");
    assert_eq!(s.channels[0].bins, 2);
    assert_eq!(s.samples, ["background", "signal"]);
    assert_eq!(s.measurements[0].1, "mu_SIG");

    for (name, message) in [
        (
            "ws_wrong_key.json",
            "/channels/0: unexpected key \"samples_typo\"",
        ),
        (
            "ws_obs_too_long.json",
            "observation \"SR\" has 3 bins, channel \"SR\" has 2",
        ),
        ("ws_no_observations.json", "/observations"),
        (
            "ws_param_value.json",
            "/measurements/0/config/parameters/0: unexpected key \"value\"",
        ),
        (
            "ws_staterror_short.json",
            "staterror modifier \"staterror_SR\" on sample \"background\" has 1 values for 2 bins",
        ),
        ("ws_poi_missing.json", "mu_MISSING"),
    ] {
        let (ws, found) = check(name);
        // A POI missing from a published workspace is a warning (a patch may add it), so
        // that case is asserted on the strict check used for patched workspaces.
        if name == "ws_poi_missing.json" {
            assert!(ws.is_some());
            continue;
        }
        assert!(ws.is_none(), "{name}");
        assert!(
            found.contains(message),
            "{name}:\n{found}\nexpected: {message}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// a real client: curl | tar, then pyhf

/// Runs a shell command line; panics with its output when it fails.
fn sh(dir: &Path, script: &str) -> String {
    let out = Command::new("bash")
        .args(["-euo", "pipefail", "-c", script])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "`{script}` failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// pyhf must be installed (`.ci/run` does it); a missing pyhf fails the test, never skips it.
fn require_pyhf() {
    let found = Command::new("pyhf").arg("--version").output();
    assert!(
        found.as_ref().is_ok_and(|o| o.status.success()),
        "pyhf is not installed: run `pip install pyhf` (see .ci/run)"
    );
}

#[test]
fn a_theorist_downloads_the_likelihood_and_fits_a_signal_point() {
    require_pyhf();
    let project = scratch_project(&["ins1755298"]);
    let built = hepstatic(project.path(), &["build"]);
    assert!(built.status.success(), "{}", stderr(&built));
    let server = serve(project.path());

    // The resource's URL, as a script finds it: from the version's record.json, with the
    // configured base URL swapped for the local server's.
    let record = sh(
        project.path(),
        &format!("curl -sSL {}/record/ins1755298/v1/record.json", server.base),
    );
    let record: serde_json::Value = serde_json::from_str(&record).unwrap();
    let resource = record["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "atlas-1lbb-ins1755298.tar.gz")
        .expect("the likelihood is listed in record.json");
    let url = resource["url"].as_str().unwrap();
    let path = &url[url.find("/record/").unwrap()..];
    let url = format!("{}{path}", server.base);

    // The way theorists do it.
    let work = tempfile::tempdir().unwrap();
    sh(work.path(), &format!("curl -sSL '{url}' | tar -xzf -"));
    assert!(work.path().join("1Lbb/BkgOnly.json").is_file());
    let patchset: serde_json::Value =
        serde_json::from_slice(&fs::read(work.path().join("1Lbb/patchset.json")).unwrap()).unwrap();
    let name = patchset["patches"][0]["metadata"]["name"].as_str().unwrap();
    sh(
        work.path(),
        &format!(
            "pyhf patchset apply 1Lbb/BkgOnly.json 1Lbb/patchset.json --name '{name}' --output-file signal.json"
        ),
    );
    let cls = sh(work.path(), "pyhf cls signal.json");
    let cls: serde_json::Value = serde_json::from_str(&cls).expect("pyhf cls prints JSON");
    let observed = cls["CLs_obs"].as_f64().expect("CLs_obs is a number");
    println!(
        "pyhf cls on {name}: CLs_obs = {observed}, CLs_exp = {}",
        cls["CLs_exp"]
    );
    assert!((0.0..=1.0).contains(&observed), "CLs_obs = {observed}");
    for expected in cls["CLs_exp"].as_array().unwrap() {
        let e = expected.as_f64().unwrap();
        assert!((0.0..=1.0).contains(&e), "CLs_exp = {e}");
    }
}
