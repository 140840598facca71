//! The table downloads against hepdata-converter's own expected outputs
//! (`../shared/converter-expected`), the edge cases in `../shared/cases`, and every table
//! of the shipped records: what CSV, JSON and YAML say must be what the data file says.
//!
//! The shared folders sit beside the repository. If one is missing these tests fail: a
//! skipped comparison must never pass silently.

use std::fs;
use std::path::{Path, PathBuf};

use hepstatic::load::{Options, load_data, load_record, load_submission};
use hepstatic::model::{Table, TableData, UncertaintyKind, Value};
use hepstatic::render::formats::csv::{CsvOptions, table_csv, table_csv_with};
use hepstatic::render::formats::json::table_json;
use hepstatic::render::formats::yaml::table_yaml;
use hepstatic::render::formats::yoda::{YodaOptions, rivet_analysis, table_yoda_with};

fn shared(folder: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared")
        .join(folder);
    assert!(
        dir.is_dir(),
        "{} is missing: it must sit beside the repository",
        dir.display()
    );
    dir
}

fn expected(path: &str) -> String {
    fs::read_to_string(shared("converter-expected").join("expected").join(path)).unwrap()
}

/// The tables of a submission folder, each with its data.
fn tables(dir: &Path) -> Vec<(Table, TableData)> {
    let mut diags = Vec::new();
    let sub = load_submission(
        &dir.join("submission.yaml"),
        &Options::default(),
        &mut diags,
    );
    sub.tables
        .into_iter()
        .map(|mut t| {
            let data = t
                .data
                .take()
                .unwrap_or_else(|| panic!("{}: no data", t.name.value));
            (t, data)
        })
        .collect()
}

fn yaml_full() -> Vec<(Table, TableData)> {
    let tables = tables(&shared("converter-expected").join("inputs/yaml_full"));
    // The schema 0.1.0 inputs load despite the keys hepstatic reports (a `name:` in
    // data1.yaml, a resource URL written as a file): the data themselves are all there.
    assert_eq!(tables.len(), 7);
    tables
}

/// Compares line by line. hepstatic keeps numbers as `f64`, so it cannot tell `7000`
/// from `7000.0` in the input, and writes every number as Python writes a float. The
/// reference keeps the input's integers: `7000` and `1` where hepstatic writes `7000.0`
/// and `1.0`, and `0` for a negated integer zero where hepstatic writes `-0.0`. Cells
/// that differ only so are the one difference allowed; everything else, spaces
/// included, must match byte for byte. Returns how many lines differ.
fn assert_same_but_integer_spelling(actual: &str, expected: &str, sep: char) -> usize {
    let (a, e): (Vec<&str>, Vec<&str>) = (actual.lines().collect(), expected.lines().collect());
    assert_eq!(a.len(), e.len(), "line count differs:\n{actual}");
    let number = |s: &str| s.trim().parse::<f64>().ok();
    let integer_spelling = |a: &str, e: &str| {
        let (a, e) = (a.trim(), e.trim());
        let same = number(a).is_some() && number(a) == number(e);
        same && (!e.contains(['.', 'e', 'n']) || number(e) == Some(0.0))
    };
    let mut differ = 0;
    for (n, (a, e)) in a.iter().zip(&e).enumerate() {
        differ += usize::from(a != e);
        let cells =
            |s: &'_ str| -> Vec<String> { s.split([sep, '\t']).map(str::to_string).collect() };
        let (ac, ec) = (cells(a), cells(e));
        let ok = ac.len() == ec.len()
            && ac
                .iter()
                .zip(&ec)
                .all(|(a, e)| a == e || integer_spelling(a, e));
        assert!(
            ok,
            "line {} differs beyond integer spelling:\n  got:      {a:?}\n  expected: {e:?}",
            n + 1
        );
    }
    differ
}

