//! A table's data (`independent_variables`, `dependent_variables`) from its nodes.
//!
//! Shapes follow HEPData's data schema of the record's version; messages name the place
//! as `dependent_variables[1].values[0] ("Expected")`, the path HEPData's tools print,
//! with the variable's name so it can be found without counting.

use std::fmt;
use std::sync::Arc;

use crate::model::{
    Amount, Bin, Point, Qualifier, SchemaVersion, Spanned, TableData, Uncertainty, UncertaintyKind,
    Value, Variable,
};

use super::fields::{Fields, get};
use super::yaml::{Kind, Node, Portability, Resolved, shorten};

const DATA_KEYS: [&str; 2] = ["independent_variables", "dependent_variables"];
/// Schema 0.1.0 also let a data file carry its table's `name` and a `type`.
const DATA_KEYS_V0: [&str; 4] = [
    "independent_variables",
    "dependent_variables",
    "name",
    "type",
];
const INDEPENDENT_KEYS: [&str; 2] = ["header", "values"];
const DEPENDENT_KEYS: [&str; 3] = ["header", "qualifiers", "values"];
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
        let keys: &[&str] = if f.version.is_v0() {
            &DATA_KEYS_V0
        } else {
            &DATA_KEYS
        };
        f.unknown_keys(entries, keys, "a data table");
    }
    let independent = get(entries, "independent_variables");
    let dependent = get(entries, "dependent_variables");
    if independent.is_none() && dependent.is_none() {
        f.error(
            "E011",
            node.pos,
            "this table has neither \"independent_variables\" nor \"dependent_variables\"".to_string(),
            "a data table holds `independent_variables:` (the x axes) and `dependent_variables:` (the measured values); write `[]` for an empty one",
        );
        return None;
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
    let Some(items) = f.seq(node, format_args!("\"{what}\"")) else {
        return Vec::new();
    };
    items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| variable(item, f, independent, &format!("{what}[{i}]")))
        .collect()
}

fn variable(node: &Node, f: &mut Fields, independent: bool, path: &str) -> Option<Variable> {
    let entries = f.map(node, path)?;
    let keys: &[&str] = if independent {
        &INDEPENDENT_KEYS
    } else {
        &DEPENDENT_KEYS
    };
    f.unknown_keys(entries, keys, path);
    if independent && let Some(q) = get(entries, "qualifiers") {
        f.error(
            "E012",
            q.pos,
            format!("{path}: independent variables take no \"qualifiers\""),
            "move the qualifiers to the dependent variables they describe",
        );
    }

    // Before 1.1.0 a dependent variable could leave out its header or values; such a
    // column has nothing to show and is left out of the table.
    let optional = !independent && f.version < SchemaVersion::V1_1_0;
    if optional && (get(entries, "header").is_none() || get(entries, "values").is_none()) {
        return None;
    }

    let (name, units) = match f.required(entries, "header", node.pos, path) {
        Some(header) => match f.map(header, format_args!("{path}: \"header\"")) {
            Some(h) => {
                f.unknown_keys(h, &HEADER_KEYS, format_args!("{path}: the header"));
                let name = f
                    .required(h, "name", header.pos, format!("{path}: the header"))
                    .and_then(|n| f.text(n, format_args!("{path}: the header's \"name\"")));
                let units = get(h, "units")
                    .and_then(|n| f.text(n, format_args!("{path}: the header's \"units\"")))
                    .map(|s| s.value);
                (name, units)
            }
            None => (None, None),
        },
        None => (None, None),
    };
    let label = match &name {
        Some(n) => format!("{path} (\"{}\")", shorten(&n.value, 40)),
        None => path.to_string(),
    };

    let qualifiers = match get(entries, "qualifiers") {
        Some(q) if !independent => qualifiers(q, f, &label),
        _ => Vec::new(),
    };

    let values = match f.required(entries, "values", node.pos, &label) {
        Some(v) => match f.seq(v, format_args!("{label}: \"values\"")) {
            Some(items) => items
                .iter()
                .enumerate()
                .filter_map(|(j, p)| {
                    let place = Place {
                        variable: path,
                        name: name.as_ref().map(|n| n.value.as_str()),
                        row: j,
                        error: None,
                    };
                    point(p, f, independent, place)
                })
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

/// Where in a table a message points, e.g. `dependent_variables[1].values[0] ("Expected"):
/// errors[2]`; formatted only when a message is made, as most rows have none.
#[derive(Clone, Copy)]
struct Place<'a> {
    variable: &'a str,
    name: Option<&'a str>,
    row: usize,
    error: Option<usize>,
}

impl Place<'_> {
    fn error(self, k: usize) -> Self {
        Place {
            error: Some(k),
            ..self
        }
    }
}

impl fmt::Display for Place<'_> {
    fn fmt(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(out, "{}.values[{}]", self.variable, self.row)?;
        if let Some(name) = self.name {
            write!(out, " (\"{}\")", shorten(name, 40))?;
        }
        if let Some(k) = self.error {
            write!(out, ": errors[{k}]")?;
        }
        Ok(())
    }
}

