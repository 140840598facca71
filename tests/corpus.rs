//! The checker over every submission (folders, archives, single-YAML files) and lone data
//! file of `../shared/corpus`, compared with the reference validator's verdicts
//! (hepdata-validator 0.3.6, schema 1.1.1) in EXPECTED.tsv.
//!
//! The corpus sits beside the repository (read-only in CI). If it is missing this test
//! fails: a skipped corpus must never pass silently.
//!
//! Error counts are printed side by side but not required to match, because the two tools
//! count differently on purpose:
//! - the reference adds one "<file> is invalid HEPData YAML" line per invalid file; the
//!   "comparable" column leaves those out;
//! - the reference stops at the first invalid submission.yaml and never looks at the data
//!   files or stray files; hepstatic reports every problem of every file at once;
//! - the reference repeats one message per table for a shared mistake (a null licence is
//!   three messages, one per field); hepstatic reports one problem per place;
//! - hepstatic also reports what the reference misses (NaN, macOS files in archives).
//!
//! Set `HEPSTATIC_CORPUS_SHOW=<part of a path>` to print the diagnostics of matching items.

use std::path::{Path, PathBuf};

use hepstatic::check::{check, counts};
use hepstatic::load::{Options, load};
use hepstatic::model::Diagnostic;

fn corpus() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    assert!(
        dir.join("EXPECTED.tsv").is_file(),
        "the shared corpus is missing at {}: it must sit beside the repository",
        dir.display()
    );
    dir
}

struct Expected {
    path: String,
    kind: String,
    verdict: String,
    errors: usize,
    /// Error messages other than the per-file "is invalid HEPData YAML" headers.
    comparable: usize,
}

fn expected(dir: &Path) -> Vec<Expected> {
    let text = std::fs::read_to_string(dir.join("EXPECTED.tsv")).unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("EXPECTED.json")).unwrap()).unwrap();
    text.lines()
        .skip(1)
        .map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            let messages = json["items"][cols[0]]["messages"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            let comparable = messages
                .iter()
                .filter(|m| m["level"] == "error")
                .filter(|m| {
                    let text = m["message"].as_str().unwrap_or("");
                    !text.contains(" is invalid HEPData YAML")
                        && !text.contains(" is invalid against schema")
                })
                .count();
            Expected {
                path: cols[0].to_string(),
                kind: cols[1].to_string(),
                verdict: cols[2].to_string(),
                errors: cols[3].parse().unwrap_or(0),
                comparable,
            }
        })
        .collect()
}

/// Items where hepstatic's verdict differs from the reference's on purpose, with why.
/// Each reason is demonstrated by a test of tests/cases.rs. (None at present: hepstatic's
/// extra rules find problems only in items the reference also rejects.)
const KNOWN_DIFFERENCES: &[(&str, &str)] = &[];

/// Items whose error count differs from the reference's comparable count, with why. Every
/// other item must have exactly the same number of errors.
const COUNT_DIFFERENCES: &[(&str, &str)] = &[
    (
        "submissions/phenix-ppg088",
        "6 bins with low above high (0.8 to 0.78, ...), which the reference does not check",
    ),
    (
        "submissions/v0-ins1396331.tar.gz",
        "the reference stops at the invalid submission.yaml; hepstatic also reports the 32 \
         macOS ._ and .DS_Store files no table refers to",
    ),
    (
        "submissions/phenix-ppg003",
        "the reference stops at the invalid submission.yaml; hepstatic also reports the 4 \
         image files that the empty (null) additional_resources leave unreferenced",
    ),
    (
        "datafiles/validator-invalid_independent_variables.yaml",
        "a bin with two text edges is one message in the reference, one per edge here",
    ),
];

fn run(path: &Path) -> Vec<Diagnostic> {
    let loaded =
        load(path, &Options::default()).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    check(&loaded)
}

