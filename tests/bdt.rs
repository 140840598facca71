//! `hepstatic bdt` on the corpus's TMVA weight files, against an independent evaluator: a
//! short Python program (xml.etree) written from TMVA's standalone-class algorithm, sharing
//! no code with the Rust reader.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

fn bdt_file(name: &str) -> PathBuf {
    shared().join("corpus/bdt").join(name)
}

/// A hand-written weight file of tests/fixtures/bdt, by its stem.
fn fixture(stem: &str) -> PathBuf {
    repo().join(format!("tests/fixtures/bdt/{stem}.weights.xml"))
}

/// `hepstatic bdt FILE --input NAME=VALUE ...`: the exit code and what it printed.
fn evaluate(file: &Path, inputs: &[(&str, f64)]) -> (Option<i32>, String) {
    let mut args = vec!["bdt".to_string(), file.display().to_string()];
    for (name, x) in inputs {
        args.push("--input".into());
        args.push(format!("{name}={x}"));
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = hepstatic(&repo(), &args);
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
    (out.status.code(), text.trim().to_string())
}

/// The independent evaluator: prints one MVA value per input row (JSON list of lists).
const PYTHON: &str = r#"
import json, math, sys
import xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
opts = {o.get("name"): (o.text or "").strip() for o in root.find("Options")}
boost = opts.get("BoostType", "AdaBoost")
yesno = opts.get("UseYesNoLeaf", "True").lower() == "true"
trees = root.find("Weights").findall("BinaryTree")
labels = [v.get("Label") for v in root.find("Variables").findall("Variable")]
# Input transformations, with the all-classes parameters (the last Class or Matrix).
steps = []
transformations = root.find("Transformations")
for t in [] if transformations is None else transformations.findall("Transform"):
    sel = t.find("Selection")
    idx = list(range(len(labels))) if sel is None else [
        labels.index(i.get("Label")) for i in sel.find("Input").findall("Input")]
    if t.get("Name") == "Normalize":
        ranges = t.findall("Class")[-1].find("Ranges").findall("Range")
        steps.append(("N", idx, [(float(r.get("Min")), float(r.get("Max"))) for r in ranges]))
    elif t.get("Name") == "Decorrelation":
        flat = [float(v) for v in t.findall("Matrix")[-1].text.split()]
        n = len(idx)
        steps.append(("D", idx, [flat[r * n:(r + 1) * n] for r in range(n)]))
    else:
        sys.exit("unsupported transformation " + t.get("Name"))
def transform(x):
    x = list(x)
    for kind, idx, p in steps:
        if kind == "N":
            for k, i in enumerate(idx):
                lo, hi = p[k]
                x[i] = 2.0 * (x[i] - lo) / (hi - lo) - 1.0
        else:
            v = [x[i] for i in idx]
            for r, i in enumerate(idx):
                x[i] = sum(p[r][c] * v[c] for c in range(len(idx)))
    return x
def leaf(node, x):
    while int(node.get("nType")) == 0:
        kids = {c.get("pos"): c for c in node.findall("Node")}
        if "l" not in kids or "r" not in kids:
            break
        above = x[int(node.get("IVar"))] >= float(node.get("Cut"))
        node = kids["r"] if above == (int(node.get("cType")) == 1) else kids["l"]
    return node
for x in map(transform, json.loads(sys.argv[2])):
    if boost == "Grad":
        s = sum(float(leaf(t.find("Node"), x).get("res")) for t in trees)
        print(2.0 / (1.0 + math.exp(-2.0 * s)) - 1.0)
    else:
        num = den = 0.0
        for t in trees:
            w = float(t.get("boostWeight"))
            n = leaf(t.find("Node"), x)
            num += w * (float(n.get("nType")) if yesno else float(n.get("purity")))
            den += w
        print(num / den)
"#;

/// Points spread over each variable's training range.
fn points(vars: &[(String, f64, f64)]) -> Vec<Vec<f64>> {
    (0..7)
        .map(|k| {
            vars.iter()
                .enumerate()
                .map(|(i, (_, lo, hi))| {
                    let t = ((k * 37 + i * 11) % 13) as f64 / 12.0;
                    lo + t * (hi - lo)
                })
                .collect()
        })
        .collect()
}

#[test]
fn evaluates_like_an_independent_python_evaluator() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("tmva_eval.py");
    std::fs::write(&script, PYTHON).unwrap();
    let files = [
        "Alam-Danish-Higgs_TMVA_BDT.weights.xml",
        "fastmachinelearning-tmva-training_BDT.weights.xml",
        "onkursen-squark-search_BDT.weights.xml",
        "stepobr-QGID_BDTD.weights.xml",
        "stepobr-QGID_BDTG.weights.xml",
        "stepobr-QGID_BDTMitFisher.weights.xml",
    ]
    .map(bdt_file)
    .into_iter()
    .chain(["normalized", "decorrelated"].map(fixture));
    for file in files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&file).unwrap();
        let bdt = hepstatic::bdt::read(&text).unwrap();
        let vars: Vec<(String, f64, f64)> = bdt
            .variables
            .iter()
            .map(|v| (v.expression.clone(), v.min.unwrap(), v.max.unwrap()))
            .collect();
        let rows = points(&vars);
        let py = Command::new("python3")
            .arg(&script)
            .arg(&file)
            .arg(serde_json::to_string(&rows).unwrap())
            .output()
            .unwrap();
        assert!(
            py.status.success(),
            "{}",
            String::from_utf8_lossy(&py.stderr)
        );
        let expected: Vec<f64> = String::from_utf8_lossy(&py.stdout)
            .lines()
            .map(|l| l.parse().unwrap())
            .collect();
        for (row, want) in rows.iter().zip(&expected) {
            let mut args = vec!["bdt".to_string(), file.display().to_string()];
            for ((name, _, _), x) in vars.iter().zip(row) {
                args.push("--input".into());
                args.push(format!("{name}={x:e}"));
            }
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let out = hepstatic(dir.path(), &args);
            assert!(out.status.success(), "{name}: {}", stderr(&out));
            let got: f64 = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap();
            assert!(
                (got - want).abs() < 1e-12,
                "{name} at {row:?}: {got} vs {want}"
            );
        }
    }
}

