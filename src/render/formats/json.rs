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

use serde_json::{Map, Value as Json, json};

use crate::model::{Amount, Point, Qualifier, Table, TableData, UncertaintyKind, Value, Variable};

use super::percent_text;

/// The table and its data as one JSON object.
pub fn table_json(table: &Table, data: &TableData) -> Json {
    let mut top = Map::new();
    top.insert("name".into(), json!(table.name.value));
    top.insert(
        "description".into(),
        json!(table.description.as_deref().unwrap_or("")),
    );
    if let Some(location) = &table.location {
        top.insert("location".into(), json!(location));
    }
    let keywords: Vec<Json> = table
        .keywords
        .iter()
        .map(|k| {
            let values: Vec<&str> = k.values.iter().map(|v| v.value.as_str()).collect();
            json!({"name": k.name.value, "values": values})
        })
        .collect();
    top.insert("keywords".into(), Json::Array(keywords));
    if let Json::Object(variables) = data_json(data) {
        top.extend(variables);
    }
    Json::Object(top)
}

/// The data alone, as a HEPData JSON data file holds them.
pub fn data_json(data: &TableData) -> Json {
    let independent: Vec<Json> = data.independent.iter().map(|v| variable(v, true)).collect();
    let dependent: Vec<Json> = data.dependent.iter().map(|v| variable(v, false)).collect();
    json!({
        "independent_variables": independent,
        "dependent_variables": dependent,
    })
}

/// Compact JSON text with a final newline (tables can be long; browsers and `jq`
/// indent it for reading).
pub fn to_string(value: &Json) -> String {
    let mut text = value.to_string();
    text.push('\n');
    text
}

fn variable(var: &Variable, independent: bool) -> Json {
    let mut header = Map::new();
    header.insert("name".into(), json!(var.name.value));
    if let Some(units) = &var.units {
        header.insert("units".into(), json!(units));
    }
    let mut out = Map::new();
    out.insert("header".into(), Json::Object(header));
    if !independent {
        let qualifiers: Vec<Json> = var.qualifiers.iter().map(qualifier).collect();
        out.insert("qualifiers".into(), Json::Array(qualifiers));
    }
    let values: Vec<Json> = var.values.iter().map(point).collect();
    out.insert("values".into(), Json::Array(values));
    Json::Object(out)
}

fn qualifier(q: &Qualifier) -> Json {
    let mut out = Map::new();
    out.insert("name".into(), json!(q.name));
    out.insert("value".into(), json!(q.value));
    if let Some(units) = &q.units {
        out.insert("units".into(), json!(units));
    }
    Json::Object(out)
}

fn point(p: &Point) -> Json {
    let mut out = Map::new();
    if let Some(v) = &p.value {
        out.insert("value".into(), value(&v.value));
    }
    if let Some(bin) = &p.bin {
        out.insert("low".into(), value(&bin.low.value));
        out.insert("high".into(), value(&bin.high.value));
    }
    if !p.errors.is_empty() {
        let errors = p
            .errors
            .iter()
            .map(|u| {
                let mut e = Map::new();
                match &u.kind {
                    UncertaintyKind::Symmetric(a) => {
                        e.insert("symerror".into(), amount(a));
                    }
                    UncertaintyKind::Asymmetric { plus, minus } => {
                        e.insert(
                            "asymerror".into(),
                            json!({"plus": amount(plus), "minus": amount(minus)}),
                        );
                    }
                }
                if let Some(label) = &u.label {
                    e.insert("label".into(), json!(label));
                }
                Json::Object(e)
            })
            .collect();
        out.insert("errors".into(), Json::Array(errors));
    }
    Json::Object(out)
}

fn value(v: &Value) -> Json {
    match v {
        Value::Number(x) => number(*x),
        Value::Text(t) => json!(t),
    }
}

fn amount(a: &Amount) -> Json {
    match a {
        Amount::Absolute(x) => number(*x),
        Amount::Percent(p) => json!(percent_text(*p)),
        Amount::Empty => json!(""),
    }
}

/// A finite number as a JSON number; the three values JSON cannot hold as strings.
fn number(x: f64) -> Json {
    match serde_json::Number::from_f64(x) {
        Some(n) => Json::Number(n),
        None if x.is_nan() => json!("nan"),
        None if x > 0.0 => json!("inf"),
        None => json!("-inf"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Bin, Pos, Spanned, Uncertainty};

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
        let text = to_string(&data_json(&sample()));
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
        let v = data_json(&data);
        assert_eq!(
            v["dependent_variables"][0]["qualifiers"][0],
            json!({"name": "SQRT(S)", "value": "13000", "units": "GeV"})
        );
        assert!(v["independent_variables"][0].get("qualifiers").is_none());
    }
}