fn qualifiers(node: &Node, f: &mut Fields, label: &str) -> Vec<Qualifier> {
    let Some(items) = f.seq(node, format_args!("{label}: \"qualifiers\"")) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let what = format!("{label}: qualifiers[{i}]");
        let Some(entries) = f.map(item, &what) else {
            continue;
        };
        f.unknown_keys(entries, &QUALIFIER_KEYS, &what);
        let name = f
            .required(entries, "name", item.pos, &what)
            .and_then(|n| f.text(n, format_args!("{what}: \"name\"")));
        let value = f
            .required(entries, "value", item.pos, &what)
            .and_then(|n| f.text_or_number(n, format_args!("{what}: \"value\"")));
        let units = get(entries, "units")
            .and_then(|n| f.text(n, format_args!("{what}: \"units\"")))
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

/// A `value` that is empty text: an invisible cell, usually a slip.
///
/// Numbers in quotes (`'0.10'`) are not warned about: converted records quote every value
/// to keep its written precision (one corpus record has 31,000 of them), and HEPData and
/// hepstatic show them as written.
fn check_text_value(f: &mut Fields, v: &Spanned<Value>, label: Place) {
    if let Value::Text(t) = &v.value
        && t.trim().is_empty()
    {
        f.warning(
            "W003",
            v.pos,
            format!("{label}: \"value\" is empty text, which shows as an invisible cell"),
            "for a missing point write '-' (and leave out its errors), or give the number",
        );
    }
}

fn point(node: &Node, f: &mut Fields, independent: bool, label: Place) -> Option<Point> {
    let entries = f.map(node, label)?;
    let allowed: &[&str] = if independent {
        &INDEPENDENT_VALUE_KEYS
    } else {
        &DEPENDENT_VALUE_KEYS
    };
    f.unknown_keys(entries, allowed, label);

    let value_node = get(entries, "value");
    let central =
        value_node.and_then(|n| f.number_or_text(n, format_args!("{label}: \"value\""), "E021"));
    if let Some(v) = &central {
        check_text_value(f, v, label);
    }
    let low = get(entries, "low");
    let high = get(entries, "high");
    let bin = match (low, high) {
        (Some(l), Some(h)) => {
            let low = edge(l, f, label, "low");
            let high = edge(h, f, label, "high");
            if f.version >= SchemaVersion::V1_1_0
                && let Some(v) = &central
                && let Value::Text(t) = &v.value
            {
                f.error(
                    "E021",
                    v.pos,
                    format!("{label}: a bin's \"value\" must be a number, found text \"{}\"", shorten(t, 40)),
                    "give the bin centre as a number, or leave \"value\" out (the bin is then shown by its edges)",
                );
            }
            match (low, high) {
                (Some(low), Some(high)) => Some(Bin { low, high }),
                _ => None,
            }
        }
        (Some(one), None) | (None, Some(one)) => {
            let (has, lacks) = if low.is_some() {
                ("low", "high")
            } else {
                ("high", "low")
            };
            f.error(
                "E021",
                one.pos,
                format!("{label}: this bin has \"{has}\" but no \"{lacks}\""),
                "give both edges (use .inf or -.inf for an open bin), or give only \"value\"",
            );
            None
        }
        (None, None) => None,
    };
    if value_node.is_none() && low.is_none() && high.is_none() {
        let help = if independent {
            "give \"value\", or \"low\" and \"high\""
        } else {
            "give \"value\"; for a missing point write `value: '-'` without errors"
        };
        f.error("E011", node.pos, format!("{label} has no \"value\""), help);
    }

    let errors = match get(entries, "errors") {
        Some(e) => match &e.kind {
            Kind::Seq(items) => items
                .iter()
                .enumerate()
                .filter_map(|(k, u)| uncertainty(u, f, label.error(k)))
                .collect(),
            _ if e.is_null() => {
                f.error(
                    "E010",
                    e.pos,
                    format!("{label}: \"errors\" is empty (null), but it must be a list"),
                    "indent the `- {symerror: ...}` lines under `errors:` (more than `errors:` itself), or remove `errors:` for a point without uncertainties",
                );
                Vec::new()
            }
            _ => {
                f.seq(e, format_args!("{label}: \"errors\""));
                Vec::new()
            }
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

/// A bin edge: a number (`.inf` and `-.inf` for open bins).
fn edge(node: &Node, f: &mut Fields, label: Place, which: &str) -> Option<Spanned<Value>> {
    let v = f.number_or_text(node, format_args!("{label}: \"{which}\""), "E021")?;
    if let Value::Text(t) = &v.value {
        f.error(
            "E021",
            v.pos,
            format!(
                "{label}: \"{which}\" must be a number, found text \"{}\"",
                shorten(t, 40)
            ),
            "give the bin edge as a number (.inf or -.inf for an open bin)",
        );
        return None;
    }
    Some(v)
}

fn uncertainty(node: &Node, f: &mut Fields, label: Place) -> Option<Uncertainty> {
    let entries = f.map(node, label)?;
    f.unknown_keys(entries, &ERROR_KEYS, label);
    let label_text = get(entries, "label")
        .and_then(|n| f.text(n, format_args!("{label}: \"label\"")))
        .map(|s| s.value);
    let v0 = f.version.is_v0();
    let kind = match (get(entries, "symerror"), get(entries, "asymerror")) {
        (Some(s), None) => {
            let amount = amount(s, f, label, "symerror")?;
            if amount == Amount::Empty {
                malformed(
                    f,
                    s.pos,
                    format!("{label}: \"symerror\" is empty"),
                    "give the uncertainty as a number or a percentage such as '5%', or remove this entry",
                );
                return None;
            }
            UncertaintyKind::Symmetric(amount)
        }
        (None, Some(a)) => {
            let sides = f.map(a, format_args!("{label}: \"asymerror\""))?;
            f.unknown_keys(sides, &ASYM_KEYS, format_args!("{label}: \"asymerror\""));
            let side = |f: &mut Fields, key: &str| -> Option<Amount> {
                match get(sides, key) {
                    Some(n) => amount(n, f, label, key),
                    // Schema 0.1.0 did not require both sides.
                    None if v0 => Some(Amount::Empty),
                    None => {
                        f.error(
                            "E011",
                            a.pos,
                            format!("{label}: \"asymerror\" has no \"{key}\"; it needs both \"plus\" and \"minus\""),
                            &format!("add `{key}: ''` for a side that is not defined (a one-sided uncertainty)"),
                        );
                        None
                    }
                }
            };
            let plus = side(f, "plus");
            let minus = side(f, "minus");
            let (plus, minus) = (plus?, minus?);
            if plus == Amount::Empty && minus == Amount::Empty {
                f.error(
                    "E022",
                    a.pos,
                    format!("{label}: \"asymerror\" has both \"plus\" and \"minus\" empty"),
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
                format!("{label}: an uncertainty has both \"symerror\" and \"asymerror\""),
                "keep one of them; list a second uncertainty as a separate entry with its own label",
            );
            return None;
        }
        (None, None) if v0 => return None,
        (None, None) => {
            f.error(
                "E011",
                node.pos,
                format!("{label}: this uncertainty has neither \"symerror\" nor \"asymerror\""),
                "add `symerror: <number>` or `asymerror: {plus: <number>, minus: <number>}`",
            );
            return None;
        }
    };
    Some(Uncertainty {
        label: label_text.map(Arc::from),
        kind,
        pos: node.pos,
    })
}

/// One uncertainty number: a number, a percentage text such as `'5%'`, or `''` (empty,
/// allowed for one side of an asymmetric uncertainty).
fn amount(node: &Node, f: &mut Fields, label: Place, what: &str) -> Option<Amount> {
    let Kind::Scalar(s) = &node.kind else {
        f.error(
            "E022",
            node.pos,
            format!(
                "{label}: \"{what}\" must be a number or a percentage, found {}",
                node.describe()
            ),
            "write a number such as 0.5, or a percentage such as '5%'",
        );
        return None;
    };
    let reading = match f.portability(s, node.pos, format_args!("{label}: \"{what}\""), false) {
        Portability::NumberOnlyIn12(x) => Resolved::Float(x),
        _ => s.resolve(),
    };
    let text = match reading {
        Resolved::Int(x) | Resolved::Float(x) => return Some(Amount::Absolute(x)),
        Resolved::Str(t) => t.trim(),
        // A bare `minus:` with nothing after it: the reference reads null, then fails.
        Resolved::Null | Resolved::Bool(_) => {
            f.error(
                "E022",
                node.pos,
                format!(
                    "{label}: \"{what}\" must be a number or a percentage, found {}",
                    s.describe()
                ),
                "write a number such as 0.5, a percentage such as '5%', or '' (in quotes) for an undefined side",
            );
            return None;
        }
    };
    if text.is_empty() {
        return Some(Amount::Empty);
    }
    let (number, percent) = match text.strip_suffix('%') {
        Some(rest) => (rest.trim_end(), true),
        None => (text, false),
    };
    match super::parse_python_float(number) {
        Some(x) if percent => Some(Amount::Percent(x)),
        Some(x) => Some(Amount::Absolute(x)),
        None => {
            let found = shorten(&s.text, 40);
            let (message, help) = if number.contains('%') {
                (
                    format!("{label}: \"{what}\" is \"{found}\", a malformed percentage"),
                    "write a single % sign after the number, e.g. '5%'",
                )
            } else if percent && number.is_empty() {
                (
                    format!("{label}: \"{what}\" is \"{found}\", a percent sign without a number"),
                    "write the number before the % sign, e.g. '5%'",
                )
            } else {
                (
                    format!(
                        "{label}: \"{what}\" must be a number, possibly ending in %, found \"{found}\""
                    ),
                    "write a number such as 0.5, or a percentage such as '5%'; leave out units and words",
                )
            };
            malformed(f, node.pos, message, help);
            None
        }
    }
}

/// A malformed uncertainty: an error, except under schema 0.1.0, which never checked
/// uncertainties (records converted from the old HepData site hold `--` and empty ones);
/// there it is left out, with a warning.
fn malformed(f: &mut Fields, pos: crate::model::Pos, message: String, help: &str) {
    if f.version.is_v0() {
        f.warning(
            "W007",
            pos,
            format!("{message}; schema 0.1.0 accepts it, but it is left out of plots and exports"),
            help,
        );
    } else {
        f.error("E022", pos, message, help);
    }
}

/// Python's `float()` on text, which HEPData uses for uncertainties given as text: it
/// accepts `1e3`, `+.5`, `1_000`, `inf` and `nan` (the checker rejects the last two later).
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
    // Python allows `_` only between digits.
    let underscores_ok = body.char_indices().all(|(i, c)| {
        c != '_'
            || (i > 0
                && body.as_bytes()[i - 1].is_ascii_digit()
                && body.as_bytes().get(i + 1).is_some_and(u8::is_ascii_digit))
    });
    if !ok || !underscores_ok {
        return None;
    }
    t.replace('_', "").parse::<f64>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::yaml::parse;
    use std::path::Path;

    fn read_as(
        text: &str,
        version: SchemaVersion,
    ) -> (Option<TableData>, Vec<crate::model::Diagnostic>) {
        let docs = parse(text, Path::new("d.yaml"), false).unwrap();
        let mut diags = docs.problems;
        let mut f = Fields::new(Path::new("d.yaml"), &mut diags).with_version(version);
        let data = read_data(&docs.docs[0], &mut f, false);
        (data, diags)
    }

    fn read(text: &str) -> (Option<TableData>, Vec<crate::model::Diagnostic>) {
        read_as(text, SchemaVersion::default())
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
    fn reports_typos_with_a_guess_and_the_place() {
        let (_, diags) = read(
            "independent_variables: []\ndependent_variables:\n- header: {name: y}\n  values:\n  - {value: 1, errorss: []}\n",
        );
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].code, "E012");
        assert_eq!((diags[0].line, diags[0].column), (5, 16));
        assert!(
            diags[0]
                .message
                .contains("dependent_variables[0].values[0] (\"y\")")
        );
        assert_eq!(diags[0].help.as_deref(), Some("did you mean `errors`?"));
    }

    #[test]
    fn rejects_bad_uncertainties() {
        let (_, diags) = read(
            "independent_variables: []\ndependent_variables:\n- header: {name: y}\n  values:\n  - value: 1\n    errors: [{symerror: '--'}, {symerror: '5%%'}, {symerror: ''}, {asymerror: {plus: '', minus: ''}}, {symerror: '%'}, {asymerror: {plus: 1}}]\n",
        );
        let codes: Vec<_> = diags.iter().map(|d| d.code).collect();
        assert_eq!(
            codes,
            ["E022", "E022", "E022", "E022", "E022", "E011"],
            "{diags:?}"
        );
        assert!(diags[1].help.as_deref().unwrap().contains("single % sign"));
        assert!(diags[4].message.contains("without a number"));
        assert!(diags[5].help.as_deref().unwrap().contains("''"));
    }

    #[test]
    fn low_without_high_and_text_edges() {
        let (_, diags) = read(
            "independent_variables:\n- header: {name: x}\n  values: [{low: 1}, {low: '2.0.0', high: '7.0.0'}, {value: a, low: 1, high: 2}]\ndependent_variables: []\n",
        );
        let messages: Vec<_> = diags.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(diags.len(), 4, "{messages:?}");
        assert!(messages[0].contains("no \"high\""));
        assert!(messages[1].contains("\"low\" must be a number"));
        assert!(messages[3].contains("bin's \"value\" must be a number"));
    }

    #[test]
    fn null_errors_are_explained() {
        let (_, diags) = read(
            "independent_variables: []\ndependent_variables:\n- header: {name: Expected}\n  values:\n  - value: 1488\n    errors:\n  - {symerror: 12.0, label: stat}\n",
        );
        assert_eq!((diags[0].code, diags[0].line), ("E010", 6));
        assert!(
            diags[0]
                .message
                .contains("values[0] (\"Expected\"): \"errors\" is empty")
        );
        assert!(diags[0].help.as_deref().unwrap().contains("indent"));
    }

    #[test]
    fn schema_version_changes_what_is_required() {
        let text = "independent_variables: []\ndependent_variables:\n- header: {name: y}\n- values: [{value: 1, errors: [{label: x}, {asymerror: {plus: 1}}]}]\n  header: {name: z}\n";
        let (data, diags) = read_as(text, SchemaVersion::V0_1_0);
        assert!(diags.is_empty(), "{diags:?}");
        let data = data.unwrap();
        assert_eq!(data.dependent.len(), 1);
        assert_eq!(data.dependent[0].values[0].errors.len(), 1);
        let (_, diags) = read(text);
        assert_eq!(diags.len(), 3, "{diags:?}");
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
        assert_eq!(parse_python_float("1__0"), None);
        assert_eq!(parse_python_float("_1"), None);
    }
}
