//! Table downloads: CSV, JSON, YAML (and YODA), written from the record model.
//!
//! Every writer here is a pure function of a table and its data that returns the file's
//! text; the site stage decides where it goes. The helpers below are the conventions the
//! writers share with HEPData's own converters: how numbers are spelled, how
//! uncertainties are named, and how percentages become absolute.

pub mod csv;
pub mod json;
pub mod yaml;
pub mod yoda;

use std::borrow::Cow;
use std::fmt::Write;

use crate::model::{Amount, Point, Uncertainty, UncertaintyKind, Value};
use crate::render::number::{Shortest, c_exponent_from, may_tie, write_c_exp};

/// The shortest text that reads back as the same `f64`, spelled as Python's `repr`
/// spells a float (`7000.0`, `0.1`, `1e-05`, `1.5e+16`, `nan`, `inf`), because that is
/// what hepdata-converter writes and what users' scripts have seen for years.
pub(crate) fn repr(x: f64) -> String {
    let mut out = String::with_capacity(24);
    write_repr(&mut out, x);
    out
}

/// [`repr`] appended to `out`.
pub(crate) fn write_repr(out: &mut String, x: f64) {
    if x.is_nan() {
        out.push_str("nan");
        return;
    }
    if x.is_infinite() {
        out.push_str(if x > 0.0 { "inf" } else { "-inf" });
        return;
    }
    if may_tie(x) {
        // Rust's `Debug`, which the spelling has always come from, with Python's exponent.
        // TODO: at an exact tie Python keeps the even digit (`1.6450881958007812e-05`)
        // and Rust does not (`...813e-05`); zmij alone would match Python.
        let start = out.len();
        let _ = write!(out, "{x:?}");
        c_exponent_from(out, start);
        return;
    }
    // Python (and Rust's `Debug`) write plain digits from 1e-4 up to 1e16, with `.0` on
    // whole numbers: zmij's fixed layout, which it uses for that whole range.
    let a = x.abs();
    if a == 0.0 || (1e-4..1e16).contains(&a) {
        out.push_str(zmij::Buffer::new().format_finite(x));
        return;
    }
    // Beyond it, `1e-05` and `1.5e+16`: at least two exponent digits, always signed.
    let s = Shortest::new(x);
    if s.is_negative() {
        out.push('-');
    }
    s.write_mantissa(out, 0);
    out.push('e');
    write_c_exp(out, s.exp);
}

/// A value as text: numbers as [`repr`], text as written.
pub(crate) fn write_value_text(out: &mut String, v: &Value) {
    match v {
        Value::Number(x) => write_repr(out, *x),
        Value::Text(t) => out.push_str(t),
    }
}

/// A percentage as it is written back into a data file: `5%`, `2.5%`.
pub(crate) fn percent_text(p: f64) -> String {
    let mut out = String::with_capacity(24);
    write_percent_text(&mut out, p);
    out
}

/// [`percent_text`] appended to `out`.
pub(crate) fn write_percent_text(out: &mut String, p: f64) {
    if p.fract() == 0.0 && p.abs() < 1e15 {
        let _ = write!(out, "{}", p as i64);
    } else {
        write_repr(out, p);
    }
    out.push('%');
}

/// The column name of each uncertainty of a point, as hepdata-converter names them:
/// `error` when unlabelled, and a label used twice in one point becomes `label_1`,
/// `label_2`, ... so that no two uncertainties share a column. Labels used once are
/// borrowed from the point.
pub(crate) fn error_labels(point: &Point) -> Vec<Cow<'_, str>> {
    fn name(e: &Uncertainty) -> &str {
        e.label.as_deref().unwrap_or("error")
    }
    let mut seen: Vec<(&str, usize)> = Vec::new();
    point
        .errors
        .iter()
        .map(|e| {
            let label = name(e);
            let total = point.errors.iter().filter(|&o| name(o) == label).count();
            if total == 1 {
                return Cow::Borrowed(label);
            }
            let n = match seen.iter_mut().find(|(l, _)| *l == label) {
                Some((_, n)) => {
                    *n += 1;
                    *n
                }
                None => {
                    seen.push((label, 1));
                    1
                }
            };
            Cow::Owned(format!("{label}_{n}"))
        })
        .collect()
}

/// One side of an uncertainty in absolute terms, `None` when the side is empty (`''`)
/// or a percentage has no numeric value to apply to.
///
/// A percentage is taken of the magnitude of the value, so that the "up" side of a
/// negative value stays up (hepdata-converter multiplies by the signed value, which
/// swaps up and down for negative values).
pub(crate) fn absolute(amount: &Amount, value: Option<f64>) -> Option<f64> {
    match *amount {
        Amount::Absolute(x) => Some(x),
        Amount::Percent(p) => value.map(|v| v.abs() * p / 100.0),
        Amount::Empty => None,
    }
}

