//! The checker's cases from `../shared/cases` (each folder's EXPECT.md says what a correct
//! checker does, REFERENCE.txt what hepdata-validator 0.3.6 did), and fixtures of
//! `tests/fixtures/check/` for the kinds of fault the cases stand for.
//!
//! Each test asserts hepstatic's exact verdict and every diagnostic: code, file, line and
//! column (0:0 for a whole file). The cases sit beside the repository (read-only in CI);
//! if they are missing, these tests fail rather than skip.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use hepstatic::check::check;
use hepstatic::load::{Item, Loaded, Options, load, load_submission};
use hepstatic::model::Diagnostic;

fn cases() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/cases");
    assert!(
        dir.join("README.md").is_file(),
        "the shared cases are missing at {}: they must sit beside the repository",
        dir.display()
    );
    dir
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/check")
}

/// One diagnostic as the tests compare it: code, file relative to the case, line, column.
type Found = (&'static str, String, u32, u32);

fn found(diagnostics: &[Diagnostic], base: &Path) -> Vec<Found> {
    let prefix = format!("{}/", base.display());
    diagnostics
        .iter()
        .map(|d| {
            let file = d.file.to_string_lossy().replace(&prefix, "");
            (d.code, file, d.line, d.column)
        })
        .collect()
}

fn run_with(path: &Path, options: &Options) -> Vec<Diagnostic> {
    let loaded = load(path, options).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    check(&loaded)
}

fn run(path: &Path) -> Vec<Diagnostic> {
    run_with(path, &Options::default())
}

/// Checks `rel` under `base` and compares every diagnostic with `expected`.
#[track_caller]
fn expect_at(base: &Path, rel: &str, expected: &[(&str, &str, u32, u32)]) -> Vec<Diagnostic> {
    let diagnostics = run(&base.join(rel));
    assert_found(&diagnostics, base, expected);
    diagnostics
}

#[track_caller]
fn assert_found(diagnostics: &[Diagnostic], base: &Path, expected: &[(&str, &str, u32, u32)]) {
    let got = found(diagnostics, base);
    let want: Vec<Found> = expected
        .iter()
        .map(|&(code, file, line, col)| (leak(code), file.to_string(), line, col))
        .collect();
    assert_eq!(
        got,
        want,
        "\n{}",
        diagnostics
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    );
}

fn leak(code: &str) -> &'static str {
    hepstatic::check::codes::CODES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(c, _)| *c)
        .unwrap_or_else(|| panic!("{code} is not a code"))
}

fn message<'d>(diagnostics: &'d [Diagnostic], code: &str, line: u32) -> &'d Diagnostic {
    diagnostics
        .iter()
        .find(|d| d.code == code && d.line == line)
        .unwrap_or_else(|| panic!("no {code} on line {line}"))
}

fn is_valid(diagnostics: &[Diagnostic]) -> bool {
    !diagnostics.iter().any(Diagnostic::is_error)
}

// ---------------------------------------------------------------------------------------
// The cases.

/// c01: a bin whose uncertainties are all zero (also `'0%'`) is an error naming the
/// variable and the row; one zero next to a non-zero one, or no `errors` at all, is fine.
#[test]
fn c01_all_zero_uncertainties() {
    let d = expect_at(
        &cases(),
        "c01/input",
        &[
            ("E026", "c01/input/data1.yaml", 15, 5),
            ("E026", "c01/input/data1.yaml", 19, 5),
        ],
    );
    assert!(
        d[0].message
            .starts_with("dependent_variables[0].values[1] (\"Events\"):"),
        "{}",
        d[0].message
    );
}

/// c02: an explicit zero next to a non-zero uncertainty is valid.
#[test]
fn c02_one_zero_uncertainty_is_valid() {
    expect_at(&cases(), "c02/input", &[]);
}

