use super::*;
use crate::render::formats::fixture::data;

fn yaml_1d(values: &str, deps: &str) -> String {
    format!(
        "independent_variables:\n- header: {{name: '$p_{{T}}$', units: GeV}}\n  values:\n{values}dependent_variables:\n{deps}"
    )
}

#[test]
fn points_with_bins_errors_and_open_bins() {
    let d = data(&yaml_1d(
        "  - {low: 0, high: 10}\n  - {low: 10, high: 20}\n  - {low: 20, high: .inf}\n  - {low: 30, high: 40}\n",
        "- header: {name: '$\\sigma$', units: pb}\n  values:\n  - {value: 5, errors: [{symerror: 1, label: stat}, {asymerror: {plus: 2, minus: -1}, label: sys}]}\n  - {value: 4, errors: [{symerror: 10%}]}\n  - {value: 3}\n  - {value: .nan}\n",
    ));
    let p = plot("Table 1", &d).unwrap();
    assert_eq!(p.kind, "points");
    assert!(
        p.svg
            .starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
        "{}",
        p.svg
    );
    assert!(p.svg.contains("role=\"img\""));
    assert!(p.svg.contains("<title id=\"title\">Table 1</title>"));
    assert!(
        p.description
            .starts_with("Plot of σ [pb] against p_T [GeV], 3 points with error bars"),
        "{}",
        p.description
    );
    assert!(
        p.notes
            .iter()
            .any(|n| n.contains("1 point without a numeric value")),
        "{:?}",
        p.notes
    );
    assert!(
        p.notes.iter().any(|n| n.contains("1 bin open to ±∞")),
        "{:?}",
        p.notes
    );
    // The first of two sources is the inner bar, named in the legend.
    assert!(p.svg.contains("inner bar: stat"), "{}", p.svg);
    assert!(
        !p.svg.contains("NaN") && !p.svg.contains("inf\""),
        "{}",
        p.svg
    );
}

#[test]
fn positive_data_over_decades_get_a_log_axis() {
    let d = data(&yaml_1d(
        "  - {value: 1}\n  - {value: 2}\n  - {value: 3}\n",
        "- header: {name: N}\n  values:\n  - {value: 1000}\n  - {value: 10}\n  - {value: 0.1}\n",
    ));
    let p = plot("t", &d).unwrap();
    assert!(
        p.description.contains("logarithmic y axis"),
        "{}",
        p.description
    );
    let d = data(&yaml_1d(
        "  - {value: 1}\n  - {value: 2}\n",
        "- header: {name: N}\n  values:\n  - {value: 1000}\n  - {value: -10}\n",
    ));
    assert!(!plot("t", &d).unwrap().description.contains("logarithmic"));
}

#[test]
fn several_series_get_a_legend_from_their_qualifiers() {
    let d = data(&yaml_1d(
        "  - {value: 1}\n  - {value: 2}\n",
        "- header: {name: yield}\n  qualifiers: [{name: RE, value: 'P P'}, {name: C, value: '$\\pi^+$'}]\n  values: [{value: 1}, {value: 2}]\n- header: {name: yield}\n  qualifiers: [{name: RE, value: 'P P'}, {name: C, value: '$\\pi^-$'}]\n  values: [{value: 2}, {value: 3}]\n",
    ));
    let p = plot("t", &d).unwrap();
    assert!(
        p.description.contains("series: π^+; π^-") || p.description.contains("series: π⁺; π⁻"),
        "{}",
        p.description
    );
    // Legend text, with the formula's script raised.
    assert!(
        p.svg
            .contains(">π<tspan dy=\"-4.8\" font-size=\"75%\">+</tspan>"),
        "{}",
        p.svg
    );
}

#[test]
fn text_axes_are_labelled() {
    let d = data(
        "independent_variables:\n- header: {name: Source}\n  values: [{value: 'Jet energy scale'}, {value: 'Luminosity'}, {value: '$b$-tagging'}]\ndependent_variables:\n- header: {name: Shift, units: '%'}\n  values: [{value: 3.9}, {value: '-'}, {value: -1.2}]\n",
    );
    let p = plot("t", &d).unwrap();
    assert!(p.svg.contains(">Jet energy scale</text>"), "{}", p.svg);
    assert!(p.svg.contains(">Luminosity</text>"));
    assert!(
        p.notes.iter().any(|n| n.contains("1 point without")),
        "{:?}",
        p.notes
    );
}

#[test]
fn long_series_stay_light() {
    let mut values = String::new();
    let mut deps = String::new();
    for i in 0..20_000 {
        values.push_str(&format!("  - {{low: {i}, high: {}}}\n", i + 1));
        deps.push_str(&format!(
            "  - {{value: {}, errors: [{{symerror: 0.5}}]}}\n",
            (i % 97) as f64 + 1.0
        ));
    }
    let d = data(&yaml_1d(
        &values,
        &format!("- header: {{name: y}}\n  values:\n{deps}"),
    ));
    let p = plot("big", &d).unwrap();
    assert!(p.svg.len() < 40_000, "{} bytes", p.svg.len());
    assert!(
        p.notes.iter().any(|n| n.contains("groups")),
        "{:?}",
        p.notes
    );
}

