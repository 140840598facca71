//! A table's data (`independent_variables`, `dependent_variables`) from its nodes.

use crate::model::{
    Amount, Bin, Point, Qualifier, Spanned, TableData, Uncertainty, UncertaintyKind, Value,
    Variable,
};

use super::fields::{Fields, get};
use super::yaml::{Kind, Node, Resolved, shorten};

const DATA_KEYS: [&str; 2] = ["independent_variables", "dependent_variables"];
const VARIABLE_KEYS: [&str; 3] = ["header", "qualifiers", "values"];
const HEADER_KEYS: [&str; 2] = ["name", "units"];
const QUALIFIER_KEYS: [&str; 3] = ["name", "value", "units"];
const INDEPENDENT_VALUE_KEYS: [&str; 3] = ["value", "low", "high"];
const DEPENDENT_VALUE_KEYS: [&str; 2] = ["value", "errors"];
const ERROR_KEYS: [&str; 3] = ["symerror", "asymerror", "label"];
const ASYM_KEYS: [&str; 2] = ["plus", "minus"];

/// Reads a table's data from a mapping (a data file's only document, or an inline table
/// of a single-YAML submission, whose other keys the caller has already checked).
pub fn read_data(node: &Node, f: &mut Fields, inline: bool) -> Option<TableData> {
    let entries = f.map(node, "a data table")?;
    if !inline {
        f.unknown_keys(entries, &DATA_KEYS, "a data table");
    }
    let independent = f
        .required(entries, "independent_variables", node.pos, "the table")
        .map(|n| variables(n, f, true))
        .unwrap_or_default();
    let dependent = f
        .required(entries, "dependent_variables", node.pos, "the table")
        .map(|n| variables(n, f, false))
        .unwrap_or_default();
    Some(TableData {
        independent,
        dependent,
        source: None,
    })
}

fn variables(node: &Node, f: &mut Fields, independent: bool) -> Vec<Variable> {
    let what = if independent {
        "independent_variables"
    } else {
        "dependent_variables"
    };
    let Some(items) = f.seq(node, what) else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| variable(item, f, independent))
        .collect()
}

fn variable(node: &Node, f: &mut Fields, independent: bool) -> Option<Variable> {
    let what = if independent {
        "an independent variable"
    } else {
        "a dependent variable"
    };
    let entries = f.map(node, what)?;
    f.unknown_keys(entries, &VARIABLE_KEYS, what);

    let (name, units) = match f.required(entries, "header", node.pos, what) {
        Some(header) => match f.map(header, "a variable's header") {
            Some(h) => {
                f.unknown_keys(h, &HEADER_KEYS, "a header");
                let name = f
                    .required(h, "name", header.pos, "the header")
                    .and_then(|n| f.text(n, "a header's \"name\""));
                let units = get(h, "units").and_then(|n| {
                    // Units are often numbers-free text; tolerate a number written bare.
                    f.text_or_number(n, "a header's \"units\"").map(|s| s.value)
                });
                (name, units)
            }
            None => (None, None),
        },
        None => (None, None),
    };

    let qualifiers = match get(entries, "qualifiers") {
        Some(q) if independent => {
            f.error(
                "E012",
                q.pos,
                "independent variables take no \"qualifiers\"".to_string(),
                "move the qualifiers to the dependent variables they describe",
            );
            Vec::new()
        }
        Some(q) => qualifiers(q, f),
        None => Vec::new(),
    };

    let values = match f.required(entries, "values", node.pos, what) {
        Some(v) => match f.seq(v, "\"values\"") {
            Some(items) => items
                .iter()
                .filter_map(|p| point(p, f, independent))
                .collect(),
            None => Vec::new(),
        },
        None => Vec::new(),
    };

    Some(Variable {
        name: name.unwrap_or_else(|| Spanned::new(String::new(), node.pos)),
        units,
        qualifiers,
        values,
        pos: node.pos,
    })
}