/// c03: `errors:` left empty by an indentation slip. The first message is the root cause,
/// then its consequences: a row without value and with stray keys, and a row count off.
#[test]
fn c03_null_error_list() {
    let d = expect_at(
        &cases(),
        "c03/input",
        &[
            ("E010", "c03/input/data3.yaml", 14, 11),
            ("E011", "c03/input/data3.yaml", 15, 5),
            ("E020", "c03/input/data3.yaml", 15, 5),
            ("E012", "c03/input/data3.yaml", 15, 6),
            ("E012", "c03/input/data3.yaml", 15, 22),
        ],
    );
    assert!(d[0].message.contains("\"errors\" is empty (null)"));
    assert!(d[0].help.as_deref().unwrap().contains("indent"));
    assert!(
        d[2].message
            .contains("\"x\" 1, \"Observed\" 1, \"Expected\" 2")
    );
    assert!(
        d.iter().all(|x| !x.message.contains("expected: {")),
        "no schema dumps"
    );
}

/// c04: one-sided uncertainties: `''` on one side is valid; both empty, a missing side
/// and NaN are errors, one per row.
#[test]
fn c04_one_sided_uncertainties() {
    expect_at(&cases(), "c04/valid", &[]);
    let d = expect_at(
        &cases(),
        "c04/invalid",
        &[
            ("E022", "c04/invalid/data4.yaml", 12, 19),
            ("E011", "c04/invalid/data4.yaml", 15, 19),
            ("E024", "c04/invalid/data4.yaml", 18, 7),
        ],
    );
    assert!(d[1].help.as_deref().unwrap().contains("''"));
    assert!(d[2].message.contains("NaN"));
}

/// c05: one overflow bin is fine; two overflow bins in one variable, or a bin open at both
/// ends, are errors.
#[test]
fn c05_open_bins() {
    expect_at(&cases(), "c05/valid", &[]);
    expect_at(
        &cases(),
        "c05/invalid",
        &[
            ("E017", "c05/invalid/data5a.yaml", 6, 11),
            ("E027", "c05/invalid/data5b.yaml", 4, 11),
        ],
    );
}

/// c07: a variable one row short, and independent variables with no dependent ones, are
/// errors; a table without independent variables, and an empty table, are valid.
#[test]
fn c07_table_shapes() {
    let d = expect_at(
        &cases(),
        "c07/input",
        &[
            ("E020", "c07/input/data7a.yaml", 13, 3),
            ("E029", "c07/input/data7b.yaml", 2, 3),
        ],
    );
    assert!(
        d[0].message
            .contains("\"B\") has 2 rows, but the table has 3")
    );
    assert!(d[0].message.contains("\"ETA\" 3, \"A\" 3, \"B\" 2"));
    expect_at(&cases(), "c07/valid", &[]);
}

/// c08: a duplicate table name, a data file used twice and a name over 64 characters.
#[test]
fn c08_duplicates_and_long_names() {
    let d = expect_at(
        &cases(),
        "c08/input",
        &[
            ("E030", "c08/input/submission.yaml", 8, 7),
            ("E031", "c08/input/submission.yaml", 16, 12),
            ("E034", "c08/input/submission.yaml", 18, 7),
        ],
    );
    assert!(
        d[0].message
            .contains("\"Table 8\" is used twice (first on line 3)")
    );
    assert!(d[2].message.contains("79 characters"));
}

/// c11: numbers YAML 1.1 and 1.2 read differently. Decision (see `Scalar::portability`):
/// `1e3`-style numbers are numbers, with a warning (HEPData's validator alone reads
/// text); `1_000` and `012`, whose value depends on the reader, are errors. `.5` and `7.`
/// mean the same to all, and a quoted `'12.5'` is text to all.
#[test]
fn c11_yaml_11_and_12_numbers() {
    let d = expect_at(
        &cases(),
        "c11/input",
        &[
            ("W001", "c11/input/data11.yaml", 4, 11),
            ("W001", "c11/input/data11.yaml", 4, 22),
            ("W001", "c11/input/data11.yaml", 13, 12),
            ("E028", "c11/input/data11.yaml", 19, 12),
            ("E028", "c11/input/data11.yaml", 22, 12),
        ],
    );
    assert!(
        d[3].message
            .contains("the number 1000 to HEPData's YAML 1.1 reader but the text \"1_000\"")
    );
    assert!(
        d[4].message
            .contains("the number 10 to HEPData's YAML 1.1 reader but the number 12")
    );

    // The values read, as the table will show them.
    let loaded = load(&cases().join("c11/input"), &Options::default()).unwrap();
    let Item::Submission(sub) = &loaded.items[0] else {
        panic!()
    };
    let data = sub.tables[0].data.as_ref().unwrap();
    let bin = data.independent[0].values[0].bin.as_ref().unwrap();
    assert_eq!(
        (bin.low.value.as_f64(), bin.high.value.as_f64()),
        (Some(1000.0), Some(2000.0))
    );
    let values: Vec<String> = data.dependent[0]
        .values
        .iter()
        .map(|p| format!("{:?}", p.value.as_ref().unwrap().value))
        .collect();
    assert_eq!(
        values,
        [
            "Number(1e-5)",
            "Text(\"12.5\")",
            "Number(1000.0)",
            "Number(10.0)",
            "Number(0.5)",
            "Number(7.0)"
        ]
    );
}