#[test]
fn summarises_every_corpus_file() {
    // NVar and NTrees as EXPECTED.tsv gives them.
    for (name, method, nvar, ntrees, tmva) in [
        (
            "Alam-Danish-Higgs_TMVA_BDT.weights.xml",
            "BDT::BDT",
            30,
            850,
            "4.2.1 [262657]",
        ),
        (
            "fastmachinelearning-tmva-training_BDT.weights.xml",
            "BDT::BDT",
            4,
            800,
            "4.2.1 [262657]",
        ),
        (
            "onkursen-squark-search_BDT.weights.xml",
            "BDT::BDT",
            12,
            70,
            "4.1.4 [262404]",
        ),
        (
            "stepobr-QGID_BDTD.weights.xml",
            "BDT::BDTD",
            4,
            400,
            "4.1.3 [262403]",
        ),
        (
            "stepobr-QGID_BDTG.weights.xml",
            "BDT::BDTG",
            5,
            1000,
            "4.1.3 [262403]",
        ),
        (
            "stepobr-QGID_BDTMitFisher.weights.xml",
            "BDT::BDTMitFisher",
            4,
            50,
            "4.1.3 [262403]",
        ),
    ] {
        let text = std::fs::read_to_string(bdt_file(name)).unwrap();
        let bdt = hepstatic::bdt::read(&text).unwrap();
        assert_eq!(bdt.method, method);
        assert_eq!(bdt.variables.len(), nvar, "{name}");
        assert_eq!(bdt.ntrees, ntrees, "{name}");
        assert_eq!(bdt.tmva_version.as_deref(), Some(tmva), "{name}");
    }
    // The decorrelated BDT says what it was booked with and what is applied.
    let out = hepstatic(
        &repo(),
        &[
            "bdt",
            bdt_file("stepobr-QGID_BDTD.weights.xml").to_str().unwrap(),
        ],
    );
    assert!(out.status.success());
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(
        summary.contains("input transformation: Decorrelate\n"),
        "{summary}"
    );
    assert!(
        summary.contains("transformations applied: Decorrelation\n"),
        "{summary}"
    );
}

