//! Plots: one SVG picture per table, drawn at build time.
//!
//! One independent variable gives points with error bars (bins drawn as horizontal
//! extents, a log axis when positive data span decades, a legend for several dependent
//! variables); two give a heat map with a colour scale (correlation and covariance
//! matrices, efficiency maps, likelihood scans), and so do four when they are the same
//! two twice (a matrix between the bins of a 2D measurement). Anything else has no plot.
//!
//! The SVG is written here rather than with a plotting crate: the pictures are simple,
//! must stay small for tables of 10^5 rows, need `<title>` and `<desc>` for screen
//! readers, and are made for every table of every build, so a few microseconds each
//! matter more than a general drawing API.

mod axis;
mod heatmap;
mod points;
mod svg;

use crate::model::{Point, TableData, Value, Variable};

/// Width of every picture, in its own units; it scales to the page.
const WIDTH: f64 = 420.0;

/// A drawn table.
#[derive(Clone, Debug)]
pub struct Plot {
    pub svg: String,
    /// What the picture shows, in words: its `<desc>`, and the page's alt text.
    pub description: String,
    /// What the picture leaves out or simplifies (points without a value, open bins,
    /// decimated rows), to print beside it.
    pub notes: Vec<String>,
    /// `points` or `heatmap`.
    pub kind: &'static str,
}

/// The plot of a table, or `None` when its shape has no sensible picture (no data, no
/// independent variable, three or more independent variables).
pub fn plot(title: &str, data: &TableData) -> Option<Plot> {
    if data.dependent.is_empty() || data.rows() == 0 {
        return None;
    }
    match data.independent.len() {
        1 => Some(points::draw(title, &data.independent[0], &data.dependent)),
        2 if is_grid(&data.independent[0], &data.independent[1]) => heatmap::draw(
            title,
            heatmap::Axes::Two(&data.independent),
            &data.dependent,
        ),
        // Two columns that are one quantity twice (a bin and its centre): a 1D plot.
        2 => Some(points::draw(title, &data.independent[0], &data.dependent)),
        4 if same_names(&data.independent[..2], &data.independent[2..]) => heatmap::draw(
            title,
            heatmap::Axes::Pairs(&data.independent),
            &data.dependent,
        ),
        _ => None,
    }
}

/// Whether two independent variables span a grid (each value of one meets several of
/// the other), rather than naming the same points twice.
fn is_grid(a: &Variable, b: &Variable) -> bool {
    let distinct = |v: &Variable| {
        let mut keys: Vec<Key> = v.values.iter().map(key).collect();
        keys.sort_unstable();
        keys.dedup();
        keys.len()
    };
    let rows = a.values.len().max(b.values.len());
    let (da, db) = (distinct(a), distinct(b));
    da > 1 && db > 1 && da < rows && db < rows
}

fn same_names(a: &[Variable], b: &[Variable]) -> bool {
    a.iter()
        .zip(b)
        .all(|(x, y)| x.name.value == y.name.value && x.units == y.units)
}

/// What tells points of one variable apart: bin edges, else the value.
type Key<'a> = (Option<Part<'a>>, Option<Part<'a>>);

#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum Part<'a> {
    /// A number by its bits, every NaN alike.
    Number(u64),
    Text(&'a str),
}

fn part(x: &Value) -> Part<'_> {
    match x {
        Value::Number(n) if n.is_nan() => Part::Number(f64::NAN.to_bits()),
        Value::Number(n) => Part::Number(n.to_bits()),
        Value::Text(t) => Part::Text(t),
    }
}

fn key(p: &Point) -> Key<'_> {
    match (&p.bin, &p.value) {
        (Some(b), _) => (Some(part(&b.low.value)), Some(part(&b.high.value))),
        (None, Some(x)) => (Some(part(&x.value)), None),
        (None, None) => (None, None),
    }
}

/// A dependent value to draw: a number, or text that reads as one (some submissions
/// quote their numbers, `value: '1.00'`).
fn numeric(p: &Point) -> Option<f64> {
    let v = match &p.value.as_ref()?.value {
        Value::Number(x) => *x,
        Value::Text(t) => t.trim().parse::<f64>().ok()?,
    };
    v.is_finite().then_some(v)
}

/// An axis title: "name [units]".
fn axis_title(v: &Variable) -> String {
    match &v.units {
        Some(u) if !u.trim().is_empty() => format!("{} [{}]", v.name.value, u),
        _ => v.name.value.clone(),
    }
}

/// The label of a point of an independent variable, for a labelled axis.
fn point_label(p: &Point) -> String {
    let v = |x: &Value| match x {
        Value::Number(n) => crate::render::number::format(*n),
        Value::Text(t) => t.clone(),
    };
    match (&p.bin, &p.value) {
        (Some(b), None) => format!("{}–{}", v(&b.low.value), v(&b.high.value)),
        (_, Some(x)) => v(&x.value),
        (None, None) => "?".to_string(),
    }
}

/// How series of one table are told apart: colour-blind-safe colours (Okabe and Ito)
/// and marker shapes, so that a grey print still separates them.
const COLOURS: [&str; 8] = [
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#8C564B",
];

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests;
