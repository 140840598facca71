//! A table as JSON: HEPData's data-file structure, with the table's metadata on top.
//!
//! The object holds `name`, `description`, `location` (when given) and `keywords` from
//! `submission.yaml`, then `independent_variables` and `dependent_variables` exactly as a
//! HEPData data file has them, so the file can be read by any tool that reads HEPData
//! JSON data files. Uncertainties stay as written: a percentage stays the text `"5%"`,
//! an empty side stays `""`.
//!
//! JSON has no infinity and no NaN. Open bin edges are written as the strings `"inf"` and
//! `"-inf"`, as hepdata.net does; a NaN (which the checker rejects) would be `"nan"`,
//! never a bare token that strict parsers refuse.
//!
//! The shape is fixed, so the text is written directly rather than built as a
//! `serde_json::Value` first (tables run to 40,000 points). It is the text serde_json
//! writes for that shape: compact, keys in the order above, strings escaped by serde_json
//! itself and numbers spelled by the same zmij call.

use crate::model::{Amount, Point, Qualifier, Table, TableData, UncertaintyKind, Value, Variable};

use super::write_percent_text;

/// The table and its data as one compact JSON object, with a final newline (tables can
/// be long; browsers and `jq` indent it for reading).
pub fn table_json(table: &Table, data: &TableData) -> String {
    let mut out = String::with_capacity(capacity(data));
    out.push_str("{\"name\":");
    string(&mut out, &table.name.value);
    out.push_str(",\"description\":");
    string(&mut out, table.description.as_deref().unwrap_or(""));
    if let Some(location) = &table.location {
        out.push_str(",\"location\":");
        string(&mut out, location);
    }
    out.push_str(",\"keywords\":[");
    for (i, keyword) in table.keywords.iter().enumerate() {
        comma(&mut out, i);
        out.push_str("{\"name\":");
        string(&mut out, &keyword.name.value);
        out.push_str(",\"values\":[");
        for (j, value) in keyword.values.iter().enumerate() {
            comma(&mut out, j);
            string(&mut out, &value.value);
        }
        out.push_str("]}");
    }
    out.push_str("],");
    variables(&mut out, data);
    out.push_str("}\n");
    out
}

/// The data alone, as a HEPData JSON data file holds them, with a final newline.
pub fn data_json(data: &TableData) -> String {
    let mut out = String::with_capacity(capacity(data));
    out.push('{');
    variables(&mut out, data);
    out.push_str("}\n");
    out
}

/// A guess at the text's length, so that the buffer grows rarely.
fn capacity(data: &TableData) -> usize {
    let points = data.independent.iter().chain(&data.dependent);
    256 + points
        .flat_map(|v| &v.values)
        .map(|p| 40 + 40 * p.errors.len())
        .sum::<usize>()
}

/// `"independent_variables":[...],"dependent_variables":[...]`
fn variables(out: &mut String, data: &TableData) {
    out.push_str("\"independent_variables\":[");
    for (i, var) in data.independent.iter().enumerate() {
        comma(out, i);
        variable(out, var, true);
    }
    out.push_str("],\"dependent_variables\":[");
    for (i, var) in data.dependent.iter().enumerate() {
        comma(out, i);
        variable(out, var, false);
    }
    out.push(']');
}

fn variable(out: &mut String, var: &Variable, independent: bool) {
    out.push_str("{\"header\":{\"name\":");
    string(out, &var.name.value);
    if let Some(units) = &var.units {
        out.push_str(",\"units\":");
        string(out, units);
    }
    out.push('}');
    if !independent {
        out.push_str(",\"qualifiers\":[");
        for (i, q) in var.qualifiers.iter().enumerate() {
            comma(out, i);
            qualifier(out, q);
        }
        out.push(']');
    }
    out.push_str(",\"values\":[");
    for (i, p) in var.values.iter().enumerate() {
        comma(out, i);
        point(out, p);
    }
    out.push_str("]}");
}

