//! Rules about one table's data: shapes agree, numbers are finite, bins are ordered,
//! uncertainties mean something.
//!
//! Rules HEPData's validator applies only from a given schema version on are gated by
//! the record's version; the others (NaN, reversed or half-open bins, percentages of
//! text) are hepstatic's own and apply to every record.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use crate::model::{
    Amount, Diagnostic, Pos, SchemaVersion, Table, TableData, UncertaintyKind, Value, Variable,
};

pub fn check_table(table: &Table, version: SchemaVersion, out: &mut Vec<Diagnostic>) {
    if let Some(data) = &table.data {
        check_data(&table.data_path, data, version, out);
    }
}

/// Rules on a table's variables; `file` is where the data were written.
pub fn check_data(
    file: &Path,
    data: &TableData,
    version: SchemaVersion,
    out: &mut Vec<Diagnostic>,
) {
    if !version.is_v0() {
        check_lengths(file, data, out);
    }
    for (i, var) in data.independent.iter().enumerate() {
        check_independent(
            file,
            var,
            &format!("independent_variables[{i}]"),
            version,
            out,
        );
    }
    for (i, var) in data.dependent.iter().enumerate() {
        check_dependent(
            file,
            var,
            &format!("dependent_variables[{i}]"),
            version,
            out,
        );
    }
}

/// `dependent_variables[0].values[1] ("Events")`; written out only for a message, as most
/// rows have none.
#[derive(Clone, Copy)]
struct Row<'a> {
    path: &'a str,
    var: &'a Variable,
    index: usize,
}

impl fmt::Display for Row<'_> {
    fn fmt(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(out, "{}.values[{}]", self.path, self.index)?;
        if !self.var.name.value.is_empty() {
            write!(out, " (\"{}\")", self.var.name.value)?;
        }
        Ok(())
    }
}

/// `what`, then `: "value"`.
struct Field<'a>(Row<'a>, &'a str);

impl fmt::Display for Field<'_> {
    fn fmt(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(out, "{}: \"{}\"", self.0, self.1)
    }
}

/// Every variable must have one value per row: a table is a grid. And a table of x values
/// with nothing measured cannot be shown.
fn check_lengths(file: &Path, data: &TableData, out: &mut Vec<Diagnostic>) {
    let all: Vec<(String, &Variable)> = data
        .independent
        .iter()
        .enumerate()
        .map(|(i, v)| (format!("independent_variables[{i}]"), v))
        .chain(
            data.dependent
                .iter()
                .enumerate()
                .map(|(i, v)| (format!("dependent_variables[{i}]"), v)),
        )
        .collect();
    if !data.independent.is_empty() && data.dependent.is_empty() {
        let first = &data.independent[0];
        out.push(
            Diagnostic::error(
                "E029",
                file,
                first.pos,
                format!(
                    "this table has independent variables ({} rows) but no dependent variables",
                    first.values.len()
                ),
                )
            .with_help("add the measured values as dependent_variables; a table of bins alone cannot be plotted or exported"),
        );
    }
    // The row count most variables agree on; the first variable's when tied.
    let mut counts: BTreeMap<usize, (usize, usize)> = BTreeMap::new();
    for (order, (_, v)) in all.iter().enumerate() {
        let entry = counts.entry(v.values.len()).or_insert((0, order));
        entry.0 += 1;
    }
    let Some(expected) = counts
        .iter()
        .max_by(|a, b| a.1.0.cmp(&b.1.0).then(b.1.1.cmp(&a.1.1)))
        .map(|(len, _)| *len)
    else {
        return;
    };
    if counts.len() < 2 {
        return;
    }
    let summary: Vec<String> = all
        .iter()
        .map(|(_, v)| format!("\"{}\" {}", v.name.value, v.values.len()))
        .collect();
    for (path, var) in &all {
        if var.values.len() != expected {
            // Point at the first surplus row, often a row that should have been nested
            // in the one before it; a short variable is pointed at as a whole.
            let pos = var.values.get(expected).map_or(var.pos, |p| p.pos);
            out.push(
                Diagnostic::error(
                    "E020",
                    file,
                    pos,
                    format!(
                        "{path} (\"{}\") has {} row{}, but the table has {expected} (rows per variable: {})",
                        var.name.value,
                        var.values.len(),
                        if var.values.len() == 1 { "" } else { "s" },
                        summary.join(", ")
                    ),
                )
                .with_help("give every variable one value per row; a missing measurement can be given as the text '-' without errors"),
            );
        }
    }
}