/// c12: placeholder strings without errors are valid (a warning for the invisible `''`);
/// a placeholder with a zero uncertainty is the all-zero error.
#[test]
fn c12_placeholder_values() {
    expect_at(
        &cases(),
        "c12/valid",
        &[("W003", "c12/valid/data12.yaml", 17, 12)],
    );
    expect_at(
        &cases(),
        "c12/invalid",
        &[("E026", "c12/invalid/data12.yaml", 12, 5)],
    );
}

/// c13: percentages: valid forms (a warning for a percentage of zero); `%`, `5 percent`,
/// `5%%` and a percentage of text are errors, one per row.
#[test]
fn c13_percentages() {
    expect_at(
        &cases(),
        "c13/valid",
        &[("W004", "c13/valid/data13.yaml", 17, 7)],
    );
    let d = expect_at(
        &cases(),
        "c13/invalid",
        &[
            ("E022", "c13/invalid/data13.yaml", 13, 18),
            ("E022", "c13/invalid/data13.yaml", 16, 18),
            ("E022", "c13/invalid/data13.yaml", 19, 18),
            ("E025", "c13/invalid/data13.yaml", 22, 7),
        ],
    );
    assert!(d[2].help.as_deref().unwrap().contains("single % sign"));

    // Absolute sizes for plots and exports: a percentage of |value|, up stays up.
    let loaded = load(&cases().join("c13/valid"), &Options::default()).unwrap();
    let Item::Submission(sub) = &loaded.items[0] else {
        panic!()
    };
    let points = &sub.tables[0].data.as_ref().unwrap().dependent[0].values;
    let first = |i: usize| match &points[i].errors[0].kind {
        hepstatic::model::UncertaintyKind::Symmetric(a) => a.clone(),
        hepstatic::model::UncertaintyKind::Asymmetric { plus, .. } => plus.clone(),
    };
    assert_eq!(first(0), hepstatic::model::Amount::Percent(5.0));
    assert_eq!(first(4), hepstatic::model::Amount::Percent(3.0));
}

/// c14: NaN and infinity as values or uncertainties are errors; a JSON file with a bare
/// NaN is not valid JSON (it is read as JSON, not as YAML).
#[test]
fn c14_nan_and_infinity() {
    let d = expect_at(
        &cases(),
        "c14/input",
        &[
            ("E024", "c14/input/data14a.yaml", 11, 12),
            ("E024", "c14/input/data14a.yaml", 14, 12),
            ("E024", "c14/input/data14a.yaml", 19, 7),
            ("E024", "c14/input/data14a.yaml", 22, 7),
            ("E001", "c14/input/data14b.json", 3, 25),
        ],
    );
    assert!(d[4].message.contains("not valid JSON: NaN"));
}

/// c15: a bare data table as a single-file submission is refused with what is missing;
/// the documented single-file form is valid; nothing is written beside the input.
#[test]
fn c15_bare_table_as_submission() {
    let base = cases();
    let before = listing(&base.join("c15"));
    expect_at(&base, "c15/single_ok.yaml", &[]);

    let mut diagnostics = Vec::new();
    let sub = load_submission(
        &base.join("c15/bare_table.yaml"),
        &Options::default(),
        &mut diagnostics,
    );
    assert!(sub.tables.is_empty());
    let loaded = Loaded {
        items: vec![Item::Submission(sub)],
        diagnostics,
        ..Loaded::default()
    };
    let d = check(&loaded);
    assert_found(&d, &base, &[("E014", "c15/bare_table.yaml", 1, 1)]);
    assert!(
        d[0].message
            .contains("no \"name\", \"description\" or \"keywords\"")
    );
    assert_eq!(listing(&base.join("c15")), before);
}