fn table<'a>(tables: &'a [(Table, TableData)], name: &str) -> &'a (Table, TableData) {
    tables.iter().find(|(t, _)| t.name.value == name).unwrap()
}

fn yoda_options(analysis: &str, k: usize, doi: Option<&str>) -> YodaOptions {
    YodaOptions {
        doi: doi.map(str::to_string),
        keep_qualifiers: doi.is_some(),
        ..YodaOptions::new(analysis, k)
    }
}

/// Every table of `tables` as YODA, as one file (the reference's `yoda` output).
fn yoda_file(
    tables: &[(Table, TableData)],
    analysis: &str,
    doi: Option<&str>,
    skip: usize,
) -> String {
    let texts: Vec<String> = tables
        .iter()
        .enumerate()
        .filter(|(i, _)| i + 1 != skip)
        .map(|(i, (t, d))| table_yoda_with(t, d, &yoda_options(analysis, i + 1, doi)).text)
        .collect();
    texts.join("\n")
}

fn tables_of(folder: &str) -> Vec<(Table, TableData)> {
    let (top, rest) = folder.split_once('/').unwrap();
    tables(&shared(top).join(rest))
}

/// One block of a CSV read back: header names and rows of fields (RFC 4180).
fn read_csv(text: &str) -> Vec<(Vec<String>, Vec<Vec<String>>)> {
    let mut blocks = Vec::new();
    let mut rows: Vec<Vec<String>> = Vec::new();
    for record in records(text) {
        match record {
            None if !rows.is_empty() => {
                let header = rows.remove(0);
                blocks.push((header, std::mem::take(&mut rows)));
            }
            None => {}
            Some(fields) => rows.push(fields),
        }
    }
    assert!(rows.is_empty(), "every block ends with an empty line");
    blocks
}

/// Records of a CSV text; `None` for an empty line. `#:` lines are skipped.
fn records(text: &str) -> Vec<Option<Vec<String>>> {
    let (mut out, mut fields, mut field) = (Vec::new(), Vec::new(), String::new());
    let (mut quoted, mut chars) = (false, text.chars().peekable());
    let mut at_start = true;
    while let Some(c) = chars.next() {
        match c {
            '#' if at_start && !quoted => {
                while chars.next().is_some_and(|c| c != '\n') {}
                continue;
            }
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(std::mem::take(&mut field)),
            '\n' if !quoted => {
                if at_start {
                    out.push(None);
                } else {
                    fields.push(std::mem::take(&mut field));
                    out.push(Some(std::mem::take(&mut fields)));
                }
                at_start = true;
                continue;
            }
            c => field.push(c),
        }
        at_start = false;
    }
    out
}

/// The text a cell must hold for `v`: a number reads back as the same number, text is
/// written as it is.
fn assert_cell(cell: &str, v: Option<&Value>, what: &str) {
    match v {
        Some(Value::Number(x)) if x.is_nan() => assert_eq!(cell, "nan", "{what}"),
        Some(Value::Number(x)) => assert_eq!(cell.parse::<f64>().ok(), Some(*x), "{what}: {cell}"),
        Some(Value::Text(t)) => assert_eq!(cell, t, "{what}"),
        None => assert_eq!(cell, "", "{what}"),
    }
}

