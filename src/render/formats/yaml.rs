//! A table's data as a HEPData YAML data file.
//!
//! Used when the submitted data were JSON or inline in a single-YAML submission; a YAML
//! data file is served as submitted. The structure is fixed and ours, so a small emitter
//! writes it in block style, and every scalar is spelled so that YAML 1.1 readers
//! (PyYAML, which HEPData's tools use) and YAML 1.2 readers (hepstatic's loader) read the
//! same thing: floats always carry a `.` and a signed exponent (`1.0e-05`, never `1e-5`,
//! which YAML 1.1 reads as text), and text that either version could read as a number,
//! a boolean or null (`yes`, `1e3`, `012`, `~`) is quoted.

use crate::model::{Amount, Point, TableData, UncertaintyKind, Value, Variable};

use super::{percent_text, repr};

/// The data as a HEPData YAML data file. Loading it with hepstatic's loader gives back
/// the same data.
pub fn table_yaml(data: &TableData) -> String {
    let mut out = String::new();
    variables(&mut out, "independent_variables", &data.independent, true);
    variables(&mut out, "dependent_variables", &data.dependent, false);
    out
}

fn variables(out: &mut String, key: &str, vars: &[Variable], independent: bool) {
    if vars.is_empty() {
        out.push_str(&format!("{key}: []\n"));
        return;
    }
    out.push_str(&format!("{key}:\n"));
    for var in vars {
        out.push_str("- header:\n");
        out.push_str(&format!("    name: {}\n", scalar(&var.name.value)));
        if let Some(units) = &var.units {
            out.push_str(&format!("    units: {}\n", scalar(units)));
        }
        if !independent && !var.qualifiers.is_empty() {
            out.push_str("  qualifiers:\n");
            for q in &var.qualifiers {
                out.push_str(&format!("  - name: {}\n", scalar(&q.name)));
                out.push_str(&format!("    value: {}\n", scalar(&q.value)));
                if let Some(units) = &q.units {
                    out.push_str(&format!("    units: {}\n", scalar(units)));
                }
            }
        }
        if var.values.is_empty() {
            out.push_str("  values: []\n");
        } else {
            out.push_str("  values:\n");
            var.values.iter().for_each(|p| point(out, p));
        }
    }
}

fn point(out: &mut String, p: &Point) {
    let mut keys: Vec<String> = Vec::new();
    if let Some(v) = &p.value {
        keys.push(format!("value: {}", value(&v.value)));
    }
    if let Some(bin) = &p.bin {
        keys.push(format!("low: {}", value(&bin.low.value)));
        keys.push(format!("high: {}", value(&bin.high.value)));
    }
    if !p.errors.is_empty() {
        keys.push("errors:".to_string());
    }
    if keys.is_empty() {
        // An entry with nothing in it (the loader reports it) stays an entry.
        out.push_str("  - {}\n");
        return;
    }
    for (i, key) in keys.iter().enumerate() {
        out.push_str(if i == 0 { "  - " } else { "    " });
        out.push_str(key);
        out.push('\n');
    }
    for u in &p.errors {
        match &u.kind {
            UncertaintyKind::Symmetric(a) => {
                out.push_str(&format!("    - symerror: {}\n", amount(a)));
            }
            UncertaintyKind::Asymmetric { plus, minus } => {
                out.push_str("    - asymerror:\n");
                out.push_str(&format!("        plus: {}\n", amount(plus)));
                out.push_str(&format!("        minus: {}\n", amount(minus)));
            }
        }
        if let Some(label) = &u.label {
            out.push_str(&format!("      label: {}\n", scalar(label)));
        }
    }
}

fn value(v: &Value) -> String {
    match v {
        Value::Number(x) => number(*x),
        Value::Text(t) => scalar(t),
    }
}

fn amount(a: &Amount) -> String {
    match a {
        Amount::Absolute(x) => number(*x),
        Amount::Percent(p) => scalar(&percent_text(*p)),
        Amount::Empty => "''".to_string(),
    }
}