fn qualifier(out: &mut String, q: &Qualifier) {
    out.push_str("{\"name\":");
    string(out, &q.name);
    out.push_str(",\"value\":");
    string(out, &q.value);
    if let Some(units) = &q.units {
        out.push_str(",\"units\":");
        string(out, units);
    }
    out.push('}');
}

fn point(out: &mut String, p: &Point) {
    // Keys are written with a leading comma except the first.
    let mut first = true;
    let mut key = |out: &mut String, name: &str| {
        out.push_str(if first { "{\"" } else { ",\"" });
        out.push_str(name);
        out.push_str("\":");
        first = false;
    };
    if let Some(v) = &p.value {
        key(out, "value");
        value(out, &v.value);
    }
    if let Some(bin) = &p.bin {
        key(out, "low");
        value(out, &bin.low.value);
        key(out, "high");
        value(out, &bin.high.value);
    }
    if !p.errors.is_empty() {
        key(out, "errors");
        out.push('[');
        for (i, u) in p.errors.iter().enumerate() {
            comma(out, i);
            match &u.kind {
                UncertaintyKind::Symmetric(a) => {
                    out.push_str("{\"symerror\":");
                    amount(out, a);
                }
                UncertaintyKind::Asymmetric { plus, minus } => {
                    out.push_str("{\"asymerror\":{\"plus\":");
                    amount(out, plus);
                    out.push_str(",\"minus\":");
                    amount(out, minus);
                    out.push('}');
                }
            }
            if let Some(label) = &u.label {
                out.push_str(",\"label\":");
                string(out, label);
            }
            out.push('}');
        }
        out.push(']');
    }
    if first {
        out.push('{');
    }
    out.push('}');
}

fn value(out: &mut String, v: &Value) {
    match v {
        Value::Number(x) => number(out, *x),
        Value::Text(t) => string(out, t),
    }
}

fn amount(out: &mut String, a: &Amount) {
    match a {
        Amount::Absolute(x) => number(out, *x),
        Amount::Percent(p) => {
            out.push('"');
            write_percent_text(out, *p);
            out.push('"');
        }
        Amount::Empty => out.push_str("\"\""),
    }
}

/// A finite number as a JSON number; the three values JSON cannot hold as strings.
fn number(out: &mut String, x: f64) {
    if x.is_finite() {
        // serde_json's own spelling of an `f64`.
        out.push_str(zmij::Buffer::new().format_finite(x));
    } else if x.is_nan() {
        out.push_str("\"nan\"");
    } else if x > 0.0 {
        out.push_str("\"inf\"");
    } else {
        out.push_str("\"-inf\"");
    }
}

/// A JSON string. Text that needs no escape (nearly all) is copied as it is; the rest
/// goes through serde_json, so escapes are spelled as serde_json spells them.
fn string(out: &mut String, text: &str) {
    let plain = !text.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\');
    if plain {
        out.push('"');
        out.push_str(text);
        out.push('"');
    } else if let Ok(quoted) = serde_json::to_string(text) {
        out.push_str(&quoted);
    }
}