#[test]
fn verdicts_agree_with_the_reference_on_the_whole_corpus() {
    let dir = corpus();
    let items: Vec<Expected> = expected(&dir)
        .into_iter()
        .filter(|e| {
            matches!(
                e.kind.as_str(),
                "directory" | "single_yaml" | "data_file" | "archive"
            )
        })
        .collect();
    assert!(
        items.len() >= 43,
        "expected the whole corpus, found {} items",
        items.len()
    );
    let show = std::env::var("HEPSTATIC_CORPUS_SHOW").ok();

    let mut agree = 0;
    let mut wrong = Vec::new();
    let mut counts_differ = Vec::new();
    println!(
        "{:<52} {:>9} {:>5} {:>5} {:>9} {:>5} {:>5}",
        "item", "reference", "errs", "comp", "hepstatic", "errs", "warns"
    );
    for item in &items {
        let diagnostics = run(&dir.join(&item.path));
        let (errors, warnings) = counts(&diagnostics);
        let verdict = if errors == 0 { "valid" } else { "invalid" };
        let mark = if verdict == item.verdict {
            agree += 1;
            ""
        } else if KNOWN_DIFFERENCES.iter().any(|(p, _)| *p == item.path) {
            "  (differs on purpose)"
        } else {
            wrong.push(item.path.clone());
            "  <- DISAGREES"
        };
        let count_mark = if errors == item.comparable {
            ""
        } else if COUNT_DIFFERENCES.iter().any(|(p, _)| *p == item.path) {
            " (count differs, see COUNT_DIFFERENCES)"
        } else {
            counts_differ.push(format!(
                "{}: reference {} comparable errors, hepstatic {errors}",
                item.path, item.comparable
            ));
            " <- COUNT DIFFERS"
        };
        println!(
            "{:<52} {:>9} {:>5} {:>5} {:>9} {:>5} {:>5}{mark}{count_mark}",
            item.path, item.verdict, item.errors, item.comparable, verdict, errors, warnings
        );
        if show.as_deref().is_some_and(|s| item.path.contains(s)) {
            for d in &diagnostics {
                println!("    {d}");
            }
        }
    }
    println!(
        "verdicts agreeing with the reference: {agree} of {}",
        items.len()
    );
    for (path, why) in KNOWN_DIFFERENCES {
        println!("  differs on purpose: {path}: {why}");
    }
    for (path, why) in COUNT_DIFFERENCES {
        println!("  count differs: {path}: {why}");
    }
    assert!(
        wrong.is_empty(),
        "verdicts differ from the reference: {wrong:?}"
    );
    assert!(
        counts_differ.is_empty(),
        "error counts differ: {counts_differ:#?}"
    );
}

/// Under every schema version from 0.1.0 to 1.1.1, the verdicts agree with the reference's
/// (tests/fixtures/check/corpus_versions.tsv, made by hepdata-validator 0.3.6 offline).
/// One known difference: offline, the reference cannot fetch pyhf's schema and refuses
/// the pyhf table; hepstatic checks pyhf workspaces itself (online, the reference agrees:
/// EXPECTED.tsv has the table valid under 1.1.1).
#[test]
fn verdicts_agree_under_every_schema_version() {
    let dir = corpus();
    let table = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/check/corpus_versions.tsv"),
    )
    .unwrap();
    let mut compared = 0;
    let mut wrong = Vec::new();
    for line in table.lines().filter(|l| !l.starts_with('#')).skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (path, version, verdict) = (cols[0], cols[1], cols[2]);
        // 1.1.1 is compared with EXPECTED.tsv above.
        if version == "1.1.1" || (path == "submissions/pyhf-workspace-table" && version != "1.0.0")
        {
            continue;
        }
        let options = Options {
            schema_version: version.parse().unwrap(),
            ..Options::default()
        };
        let loaded = load(&dir.join(path), &options).unwrap();
        let (errors, _) = counts(&check(&loaded));
        let mine = if errors == 0 { "valid" } else { "invalid" };
        compared += 1;
        if mine != verdict {
            wrong.push(format!(
                "{path} under {version}: reference {verdict}, hepstatic {mine}"
            ));
        }
    }
    assert!(compared >= 160, "only {compared} verdicts compared");
    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// The two schema-0.x records are valid under the schema they were written for, which a
/// record declares or the settings choose (the reference agrees: valid with 0.1.0).
#[test]
fn old_records_pass_under_their_own_schema() {
    let dir = corpus();
    let options = Options {
        schema_version: "0.1.0".parse().unwrap(),
        ..Options::default()
    };
    for item in [
        "submissions/v0-ins944911",
        "submissions/v0-ins1396331.tar.gz",
    ] {
        let loaded = load(&dir.join(item), &options).unwrap();
        let diagnostics = check(&loaded);
        let errors: Vec<String> = diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.to_string())
            .collect();
        assert!(errors.is_empty(), "{item}: {errors:#?}");
    }
}
