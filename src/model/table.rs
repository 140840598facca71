//! Tables: their metadata from `submission.yaml` and their data.

use std::path::PathBuf;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::pos::{Pos, Spanned};
use super::record::{License, Resource};

/// One table document of a submission, with its data when they could be read.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Table {
    pub name: Spanned<String>,
    pub description: Option<String>,
    pub location: Option<String>,
    pub keywords: Vec<Keyword>,
    /// `data_file:` as written; `None` for a table given inline (single-YAML form).
    pub data_file: Option<Spanned<String>>,
    /// A custom `data_schema` URL (e.g. a pyhf workspace), or `None` for HEPData's own.
    pub data_schema: Option<String>,
    pub resources: Vec<Resource>,
    pub license: Option<License>,
    pub related_dois: Vec<String>,
    /// Where the table document starts in `submission.yaml`.
    pub pos: Pos,
    /// The file holding the data: the data file, or the single-YAML file.
    pub data_path: PathBuf,
    /// The data, or `None` when the file is missing, unreadable or has a custom schema.
    #[serde(skip)]
    pub data: Option<TableData>,
}

/// `{name: cmenergies, values: [13000]}`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Keyword {
    pub name: Spanned<String>,
    pub values: Vec<Spanned<String>>,
}

/// `independent_variables` and `dependent_variables` of one table.
#[derive(Clone, Debug, Default)]
pub struct TableData {
    pub independent: Vec<Variable>,
    pub dependent: Vec<Variable>,
    /// The data file's bytes when it was YAML, kept to serve it byte for byte.
    pub source: Option<String>,
}

impl TableData {
    /// Number of rows: the length of the first variable's values (the checker makes sure
    /// all agree before a table is rendered).
    pub fn rows(&self) -> usize {
        self.independent
            .iter()
            .chain(&self.dependent)
            .map(|v| v.values.len())
            .max()
            .unwrap_or(0)
    }
}

#[derive(Clone, Debug)]
pub struct Variable {
    pub name: Spanned<String>,
    pub units: Option<String>,
    pub qualifiers: Vec<Qualifier>,
    pub values: Vec<Point>,
    pub pos: Pos,
}

impl Variable {
    /// "name [units]", as HEPData's headers read.
    pub fn header(&self) -> String {
        match &self.units {
            Some(u) if !u.is_empty() => format!("{} [{}]", self.name.value, u),
            _ => self.name.value.clone(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Qualifier {
    pub name: String,
    pub value: String,
    pub units: Option<String>,
}

/// A number or a text entry (HEPData allows both for values and bin edges).
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Number(f64),
    Text(String),
}

impl Value {
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(x) => Some(*x),
            Value::Text(_) => None,
        }
    }
}

/// One entry of a variable's `values`: a central value, a bin, or both, and for
/// dependent variables the uncertainties.
#[derive(Clone, Debug)]
pub struct Point {
    pub value: Option<Spanned<Value>>,
    pub bin: Option<Bin>,
    pub errors: Vec<Uncertainty>,
    pub pos: Pos,
}

#[derive(Clone, Debug)]
pub struct Bin {
    pub low: Spanned<Value>,
    pub high: Spanned<Value>,
}

#[derive(Clone, Debug)]
pub struct Uncertainty {
    pub label: Option<Arc<str>>,
    pub kind: UncertaintyKind,
    pub pos: Pos,
}

#[derive(Clone, Debug)]
pub enum UncertaintyKind {
    Symmetric(Amount),
    Asymmetric { plus: Amount, minus: Amount },
}

/// One uncertainty number: absolute, a percentage of the value, or empty (`''`, a
/// one-sided asymmetric uncertainty).
#[derive(Clone, Debug, PartialEq)]
pub enum Amount {
    Absolute(f64),
    Percent(f64),
    Empty,
}

impl Amount {
    /// The absolute size of this uncertainty on `value` (percentages made absolute),
    /// keeping the uncertainty's own sign; `None` when empty or when a percentage has no
    /// numeric value. A percentage is of the value's magnitude: `+10%` on `-5` is `+0.5`,
    /// an upward shift, not `-0.5` (the reference converter's sign swap).
    pub fn absolute(&self, value: Option<f64>) -> Option<f64> {
        match *self {
            Amount::Absolute(x) => Some(x),
            Amount::Percent(p) => value.map(|v| v.abs() * p / 100.0),
            Amount::Empty => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Amount;

    #[test]
    fn percentages_are_of_the_magnitude() {
        assert_eq!(Amount::Percent(10.0).absolute(Some(-5.0)), Some(0.5));
        assert_eq!(Amount::Percent(-10.0).absolute(Some(-5.0)), Some(-0.5));
        assert_eq!(Amount::Absolute(-0.2).absolute(Some(3.0)), Some(-0.2));
        assert_eq!(Amount::Percent(5.0).absolute(None), None);
        assert_eq!(Amount::Empty.absolute(Some(1.0)), None);
    }
}