fn check_csv(table: &Table, data: &TableData) {
    let blocks = read_csv(&table_csv(table, data));
    assert_eq!(blocks.len(), data.dependent.len(), "{}", table.name.value);
    for ((header, rows), dep) in blocks.iter().zip(&data.dependent) {
        assert_eq!(rows.len(), data.rows(), "{}", table.name.value);
        for (r, row) in rows.iter().enumerate() {
            assert_eq!(row.len(), header.len(), "{} row {r}", table.name.value);
            let what = format!("{} row {r}", table.name.value);
            let mut col = 0;
            for x in &data.independent {
                let p = &x.values[r];
                let has_edges = header.get(col + 1).is_some_and(|h| h.ends_with(" LOW"));
                if let Some(v) = &p.value {
                    assert_cell(&row[col], Some(&v.value), &what);
                }
                if let (true, Some(bin)) = (has_edges, &p.bin) {
                    assert_cell(&row[col + 1], Some(&bin.low.value), &what);
                    assert_cell(&row[col + 2], Some(&bin.high.value), &what);
                }
                col += if has_edges { 3 } else { 1 };
            }
            let p = &dep.values[r];
            assert_cell(&row[col], p.value.as_ref().map(|v| &v.value), &what);
            let y = p.value.as_ref().and_then(|v| v.value.as_f64());
            for u in &p.errors {
                let label = u.label.as_deref().unwrap_or("error");
                let at = header
                    .iter()
                    .position(|h| h.starts_with(label) && h.ends_with(" +"));
                let at = at.unwrap_or_else(|| panic!("{what}: no column for {label}"));
                let (plus, minus) = match &u.kind {
                    UncertaintyKind::Symmetric(a) => {
                        (a.absolute(y).map(f64::abs), a.absolute(y).map(|x| -x.abs()))
                    }
                    UncertaintyKind::Asymmetric { plus, minus } => {
                        (plus.absolute(y), minus.absolute(y))
                    }
                };
                for (cell, side) in [(&row[at], plus), (&row[at + 1], minus)] {
                    // Every uncertainty cell is a number (or empty for an empty side).
                    let got = cell.parse::<f64>().ok();
                    let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * a.abs().max(b.abs());
                    match (got, side) {
                        (Some(g), Some(s)) => {
                            assert!(close(g, s.abs()) || close(g, s), "{what}: {cell} vs {s}")
                        }
                        (None, None) => assert_eq!(cell, "", "{what}"),
                        _ => panic!("{what}: {label} cell {cell:?}, data {side:?}"),
                    }
                }
            }
        }
    }
}

/// The data without positions or source text, for comparing two loads.
fn canonical(data: &TableData) -> String {
    let mut out = String::new();
    for (kind, vars) in [("x", &data.independent), ("y", &data.dependent)] {
        for v in vars {
            out += &format!("{kind} {:?} {:?}\n", v.name.value, v.units);
            for q in &v.qualifiers {
                out += &format!("  q {:?} {:?} {:?}\n", q.name, q.value, q.units);
            }
            for p in &v.values {
                let bin = p.bin.as_ref().map(|b| (&b.low.value, &b.high.value));
                out += &format!("  p {:?} {bin:?}\n", p.value.as_ref().map(|v| &v.value));
                for u in &p.errors {
                    out += &format!("    e {:?} {:?}\n", u.label, u.kind);
                }
            }
        }
    }
    out
}

fn check_yaml(table: &Table, data: &TableData, scratch: &Path) {
    fs::write(scratch, table_yaml(data)).unwrap();
    let mut diags = Vec::new();
    let back =
        load_data(scratch, &mut diags).unwrap_or_else(|| panic!("{}: {diags:?}", table.name.value));
    assert_eq!(canonical(&back), canonical(data), "{}", table.name.value);
    assert!(
        diags.iter().all(|d| d.code != "E001" && d.code != "W001"),
        "{diags:?}"
    );
}

fn check_json(table: &Table, data: &TableData) {
    let text = table_json(table, data);
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let as_value = |j: &serde_json::Value| match j {
        serde_json::Value::Number(n) => Value::Number(n.as_f64().unwrap()),
        serde_json::Value::String(s) if s == "inf" => Value::Number(f64::INFINITY),
        serde_json::Value::String(s) if s == "-inf" => Value::Number(f64::NEG_INFINITY),
        serde_json::Value::String(s) => Value::Text(s.clone()),
        other => panic!("{other}"),
    };
    assert_eq!(json["name"], table.name.value.as_str());
    for (key, vars) in [
        ("independent_variables", &data.independent),
        ("dependent_variables", &data.dependent),
    ] {
        for (var, jv) in vars.iter().zip(json[key].as_array().unwrap()) {
            for (p, jp) in var.values.iter().zip(jv["values"].as_array().unwrap()) {
                if let Some(v) = &p.value {
                    assert_eq!(as_value(&jp["value"]), v.value, "{}", table.name.value);
                }
                if let Some(b) = &p.bin {
                    assert_eq!(as_value(&jp["low"]), b.low.value);
                    assert_eq!(as_value(&jp["high"]), b.high.value);
                }
            }
        }
    }
}