fn matrix_yaml(n: usize, value: impl Fn(usize, usize) -> String) -> String {
    let mut x = String::new();
    let mut y = String::new();
    let mut v = String::new();
    for i in 0..n {
        for j in 0..n {
            x.push_str(&format!("  - {{low: {i}, high: {}}}\n", i + 1));
            y.push_str(&format!("  - {{low: {j}, high: {}}}\n", j + 1));
            v.push_str(&format!("  - {{value: {}}}\n", value(i, j)));
        }
    }
    format!(
        "independent_variables:\n- header: {{name: x}}\n  values:\n{x}- header: {{name: y}}\n  values:\n{y}dependent_variables:\n- header: {{name: Correlation}}\n  values:\n{v}"
    )
}

#[test]
fn correlation_matrices_are_heat_maps() {
    let d = data(&matrix_yaml(5, |i, j| {
        if i == j {
            "1.0".into()
        } else {
            format!("{}", -0.1 * (i + j) as f64)
        }
    }));
    let p = plot("Correlations", &d).unwrap();
    assert_eq!(p.kind, "heatmap");
    assert!(p.description.contains("5 × 5 cells"), "{}", p.description);
    // Small maps print their values; the diverging scale runs from −1 to 1.
    assert!(p.svg.contains(">−0.7</text>"), "{}", p.svg);
    assert!(
        p.svg.contains(">−1</text>") && p.svg.contains(">1</text>"),
        "{}",
        p.svg
    );
    assert!(p.svg.contains("linearGradient"));
}

#[test]
fn fine_maps_are_averaged_onto_a_coarser_grid() {
    let d = data(&matrix_yaml(150, |i, j| format!("{}", (i * j) as f64)));
    let p = plot("scan", &d).unwrap();
    assert!(p.description.contains("80 × 80 cells"), "{}", p.description);
    assert!(
        p.notes.iter().any(|n| n.contains("coarser grid")),
        "{:?}",
        p.notes
    );
    assert!(p.svg.len() < 400_000, "{} bytes", p.svg.len());
}

#[test]
fn labelled_matrices_and_bin_pairs() {
    let (mut x, mut y, mut v) = (String::new(), String::new(), String::new());
    for i in 0..3 {
        for j in 0..3 {
            x.push_str(&format!("  - {{value: '$\\mu_{i}$'}}\n"));
            y.push_str(&format!("  - {{value: 'param {j}'}}\n"));
            v.push_str(&format!("  - {{value: {}}}\n", i * 3 + j));
        }
    }
    let d = data(&format!(
        "independent_variables:\n- header: {{name: a}}\n  values:\n{x}- header: {{name: b}}\n  values:\n{y}dependent_variables:\n- header: {{name: z}}\n  values:\n{v}"
    ));
    let p = plot("t", &d).unwrap();
    assert_eq!(p.kind, "heatmap");
    assert!(
        p.description.contains("3 × 3 cells, values from 0 to 8"),
        "{}",
        p.description
    );
    assert!(p.svg.contains(">param 2</text>"), "{}", p.svg);
    assert!(
        p.svg
            .contains(">μ<tspan dy=\"3.5\" font-size=\"75%\">1</tspan></text>"),
        "{}",
        p.svg
    );

    // Four variables, the same two twice: a matrix between the bins of a 2D measurement.
    let (mut cols, mut v) = (vec![String::new(); 4], String::new());
    for r in 0..4 {
        for c in 0..4 {
            for (k, b) in [r / 2, r % 2, c / 2, c % 2].iter().enumerate() {
                cols[k].push_str(&format!("  - {{low: {b}, high: {}}}\n", b + 1));
            }
            v.push_str(&format!(
                "  - {{value: {}}}\n",
                if r == c { 1.0 } else { 0.25 }
            ));
        }
    }
    let names = ["y", "pt", "y", "pt"];
    let mut text = "independent_variables:\n".to_string();
    for (name, values) in names.iter().zip(&cols) {
        text.push_str(&format!("- header: {{name: {name}}}\n  values:\n{values}"));
    }
    text.push_str(&format!(
        "dependent_variables:\n- header: {{name: rho}}\n  values:\n{v}"
    ));
    let p = plot("t", &data(&text)).unwrap();
    assert_eq!(p.kind, "heatmap");
    assert!(
        p.description
            .contains("against y, pt (x) and y, pt (y): 4 × 4 cells"),
        "{}",
        p.description
    );
}

#[test]
fn shapes_without_a_picture() {
    let d = data(
        "independent_variables:\n- header: {name: a}\n  values: [{value: 1}]\n- header: {name: b}\n  values: [{value: 1}]\n- header: {name: c}\n  values: [{value: 1}]\ndependent_variables:\n- header: {name: z}\n  values: [{value: 1}]\n",
    );
    assert!(plot("t", &d).is_none());
    let d = data(
        "independent_variables: []\ndependent_variables:\n- header: {name: z}\n  values: [{value: 1}]\n",
    );
    assert!(plot("t", &d).is_none());
}
