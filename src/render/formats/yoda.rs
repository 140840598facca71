//! A table as YODA2 reference data for Rivet: one binned estimate per dependent variable.
//!
//! Each dependent variable becomes an object at `/REF/<analysis>/dNN-x01-yMM` (NN the
//! table's number, MM the variable's), unless a qualifier `Custom Rivet identifier`
//! names it. Its axes come from the independent variables: bins with numeric edges make
//! a continuous axis (`d`), integer values without edges a discrete one (`i`, case c20:
//! jet multiplicities are not bin edges), anything else a labelled axis (`s`). An open
//! bin is the axis's underflow or overflow; a gap between bins is a masked bin. Every
//! uncertainty label is one error source, percentages made absolute.
//!
//! The text follows YODA 2's own writer (the `_V3` object formats), so the output equals
//! hepdata-converter's for the same options, except where that tool loses data: see
//! [`YodaOutput::notes`].

mod binning;

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use crate::model::{Point, RecordMeta, Resource, Table, TableData, Value, Variable};
use crate::render::number::{Shortest, c_exponent_from, write_c_exp};

use super::yaml::{double_quoted, is_plain_syntax};
use super::{error_labels, sides};
use binning::{Axis, AxisKind, MAX_AXES, Row, axis_kind, bin_index, coords, groups};

/// What the YODA writer needs besides the table.
#[derive(Clone, Debug)]
pub struct YodaOptions {
    /// The Rivet analysis name, e.g. `ATLAS_2012_I1203852` (see [`rivet_analysis`]).
    pub analysis: String,
    /// The table's number in its version, 1-based (the `dNN` of the paths).
    pub table_index: usize,
    /// The version's DOI: titles become `doi:<doi>/t<k>`. Without it the title is the
    /// table's name.
    pub doi: Option<String>,
    /// Write the qualifiers as annotations; `false` by default, as in the reference.
    pub keep_qualifiers: bool,
}

impl YodaOptions {
    pub fn new(analysis: &str, table_index: usize) -> YodaOptions {
        YodaOptions {
            analysis: analysis.to_string(),
            table_index,
            doi: None,
            keep_qualifiers: false,
        }
    }
}

/// The YODA text and what could not be written as it is in the table.
#[derive(Clone, Debug, Default)]
pub struct YodaOutput {
    pub text: String,
    /// One sentence per compromise: a repeated bin moved to an extra object, a one-sided
    /// uncertainty whose empty side became 0, a text value written as `nan`, a variable
    /// with no object. Worth showing beside the download.
    pub notes: Vec<String>,
}

/// The table as YODA with the default options.
pub fn table_yoda(table: &Table, data: &TableData, analysis: &str, table_index: usize) -> String {
    table_yoda_with(table, data, &YodaOptions::new(analysis, table_index)).text
}

/// The table as YODA, written as `options` say.
pub fn table_yoda_with(table: &Table, data: &TableData, options: &YodaOptions) -> YodaOutput {
    let mut writer = Writer {
        table,
        data,
        options,
        kinds: data.independent.iter().map(axis_kind).collect(),
        extra_y: data.dependent.len(),
        notes: Vec::new(),
        layout: None,
    };
    if data.independent.len() > MAX_AXES {
        // YODA's binned estimates (and Rivet) go up to three axes.
        writer.notes.push(format!(
            "{} independent variables: YODA objects have at most 3 axes, nothing written",
            data.independent.len()
        ));
    }
    // About 20 bytes a table cell (13 wide and a tab), for the buffer to grow rarely.
    let cells: usize = data
        .dependent
        .iter()
        .flat_map(|v| &v.values)
        .map(|p| 2 + 2 * p.errors.len())
        .sum();
    let mut text = String::with_capacity(1024 * data.dependent.len() + 20 * cells);
    if data.independent.len() <= MAX_AXES {
        for (j, dep) in data.dependent.iter().enumerate() {
            writer.write_objects(&mut text, j, dep);
        }
    }
    // The file ends with an empty line, as the reference's does.
    if !text.is_empty() {
        text.push('\n');
    }
    YodaOutput {
        text,
        notes: writer.notes,
    }
}

