//! A table as CSV, in the layout hepdata-converter writes and hepdata.net serves.
//!
//! `#:` metadata lines come first, then one block per dependent variable (hepdata.net's
//! default, "unpacked"): its qualifiers as `#:` lines, a header row, the data rows and an
//! empty line. A binned independent variable takes three columns (centre, `LOW`,
//! `HIGH`); each uncertainty takes a `<label> +` / `<label> -` column pair.
//!
//! Where this differs from hepdata-converter 0.3.3, on purpose:
//! - percentages are written as absolute numbers, so every data column parses as a
//!   number (the reference keeps the text `5%`);
//! - an uncertainty a row does not give is an empty field, not `0`: "not given" is not
//!   "zero", and all-zero uncertainties are an error (cases c01, c12);
//! - the centre of an open bin is its finite edge, not `inf` (case c05);
//! - metadata text is kept on one `#:` line, newlines becoming spaces (case c26);
//! - qualifier values sit under their own variable's column even when there are several
//!   independent variables, and every field is quoted per RFC 4180 when needed.

use std::borrow::Cow;

use crate::model::{Table, TableData, Value, Variable};

use super::{error_labels, sides, write_repr, write_value_text};

/// How to write the CSV.
#[derive(Clone, Debug)]
pub struct CsvOptions {
    /// Field separator; `,` by default.
    pub separator: char,
    /// All dependent variables side by side in one block ("packed") instead of one block
    /// each; `false` by default, as on hepdata.net.
    pub pack: bool,
    /// The table's DOI, written as a `#: table_doi:` line when given.
    pub table_doi: Option<String>,
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions {
            separator: ',',
            pack: false,
            table_doi: None,
        }
    }
}

/// The table as CSV with the default options (`,`, one block per dependent variable).
pub fn table_csv(table: &Table, data: &TableData) -> String {
    table_csv_with(table, data, &CsvOptions::default())
}

/// The table as CSV, written as `options` say.
pub fn table_csv_with(table: &Table, data: &TableData, options: &CsvOptions) -> String {
    let mut out = String::with_capacity(capacity(data, options.pack));
    write_metadata(&mut out, table, options);

    let x_columns: Vec<Column> = data.independent.iter().map(Column::independent).collect();
    if options.pack {
        if !data.dependent.is_empty() {
            let deps: Vec<&Variable> = data.dependent.iter().collect();
            write_block(&mut out, &x_columns, &deps, data.rows(), options.separator);
        }
    } else {
        for dep in &data.dependent {
            write_block(&mut out, &x_columns, &[dep], data.rows(), options.separator);
            out.push('\n');
        }
    }
    out
}

/// A guess at the text's length, so that the buffer grows rarely: about 20 bytes a field.
fn capacity(data: &TableData, pack: bool) -> usize {
    let fields = |v: &Variable| 1 + 2 * v.values.first().map_or(0, |p| p.errors.len());
    let x: usize = data.independent.iter().map(|v| fields(v) + 2).sum();
    let y: usize = data.dependent.iter().map(fields).sum();
    let blocks = if pack { 1 } else { data.dependent.len() };
    512 + 20 * data.rows() * (x * blocks + y)
}

fn write_metadata(out: &mut String, table: &Table, options: &CsvOptions) {
    let mut line = |key: &str, text: &str| {
        out.push_str("#: ");
        out.push_str(key);
        out.push_str(": ");
        push_one_line(out, text);
        out.push('\n');
    };
    if let Some(doi) = &options.table_doi {
        line("table_doi", doi);
    }
    line("name", &table.name.value);
    line("description", table.description.as_deref().unwrap_or(""));
    if let Some(file) = &table.data_file {
        line("data_file", &file.value);
    }
    if let Some(license) = &table.license {
        // Name, URL and description joined by spaces, as the reference does.
        let text = format!(
            "{} {} {}",
            license.name,
            license.url.as_deref().unwrap_or(""),
            license.description.as_deref().unwrap_or("")
        );
        line("data_license", &text);
    }
    for keyword in &table.keywords {
        let values: Vec<&str> = keyword.values.iter().map(|v| v.value.as_str()).collect();
        line(
            &format!("keyword {}", keyword.name.value),
            &values.join(" | "),
        );
    }
}