/// c17: resources: missing, with folders, stray and macOS files, but a local file whose
/// name starts with "http" is fine and a folder is reported once (for its file).
#[test]
fn c17_resources_and_licences() {
    let d = expect_at(
        &cases(),
        "c17/resources",
        &[
            ("E037", "c17/resources/._data17.yaml", 0, 0),
            ("E037", "c17/resources/stray.txt", 0, 0),
            ("E033", "c17/resources/submission.yaml", 5, 60),
            ("E035", "c17/resources/submission.yaml", 6, 51),
            ("E035", "c17/resources/submission.yaml", 14, 45),
        ],
    );
    assert!(d[0].help.as_deref().unwrap().contains("COPYFILE_DISABLE=1"));

    // Record-wide fields in a later document: one error that says so.
    let d = expect_at(
        &cases(),
        "c17/lastdoc",
        &[("E014", "c17/lastdoc/submission.yaml", 7, 1)],
    );
    assert!(
        d[0].message
            .contains("only the first document may hold record-wide fields")
    );

    // Licences without url are errors; a record-wide licence is ignored, with a warning.
    expect_at(
        &cases(),
        "c17/licence",
        &[
            ("W012", "c17/licence/submission.yaml", 2, 1),
            ("E011", "c17/licence/submission.yaml", 6, 12),
            ("E011", "c17/licence/submission.yaml", 12, 15),
        ],
    );
}

/// c32: a TMVA BDT, a likelihood placeholder and a 2.5 MB text file are valid resources.
/// The BDT made malformed is a warning at its position (the file is still just a
/// resource), found alike in the version folder and inside a submission archive, whose
/// resources are read in memory.
#[test]
fn c32_model_and_likelihood_resources() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("input");
    copy(&cases().join("c32/input"), &input);
    // What make_large_resource.py writes: 60,000 lines of numbers.
    let large: String = (0..60_000)
        .map(|i| {
            format!(
                "{i:8} {:10.4} {:10.4}\n",
                i as f64 * 0.001,
                (i % 97) as f64 * 0.5
            )
        })
        .collect();
    fs::write(input.join("events_large.txt"), large).unwrap();
    assert_found(&run(&input), dir.path(), &[]);

    // A quote dropped from an attribute on line 15.
    let xml = fs::read_to_string(input.join("bdt_weights.xml")).unwrap();
    let broken = xml.replace(
        r#"<Weights NTrees="2" AnalysisType="0">"#,
        r#"<Weights NTrees="2 AnalysisType="0">"#,
    );
    assert_ne!(broken, xml);
    fs::write(input.join("bdt_weights.xml"), &broken).unwrap();
    let d = expect_at(
        dir.path(),
        "input",
        &[("W014", "input/bdt_weights.xml", 15, 36)],
    );
    assert!(d[0].message.starts_with("not well-formed XML"), "{}", d[0]);

    // The same submission packed, with a likelihood archive holding a link (E071).
    let mut members = folder_members(&input, "top/");
    members.insert(
        "top/likelihoods.tar.gz".into(),
        fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("docs/rules/examples/E071/likelihood.tar.gz"),
        )
        .unwrap(),
    );
    for name in ["sub.tar.gz", "sub.zip"] {
        let path = dir.path().join(name);
        fs::write(&path, pack(name, &members)).unwrap();
        let d = run(&path);
        assert_found(
            &d,
            dir.path(),
            &[
                ("W014", &format!("{name}:top/bdt_weights.xml"), 15, 36),
                ("E071", &format!("{name}:top/likelihoods.tar.gz"), 0, 0),
            ],
        );
        assert!(d[1].message.contains("symbolic link"), "{}", d[1]);
    }
}

/// c23: a malformed data_schema URL is an error at its line; a well-formed one that cannot
/// be fetched offline is a warning, and the HEPData table rules are not applied.
#[test]
fn c23_custom_data_schema() {
    expect_at(
        &cases(),
        "c23/input",
        &[("E060", "c23/input/submission.yaml", 7, 14)],
    );
    expect_at(
        &cases(),
        "c23/input_wellformed",
        &[("W011", "c23/input_wellformed/submission.yaml", 7, 14)],
    );
}