/// The state of one table's conversion.
struct Writer<'a> {
    table: &'a Table,
    data: &'a TableData,
    options: &'a YodaOptions,
    kinds: Vec<AxisKind>,
    /// The last `y` number taken; extra objects count on from the dependent variables.
    extra_y: usize,
    notes: Vec<String>,
    /// Where the rows go, worked out for the first dependent variable and kept for the
    /// others of the same length (they share the independent variables).
    layout: Option<Layout>,
}

/// Which objects the rows of a table make, and where each row sits in its object: it
/// depends only on the independent variables and the number of rows.
struct Layout {
    rows: usize,
    objects: Vec<Placement>,
}

/// The rows of one object and their bins.
struct Placement {
    /// The rows' numbers (from 0), in order.
    rows: Vec<usize>,
    /// `None` when the rows' bins cannot form YODA axes.
    binned: Option<Binned>,
}

struct Binned {
    axes: Vec<Axis>,
    /// Each row's global bin, in the order of [`Placement::rows`].
    cells: Vec<usize>,
    /// Rows (from 1) whose bin spans several cells of the merged binning.
    wide: Vec<usize>,
    masked: Vec<usize>,
}

impl Layout {
    fn new(data: &TableData, kinds: &[AxisKind], rows: usize) -> Layout {
        let coords: Vec<Row> = (0..rows)
            .filter_map(|row| Some((row, coords(&data.independent, kinds, row)?)))
            .collect();
        let objects = groups(&coords, kinds)
            .into_iter()
            .map(|(rows, axes)| Placement {
                rows: rows.iter().map(|r| r.0).collect(),
                binned: axes.map(|axes| Binned::new(axes, &rows)),
            })
            .collect();
        Layout { rows, objects }
    }
}

impl Binned {
    fn new(axes: Vec<Axis>, rows: &[&Row]) -> Binned {
        let mut filled: Vec<Vec<bool>> = axes.iter().map(|a| vec![false; a.size()]).collect();
        let mut cells = Vec::with_capacity(rows.len());
        let mut wide = Vec::new();
        for &(row, ref c) in rows.iter().copied() {
            let (global, each) = bin_index(&axes, c);
            for (d, &i) in each.iter().take(axes.len()).enumerate() {
                filled[d][i] = true;
            }
            if axes.iter().zip(c).any(|(axis, c)| axis.spans(c)) {
                wide.push(row + 1);
            }
            cells.push(global);
        }
        let bins = axes.iter().map(Axis::size).product();
        let masked = masked(&axes, &filled, bins);
        Binned {
            axes,
            cells,
            wide,
            masked,
        }
    }

    fn bins(&self) -> usize {
        self.axes.iter().map(Axis::size).product()
    }
}

impl Writer<'_> {
    /// The objects of dependent variable `j`, appended to `out`: one, or more when rows
    /// repeat bins.
    fn write_objects(&mut self, out: &mut String, j: usize, dep: &Variable) {
        let layout = match self.layout.take() {
            Some(layout) if layout.rows == dep.values.len() => layout,
            _ => Layout::new(self.data, &self.kinds, dep.values.len()),
        };
        let what = format!("y{:02} \"{}\"", j + 1, dep.name.value);
        for (n, placement) in layout.objects.iter().enumerate() {
            let table_index = self.options.table_index;
            let id = if n == 0 {
                custom_id(dep).unwrap_or_else(|| object_id(table_index, j + 1))
            } else {
                // A repeated bin cannot share an object with its first occurrence; the
                // reference silently keeps the first (case c20). It goes to a new
                // object numbered after all dependent variables, so no path collides.
                self.extra_y += 1;
                let id = object_id(table_index, self.extra_y);
                let rows = rows_text(placement.rows.iter().map(|r| r + 1));
                self.notes.push(format!(
                    "{what}, {rows}: the bin repeats or overlaps an earlier row's, written as {id}"
                ));
                id
            };
            let built = Estimate::build(dep, &what, &self.kinds, placement, &mut self.notes);
            let Some(estimate) = built else {
                let note = format!("{what}: its bins cannot form a YODA axis, not written");
                self.notes.push(note);
                continue;
            };
            let path = format!("/REF/{}/{id}", self.options.analysis);
            let notes = annotations(self.table, dep, &path, &estimate.type_name(), self.options);
            // Each object ends its last line; two empty lines part it from the next, as
            // in the reference.
            if !out.is_empty() {
                out.push_str("\n\n");
            }
            estimate.render(out, &path, &notes);
        }
        self.layout = Some(layout);
    }
}