fn qualifiers(node: &Node, f: &mut Fields) -> Vec<Qualifier> {
    let Some(items) = f.seq(node, "\"qualifiers\"") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in items {
        let Some(entries) = f.map(item, "a qualifier") else {
            continue;
        };
        f.unknown_keys(entries, &QUALIFIER_KEYS, "a qualifier");
        let name = f
            .required(entries, "name", item.pos, "the qualifier")
            .and_then(|n| f.text(n, "a qualifier's \"name\""));
        let value = f
            .required(entries, "value", item.pos, "the qualifier")
            .and_then(|n| f.text_or_number(n, "a qualifier's \"value\""));
        let units = get(entries, "units")
            .and_then(|n| f.text_or_number(n, "a qualifier's \"units\""))
            .map(|s| s.value);
        if let (Some(name), Some(value)) = (name, value) {
            out.push(Qualifier {
                name: name.value,
                value: value.value,
                units,
            });
        }
    }
    out
}

/// A number or text value (`value`, `low`, `high`).
fn value(node: &Node, f: &mut Fields, what: &str) -> Option<Spanned<Value>> {
    if let Kind::Scalar(s) = &node.kind {
        if let Some(reading) = s.yaml12_differs() {
            f.warning(
                "W001",
                node.pos,
                format!(
                    "{what} `{}` is read as {} by HEPData's YAML 1.1 reader but as {reading} by YAML 1.2 readers",
                    s.text,
                    s.describe()
                ),
                "write the number so both agree (e.g. `1.0e+3` rather than `1e3`, `12` rather than `012`), or quote it if it is text",
            );
        }
        match s.resolve() {
            Resolved::Int(x) | Resolved::Float(x) => {
                return Some(Spanned::new(Value::Number(x), node.pos));
            }
            Resolved::Str(t) => return Some(Spanned::new(Value::Text(t.to_string()), node.pos)),
            Resolved::Null | Resolved::Bool(_) => {}
        }
    }
    f.error(
        "E021",
        node.pos,
        format!("{what} must be a number or text, found {}", node.describe()),
        "give a number, or text in quotes",
    );
    None
}

fn point(node: &Node, f: &mut Fields, independent: bool) -> Option<Point> {
    let entries = f.map(node, "an entry of \"values\"")?;
    let allowed: &[&str] = if independent {
        &INDEPENDENT_VALUE_KEYS
    } else {
        &DEPENDENT_VALUE_KEYS
    };
    f.unknown_keys(entries, allowed, "an entry of \"values\"");

    let central = get(entries, "value").and_then(|n| value(n, f, "\"value\""));
    let low = get(entries, "low");
    let high = get(entries, "high");
    let bin = match (low, high) {
        (Some(l), Some(h)) => match (value(l, f, "\"low\""), value(h, f, "\"high\"")) {
            (Some(low), Some(high)) => Some(Bin { low, high }),
            _ => None,
        },
        (Some(one), None) | (None, Some(one)) => {
            let (has, lacks) = if low.is_some() {
                ("low", "high")
            } else {
                ("high", "low")
            };
            f.error(
                "E021",
                one.pos,
                format!("this bin has \"{has}\" but no \"{lacks}\""),
                "give both edges (use .inf or -.inf for an open bin), or give only \"value\"",
            );
            None
        }
        (None, None) => None,
    };
    if central.is_none()
        && bin.is_none()
        && get(entries, "value").is_none()
        && low.is_none()
        && high.is_none()
    {
        let help = if independent {
            "give \"value\", or \"low\" and \"high\""
        } else {
            "give \"value\""
        };
        f.error(
            "E011",
            node.pos,
            "this entry of \"values\" has no \"value\"".to_string(),
            help,
        );
    }

    let errors = match get(entries, "errors") {
        Some(e) => match f.seq(e, "\"errors\"") {
            Some(items) => items.iter().filter_map(|u| uncertainty(u, f)).collect(),
            None => Vec::new(),
        },
        None => Vec::new(),
    };
    Some(Point {
        value: central,
        bin,
        errors,
        pos: node.pos,
    })
}