/// The (plus, minus) sides of an uncertainty in absolute terms. The minus side of a
/// symmetric uncertainty is the negated plus side, as the reference writes it.
pub(crate) fn sides(kind: &UncertaintyKind, value: Option<f64>) -> (Option<f64>, Option<f64>) {
    match kind {
        UncertaintyKind::Symmetric(a) => {
            let plus = absolute(a, value).map(f64::abs);
            (plus, plus.map(|p| -p))
        }
        UncertaintyKind::Asymmetric { plus, minus } => {
            (absolute(plus, value), absolute(minus, value))
        }
    }
}

/// Tables for the writers' unit tests, read from YAML text by hepstatic's own loader.
#[cfg(test)]
pub(crate) mod fixture {
    use std::path::PathBuf;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use crate::model::{Pos, Spanned, Table, TableData};

    /// The data of a YAML data file's text.
    pub fn data(yaml: &str) -> TableData {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let n = COUNT.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("hepstatic-{}-{n}.yaml", std::process::id()));
        std::fs::write(&path, yaml).unwrap();
        let mut diags = Vec::new();
        let data = crate::load::load_data(&path, &mut diags);
        let _ = std::fs::remove_file(&path);
        data.unwrap_or_else(|| panic!("{diags:?}"))
    }

    /// A table document with only a name and a description.
    pub fn table(name: &str) -> Table {
        Table {
            name: Spanned::new(name.to_string(), Pos::NONE),
            description: Some("A test table.".into()),
            location: None,
            keywords: vec![],
            data_file: Some(Spanned::new("data.yaml".into(), Pos::NONE)),
            data_schema: None,
            resources: vec![],
            license: None,
            related_dois: vec![],
            pos: Pos::NONE,
            data_path: PathBuf::from("data.yaml"),
            data: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Pos;

    /// `repr` as it was written with Rust's `Debug`, the reference spelling.
    fn repr_by_debug(x: f64) -> String {
        if x.is_nan() {
            return "nan".to_string();
        }
        let s = format!("{x:?}");
        match s.split_once('e') {
            Some((mantissa, exp)) => {
                let (sign, digits) = match exp.strip_prefix('-') {
                    Some(d) => ('-', d),
                    None => ('+', exp),
                };
                format!("{mantissa}e{sign}{digits:0>2}")
            }
            None => s,
        }
    }

    #[test]
    fn repr_spells_as_debug_spells_it() {
        for x in crate::render::number::test_values() {
            assert_eq!(repr(x), repr_by_debug(x), "bits {:#x}", x.to_bits());
            if x.fract() != 0.0 || x.abs() >= 1e15 {
                assert_eq!(percent_text(x), format!("{}%", repr_by_debug(x)));
            }
        }
    }

    #[test]
    fn numbers_are_spelled_as_python_spells_them() {
        let cases = [
            (7000.0, "7000.0"),
            (0.1, "0.1"),
            (-1.2, "-1.2"),
            (212.5, "212.5"),
            (1e-5, "1e-05"),
            (0.0001, "0.0001"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (1.2345678901234568e17, "1.2345678901234568e+17"),
            (2.5e-300, "2.5e-300"),
            (-0.0, "-0.0"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (f64::NAN, "nan"),
        ];
        for (x, text) in cases {
            assert_eq!(repr(x), text);
            if !x.is_nan() {
                assert_eq!(text.parse::<f64>().unwrap(), x, "{text} must read back");
            }
        }
    }

    fn point(labels: &[Option<&str>]) -> Point {
        Point {
            value: None,
            bin: None,
            errors: labels
                .iter()
                .map(|l| Uncertainty {
                    label: l.map(Into::into),
                    kind: UncertaintyKind::Symmetric(Amount::Absolute(1.0)),
                    pos: Pos::NONE,
                })
                .collect(),
            pos: Pos::NONE,
        }
    }

    #[test]
    fn repeated_labels_are_numbered() {
        let p = point(&[Some("sys"), None, Some("stat"), Some("sys"), Some("sys")]);
        assert_eq!(
            error_labels(&p),
            ["sys_1", "error", "stat", "sys_2", "sys_3"]
        );
    }

    #[test]
    fn percentages_use_the_magnitude_of_the_value() {
        // c13: -10.0 with 10% is +1.0 / -1.0, not -1.0 / +1.0.
        let sym = UncertaintyKind::Symmetric(Amount::Percent(10.0));
        assert_eq!(sides(&sym, Some(-10.0)), (Some(1.0), Some(-1.0)));
        let asym = UncertaintyKind::Asymmetric {
            plus: Amount::Percent(2.5),
            minus: Amount::Percent(-1.5),
        };
        assert_eq!(sides(&asym, Some(8.0)), (Some(0.2), Some(-0.12)));
        assert_eq!(sides(&sym, None), (None, None));
        assert_eq!(percent_text(5.0), "5%");
        assert_eq!(percent_text(-1.5), "-1.5%");
    }
}