/// The Rivet analysis of a record: the name at the end of a resource link described as
/// a Rivet analysis (case c20), else Rivet's convention `<EXPERIMENT>_<YEAR>_I<INSPIRE>`.
pub fn rivet_analysis(meta: &RecordMeta, resources: &[Resource]) -> Option<String> {
    let from_link = resources
        .iter()
        .filter(|r| {
            r.description
                .as_deref()
                .is_some_and(|d| d.to_ascii_lowercase().contains("rivet"))
        })
        .filter_map(|r| {
            let last = r.location.value.trim_end_matches('/').rsplit('/').next()?;
            let name = last.split('.').next()?;
            let ok = name.matches('_').count() >= 2
                && name.starts_with(|c: char| c.is_ascii_uppercase())
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            ok.then(|| name.to_string())
        })
        .next();
    from_link.or_else(|| {
        let experiment = meta.collaborations.first()?.to_ascii_uppercase();
        Some(format!("{experiment}_{}_I{}", meta.year?, meta.inspire_id?))
    })
}

fn object_id(table_index: usize, y: usize) -> String {
    format!("d{table_index:02}-x01-y{y:02}")
}

fn custom_id(dep: &Variable) -> Option<String> {
    let q = dep.qualifiers.iter().find(|q| q.name == CUSTOM_ID)?;
    Some(q.value.clone())
}

const CUSTOM_ID: &str = "Custom Rivet identifier";

fn list(items: impl Iterator<Item = usize>) -> String {
    let mut out = String::new();
    write_list(&mut out, items);
    out
}

/// `1, 2, 5`
fn write_list(out: &mut String, items: impl Iterator<Item = usize>) {
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "{item}");
    }
}

/// "row 3" or "rows 3, 5", for notes.
fn rows_text(rows: impl ExactSizeIterator<Item = usize>) -> String {
    let plural = if rows.len() == 1 { "row" } else { "rows" };
    format!("{plural} {}", list(rows))
}

/// Annotations, sorted by key as YODA writes them.
fn annotations(
    table: &Table,
    dep: &Variable,
    path: &str,
    type_name: &str,
    options: &YodaOptions,
) -> Vec<String> {
    let mut notes = BTreeMap::new();
    if options.keep_qualifiers {
        for q in dep.qualifiers.iter().filter(|q| q.name != CUSTOM_ID) {
            let key = match q.units.as_deref() {
                Some(u) => format!("{} [{u}]", q.name),
                None => q.name.clone(),
            };
            notes.insert(key, annotation(&q.value));
        }
    }
    let title = match &options.doi {
        Some(doi) => annotation(&format!("doi:{doi}/t{}", options.table_index)),
        // The reference quotes the name so any text is a valid YAML annotation.
        None => double_quoted(&table.name.value),
    };
    notes.insert("IsRef".into(), "1".into());
    notes.insert("Path".into(), annotation(path));
    notes.insert("Title".into(), title);
    notes.insert("Type".into(), type_name.to_string());
    notes
        .into_iter()
        .map(|(k, v)| format!("{}: {v}", annotation(&k)))
        .collect()
}

/// YODA reads annotations as YAML: text stays plain when YAML would read it whole.
fn annotation(text: &str) -> String {
    if is_plain_syntax(text) {
        text.to_string()
    } else {
        double_quoted(text)
    }
}

/// A bin's content: the value and its error sources, label -> (down, up).
type Content<'a> = (f64, BTreeMap<Cow<'a, str>, (f64, f64)>);

/// The contents of one object: axes, and per global bin its content.
struct Estimate<'a> {
    kinds: &'a [AxisKind],
    axes: &'a [Axis],
    bins: Vec<Option<Content<'a>>>,
    masked: &'a [usize],
}