fn uncertainty(node: &Node, f: &mut Fields) -> Option<Uncertainty> {
    let entries = f.map(node, "an uncertainty")?;
    f.unknown_keys(entries, &ERROR_KEYS, "an uncertainty");
    let label = get(entries, "label")
        .and_then(|n| f.text(n, "an uncertainty's \"label\""))
        .map(|s| s.value);
    let kind = match (get(entries, "symerror"), get(entries, "asymerror")) {
        (Some(s), None) => {
            let amount = amount(s, f, "symerror")?;
            if amount == Amount::Empty {
                f.error(
                    "E022",
                    s.pos,
                    "\"symerror\" is empty".to_string(),
                    "give the uncertainty as a number or a percentage such as '5%', or remove this entry",
                );
                return None;
            }
            UncertaintyKind::Symmetric(amount)
        }
        (None, Some(a)) => {
            let sides = f.map(a, "\"asymerror\"")?;
            f.unknown_keys(sides, &ASYM_KEYS, "\"asymerror\"");
            let plus = f
                .required(sides, "plus", a.pos, "\"asymerror\"")
                .and_then(|n| amount(n, f, "plus"));
            let minus = f
                .required(sides, "minus", a.pos, "\"asymerror\"")
                .and_then(|n| amount(n, f, "minus"));
            let (plus, minus) = (plus?, minus?);
            if plus == Amount::Empty && minus == Amount::Empty {
                f.error(
                    "E022",
                    a.pos,
                    "\"asymerror\" has both \"plus\" and \"minus\" empty".to_string(),
                    "give at least one side, or remove this uncertainty",
                );
                return None;
            }
            UncertaintyKind::Asymmetric { plus, minus }
        }
        (Some(_), Some(a)) => {
            f.error(
                "E022",
                a.pos,
                "an uncertainty has both \"symerror\" and \"asymerror\"".to_string(),
                "keep one of them; list a second uncertainty as a separate entry with its own label",
            );
            return None;
        }
        (None, None) => {
            f.error(
                "E011",
                node.pos,
                "this uncertainty has neither \"symerror\" nor \"asymerror\"".to_string(),
                "add `symerror: <number>` or `asymerror: {plus: <number>, minus: <number>}`",
            );
            return None;
        }
    };
    Some(Uncertainty {
        label,
        kind,
        pos: node.pos,
    })
}

/// One uncertainty number: a number, a percentage text such as `'5%'`, or `''` (empty,
/// allowed for one side of an asymmetric uncertainty).
fn amount(node: &Node, f: &mut Fields, what: &str) -> Option<Amount> {
    let Kind::Scalar(s) = &node.kind else {
        f.error(
            "E022",
            node.pos,
            format!(
                "\"{what}\" must be a number or a percentage, found {}",
                node.describe()
            ),
            "write a number such as 0.5, or a percentage such as '5%'",
        );
        return None;
    };
    match s.resolve() {
        Resolved::Int(x) | Resolved::Float(x) => return Some(Amount::Absolute(x)),
        Resolved::Null if !s.plain || s.text.is_empty() => {
            // A bare `plus:` with nothing after it is read as null, not as ''.
        }
        _ => {}
    }
    let text = match s.resolve() {
        Resolved::Str(t) => t.trim(),
        Resolved::Null => "",
        Resolved::Bool(_) | Resolved::Int(_) | Resolved::Float(_) => "?",
    };
    if text.is_empty() {
        return Some(Amount::Empty);
    }
    let (number, percent) = match text.strip_suffix('%') {
        Some(rest) => (rest.trim_end(), true),
        None => (text, false),
    };
    match parse_python_float(number) {
        Some(x) if percent => Some(Amount::Percent(x)),
        Some(x) => Some(Amount::Absolute(x)),
        None => {
            let found = shorten(&s.text, 40);
            let help = if number.ends_with('%') {
                "write a single % sign, e.g. '5%'"
            } else {
                "write a number such as 0.5, or a percentage such as '5%'; leave out units and words"
            };
            f.error(
                "E022",
                node.pos,
                format!("\"{what}\" must be a number, possibly ending in %, found \"{found}\""),
                help,
            );
            None
        }
    }
}