/// A float both YAML 1.1 and 1.2 read as the same float.
fn number(x: f64) -> String {
    if x.is_nan() {
        return ".nan".to_string();
    }
    if x.is_infinite() {
        return if x > 0.0 { ".inf" } else { "-.inf" }.to_string();
    }
    let text = repr(x);
    match text.split_once('e') {
        // YAML 1.1's float needs a `.` in the mantissa: `1e-05` would be text.
        Some((mantissa, exp)) if !mantissa.contains('.') => format!("{mantissa}.0e{exp}"),
        _ => text,
    }
}

/// Text as a YAML scalar that reads back as the same text: plain when nothing in it
/// could be read otherwise, in single quotes when it is printable, else in double quotes
/// with escapes.
pub(crate) fn scalar(text: &str) -> String {
    if is_plain_syntax(text) && reads_as_text(text) {
        text.to_string()
    } else {
        quoted(text)
    }
}

/// Quoted text, single-quoted when that can hold it.
pub(crate) fn quoted(text: &str) -> String {
    if text.chars().all(is_printable) {
        format!("'{}'", text.replace('\'', "''"))
    } else {
        double_quoted(text)
    }
}

/// Text in double quotes, with `\`, `"` and every non-printable character escaped.
pub(crate) fn double_quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if !is_printable(c) => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Can `text` stand unquoted after `key: ` in block style and be read back whole?
/// (It may still be read as a number or a boolean: see [`reads_as_text`].)
pub(crate) fn is_plain_syntax(text: &str) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    // Indicators that open something else when they start a scalar.
    const INDICATORS: &str = "-?:,[]{}#&*!|>'\"%@`";
    !INDICATORS.contains(first)
        && !text.starts_with(' ')
        && !text.ends_with([' ', ':'])
        && !text.contains(": ")
        && !text.contains(" #")
        && text.chars().all(|c| c != '\t' && is_printable(c))
}

/// Would a plain `text` be read as text by both YAML 1.1 and 1.2? Anything starting like
/// a number (`1e3`, `012`, `1_000`, `.5`, `+1`, `1:20`, dates) is quoted, and so are the
/// words YAML 1.1 reads as booleans or null.
fn reads_as_text(text: &str) -> bool {
    const WORDS: [&str; 14] = [
        "y", "yes", "n", "no", "true", "false", "on", "off", "null", "~", "=", "<<", "nan", "inf",
    ];
    let looks_numeric = text.starts_with(|c: char| c.is_ascii_digit() || c == '+' || c == '.');
    !looks_numeric && !WORDS.contains(&text.to_ascii_lowercase().as_str())
}

/// YAML's printable set, minus the characters some readers take as line breaks.
fn is_printable(c: char) -> bool {
    !(c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ambiguous_text_is_quoted() {
        for text in [
            "yes",
            "No",
            "~",
            "1e3",
            "012",
            "1_000",
            "12.5",
            ".inf",
            "-",
            "2019-08-12",
        ] {
            assert!(scalar(text).starts_with('\''), "{text} -> {}", scalar(text));
        }
        for text in [
            "SIG",
            "P P --> Z0 Z0 X",
            "$p_{T}$ [GeV]",
            "<0.3",
            "n/a",
            "sys,lumi",
        ] {
            assert_eq!(scalar(text), text);
        }
        assert_eq!(scalar("it's: here"), "'it''s: here'");
        assert_eq!(scalar("two\nlines"), "\"two\\nlines\"");
        assert_eq!(scalar(""), "''");
    }

    #[test]
    fn floats_read_the_same_in_yaml_1_1() {
        assert_eq!(number(1e-5), "1.0e-05");
        assert_eq!(number(2.5e-7), "2.5e-07");
        assert_eq!(number(7000.0), "7000.0");
        assert_eq!(number(f64::NEG_INFINITY), "-.inf");
    }

    #[test]
    fn empty_lists_stay_lists() {
        let text = table_yaml(&TableData::default());
        assert_eq!(text, "independent_variables: []\ndependent_variables: []\n");
    }
}