impl<'a> Estimate<'a> {
    fn build(
        dep: &'a Variable,
        what: &str,
        kinds: &'a [AxisKind],
        placement: &'a Placement,
        notes: &mut Vec<String>,
    ) -> Option<Estimate<'a>> {
        let binned = placement.binned.as_ref()?;
        let mut bins = vec![None; binned.bins()];
        let (mut text, mut one_sided) = (Vec::new(), Vec::new());
        for (&row, &cell) in placement.rows.iter().zip(&binned.cells) {
            let (content, loss) = content(&dep.values[row]);
            match loss {
                Some(Loss::Text) => text.push(row + 1),
                Some(Loss::OneSided) => one_sided.push(row + 1),
                None => {}
            }
            bins[cell] = Some(content);
        }
        // YODA's binning is a grid: a bin wider than the merged edges (the x bins change
        // from one y slice to the next) sits in the cell holding its centre.
        let losses = [
            (
                binned.wide.clone(),
                "the bin spans several cells of the merged binning, written where its centre is",
            ),
            (text, "text value, written as nan"),
            (
                one_sided,
                "one-sided uncertainty, the empty side written as 0",
            ),
        ];
        for (rows, loss) in losses {
            if !rows.is_empty() {
                notes.push(format!("{what}, {}: {loss}", rows_text(rows.into_iter())));
            }
        }
        Some(Estimate {
            kinds,
            axes: &binned.axes,
            bins,
            masked: &binned.masked,
        })
    }

    /// `Estimate1D` when every axis is continuous, else `BinnedEstimate<i,d,...>`.
    fn type_name(&self) -> String {
        if self.kinds.iter().all(|k| *k == AxisKind::Continuous) {
            return format!("Estimate{}D", self.kinds.len());
        }
        let letters: Vec<&str> = self.kinds.iter().map(|k| k.letter()).collect();
        format!("BinnedEstimate<{}>", letters.join(","))
    }

    fn render(&self, out: &mut String, path: &str, annotations: &[String]) {
        let tag = format!("YODA_{}_V3", self.type_name().to_uppercase());
        let _ = writeln!(out, "BEGIN {tag} {path}");
        for line in annotations {
            out.push_str(line);
            out.push('\n');
        }
        out.push_str("---\n");
        for (d, axis) in self.axes.iter().enumerate() {
            let _ = write!(out, "Edges(A{}): ", d + 1);
            axis.render(out);
            out.push('\n');
        }
        if !self.masked.is_empty() {
            out.push_str("MaskedBins: [");
            write_list(out, self.masked.iter().copied());
            out.push_str("]\n");
        }

        // Error sources are the union over bins, sorted as YODA keeps them; "" is the
        // total uncertainty.
        let labels: Vec<&str> = self
            .bins
            .iter()
            .flatten()
            .flat_map(|(_, e)| e.keys())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .map(|l| l.as_ref())
            .collect();
        if !labels.is_empty() {
            out.push_str("ErrorLabels: [");
            for (i, label) in labels.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_quoted(out, label);
            }
            out.push_str("]\n");
        }
        cell(out, |out| out.push_str("# value"));
        for (k, label) in labels.iter().enumerate() {
            if label.is_empty() {
                cell(out, |out| out.push_str("totalDn"));
                cell(out, |out| out.push_str("totalUp"));
            } else {
                cell(out, |out| {
                    let _ = write!(out, "errDn({})", k + 1);
                });
                cell(out, |out| {
                    let _ = write!(out, "errUp({})", k + 1);
                });
            }
        }
        out.push('\n');
        for bin in &self.bins {
            cell(out, |out| {
                write_sci(out, bin.as_ref().map_or(f64::NAN, |b| b.0))
            });
            for label in &labels {
                match bin.as_ref().and_then(|b| b.1.get(*label)) {
                    Some(&(dn, up)) => {
                        cell(out, |out| write_sci(out, dn));
                        cell(out, |out| write_sci(out, up));
                    }
                    None => {
                        cell(out, |out| out.push_str("---"));
                        cell(out, |out| out.push_str("---"));
                    }
                }
            }
            out.push('\n');
        }
        let _ = writeln!(out, "END {tag}");
    }
}

