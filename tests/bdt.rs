//! `hepstatic bdt` on the corpus's TMVA weight files, against an independent evaluator: a
//! short Python program (xml.etree) written from TMVA's standalone-class algorithm, sharing
//! no code with the Rust reader.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::*;

fn bdt_file(name: &str) -> PathBuf {
    shared().join("corpus/bdt").join(name)
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
def leaf(node, x):
    while int(node.get("nType")) == 0:
        kids = {c.get("pos"): c for c in node.findall("Node")}
        if "l" not in kids or "r" not in kids:
            break
        above = x[int(node.get("IVar"))] >= float(node.get("Cut"))
        node = kids["r"] if above == (int(node.get("cType")) == 1) else kids["l"]
    return node
for x in json.loads(sys.argv[2]):
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
    for name in [
        "Alam-Danish-Higgs_TMVA_BDT.weights.xml",
        "fastmachinelearning-tmva-training_BDT.weights.xml",
        "onkursen-squark-search_BDT.weights.xml",
        "stepobr-QGID_BDTG.weights.xml",
        "stepobr-QGID_BDTMitFisher.weights.xml",
    ] {
        let file = bdt_file(name);
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
    // The decorrelated BDT is described but refused for evaluation, not evaluated wrongly.
    let out = hepstatic(
        &repo(),
        &[
            "bdt",
            bdt_file("stepobr-QGID_BDTD.weights.xml").to_str().unwrap(),
        ],
    );
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("input transformation: Decorrelate"));
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
