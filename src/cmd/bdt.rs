//! `hepstatic bdt`: describe a published TMVA BDT and evaluate it, without ROOT.

use std::path::Path;

use anyhow::{Context as _, Result};

use crate::bdt;

use super::{EXIT_FAILURE, EXIT_OK, EXIT_PROBLEMS};

/// Reads the weight file; with inputs (`NAME=VALUE`, by expression or label), prints the
/// classifier's output on stdout, else a summary of the BDT on stdout.
///
/// # Errors
/// When the file cannot be read.
pub fn run(file: &Path, inputs: &[String]) -> Result<i32> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let bdt = match bdt::read(&text) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{}:{e}", file.display());
            return Ok(EXIT_PROBLEMS);
        }
    };
    if inputs.is_empty() {
        print!("{}", summary(&bdt));
        return Ok(EXIT_OK);
    }

    let mut values: Vec<Option<f64>> = vec![None; bdt.variables.len()];
    for input in inputs {
        let Some((name, value)) = input.split_once('=') else {
            eprintln!("error: --input {input}: write NAME=VALUE");
            return Ok(EXIT_FAILURE);
        };
        let Ok(value) = value.trim().parse::<f64>() else {
            eprintln!("error: --input {input}: \"{value}\" is not a number");
            return Ok(EXIT_FAILURE);
        };
        let name = name.trim();
        let Some(i) = bdt
            .variables
            .iter()
            .position(|v| v.expression == name || v.label == name)
        else {
            eprintln!(
                "error: --input {input}: the BDT has no variable \"{name}\"; it reads: {}",
                names(&bdt)
            );
            return Ok(EXIT_FAILURE);
        };
        values[i] = Some(value);
    }
    let missing: Vec<&str> = bdt
        .variables
        .iter()
        .zip(&values)
        .filter(|(_, v)| v.is_none())
        .map(|(var, _)| var.expression.as_str())
        .collect();
    if !missing.is_empty() {
        eprintln!(
            "error: no value for {}; give every variable with --input NAME=VALUE",
            missing.join(", ")
        );
        return Ok(EXIT_FAILURE);
    }
    let values: Vec<f64> = values.into_iter().flatten().collect();
    match bdt.evaluate(&values) {
        Ok(x) => {
            println!("{x}");
            Ok(EXIT_OK)
        }
        Err(e) => {
            eprintln!("{}: cannot evaluate: {e}", file.display());
            Ok(EXIT_PROBLEMS)
        }
    }
}

fn names(bdt: &bdt::Bdt) -> String {
    bdt.variables
        .iter()
        .map(|v| v.expression.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The method, versions, variables and trees, one fact a line.
fn summary(bdt: &bdt::Bdt) -> String {
    let mut out = format!("method: {}\n", bdt.method);
    let or_unknown = |v: &Option<String>| v.clone().unwrap_or_else(|| "unknown".into());
    out += &format!("TMVA: {}\n", or_unknown(&bdt.tmva_version));
    out += &format!("ROOT: {}\n", or_unknown(&bdt.root_version));
    out += &format!("boost type: {}\n", bdt.boost_type);
    out += &format!("input transformation: {}\n", bdt.transform);
    let steps = bdt.transformations();
    if !steps.is_empty() {
        out += &format!("transformations applied: {}\n", steps.join(", "));
    }
    out += &format!("trees: {} ({} nodes)\n", bdt.ntrees, bdt.nodes);
    out += &format!("variables: {}\n", bdt.variables.len());
    for v in &bdt.variables {
        let range = match (v.min, v.max) {
            (Some(lo), Some(hi)) => format!(" [{lo}, {hi}]"),
            _ => String::new(),
        };
        let unit = if v.unit.is_empty() {
            String::new()
        } else {
            format!(" ({})", v.unit)
        };
        out += &format!("  {}: {}{unit}{range}\n", v.expression, v.title);
    }
    out
}
