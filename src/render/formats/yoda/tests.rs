//! Unit tests of the YODA writer on small hand-written tables.

use super::*;
use crate::model::{Pos, Spanned};
use crate::render::formats::fixture::{data, table};

fn yoda(yaml: &str, options: &YodaOptions) -> YodaOutput {
    table_yoda_with(&table("T 1"), &data(yaml), options)
}

fn sci(x: f64) -> String {
    let mut out = String::new();
    write_sci(&mut out, x);
    out
}

/// `sci` as it was written with the standard formatter alone, the reference spelling.
fn sci_by_std(x: f64) -> String {
    if x.is_nan() {
        return "nan".to_string();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.to_string();
    }
    let s = format!("{x:.6e}");
    let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let (sign, digits) = match exp.strip_prefix('-') {
        Some(d) => ('-', d),
        None => ('+', exp),
    };
    format!("{mantissa}e{sign}{digits:0>2}")
}

#[test]
fn numbers_as_c_writes_them() {
    assert_eq!(sci(25.4), "2.540000e+01");
    assert_eq!(sci(-0.00021168), "-2.116800e-04");
    assert_eq!(sci(1.5e-300), "1.500000e-300");
    assert_eq!(sci(-0.0), "-0.000000e+00");
    assert_eq!(sci(f64::NAN), "nan");
    let mut text = String::new();
    cell(&mut text, |out| out.push_str("nan"));
    assert_eq!(text, "nan          \t");
}

#[test]
fn numbers_as_the_standard_formatter_rounds_them() {
    for x in crate::render::number::test_values() {
        assert_eq!(sci(x), sci_by_std(x), "bits {:#x}", x.to_bits());
    }
}