/// c29: anchors reused legitimately read as if written out; an alias bomb stops early,
/// fast, with one short message.
#[test]
fn c29_anchors_and_alias_bombs() {
    expect_at(&cases(), "c29/anchors_ok", &[]);
    let loaded = load(&cases().join("c29/anchors_ok"), &Options::default()).unwrap();
    let Item::Submission(sub) = &loaded.items[0] else {
        panic!()
    };
    let data = sub.tables[0].data.as_ref().unwrap();
    assert_eq!(data.dependent[1].qualifiers.len(), 2);
    assert_eq!(data.dependent[1].values[0].errors.len(), 1);

    let start = std::time::Instant::now();
    let d = expect_at(
        &cases(),
        "c29/alias_bomb",
        &[("E004", "c29/alias_bomb/data29.yaml", 7, 10)],
    );
    assert!(start.elapsed().as_secs_f64() < 2.0, "{:?}", start.elapsed());
    assert!(d[0].message.len() < 200);
}

/// c35: empty data files: zero bytes, only a comment, `{}`; one error each.
#[test]
fn c35_empty_data_files() {
    let d = expect_at(
        &cases(),
        "c35/input",
        &[
            ("E008", "c35/input/comment_only.yaml", 0, 0),
            ("E008", "c35/input/empty.yaml", 0, 0),
            ("E011", "c35/input/empty_object.json", 1, 1),
        ],
    );
    assert!(d[1].message.contains("is empty"));
    assert!(
        d[2].message
            .contains("neither \"independent_variables\" nor \"dependent_variables\"")
    );
}

// ---------------------------------------------------------------------------------------
// The kinds of fault, beyond the cases' single inputs.

/// A BOM and CRLF line ends, in submission.yaml, a YAML and a JSON data file: read as
/// PyYAML reads them, without a word.
#[test]
fn byte_order_marks_and_crlf_are_accepted() {
    expect_at(&fixtures(), "bom_crlf", &[]);
}

/// Tabs: after `key:` they are fine, as for PyYAML; indenting a line they are refused,
/// with the reason, once per file.
#[test]
fn tabs_indenting_lines_are_refused() {
    let d = expect_at(&fixtures(), "tabs", &[("E005", "tabs/data1.yaml", 5, 4)]);
    assert!(
        d[0].message.contains("(1 more lines like this)"),
        "{}",
        d[0].message
    );
}

/// Duplicate keys at any depth, in submission.yaml, YAML and JSON data files.
#[test]
fn duplicate_keys_anywhere() {
    expect_at(
        &fixtures(),
        "duplicate_keys",
        &[
            ("E002", "duplicate_keys/data1.yaml", 3, 21),
            ("E002", "duplicate_keys/data1.yaml", 7, 36),
            ("E002", "duplicate_keys/data2.json", 3, 27),
            ("E002", "duplicate_keys/submission.yaml", 2, 1),
            ("E002", "duplicate_keys/submission.yaml", 7, 38),
            ("E002", "duplicate_keys/submission.yaml", 9, 1),
        ],
    );
}

/// Language tags such as `!!python/unicode` are refused.
#[test]
fn python_tags_are_refused() {
    let d = expect_at(
        &fixtures(),
        "python_tag",
        &[("E003", "python_tag/submission.yaml", 3, 7)],
    );
    assert!(d[0].message.contains("`!!python/unicode`"));
}

/// A stray `---`: ignored with a warning in submission.yaml (as HEPData ignores it), an
/// error in a data file (HEPData's reader refuses a second document).
#[test]
fn empty_documents() {
    expect_at(
        &fixtures(),
        "empty_documents",
        &[
            ("E007", "empty_documents/data1.yaml", 15, 1),
            ("W002", "empty_documents/submission.yaml", 7, 1),
        ],
    );
}