fn check_independent(
    file: &Path,
    var: &Variable,
    path: &str,
    version: SchemaVersion,
    out: &mut Vec<Diagnostic>,
) {
    // Open bins, by their finite edge as HEPData's validator tells them apart: a 2D table
    // repeats the same overflow bin once per row of the other axis.
    let mut overflows: Vec<(String, Pos)> = Vec::new();
    let mut underflows: Vec<(String, Pos)> = Vec::new();
    for (j, p) in var.values.iter().enumerate() {
        let here = Row {
            path,
            var,
            index: j,
        };
        if let Some(v) = &p.value {
            check_finite(file, v.pos, &v.value, Field(here, "value"), out);
            if version >= SchemaVersion::V1_1_0
                && let Value::Text(t) = &v.value
                && p.bin.is_none()
                && is_text_range(t)
            {
                out.push(
                    Diagnostic::error(
                        "E027",
                        file,
                        v.pos,
                        format!("{here}: \"value\" is a range written as text, \"{t}\""),
                    )
                    .with_help("write the bin as `low:` and `high:` numbers so it can be plotted and exported"),
                );
            }
        }
        let Some(bin) = &p.bin else { continue };
        let (Some(l), Some(h)) = (bin.low.value.as_f64(), bin.high.value.as_f64()) else {
            continue;
        };
        for (x, edge, name) in [(l, &bin.low, "low"), (h, &bin.high, "high")] {
            if x.is_nan() {
                out.push(
                    Diagnostic::error("E024", file, edge.pos, format!("{here}: \"{name}\" is NaN"))
                        .with_help("give the bin edge as a number"),
                );
            }
        }
        if l.is_infinite() && h.is_infinite() {
            out.push(
                Diagnostic::error(
                    "E027",
                    file,
                    bin.low.pos,
                    format!("{here}: this bin is open at both ends ({l} to {h})"),
                )
                .with_help("give at least one finite edge; a single number without a bin is written as \"value\""),
            );
            continue;
        }
        if l == f64::INFINITY || h == f64::NEG_INFINITY {
            out.push(
                Diagnostic::error(
                    "E023",
                    file,
                    bin.low.pos,
                    format!("{here}: an open bin must have -inf as \"low\" or inf as \"high\", not the reverse"),
                )
                .with_help("use `low: -.inf` for an underflow bin, `high: .inf` for an overflow bin"),
            );
            continue;
        }
        if l > h {
            out.push(
                Diagnostic::error(
                    "E023",
                    file,
                    bin.low.pos,
                    format!("{here}: bin edges are reversed, \"low\" {l} is above \"high\" {h}"),
                )
                .with_help("swap \"low\" and \"high\""),
            );
        }
        if h == f64::INFINITY {
            let id = format!("{l:.4e}");
            if !overflows.iter().any(|(k, _)| *k == id) {
                overflows.push((id, bin.low.pos));
            }
        } else if l == f64::NEG_INFINITY {
            let id = format!("{h:.4e}");
            if !underflows.iter().any(|(k, _)| *k == id) {
                underflows.push((id, bin.high.pos));
            }
        }
    }
    for (open, side, edge) in [
        (&overflows, "overflow", "high: .inf"),
        (&underflows, "underflow", "low: -.inf"),
    ] {
        if open.len() > 1 {
            let starts: Vec<&str> = open.iter().map(|(k, _)| k.as_str()).collect();
            out.push(
                Diagnostic::error(
                    "E017",
                    file,
                    open[1].1,
                    format!(
                        "{path} (\"{}\") has {} different {side} bins (`{edge}`), at {}; at most one is allowed",
                        var.name.value,
                        open.len(),
                        starts.join(", ")
                    ),
                )
                .with_help("only the last bin may be open towards infinity: give the other bins a finite edge"),
            );
        }
    }
}

