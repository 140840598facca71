//! Rules about one table's data: shapes agree, numbers are finite, bins are ordered.

use std::path::Path;

use crate::load::parse_python_float;
use crate::model::{Amount, Diagnostic, Table, TableData, UncertaintyKind, Value, Variable};

pub fn check_table(table: &Table, _submission: &Path, out: &mut Vec<Diagnostic>) {
    if let Some(data) = &table.data {
        check_data(&table.data_path, data, out);
    }
}

/// Rules on a table's variables; `file` is where the data were written.
pub fn check_data(file: &Path, data: &TableData, out: &mut Vec<Diagnostic>) {
    check_lengths(file, data, out);
    for var in &data.independent {
        check_independent(file, var, out);
    }
    for var in &data.dependent {
        check_dependent(file, var, out);
    }
}

/// Every variable must have one value per row: a table is a grid.
fn check_lengths(file: &Path, data: &TableData, out: &mut Vec<Diagnostic>) {
    let all: Vec<&Variable> = data.independent.iter().chain(&data.dependent).collect();
    let Some(first) = all.first() else { return };
    let expected = first.values.len();
    for var in &all[1..] {
        if var.values.len() != expected {
            out.push(
                Diagnostic::error(
                    "E020",
                    file,
                    var.pos,
                    format!(
                        "\"{}\" has {} values but \"{}\" (line {}) has {}; every variable needs one value per row",
                        var.name.value,
                        var.values.len(),
                        first.name.value,
                        first.pos.line,
                        expected
                    ),
                )
                .with_help("add the missing rows or remove the extra ones; a missing measurement can be given as the text '-'"),
            );
        }
    }
}

fn check_independent(file: &Path, var: &Variable, out: &mut Vec<Diagnostic>) {
    for p in &var.values {
        if let Some(v) = &p.value {
            check_finite(file, v.pos, &v.value, "value", out);
            if let Value::Text(t) = &v.value
                && p.bin.is_none()
                && is_text_range(t)
            {
                out.push(
                        Diagnostic::error("E027", file, v.pos, format!("\"value\" is a range written as text, \"{t}\""))
                            .with_help("write the bin as `low:` and `high:` numbers so it can be plotted and exported"),
                    );
            }
        }
        if let Some(bin) = &p.bin {
            let (low, high) = (bin.low.value.as_f64(), bin.high.value.as_f64());
            for (edge, name) in [(&bin.low, "low"), (&bin.high, "high")] {
                if let Value::Number(x) = edge.value
                    && x.is_nan()
                {
                    out.push(
                        Diagnostic::error("E024", file, edge.pos, format!("\"{name}\" is NaN"))
                            .with_help("give the bin edge as a number"),
                    );
                }
            }
            if let (Some(l), Some(h)) = (low, high) {
                if l > h {
                    out.push(
                        Diagnostic::error(
                            "E023",
                            file,
                            bin.low.pos,
                            format!("bin edges are reversed: low {l} is above high {h}"),
                        )
                        .with_help("swap \"low\" and \"high\""),
                    );
                }
                if l == f64::NEG_INFINITY && h == f64::INFINITY {
                    out.push(
                        Diagnostic::error("E027", file, bin.low.pos, "this bin is open at both ends (-inf to inf)")
                            .with_help("give at least one finite edge; a single number without a bin is written as \"value\""),
                    );
                }
                if l == f64::INFINITY || h == f64::NEG_INFINITY {
                    out.push(
                        Diagnostic::error("E023", file, bin.low.pos, "an open bin must have -inf as \"low\" or inf as \"high\", not the reverse")
                            .with_help("use `low: -.inf` for an underflow bin, `high: .inf` for an overflow bin"),
                    );
                }
            }
        }
    }
}

fn check_dependent(file: &Path, var: &Variable, out: &mut Vec<Diagnostic>) {
    for p in &var.values {
        let value = p.value.as_ref();
        if let Some(v) = value {
            check_finite(file, v.pos, &v.value, "value", out);
        }
        let numeric = value.and_then(|v| v.value.as_f64());
        let mut amounts = Vec::new();
        for u in &p.errors {
            let sides: Vec<&Amount> = match &u.kind {
                UncertaintyKind::Symmetric(a) => vec![a],
                UncertaintyKind::Asymmetric { plus, minus } => vec![plus, minus],
            };
            for a in sides {
                let x = match a {
                    Amount::Absolute(x) | Amount::Percent(x) => *x,
                    Amount::Empty => 0.0,
                };
                if !x.is_finite() {
                    out.push(
                        Diagnostic::error(
                            "E024",
                            file,
                            u.pos,
                            format!(
                                "an uncertainty is {}",
                                if x.is_nan() { "NaN" } else { "infinite" }
                            ),
                        )
                        .with_help(
                            "give a finite number; leave out an uncertainty that is not known",
                        ),
                    );
                }
                if matches!(a, Amount::Percent(_)) && numeric.is_none() {
                    let found = value.map_or("no value".to_string(), |v| match &v.value {
                        Value::Text(t) => format!("the text \"{t}\""),
                        Value::Number(x) => x.to_string(),
                    });
                    out.push(
                        Diagnostic::error("E025", file, u.pos, format!("a percentage uncertainty needs a numeric value, but the value is {found}"))
                            .with_help("give the uncertainty as an absolute number, or make the value a number"),
                    );
                }
                amounts.push(x);
            }
        }
        if !amounts.is_empty() && amounts.iter().all(|&x| x == 0.0) {
            out.push(
                Diagnostic::error("E026", file, p.errors[0].pos, "every uncertainty of this point is zero")
                    .with_help("remove the \"errors\" list for a point without uncertainties, or give the real ones"),
            );
        }
    }
}

fn check_finite(
    file: &Path,
    pos: crate::model::Pos,
    value: &Value,
    what: &str,
    out: &mut Vec<Diagnostic>,
) {
    if let Value::Number(x) = value
        && !x.is_finite()
    {
        out.push(
                Diagnostic::error("E024", file, pos, format!("\"{what}\" is {}", if x.is_nan() { "NaN" } else { "infinite" }))
                    .with_help("give a finite number; for a missing measurement write the text '-' and explain it in the description"),
            );
    }
}

/// "0.5-1.0", "800 - 1000", "-5.3--2": two numbers joined by a dash.
fn is_text_range(text: &str) -> bool {
    let bytes = text.as_bytes();
    (1..bytes.len()).any(|i| {
        bytes[i] == b'-'
            && !matches!(bytes[i - 1], b'e' | b'E')
            && parse_python_float(&text[..i]).is_some()
            && parse_python_float(&text[i + 1..]).is_some()
    })
}

#[cfg(test)]
mod tests {
    use super::is_text_range;

    #[test]
    fn text_ranges() {
        for t in [
            "0.00-0.50",
            "800 - 1000",
            "-5.3--2",
            "+2.3E5 - +5E12",
            "-1e-09 - -3.5e-08",
        ] {
            assert!(is_text_range(t), "{t}");
        }
        for t in ["-5", "1e-3", "pT > 5", "2.0.0", "-"] {
            assert!(!is_text_range(t), "{t}");
        }
    }
}
