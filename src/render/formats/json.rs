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

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::model::{
    Amount, Keyword, Point, Qualifier, Table, TableData, Uncertainty, UncertaintyKind, Value,
    Variable,
};

use super::percent_text;

/// The table and its data as one JSON object. It is serialised straight from the table,
/// never built as a tree of values first: for a long table that tree takes tens of times
/// the size of the text.
pub fn table_json<'a>(table: &'a Table, data: &'a TableData) -> impl Serialize + 'a {
    TableJson { table, data }
}

/// The data alone, as a HEPData JSON data file holds them.
pub fn data_json(data: &TableData) -> impl Serialize + '_ {
    DataJson(data)
}

/// Compact JSON text with a final newline (tables can be long; browsers and `jq`
/// indent it for reading).
pub fn to_string(value: &impl Serialize) -> String {
    let mut text = serde_json::to_string(value).unwrap_or_default();
    text.push('\n');
    text
}

struct TableJson<'a> {
    table: &'a Table,
    data: &'a TableData,
}

impl Serialize for TableJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let t = self.table;
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("name", &t.name.value)?;
        map.serialize_entry("description", t.description.as_deref().unwrap_or(""))?;
        if let Some(location) = &t.location {
            map.serialize_entry("location", location)?;
        }
        let keywords: Vec<KeywordJson> = t.keywords.iter().map(KeywordJson).collect();
        map.serialize_entry("keywords", &keywords)?;
        variables(&mut map, self.data)?;
        map.end()
    }
}

struct DataJson<'a>(&'a TableData);

impl Serialize for DataJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(2))?;
        variables(&mut map, self.0)?;
        map.end()
    }
}

fn variables<M: SerializeMap>(map: &mut M, data: &TableData) -> Result<(), M::Error> {
    let independent: Vec<_> = data
        .independent
        .iter()
        .map(|v| VariableJson(v, true))
        .collect();
    let dependent: Vec<_> = data
        .dependent
        .iter()
        .map(|v| VariableJson(v, false))
        .collect();
    map.serialize_entry("independent_variables", &independent)?;
    map.serialize_entry("dependent_variables", &dependent)
}

struct KeywordJson<'a>(&'a Keyword);

impl Serialize for KeywordJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(2))?;
        map.serialize_entry("name", &self.0.name.value)?;
        let values: Vec<&str> = self.0.values.iter().map(|v| v.value.as_str()).collect();
        map.serialize_entry("values", &values)?;
        map.end()
    }
}

/// A variable; `true` for an independent one (no qualifiers).
struct VariableJson<'a>(&'a Variable, bool);

impl Serialize for VariableJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let VariableJson(var, independent) = *self;
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("header", &Header(var))?;
        if !independent {
            let qualifiers: Vec<_> = var.qualifiers.iter().map(QualifierJson).collect();
            map.serialize_entry("qualifiers", &qualifiers)?;
        }
        let values: Vec<_> = var.values.iter().map(PointJson).collect();
        map.serialize_entry("values", &values)?;
        map.end()
    }
}

struct Header<'a>(&'a Variable);

impl Serialize for Header<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("name", &self.0.name.value)?;
        if let Some(units) = &self.0.units {
            map.serialize_entry("units", units)?;
        }
        map.end()
    }
}

struct QualifierJson<'a>(&'a Qualifier);

impl Serialize for QualifierJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let q = self.0;
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("name", &q.name)?;
        map.serialize_entry("value", &q.value)?;
        if let Some(units) = &q.units {
            map.serialize_entry("units", units)?;
        }
        map.end()
    }
}

struct PointJson<'a>(&'a Point);

impl Serialize for PointJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let p = self.0;
        let mut map = s.serialize_map(None)?;
        if let Some(v) = &p.value {
            map.serialize_entry("value", &ValueJson(&v.value))?;
        }
        if let Some(bin) = &p.bin {
            map.serialize_entry("low", &ValueJson(&bin.low.value))?;
            map.serialize_entry("high", &ValueJson(&bin.high.value))?;
        }
        if !p.errors.is_empty() {
            let errors: Vec<_> = p.errors.iter().map(ErrorJson).collect();
            map.serialize_entry("errors", &errors)?;
        }
        map.end()
    }
}

struct ErrorJson<'a>(&'a Uncertainty);

impl Serialize for ErrorJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let u = self.0;
        let mut map = s.serialize_map(None)?;
        match &u.kind {
            UncertaintyKind::Symmetric(a) => map.serialize_entry("symerror", &AmountJson(a))?,
            UncertaintyKind::Asymmetric { plus, minus } => {
                map.serialize_entry("asymerror", &Asymmetric(plus, minus))?;
            }
        }
        if let Some(label) = &u.label {
            map.serialize_entry("label", label)?;
        }
        map.end()
    }
}

struct Asymmetric<'a>(&'a Amount, &'a Amount);

impl Serialize for Asymmetric<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(2))?;
        map.serialize_entry("plus", &AmountJson(self.0))?;
        map.serialize_entry("minus", &AmountJson(self.1))?;
        map.end()
    }
}

struct ValueJson<'a>(&'a Value);

impl Serialize for ValueJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Number(x) => number(*x, s),
            Value::Text(t) => s.serialize_str(t),
        }
    }
}

struct AmountJson<'a>(&'a Amount);

impl Serialize for AmountJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Amount::Absolute(x) => number(*x, s),
            Amount::Percent(p) => s.serialize_str(&percent_text(*p)),
            Amount::Empty => s.serialize_str(""),
        }
    }
}

/// A finite number as a JSON number; the three values JSON cannot hold as strings.
fn number<S: Serializer>(x: f64, s: S) -> Result<S::Ok, S::Error> {
    if x.is_finite() {
        s.serialize_f64(x)
    } else if x.is_nan() {
        s.serialize_str("nan")
    } else if x > 0.0 {
        s.serialize_str("inf")
    } else {
        s.serialize_str("-inf")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Bin, Pos, Spanned};
    use serde_json::{Value as Json, json};

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
        let v = serde_json::to_value(data_json(&data)).unwrap();
        assert_eq!(
            v["dependent_variables"][0]["qualifiers"][0],
            json!({"name": "SQRT(S)", "value": "13000", "units": "GeV"})
        );
        assert!(v["independent_variables"][0].get("qualifiers").is_none());
    }
}