/// A record that declares schema 0.1.0 passes with its old keyword names, null licence,
/// extra fields, `/resource/` links and unchecked uncertainties; under the latest schema
/// (set in the settings, overriding nothing declared) the same content fails.
#[test]
fn declared_schema_version() {
    expect_at(&fixtures(), "declared_v0", &[]);
    let dir = tempfile::tempdir().unwrap();
    copy(&fixtures().join("declared_v0"), dir.path());
    let text = fs::read_to_string(dir.path().join("submission.yaml")).unwrap();
    fs::write(
        dir.path().join("submission.yaml"),
        text.replace("# schema_version: 0.1.0\n", ""),
    )
    .unwrap();
    let d = run(dir.path());
    let codes: Vec<&str> = d.iter().filter(|x| x.is_error()).map(|x| x.code).collect();
    assert_eq!(
        codes,
        [
            "E026", "E043", "E044", "E010", "E010", "E012", "E011", "E035"
        ],
        "{d:#?}"
    );

    // The settings choose the schema of records that declare none.
    let options = Options {
        schema_version: "0.1.0".parse().unwrap(),
        ..Options::default()
    };
    assert!(is_valid(&run_with(dir.path(), &options)));
}

/// Related records and table DOIs, keywords and resource URLs (schema 1.1.1).
#[test]
fn cross_references_keywords_and_urls() {
    let d = expect_at(
        &fixtures(),
        "references",
        &[
            ("E045", "references/submission.yaml", 2, 37),
            ("E045", "references/submission.yaml", 2, 46),
            ("E045", "references/submission.yaml", 2, 53),
            ("E038", "references/submission.yaml", 5, 14),
            ("E044", "references/submission.yaml", 13, 31),
            ("E043", "references/submission.yaml", 15, 10),
            ("E046", "references/submission.yaml", 18, 3),
            ("E046", "references/submission.yaml", 19, 3),
        ],
    );
    assert_eq!(
        message(&d, "E043", 15).help.as_deref(),
        Some(
            "did you mean `observables`? (centre-of-mass energies in GeV, observables, reactions, free phrases)"
        )
    );
}

/// A pyhf workspace as a table's data file: checked offline, messages name JSON pointers.
#[test]
fn pyhf_workspace_tables() {
    let d = expect_at(
        &fixtures(),
        "pyhf",
        &[
            ("E062", "pyhf/ws.json", 5, 58),
            ("E062", "pyhf/ws.json", 9, 43),
            ("W013", "pyhf/ws.json", 10, 55),
            ("E061", "pyhf/ws.json", 10, 91),
        ],
    );
    assert!(
        d[0].message
            .starts_with("/channels/0/samples/0/modifiers/0/data:")
    );
    assert!(
        d[3].message
            .starts_with("/measurements/0/config/parameters/0: unexpected key \"value\"")
    );
}

/// Data files over the size limit are reported at their `data_file:` line and not read;
/// the limit is a setting.
#[test]
fn data_file_size_limit() {
    let dir = tempfile::tempdir().unwrap();
    copy(&cases().join("c02/input"), dir.path());
    let options = Options {
        max_data_file_bytes: 100,
        ..Options::default()
    };
    let d = run_with(dir.path(), &options);
    assert_found(&d, dir.path(), &[("E036", "submission.yaml", 7, 12)]);
    assert!(
        d[0].message
            .contains("is 514 bytes, more than the limit of 100 bytes"),
        "{}",
        d[0].message
    );
    assert!(is_valid(&run(dir.path())));
}