fn check_dependent(
    file: &Path,
    var: &Variable,
    path: &str,
    version: SchemaVersion,
    out: &mut Vec<Diagnostic>,
) {
    for (j, p) in var.values.iter().enumerate() {
        let here = Row {
            path,
            var,
            index: j,
        };
        let value = p.value.as_ref();
        if let Some(v) = value {
            check_finite(file, v.pos, &v.value, Field(here, "value"), out);
        }
        let numeric = value.and_then(|v| v.value.as_f64());
        let mut all_zero = !p.errors.is_empty();
        let mut percent_of_zero = None;
        for u in &p.errors {
            let sides: &[&Amount] = match &u.kind {
                UncertaintyKind::Symmetric(a) => &[a],
                UncertaintyKind::Asymmetric { plus, minus } => &[plus, minus],
            };
            // As HEPData counts it: an uncertainty is zero when both sides are 0 (or 0%);
            // an empty side is not zero.
            let zero = sides
                .iter()
                .all(|a| matches!(a, Amount::Absolute(x) | Amount::Percent(x) if *x == 0.0));
            all_zero &= zero;
            for &a in sides {
                let (Amount::Absolute(x) | Amount::Percent(x)) = a else {
                    continue;
                };
                if !x.is_finite() {
                    out.push(
                        Diagnostic::error(
                            "E024",
                            file,
                            u.pos,
                            format!(
                                "{here}: an uncertainty is {}",
                                if x.is_nan() { "NaN" } else { "infinite" }
                            ),
                        )
                        .with_help(
                            "give a finite number; leave out an uncertainty that is not known",
                        ),
                    );
                }
                if let Amount::Percent(pct) = a {
                    match (numeric, value) {
                        (Some(v), _) if v == 0.0 && *pct != 0.0 => percent_of_zero = Some(u.pos),
                        (Some(_), _) => {}
                        (None, v) => {
                            let found = v.map_or("no value".to_string(), |v| match &v.value {
                                Value::Text(t) => format!("the text \"{t}\""),
                                Value::Number(x) => x.to_string(),
                            });
                            out.push(
                                Diagnostic::error(
                                    "E025",
                                    file,
                                    u.pos,
                                    format!("{here}: a percentage uncertainty needs a numeric value, but the value is {found}"),
                                )
                                .with_help("give the uncertainty as an absolute number, or make the value a number"),
                            );
                        }
                    }
                }
            }
        }
        if let Some(pos) = percent_of_zero {
            out.push(
                Diagnostic::warning(
                    "W004",
                    file,
                    pos,
                    format!("{here}: a percentage of the value 0 is an uncertainty of 0"),
                )
                .with_help("give the uncertainty as an absolute number if it is not zero"),
            );
        }
        if all_zero && !version.is_v0() {
            out.push(
                Diagnostic::error(
                    "E026",
                    file,
                    p.pos,
                    format!("{here}: every uncertainty of this point is zero"),
                )
                .with_help("give the real uncertainties, or leave out \"errors\" for a point without them (for a missing point: value '-' and no errors)"),
            );
        }
    }
}

fn check_finite(
    file: &Path,
    pos: Pos,
    value: &Value,
    what: impl fmt::Display,
    out: &mut Vec<Diagnostic>,
) {
    if let Value::Number(x) = value
        && !x.is_finite()
    {
        out.push(
            Diagnostic::error(
                "E024",
                file,
                pos,
                format!("{what} is {}", if x.is_nan() { "NaN" } else { "infinite" }),
            )
            .with_help("give a finite number; for a missing measurement write the text '-' and leave out its errors; infinity is only meaningful as a bin edge"),
        );
    }
}

/// `0.5-1.0`, `800 - 1000`, `-5.3--2`: two decimal numbers joined by a dash, as HEPData's
/// validator recognises text ranges (`N\s*-\s*N` with `N = [+-]?\d+(\.\d*)?([eE][+-]?\d+)?`).
fn is_text_range(text: &str) -> bool {
    let text = text.strip_suffix('\n').unwrap_or(text);
    text.contains('-')
        && number_ends(text).into_iter().any(|rest| {
            let rest = rest.trim_start_matches(char::is_whitespace);
            rest.strip_prefix('-').is_some_and(|rest| {
                let rest = rest.trim_start_matches(char::is_whitespace);
                number_ends(rest).into_iter().any(str::is_empty)
            })
        })
}

/// Where a number `[+-]?\d+(\.\d*)?([eE][+-]?\d+)?` at the start of `s` may end: the
/// rest after it without its exponent, and with it when there is one.
fn number_ends(s: &str) -> Vec<&str> {
    let digits = |s: &str| s.len() - s.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let unsigned = s.strip_prefix(['+', '-']).unwrap_or(s);
    let n = digits(unsigned);
    if n == 0 {
        return Vec::new();
    }
    let mut rest = &unsigned[n..];
    if let Some(r) = rest.strip_prefix('.') {
        rest = &r[digits(r)..];
    }
    let mut ends = vec![rest];
    if let Some(r) = rest.strip_prefix(['e', 'E']) {
        let r = r.strip_prefix(['+', '-']).unwrap_or(r);
        let m = digits(r);
        if m > 0 {
            ends.push(&r[m..]);
        }
    }
    ends
}

#[cfg(test)]
mod tests {
    use super::is_text_range;

    #[test]
    fn text_ranges_as_hepdata_sees_them() {
        for t in [
            "0.00-0.50",
            "800 - 1000",
            "-5.3--2",
            "+2.3E5 -  +5E12",
            "-1e-09 - -3.5e-08",
            "1e3-2e3",
        ] {
            assert!(is_text_range(t), "{t}");
        }
        for t in [
            "-5", "1e-3", "pT > 5", "2.0.0", "-", ".5-1", "1-2 GeV", "a-b",
        ] {
            assert!(!is_text_range(t), "{t}");
        }
    }
}