/// The bins to mask: on a continuous axis, a regular bin that no row fills is a gap
/// between bins (not a bin measured as zero), masked across the other axes.
fn masked(axes: &[Axis], filled: &[Vec<bool>], bins: usize) -> Vec<usize> {
    let sizes: Vec<usize> = axes.iter().map(Axis::size).collect();
    (0..bins)
        .filter(|&global| {
            let mut rest = global;
            axes.iter().enumerate().any(|(d, axis)| {
                let i = rest % sizes[d];
                rest /= sizes[d];
                axis.is_inner(i) && !filled[d][i]
            })
        })
        .collect()
}

/// One column of YODA's table, as `write` puts it: left-aligned in 13 characters, then a
/// tab.
fn cell(out: &mut String, write: impl FnOnce(&mut String)) {
    let start = out.len();
    write(out);
    // Characters, not bytes: a UTF-8 continuation byte starts no character.
    let width = out.as_bytes()[start..]
        .iter()
        .filter(|&&b| (b as i8) >= -0x40)
        .count();
    for _ in width..13 {
        out.push(' ');
    }
    out.push('\t');
}

/// What a row lost on its way into YODA.
#[derive(Clone, Copy, PartialEq)]
enum Loss {
    /// A text value that is not a number (`-`, `<0.3`): the bin is `nan`.
    Text,
    /// An asymmetric uncertainty with an empty side: YODA has no "undefined" side, so
    /// it is 0 (case c04).
    OneSided,
}

/// A row's value and error sources, as the reference names them: `TOTAL` (any case), or
/// a single unlabelled uncertainty, is the total (source "").
fn content(point: &Point) -> (Content<'_>, Option<Loss>) {
    let value = match point.value.as_ref().map(|v| &v.value) {
        Some(Value::Number(x)) => *x,
        // Numbers given as text ('12.5') are numbers here, as in the reference (c11).
        Some(Value::Text(t)) => match t.trim().parse::<f64>() {
            Ok(x) if x.is_finite() => x,
            _ => return ((f64::NAN, BTreeMap::new()), Some(Loss::Text)),
        },
        None => return ((f64::NAN, BTreeMap::new()), None),
    };
    let labels = error_labels(point);
    let mut errors = BTreeMap::new();
    let mut loss = None;
    for (label, u) in labels.iter().zip(&point.errors) {
        let total = label.eq_ignore_ascii_case("total") || (labels.len() == 1 && label == "error");
        let source = if total {
            Cow::Borrowed("")
        } else {
            label.clone()
        };
        let (up, dn) = sides(&u.kind, Some(value));
        if up.is_none() || dn.is_none() {
            loss = Some(Loss::OneSided);
        }
        errors.insert(source, (dn.unwrap_or(0.0), up.unwrap_or(0.0)));
    }
    ((value, errors), loss)
}

/// A number as YODA writes it, appended to `out`: C's `%.6e`.
fn write_sci(out: &mut String, x: f64) {
    if x.is_nan() {
        out.push_str("nan");
        return;
    }
    if x.is_infinite() {
        out.push_str(if x > 0.0 { "inf" } else { "-inf" });
        return;
    }
    // Up to seven significant digits, `%.6e` is the shortest digits padded with zeros:
    // a normal double is far nearer to them than to any other seven-digit decimal.
    let s = Shortest::new(x);
    if s.digits().len() <= 7 && (x.is_normal() || x == 0.0) {
        if s.is_negative() {
            out.push('-');
        }
        s.write_mantissa(out, 6);
        out.push('e');
        write_c_exp(out, s.exp);
        return;
    }
    // Longer digits are rounded from the exact binary value by the standard formatter
    // (rounding the shortest digits again could differ at a tie); it writes `1.234568e3`,
    // so the exponent is rewritten with C's sign and two digits.
    let start = out.len();
    let _ = write!(out, "{x:.6e}");
    c_exponent_from(out, start);
}

/// Text in double quotes as C++'s `std::quoted` writes it, appended to `out`.
fn write_quoted(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        if c == '\\' || c == '"' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
}

#[cfg(test)]
mod tests;