/// Every input form: a version folder, a record, a records tree, a single-YAML file (also
/// gzip-compressed), a lone data file (YAML and JSON), and archives (.zip, .tar, .tar.gz,
/// .tgz) read in memory, whose members are named `archive:inner/path`.
#[test]
fn every_input_form() {
    // A records tree holding one record with one version.
    let tree = tempfile::tempdir().unwrap();
    let record = tree.path().join("records/c01-test");
    copy(&cases().join("c01/input"), &record.join("v1"));
    fs::write(
        record.join("record.yaml"),
        "title: Test\ncollaborations: [Test]\nyear: 2024\nversions:\n- {version: 1, date: 2024-01-01, message: First}\n",
    )
    .unwrap();
    for path in [tree.path().to_path_buf(), record.clone(), record.join("v1")] {
        let d = run(&path);
        let codes: Vec<&str> = d.iter().map(|x| x.code).collect();
        assert_eq!(codes, ["E026", "E026"], "{}", path.display());
    }
    expect_at(&cases(), "c15/single_ok.yaml", &[]);
    expect_at(
        &cases(),
        "c01/input/data1.yaml",
        &[
            ("E026", "c01/input/data1.yaml", 15, 5),
            ("E026", "c01/input/data1.yaml", 19, 5),
        ],
    );
    expect_at(
        &cases(),
        "c14/input/data14b.json",
        &[("E001", "c14/input/data14b.json", 3, 25)],
    );

    // Archives of c17/resources, packed under a top folder, with a stray file beside it.
    let members = folder_members(&cases().join("c17/resources"), "top/");
    let out = tempfile::tempdir().unwrap();
    for name in ["sub.zip", "sub.tar", "sub.tar.gz", "sub.tgz"] {
        let mut all = members.clone();
        all.insert("._top".to_string(), b"AppleDouble".to_vec());
        let path = out.path().join(name);
        fs::write(&path, pack(name, &all)).unwrap();
        let before = listing(out.path());
        let d = run(&path);
        let a = format!("{name}:");
        assert_found(
            &d,
            out.path(),
            &[
                ("E037", &format!("{a}._top"), 0, 0),
                ("E037", &format!("{a}top/._data17.yaml"), 0, 0),
                ("E037", &format!("{a}top/stray.txt"), 0, 0),
                ("E033", &format!("{a}top/submission.yaml"), 5, 60),
                ("E035", &format!("{a}top/submission.yaml"), 6, 51),
                ("E035", &format!("{a}top/submission.yaml"), 14, 45),
            ],
        );
        assert_eq!(listing(out.path()), before, "nothing is unpacked to disk");
    }

    // A gzip-compressed single-YAML submission, read in memory too.
    let single = fs::read_to_string(cases().join("c15/single_ok.yaml")).unwrap();
    let gz = out.path().join("single.yaml.gz");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(single.replace("symerror: 0.2", "symerror: 0").as_bytes())
        .unwrap();
    fs::write(&gz, enc.finish().unwrap()).unwrap();
    assert_found(
        &run(&gz),
        out.path(),
        &[("E026", "single.yaml.gz:single.yaml", 13, 5)],
    );

    // A damaged archive is a diagnostic, not a failure of the tool.
    let bad = out.path().join("bad.tar.gz");
    fs::write(&bad, b"\x1f\x8b\x08\x00garbage").unwrap();
    assert_found(&run(&bad), out.path(), &[("E070", "bad.tar.gz", 0, 0)]);
}

/// The corpus's two archives: a plain one, and an old one under a top folder with macOS
/// `._` files, whose diagnostics name `archive:folder/file`.
#[test]
fn corpus_archives() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/submissions");
    assert!(is_valid(&run(&corpus.join("cms-smp-22-009.tar.gz"))));
    let d = run(&corpus.join("v0-ins1396331.tar.gz"));
    let first = d.iter().find(|x| x.code == "E043").unwrap();
    assert!(
        first
            .file
            .to_string_lossy()
            .ends_with("v0-ins1396331.tar.gz:1396331/submission.yaml"),
        "{}",
        first.file.display()
    );
    assert!(d.iter().any(|x| x.code == "E037"
        && x.file.to_string_lossy().ends_with(":1396331/._data1.yaml")
        && x.help.as_deref().unwrap().contains("COPYFILE_DISABLE")));
}

// ---------------------------------------------------------------------------------------
// Helpers.

fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn copy(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy(&entry.path(), &target);
        } else {
            fs::write(&target, fs::read(entry.path()).unwrap()).unwrap();
        }
    }
}

/// Every file under `dir`, keyed by `prefix` + its path inside `dir`.
fn folder_members(dir: &Path, prefix: &str) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.insert(format!("{prefix}{rel}"), fs::read(entry.path()).unwrap());
        }
    }
    out
}

/// Packs `members` in the format `name` ends with.
fn pack(name: &str, members: &BTreeMap<String, Vec<u8>>) -> Vec<u8> {
    if name.ends_with(".zip") {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (path, data) in members {
            zip.start_file(path.as_str(), zip::write::SimpleFileOptions::default())
                .unwrap();
            zip.write_all(data).unwrap();
        }
        return zip.finish().unwrap().into_inner();
    }
    let mut tar = tar::Builder::new(Vec::new());
    for (path, data) in members {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        tar.append_data(&mut header, path, data.as_slice()).unwrap();
    }
    let bytes = tar.into_inner().unwrap();
    if name.ends_with(".tar") {
        return bytes;
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&bytes).unwrap();
    gz.finish().unwrap()
}