/// In a module named `formats` so that `cargo test formats` runs these as well.
mod formats {
    use super::*;

    #[test]
    fn csv_matches_the_reference_byte_for_byte_for_table_9() {
        let tables = yaml_full();
        let (t, d) = table(&tables, "Table 9");
        let packed = CsvOptions {
            pack: true,
            ..CsvOptions::default()
        };
        assert_eq!(table_csv_with(t, d, &packed), expected("csv/table_9.csv"));
        let semicolons = CsvOptions {
            separator: ';',
            ..CsvOptions::default()
        };
        assert_eq!(
            table_csv_with(t, d, &semicolons),
            expected("csv/table_9_unpacked.csv")
        );
    }

    #[test]
    fn csv_matches_the_reference_for_table_1_but_integer_spelling() {
        let tables = yaml_full();
        let (t, d) = table(&tables, "Table 1");
        let packed = CsvOptions {
            pack: true,
            ..CsvOptions::default()
        };
        let csv = table_csv_with(t, d, &packed);
        // `7000` and `1` in the input come out as `7000.0` and `1.0`, in the three data rows;
        // all else is identical, down to the license line's trailing space and the quoted
        // "sys,lumi +" header.
        let differ = assert_same_but_integer_spelling(&csv, &expected("csv/table_1.csv"), ',');
        assert_eq!(differ, 3);
        assert!(
            csv.contains("7000.0,25.4,3.3,-3.0,1.0,-1.2,1.0,-1.0\n"),
            "{csv}"
        );
        // Unpacked (the default) differs from packed only by the block's closing empty line.
        assert_eq!(table_csv(t, d), csv + "\n");
    }

    #[test]
    fn yoda_matches_the_reference() {
        let tables = yaml_full();
        let doi = Some("10.17182/hepdata.62535.v1");
        let full = yoda_file(&tables, "ATLAS_2012_I1203852", doi, 0);
        // One cell differs: data3.yaml's `symerror: 0` is an integer, whose negation the
        // reference writes as 0.000000e+00; hepstatic negates the float 0.0 (-0.000000e+00),
        // as the reference itself does for `symerror: 0.0` in data9.yaml.
        let differ = assert_same_but_integer_spelling(&full, &expected("yoda/full.yoda"), '\t');
        assert_eq!(differ, 1);

        // Selecting objects (the reference's match and unmatch options) is selecting tables.
        let first = table_yoda_with(
            &tables[0].0,
            &tables[0].1,
            &yoda_options("ATLAS_2012_I1203852", 1, doi),
        );
        assert_eq!(first.text, expected("yoda/full_match.yoda"));
        let without_7 = yoda_file(&tables, "ATLAS_2012_I1203852", doi, 7);
        let differ =
            assert_same_but_integer_spelling(&without_7, &expected("yoda/full_unmatch.yoda"), '\t');
        assert_eq!(differ, 1);

        // Open bins are the underflow and overflow; NaN values are written as nan.
        let inf = tables_of("converter-expected/inputs/yaml_inf");
        assert_eq!(
            yoda_file(&inf, "OVERFLOW_TEST", None, 0),
            expected("yoda/with_overflows.yoda")
        );
    }