#[test]
fn quoted_as_std_quoted() {
    let mut out = String::new();
    write_quoted(&mut out, r#"a "b" \c"#);
    assert_eq!(out, r#""a \"b\" \\c""#);
}

#[test]
fn one_number_is_an_estimate0d_and_a_second_row_gets_its_own() {
    let out = yoda(
        "independent_variables: []
dependent_variables:
- header: {name: SIG}
  qualifiers: [{name: 'SQRT(S)', units: GEV, value: 13000}, {name: 'a: b', value: '#1'}]
  values:
  - {value: 312.0, errors: [{symerror: 4.0, label: TOTAL}, {symerror: '10%', label: sys}]}
  - {value: -10.0, errors: [{symerror: '10%'}]}
",
        &YodaOptions {
            keep_qualifiers: true,
            doi: Some("10.5072/hepstatic.x.v1".into()),
            ..YodaOptions::new("A_2020_I1", 4)
        },
    );
    let expected = "BEGIN YODA_ESTIMATE0D_V3 /REF/A_2020_I1/d04-x01-y01
IsRef: 1
Path: /REF/A_2020_I1/d04-x01-y01
SQRT(S) [GEV]: 13000
Title: doi:10.5072/hepstatic.x.v1/t4
Type: Estimate0D
\"a: b\": \"#1\"
---
ErrorLabels: [\"\", \"sys\"]
# value      \ttotalDn      \ttotalUp      \terrDn(2)     \terrUp(2)     \t
3.120000e+02 \t-4.000000e+00\t4.000000e+00 \t-3.120000e+01\t3.120000e+01 \t
END YODA_ESTIMATE0D_V3
";
    assert!(out.text.starts_with(expected), "{}", out.text);
    // c13: 10% of -10.0 is +1.0 up and -1.0 down, not the reverse.
    assert!(out.text.contains("/d04-x01-y02\n"));
    assert!(
        out.text
            .contains("-1.000000e+01\t-1.000000e+00\t1.000000e+00 \t\nEND"),
        "{}",
        out.text
    );
    assert_eq!(out.notes.len(), 1);
}

#[test]
fn overlapping_bins_do_not_share_an_object() {
    let out = yoda(
        "independent_variables:
- header: {name: X}
  values: [{low: 0, high: 10}, {low: 5, high: 15}, {low: 20, high: 30}]
dependent_variables:
- header: {name: A}
  values: [{value: 1}, {value: 2}, {value: 3}]
- header: {name: B}
  values: [{value: 4}, {value: 5}, {value: 6}]
",
        &YodaOptions::new("A", 1),
    );
    // (5, 15) goes to y03 (A) and y04 (B); the gap (10, 20) of y01 is masked.
    let paths: Vec<&str> = out.text.lines().filter(|l| l.starts_with("Path")).collect();
    assert_eq!(
        paths,
        [
            "Path: /REF/A/d01-x01-y01",
            "Path: /REF/A/d01-x01-y03",
            "Path: /REF/A/d01-x01-y02",
            "Path: /REF/A/d01-x01-y04"
        ]
    );
    assert!(out.text.contains(
        "Edges(A1): [0.000000e+00, 1.000000e+01, 2.000000e+01, 3.000000e+01]\nMaskedBins: [2]\n"
    ));
    assert_eq!(out.notes.len(), 2, "{:?}", out.notes);
}

#[test]
fn text_axes_and_gaps_in_two_dimensions() {
    let out = yoda(
        "independent_variables:
- header: {name: Region}
  values: [{value: SR1}, {value: 'SR \"2\"'}]
- header: {name: M}
  values: [{low: 0, high: 1}, {low: 2, high: 3}]
dependent_variables:
- header: {name: N}
  values: [{value: 1}, {value: '-'}]
",
        &YodaOptions::new("A", 2),
    );
    assert!(
        out.text.contains("Type: BinnedEstimate<s,d>\n"),
        "{}",
        out.text
    );
    assert!(
        out.text
            .contains("Edges(A1): [\"SR1\", \"SR \\\"2\\\"\"]\n")
    );
    // Axis 2 bin 2, the gap (1, 2), is masked on every row of axis 1 (3 bins each).
    assert!(out.text.contains("MaskedBins: [6, 7, 8]\n"), "{}", out.text);
    assert_eq!(out.notes, ["y01 \"N\", row 2: text value, written as nan"]);
}

#[test]
fn four_axes_are_refused_with_a_note() {
    let axis = "- header: {name: X}\n  values: [{value: 1}]\n";
    let y = "- header: {name: Y}\n  values: [{value: 1}]\n";
    let yaml = format!(
        "independent_variables:\n{}dependent_variables:\n{y}",
        axis.repeat(4)
    );
    let out = yoda(&yaml, &YodaOptions::new("A", 1));
    assert!(out.text.is_empty() && out.notes.len() == 1);
}

#[test]
fn analysis_from_a_rivet_link_or_from_the_paper() {
    let link = |description: &str, location: &str| Resource {
        location: Spanned::new(location.into(), Pos::NONE),
        description: Some(description.into()),
        kind: None,
        license: None,
    };
    let meta = RecordMeta {
        collaborations: vec!["LHCb".into()],
        year: Some(2016),
        inspire_id: Some(1396331),
        ..RecordMeta::default()
    };
    let rivet = link(
        "Rivet analysis",
        "https://rivet.hepforge.org/analyses/LHCB_2016_I1396331.html",
    );
    assert_eq!(
        rivet_analysis(&meta, &[rivet]).as_deref(),
        Some("LHCB_2016_I1396331")
    );
    let other = link("Webpage", "https://example.org/ATLAS_2012_I1");
    assert_eq!(
        rivet_analysis(&meta, &[other]).as_deref(),
        Some("LHCB_2016_I1396331")
    );
    assert_eq!(rivet_analysis(&RecordMeta::default(), &[]), None);
}

#[test]
fn a_repeated_cell_of_a_grid_and_bins_listed_downwards() {
    // Two axes, the third row repeating the first's cell: it gets an object of its own
    // (the grid's quick check for repeated cells must not let it through).
    let out = yoda(
        "independent_variables:
- header: {name: X}
  values: [{low: 0, high: 1}, {low: 1, high: 2}, {low: 0, high: 1}]
- header: {name: Y}
  values: [{low: 0, high: 1}, {low: 0, high: 1}, {low: 0, high: 1}]
dependent_variables:
- header: {name: A}
  values: [{value: 1}, {value: 2}, {value: 3}]
",
        &YodaOptions::new("A", 1),
    );
    let paths: Vec<&str> = out.text.lines().filter(|l| l.starts_with("Path")).collect();
    assert_eq!(
        paths,
        ["Path: /REF/A/d01-x01-y01", "Path: /REF/A/d01-x01-y02"]
    );
    assert_eq!(out.notes.len(), 1, "{:?}", out.notes);
    assert!(out.notes[0].contains("row 3"), "{:?}", out.notes);

    // Bins listed from the highest down make one object, in the axis's order.
    let out = yoda(
        "independent_variables:
- header: {name: X}
  values: [{low: 20, high: 30}, {low: 10, high: 20}, {low: 0, high: 10}]
dependent_variables:
- header: {name: A}
  values: [{value: 3}, {value: 2}, {value: 1}]
",
        &YodaOptions::new("A", 1),
    );
    assert_eq!(out.text.matches("BEGIN ").count(), 1, "{}", out.text);
    assert!(out.notes.is_empty(), "{:?}", out.notes);
    assert!(
        out.text
            .contains("\n1.000000e+00 \t\n2.000000e+00 \t\n3.000000e+00 \t\n"),
        "{}",
        out.text
    );

    // Two zero-width bins at one place are one bin twice: the second goes to an object
    // of its own, which one zero-width bin cannot make (no axis), and a note says so.
    let out = yoda(
        "independent_variables:
- header: {name: X}
  values: [{low: 5, high: 5}, {low: 5, high: 5}, {low: 6, high: 7}]
dependent_variables:
- header: {name: A}
  values: [{value: 1}, {value: 2}, {value: 3}]
",
        &YodaOptions::new("A", 1),
    );
    assert_eq!(out.text.matches("BEGIN ").count(), 1, "{}", out.text);
    assert!(!out.text.contains("2.000000e+00 \t\n"), "{}", out.text);
    assert!(
        out.notes
            .iter()
            .any(|n| n.contains("cannot form a YODA axis")),
        "{:?}",
        out.notes
    );
}