fn comma(out: &mut String, i: usize) {
    if i > 0 {
        out.push(',');
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value as Json, json};

    use super::*;
    use crate::model::{Bin, Keyword, Pos, Spanned, Uncertainty};
    use crate::render::formats::fixture::table;

    fn num(x: f64) -> Spanned<Value> {
        Spanned::new(Value::Number(x), Pos::NONE)
    }

    fn var(name: &str, values: Vec<Point>) -> Variable {
        Variable {
            name: Spanned::new(name.to_string(), Pos::NONE),
            units: Some("GeV".into()),
            qualifiers: vec![],
            values,
            pos: Pos::NONE,
        }
    }

    fn sample() -> TableData {
        let x = Point {
            value: None,
            bin: Some(Bin {
                low: num(250.0),
                high: num(f64::INFINITY),
            }),
            errors: vec![],
            pos: Pos::NONE,
        };
        let y = Point {
            value: Some(num(35.0)),
            bin: None,
            errors: vec![
                Uncertainty {
                    label: Some("stat".into()),
                    kind: UncertaintyKind::Symmetric(Amount::Percent(5.0)),
                    pos: Pos::NONE,
                },
                Uncertainty {
                    label: None,
                    kind: UncertaintyKind::Asymmetric {
                        plus: Amount::Absolute(f64::NAN),
                        minus: Amount::Empty,
                    },
                    pos: Pos::NONE,
                },
            ],
            pos: Pos::NONE,
        };
        TableData {
            independent: vec![var("N_trk", vec![x])],
            dependent: vec![var("Yield", vec![y])],
            source: None,
        }
    }

    #[test]
    fn open_bins_and_nan_are_strings() {
        let text = data_json(&sample());
        // Strict JSON: it parses back, and no bare NaN or Infinity token is in it.
        let back: Json = serde_json::from_str(&text).unwrap();
        assert!(
            !text.contains("NaN") && !text.contains("Infinity"),
            "{text}"
        );
        let x = &back["independent_variables"][0]["values"][0];
        assert_eq!(*x, json!({"low": 250.0, "high": "inf"}));
        let errors = &back["dependent_variables"][0]["values"][0]["errors"];
        assert_eq!(errors[0], json!({"symerror": "5%", "label": "stat"}));
        assert_eq!(
            errors[1],
            json!({"asymerror": {"plus": "nan", "minus": ""}})
        );
    }

    #[test]
    fn dependent_variables_carry_qualifiers() {
        let mut data = sample();
        data.dependent[0].qualifiers.push(Qualifier {
            name: "SQRT(S)".into(),
            value: "13000".into(),
            units: Some("GeV".into()),
        });
        let v: Json = serde_json::from_str(&data_json(&data)).unwrap();
        assert_eq!(
            v["dependent_variables"][0]["qualifiers"][0],
            json!({"name": "SQRT(S)", "value": "13000", "units": "GeV"})
        );
        assert!(v["independent_variables"][0].get("qualifiers").is_none());
    }

    /// serde_json reads the text back and writes it again (keys kept in order): the same
    /// bytes, so escapes, number spellings and key order are serde_json's.
    #[test]
    fn the_text_is_what_serde_json_writes() {
        let odd = "quote \" backslash \\ tab \t nl \n cr \r \u{1} \u{1f} \u{7f} é ∞ 𝜋 </script>";
        let mut data = sample();
        data.dependent[0].name.value = odd.into();
        data.dependent[0].qualifiers.push(Qualifier {
            name: odd.into(),
            value: "\u{8}\u{c}".into(),
            units: None,
        });
        let numbers = crate::render::number::test_values();
        data.independent[0].values = numbers
            .iter()
            .filter(|x| x.is_finite())
            .take(5000)
            .map(|&x| Point {
                value: Some(num(x)),
                bin: None,
                errors: vec![Uncertainty {
                    label: Some(odd.into()),
                    kind: UncertaintyKind::Asymmetric {
                        plus: Amount::Percent(x),
                        minus: Amount::Absolute(-x),
                    },
                    pos: Pos::NONE,
                }],
                pos: Pos::NONE,
            })
            .collect();
        let mut t = table(odd);
        t.location = Some("Figure 3 \"left\"".into());
        t.keywords = vec![Keyword {
            name: Spanned::new("observables".into(), Pos::NONE),
            values: vec![Spanned::new(odd.into(), Pos::NONE)],
        }];

        let text = table_json(&t, &data);
        let back: Json = serde_json::from_str(&text).unwrap();
        assert_eq!(text, back.to_string() + "\n");
        assert_eq!(back["location"], "Figure 3 \"left\"");
        assert_eq!(back["dependent_variables"][0]["header"]["name"], odd);

        let empty = table_json(&t, &TableData::default());
        let end = "\"independent_variables\":[],\"dependent_variables\":[]}\n";
        assert!(empty.ends_with(end), "{empty}");
    }
}