#[test]
fn malformed_xml_is_rejected_with_its_position() {
    let file = repo().join("tests/fixtures/bdt/malformed.weights.xml");
    let out = hepstatic(&repo(), &["bdt", file.to_str().unwrap(), "--input", "x=1"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("malformed.weights.xml:5:3: not well-formed XML"),
        "{err}"
    );
}

#[test]
fn c32_bdt_is_read_with_entities_and_cdata_as_text() {
    let text = std::fs::read_to_string(shared().join("cases/c32/input/bdt_weights.xml")).unwrap();
    let bdt = hepstatic::bdt::read(&text).unwrap();
    assert_eq!(bdt.variables.len(), 2);
    assert_eq!(bdt.ntrees, 2);
}

/// The hand-written files, worked out by hand: AdaBoost with yes/no leaves gives
/// (sum of boost weight x leaf type) / (sum of boost weights).
#[test]
fn input_transformations_worked_by_hand() {
    // normalized: x' = 2 (x - 0) / 10 - 1 and y' = 2 (y + 2) / 4 - 1 (the all-classes
    // ranges); tree 0 (weight 1) is +1 when x' >= 0, tree 1 (weight 0.5) when y' >= 0.5.
    let n = fixture("normalized");
    for (x, y, want) in [
        // x' = 0.2, y' = 0.75: both +1.
        (6.0, 1.5, "1"),
        // y' = 0.25: (1 - 0.5) / 1.5. Untransformed, y = 0.5 would pass the cut: 1.
        (6.0, 0.5, "0.3333333333333333"),
        // x' = -0.1: (-1 + 0.5) / 1.5. Class 1's ranges (0-8) would give x' = 0.125: 1.
        (4.5, 1.5, "-0.3333333333333333"),
        // x' = -0.002, y' = 0.45: both -1.
        (4.99, 0.9, "-1"),
    ] {
        assert_eq!(
            evaluate(&n, &[("x", x), ("y", y)]),
            (Some(0), want.to_string()),
            "{x}, {y}"
        );
    }

    // decorrelated: y' = x + y from the last matrix, row by row; +1 when y' >= 1. The
    // transposed matrix (y' = y) or another class's would give -1 at (0.6, 0.6).
    let d = fixture("decorrelated");
    assert_eq!(
        evaluate(&d, &[("x", 0.6), ("y", 0.6)]),
        (Some(0), "1".to_string())
    );
    assert_eq!(
        evaluate(&d, &[("x", 0.3), ("y", 0.6)]),
        (Some(0), "-1".to_string())
    );
}

#[test]
fn unsupported_transformations_are_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture("normalized")).unwrap();
    let gauss = dir.path().join("gauss.weights.xml");
    std::fs::write(
        &gauss,
        text.replace(r#"Name="Normalize""#, r#"Name="Gauss""#),
    )
    .unwrap();
    let (code, printed) = evaluate(&gauss, &[("x", 1.0), ("y", 1.0)]);
    assert_eq!(code, Some(1));
    assert!(
        printed.ends_with(
            "gauss.weights.xml: cannot evaluate: the input transformation \"Gauss\" is not supported; hepstatic applies Normalize and Decorrelation"
        ),
        "{printed}"
    );

    // Booked, but not described in the file: refused rather than run on raw inputs.
    let start = text.find("<Transformations").unwrap();
    let end = text.find("</Transformations>").unwrap() + "</Transformations>".len();
    let bare = dir.path().join("bare.weights.xml");
    std::fs::write(&bare, format!("{}{}", &text[..start], &text[end..])).unwrap();
    let (code, printed) = evaluate(&bare, &[("x", 1.0), ("y", 1.0)]);
    assert_eq!(code, Some(1));
    assert!(
        printed.contains("\"N (booked, but the file has no <Transformations>)\""),
        "{printed}"
    );
}