/// Text on one line: a line break inside a `#:` line would start a data row, so the
/// lines are joined by spaces, empty ones dropped.
fn push_one_line(out: &mut String, text: &str) {
    let mut lines = text.split(['\n', '\r']).filter(|l| !l.is_empty());
    if let Some(first) = lines.next() {
        out.push_str(first);
    }
    for line in lines {
        out.push(' ');
        out.push_str(line);
    }
}

/// One group of columns: an independent variable (one or three columns) or a dependent
/// variable with its uncertainty pairs.
struct Column<'a> {
    var: &'a Variable,
    binned: bool,
    labels: Vec<Cow<'a, str>>,
}

impl<'a> Column<'a> {
    fn independent(var: &'a Variable) -> Column<'a> {
        // `LOW`/`HIGH` only when some bin has distinct edges, as the reference decides.
        let binned = var
            .values
            .iter()
            .any(|p| p.bin.as_ref().is_some_and(|b| b.low.value != b.high.value));
        Column {
            var,
            binned,
            labels: Vec::new(),
        }
    }

    fn dependent(var: &'a Variable) -> Column<'a> {
        // Uncertainty columns in the order their labels first appear.
        let mut labels: Vec<Cow<str>> = Vec::new();
        for point in &var.values {
            for label in error_labels(point) {
                if !labels.contains(&label) {
                    labels.push(label);
                }
            }
        }
        Column {
            var,
            binned: false,
            labels,
        }
    }

    fn headers(&self, record: &mut Record) {
        let header = self.var.header();
        record.text(&header);
        if self.binned {
            record.field(|out| {
                out.push_str(&header);
                out.push_str(" LOW");
            });
            record.field(|out| {
                out.push_str(&header);
                out.push_str(" HIGH");
            });
        }
        for label in &self.labels {
            record.field(|out| {
                out.push_str(label);
                out.push_str(" +");
            });
            record.field(|out| {
                out.push_str(label);
                out.push_str(" -");
            });
        }
    }

    fn width(&self) -> usize {
        let own = if self.binned { 3 } else { 1 };
        own + 2 * self.labels.len()
    }

    /// The fields of `row`; `errors` is scratch space, one (plus, minus) per label.
    fn cells(&self, row: usize, record: &mut Record, errors: &mut Vec<Sides>) {
        let point = self.var.values.get(row);
        let value = point.and_then(|p| p.value.as_ref()).map(|v| &v.value);
        record.value(value);
        errors.clear();
        errors.resize(self.labels.len(), (None, None));
        if let Some(p) = point {
            let number = value.and_then(Value::as_f64);
            for (label, u) in error_labels(p).iter().zip(&p.errors) {
                if let Some(i) = self.labels.iter().position(|l| l == label) {
                    errors[i] = sides(&u.kind, number);
                }
            }
        }
        for &(plus, minus) in errors.iter() {
            record.number(plus);
            record.number(minus);
        }
    }

    /// The centre (and edges) of one independent-variable entry.
    fn x_cells(&self, row: usize, record: &mut Record) {
        let point = self.var.values.get(row);
        let value = point.and_then(|p| p.value.as_ref()).map(|v| &v.value);
        match point.and_then(|p| p.bin.as_ref()) {
            Some(bin) => {
                let (low, high) = (&bin.low.value, &bin.high.value);
                match value {
                    Some(v) => record.value(Some(v)),
                    None => record.number(centre(low, high)),
                }
                if self.binned {
                    record.value(Some(low));
                    record.value(Some(high));
                }
            }
            None => {
                // A plain value is a bin of zero width in the LOW/HIGH columns.
                let width = if self.binned { 3 } else { 1 };
                for _ in 0..width {
                    record.value(value);
                }
            }
        }
    }
}

/// The (plus, minus) sides of one uncertainty, absolute.
type Sides = (Option<f64>, Option<f64>);

/// The middle of a bin. An open bin has no middle: its finite edge stands in, so the
/// column stays finite (the reference writes `inf`, case c05). Text edges give nothing.
fn centre(low: &Value, high: &Value) -> Option<f64> {
    match (low.as_f64(), high.as_f64()) {
        (Some(l), Some(h)) if l.is_finite() && h.is_finite() => Some(0.5 * (l + h)),
        (Some(l), Some(_)) if l.is_finite() => Some(l),
        (Some(_), Some(h)) if h.is_finite() => Some(h),
        _ => None,
    }
}

/// Qualifier lines, the header row and the data rows of one block.
fn write_block(out: &mut String, xs: &[Column], deps: &[&Variable], rows: usize, sep: char) {
    let ys: Vec<Column> = deps.iter().map(|v| Column::dependent(v)).collect();
    write_qualifiers(out, xs, &ys, sep);

    let mut header = Record::new(out, sep);
    xs.iter().chain(&ys).for_each(|c| c.headers(&mut header));
    header.end();

    let mut errors = Vec::new();
    for row in 0..rows {
        let mut record = Record::new(out, sep);
        xs.iter().for_each(|c| c.x_cells(row, &mut record));
        ys.iter()
            .for_each(|c| c.cells(row, &mut record, &mut errors));
        record.end();
    }
}

/// One `#:` line per qualifier name: the name in the first field, each variable's value
/// under that variable's column. The line is `#: ` followed by a CSV record, so it stays a
/// comment line for readers that skip `#` lines and still splits into columns.
fn write_qualifiers(out: &mut String, xs: &[Column], ys: &[Column], sep: char) {
    let mut names: Vec<String> = Vec::new();
    for y in ys {
        for q in &y.var.qualifiers {
            let name = qualifier_name(&q.name, q.units.as_deref());
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    let x_width: usize = xs.iter().map(Column::width).sum();
    for name in names {
        out.push_str("#: ");
        let mut record = Record::new(out, sep);
        record.text(&name);
        let mut column = x_width;
        for y in ys {
            let value = y
                .var
                .qualifiers
                .iter()
                .find(|q| qualifier_name(&q.name, q.units.as_deref()) == name);
            if let Some(q) = value {
                // The name takes the first column; with no independent variable the
                // value follows it directly, as the reference writes it.
                while record.fields < column {
                    record.field(|_| {});
                }
                record.text(&q.value);
            }
            column += y.width();
        }
        record.end();
    }
}

/// Does a field hold the separator, a quote or a line break?
fn needs_quotes(field: &str, sep: char) -> bool {
    match u8::try_from(sep) {
        // A byte scan, much quicker than a search for four characters.
        Ok(sep) if sep.is_ascii() => field
            .bytes()
            .any(|b| b == sep || b == b'"' || b == b'\n' || b == b'\r'),
        _ => field.contains([sep, '"', '\n', '\r']),
    }
}

fn qualifier_name(name: &str, units: Option<&str>) -> String {
    match units {
        Some(u) if !u.is_empty() => format!("{name} [{u}]"),
        _ => name.to_string(),
    }
}

/// One CSV record being written straight into the file's text. Fields holding the
/// separator, a quote or a line break are quoted, quotes doubled (RFC 4180). A record of
/// one empty field is written `""`, since an empty line is no record at all to CSV
/// readers.
struct Record<'o> {
    out: &'o mut String,
    sep: char,
    /// Where the record starts in `out`.
    start: usize,
    fields: usize,
}

impl<'o> Record<'o> {
    fn new(out: &'o mut String, sep: char) -> Record<'o> {
        let start = out.len();
        Record {
            out,
            sep,
            start,
            fields: 0,
        }
    }

    /// A field that `write` appends to the text, quoted afterwards if it needs quotes
    /// (rare: numbers never do unless the separator is a digit, `.`, `e` or `-`).
    fn field(&mut self, write: impl FnOnce(&mut String)) {
        if self.fields > 0 {
            self.out.push(self.sep);
        }
        self.fields += 1;
        let at = self.out.len();
        write(self.out);
        if needs_quotes(&self.out[at..], self.sep) {
            let field = self.out.split_off(at);
            self.out.push('"');
            self.out.push_str(&field.replace('"', "\"\""));
            self.out.push('"');
        }
    }

    fn text(&mut self, text: &str) {
        self.field(|out| out.push_str(text));
    }

    /// A value as [`super::repr`] spells numbers; empty when absent.
    fn value(&mut self, value: Option<&Value>) {
        self.field(|out| {
            if let Some(v) = value {
                write_value_text(out, v);
            }
        });
    }

    /// A number as [`super::repr`] spells it; empty when absent.
    fn number(&mut self, x: Option<f64>) {
        self.field(|out| {
            if let Some(x) = x {
                write_repr(out, x);
            }
        });
    }

    fn end(self) {
        if self.fields == 1 && self.out.len() == self.start {
            self.out.push_str("\"\"");
        }
        self.out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Keyword, Pos, Spanned};
    use crate::render::formats::fixture::{data, table};

    const BINNED: &str = "independent_variables:
- header: {name: PT, units: GEV}
  values: [{low: 0, high: 10}, {low: 10, high: .inf}]
dependent_variables:
- header: {name: SIG, units: FB}
  qualifiers: [{name: SQRT(S), units: GEV, value: 13000}, {name: RE, value: 'P P --> X, Y'}]
  values:
  - value: 20.0
    errors: [{symerror: 5%, label: sys}, {asymerror: {plus: 0.5, minus: ''}, label: stat}]
  - {value: '<0.3'}
";

    #[test]
    fn a_block_per_dependent_variable() {
        let csv = table_csv(&table("T"), &data(BINNED));
        let expected = "#: name: T
#: description: A test table.
#: data_file: data.yaml
#: SQRT(S) [GEV],,,13000
#: RE,,,\"P P --> X, Y\"
PT [GEV],PT [GEV] LOW,PT [GEV] HIGH,SIG [FB],sys +,sys -,stat +,stat -
5.0,0.0,10.0,20.0,1.0,-1.0,0.5,
10.0,10.0,inf,<0.3,,,,

";
        // Percentages are absolute, the open bin's centre is its low edge, a missing
        // side or a missing uncertainty is an empty field, never 0.
        assert_eq!(csv, expected);
    }

    #[test]
    fn separator_and_quoting_follow_rfc_4180() {
        let d = data(
            "independent_variables: []
dependent_variables:
- header: {name: 'say \"hi\"; twice'}
  values: [{value: \"two\\nlines\"}, {value: ''}]
",
        );
        let options = CsvOptions {
            separator: ';',
            ..CsvOptions::default()
        };
        let csv = table_csv_with(&table("T"), &d, &options);
        let body: Vec<&str> = csv.lines().skip(3).collect();
        // A lone empty field is `""`: an empty line would be no record at all.
        assert_eq!(
            body,
            ["\"say \"\"hi\"\"; twice\"", "\"two", "lines\"", "\"\"", ""]
        );
    }

    #[test]
    fn metadata_stays_on_metadata_lines() {
        let mut t = table("Figure 6, pp, part 2/2");
        t.description = Some("First line.\n\nSecond line;\r\nthird.\n".into());
        t.keywords = vec![Keyword {
            name: Spanned::new("cmenergies".into(), Pos::NONE),
            values: vec![
                Spanned::new("7000".into(), Pos::NONE),
                Spanned::new("8000".into(), Pos::NONE),
            ],
        }];
        let options = CsvOptions {
            table_doi: Some("10.5072/hepstatic.x.v1/t3".into()),
            ..CsvOptions::default()
        };
        let csv = table_csv_with(&t, &TableData::default(), &options);
        assert_eq!(
            csv,
            "#: table_doi: 10.5072/hepstatic.x.v1/t3
#: name: Figure 6, pp, part 2/2
#: description: First line. Second line; third.
#: data_file: data.yaml
#: keyword cmenergies: 7000 | 8000
"
        );
    }

    #[test]
    fn qualifiers_sit_over_their_column() {
        // With two independent variables the reference shifts the value one column left;
        // here it stays over its variable.
        let d = data(
            "independent_variables:
- header: {name: A}
  values: [{value: 1}]
- header: {name: B}
  values: [{low: 0, high: 1}]
dependent_variables:
- header: {name: Y}
  qualifiers: [{name: Q, value: q}]
  values: [{value: 3}]
",
        );
        let csv = table_csv(&table("T"), &d);
        assert!(
            csv.contains("#: Q,,,,q\nA,B,B LOW,B HIGH,Y\n1.0,0.5,0.0,1.0,3.0\n"),
            "{csv}"
        );
    }

    #[test]
    fn packed_puts_every_variable_in_one_block() {
        let mut d = data(BINNED);
        d.dependent.push(d.dependent[0].clone());
        d.dependent[1].qualifiers.remove(0);
        let options = CsvOptions {
            pack: true,
            ..CsvOptions::default()
        };
        let csv = table_csv_with(&table("T"), &d, &options);
        let lines: Vec<&str> = csv.lines().skip(3).collect();
        assert_eq!(lines[0], "#: SQRT(S) [GEV],,,13000");
        assert_eq!(lines[1], "#: RE,,,\"P P --> X, Y\",,,,,\"P P --> X, Y\"");
        assert_eq!(lines.len(), 5);
    }
}