    #[test]
    fn yoda_follows_case_c20_where_the_reference_loses_data() {
        let tables = tables_of("cases/c20/input");
        let mut diags = Vec::new();
        let sub = load_submission(
            &shared("cases").join("c20/input/submission.yaml"),
            &Options::default(),
            &mut diags,
        );
        let analysis = rivet_analysis(&Default::default(), &sub.resources).unwrap();
        assert_eq!(analysis, "EXAMPLE_2020_I0000001");
        let yoda = |k: usize| {
            let (t, d) = &tables[k - 1];
            table_yoda_with(t, d, &YodaOptions::new(&analysis, k))
        };

        // 20a: jet multiplicities are a discrete integer axis, never bins [1,2), [2,3); the
        // custom identifier names the object; percentages are absolute; by default the
        // SQRT(S) qualifier is not an annotation.
        let a = yoda(1).text;
        assert!(a.starts_with(
            "BEGIN YODA_BINNEDESTIMATE<I>_V3 /REF/EXAMPLE_2020_I0000001/d01-x01-y01\n"
        ));
        assert!(
            a.contains("Edges(A1): [1, 2, 3]\n") && a.contains("ErrorLabels: [\"stat\", \"sys\"]")
        );
        assert!(a.contains(
            "1.200000e+02 \t-6.000000e+00\t6.000000e+00 \t-1.200000e+01\t1.200000e+01 \t"
        ));
        assert!(a.contains("-4.800000e+00") && a.contains("1.350000e+00") && !a.contains("SQRT"));

        // 20b: the gap (1, 2) is a masked bin, the open bin (3, inf) the overflow.
        let b = yoda(2).text;
        assert!(
            b.contains("Edges(A1): [0.000000e+00, 1.000000e+00, 2.000000e+00, 3.000000e+00]\n")
        );
        assert!(b.contains("MaskedBins: [2]\n"), "{b}");
        assert!(b.ends_with(
            "4.000000e-01 \t-1.000000e-01\t1.000000e-01 \t\nEND YODA_ESTIMATE1D_V3\n\n"
        ));

        // 20c: the reference keeps the first of two rows in bin (0, 10) and drops 80.0. Here
        // the repeat becomes its own object, numbered after the table's dependent variables.
        let c = yoda(3);
        assert!(c.text.contains("/REF/EXAMPLE_2020_I0000001/d03-x01-y01\n"));
        assert!(c.text.contains("/REF/EXAMPLE_2020_I0000001/d03-x01-y02\n"));
        assert!(
            c.text
                .contains("8.000000e+01 \t-9.000000e+00\t9.000000e+00")
        );
        assert_eq!(c.notes.len(), 1, "{:?}", c.notes);
        assert_eq!(
            c.notes[0],
            "y01 \"N\", row 3: the bin repeats or overlaps an earlier row's, written as d03-x01-y02"
        );
    }

    #[test]
    fn every_shipped_table_says_the_same_in_every_format() {
        let records = Path::new(env!("CARGO_MANIFEST_DIR")).join("records");
        let scratch =
            std::env::temp_dir().join(format!("hepstatic-formats-{}.yaml", std::process::id()));
        let mut checked = 0;
        for entry in fs::read_dir(&records).unwrap() {
            let dir = entry.unwrap().path();
            let mut diags = Vec::new();
            let Some(record) = load_record(&dir, &Options::default(), &mut diags) else {
                continue;
            };
            for version in &record.versions {
                for (k, table) in version.submission.tables.iter().enumerate() {
                    let Some(data) = &table.data else { continue };
                    check_csv(table, data);
                    check_json(table, data);
                    check_yaml(table, data, &scratch);
                    // YODA: every table gives objects or says why not, and never panics.
                    let yoda = table_yoda_with(table, data, &YodaOptions::new("TEST", k + 1));
                    assert!(
                        !yoda.text.is_empty()
                            || data.dependent.is_empty()
                            || !yoda.notes.is_empty()
                    );
                    checked += 1;
                }
            }
        }
        let _ = fs::remove_file(&scratch);
        assert!(checked > 100, "only {checked} tables checked");
    }
}
