//! The checker over every submission and lone data file of `../shared/corpus`, compared
//! with the reference validator's verdicts in EXPECTED.tsv.
//!
//! The corpus sits beside the repository (read-only in CI). If it is missing this test
//! fails: a skipped corpus must never pass silently.

use std::path::{Path, PathBuf};

use hepstatic::check::{check, counts};
use hepstatic::load::{Options, load};

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
}

fn expected(dir: &Path) -> Vec<Expected> {
    let text = std::fs::read_to_string(dir.join("EXPECTED.tsv")).unwrap();
    text.lines()
        .skip(1)
        .map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            Expected {
                path: cols[0].to_string(),
                kind: cols[1].to_string(),
                verdict: cols[2].to_string(),
                errors: cols[3].parse().unwrap_or(0),
            }
        })
        .collect()
}

/// Items where hepstatic's verdict differs from the reference's on purpose, with why.
/// Each reason is a claim the checker issue's own tests demonstrate.
const KNOWN_DIFFERENCES: &[(&str, &str)] = &[];

#[test]
fn every_submission_and_data_file_is_checked_without_panic() {
    let dir = corpus();
    let items: Vec<Expected> = expected(&dir)
        .into_iter()
        .filter(|e| matches!(e.kind.as_str(), "directory" | "single_yaml" | "data_file"))
        .collect();
    assert!(
        items.len() >= 40,
        "expected the whole corpus, found {} items",
        items.len()
    );

    let mut agree = 0;
    let mut report = Vec::new();
    for item in &items {
        let path = dir.join(&item.path);
        let loaded =
            load(&path, &Options::default()).unwrap_or_else(|e| panic!("{}: {e}", item.path));
        let diagnostics = check(&loaded);
        let (errors, _) = counts(&diagnostics);
        let verdict = if errors == 0 { "valid" } else { "invalid" };
        if verdict == item.verdict {
            agree += 1;
        } else if let Some((_, why)) = KNOWN_DIFFERENCES.iter().find(|(p, _)| *p == item.path) {
            report.push(format!("  differs on purpose: {} ({why})", item.path));
        } else {
            report.push(format!(
                "  DISAGREES: {}: reference {} ({} errors), hepstatic {verdict} ({errors} errors)",
                item.path, item.verdict, item.errors
            ));
        }
    }
    println!(
        "verdicts agreeing with the reference: {agree} of {}",
        items.len()
    );
    for line in &report {
        println!("{line}");
    }
}