/// Python's `float()` on text, which HEPData uses for uncertainties given as text: it
/// accepts `1e3`, `+.5`, `inf` and `nan` (the checker rejects the last two later).
pub fn parse_python_float(text: &str) -> Option<f64> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    let lower = t.to_ascii_lowercase();
    let body = lower.strip_prefix(['+', '-']).unwrap_or(&lower);
    if matches!(body, "inf" | "infinity" | "nan") {
        return lower
            .parse::<f64>()
            .ok()
            .or(Some(if lower.starts_with('-') {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            }));
    }
    let ok = body
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | '+' | '-' | '_'))
        && body
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit() || c == '.');
    if !ok || body.contains("__") || body.starts_with('_') || body.ends_with('_') {
        return None;
    }
    t.replace('_', "").parse::<f64>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::yaml::parse;
    use std::path::Path;

    fn read(text: &str) -> (Option<TableData>, Vec<crate::model::Diagnostic>) {
        let docs = parse(text, Path::new("d.yaml"), false).unwrap();
        let mut diags = Vec::new();
        let mut f = Fields::new(Path::new("d.yaml"), &mut diags);
        let data = read_data(&docs.docs[0], &mut f, false);
        (data, diags)
    }

    #[test]
    fn reads_bins_values_and_uncertainties() {
        let (data, diags) = read(
            "independent_variables:\n- header: {name: x, units: GeV}\n  values:\n  - {low: 0, high: 1}\n  - {value: 2.5}\ndependent_variables:\n- header: {name: y}\n  qualifiers: [{name: SQRT(S), value: 13000, units: GeV}]\n  values:\n  - value: 1.5\n    errors:\n    - {symerror: 0.1, label: stat}\n    - {asymerror: {plus: '5%', minus: ''}, label: sys}\n  - {value: '-'}\n",
        );
        assert!(diags.is_empty(), "{diags:?}");
        let data = data.unwrap();
        assert_eq!(data.rows(), 2);
        let p = &data.dependent[0].values[0];
        assert_eq!(p.errors.len(), 2);
        match &p.errors[1].kind {
            UncertaintyKind::Asymmetric { plus, minus } => {
                assert_eq!(*plus, Amount::Percent(5.0));
                assert_eq!(*minus, Amount::Empty);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(data.dependent[0].qualifiers[0].value, "13000");
        assert!(data.independent[0].values[0].bin.is_some());
    }

    #[test]
    fn reports_typos_with_a_guess() {
        let (_, diags) = read(
            "independent_variables: []\ndependent_variables:\n- header: {name: y}\n  values:\n  - {value: 1, errorss: []}\n",
        );
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].code, "E012");
        assert_eq!((diags[0].line, diags[0].column), (5, 16));
        assert_eq!(diags[0].help.as_deref(), Some("did you mean `errors`?"));
    }

    #[test]
    fn rejects_bad_uncertainties() {
        let (_, diags) = read(
            "independent_variables: []\ndependent_variables:\n- header: {name: y}\n  values:\n  - value: 1\n    errors: [{symerror: '--'}, {symerror: '5%%'}, {symerror: ''}, {asymerror: {plus: '', minus: ''}}]\n",
        );
        let codes: Vec<_> = diags.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["E022", "E022", "E022", "E022"], "{diags:?}");
        assert!(diags[1].help.as_deref().unwrap().contains("single %"));
    }

    #[test]
    fn low_without_high() {
        let (_, diags) = read(
            "independent_variables:\n- header: {name: x}\n  values: [{low: 1}]\ndependent_variables: []\n",
        );
        assert_eq!(diags.len(), 1);
        assert!(diags[0].message.contains("no \"high\""));
    }

    #[test]
    fn python_float() {
        assert_eq!(parse_python_float("1e3"), Some(1000.0));
        assert_eq!(parse_python_float(" 2.5 "), Some(2.5));
        assert!(parse_python_float("nan").unwrap().is_nan());
        assert_eq!(parse_python_float("-inf"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_python_float("2.300e-003f"), None);
        assert_eq!(parse_python_float("--"), None);
        assert_eq!(parse_python_float("1_0"), Some(10.0));
    }
}
