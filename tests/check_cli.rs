//! `hepstatic check` end to end: the real binary on tests/fixtures/cli, in every output
//! format, with its exit codes; and a page in docs/rules for every diagnostic code.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `hepstatic check ARGS` in the repository, so paths in the output are relative.
fn check(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hepstatic"))
        .current_dir(repo())
        .arg("check")
        .args(args)
        .env_remove("NO_COLOR")
        .output()
        .expect("the binary runs")
}

fn exit_code(out: &Output) -> i32 {
    out.status.code().expect("exit code")
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

const CLEAN: &str = "tests/fixtures/cli/clean";
const INVALID: &str = "tests/fixtures/cli/invalid";
const WARNING: &str = "tests/fixtures/cli/warning";
const SPECIAL: &str = "tests/fixtures/cli/special/odd,name 5%.yaml";

// ---------------------------------------------------------------------------------------
// human

#[test]
fn a_clean_input_exits_0_with_a_summary() {
    let out = check(&[CLEAN]);
    assert_eq!(exit_code(&out), 0, "{}", stderr(&out));
    assert_eq!(stderr(&out), "checked 1 input: 0 errors, 0 warnings\n");
    assert_eq!(stdout(&out), "");
}

#[test]
fn problems_exit_1_with_position_code_and_help() {
    let out = check(&[INVALID]);
    assert_eq!(exit_code(&out), 1);
    let err = stderr(&out);
    assert!(
        err.contains(
            "tests/fixtures/cli/invalid/submission.yaml:4:1: error[E012]: unexpected key \
             \"descripton\" in a table document\n  help: did you mean `description`?\n"
        ),
        "{err}"
    );
    assert!(
        err.contains("tests/fixtures/cli/invalid/data1.yaml:4:11: error[E023]:"),
        "{err}"
    );
    assert!(
        err.ends_with("checked 1 input: 3 errors, 0 warnings\n"),
        "{err}"
    );
    // Not a terminal: no colour codes.
    assert!(!err.contains('\x1b'));
    assert_eq!(stdout(&out), "");
}

#[test]
fn warnings_alone_exit_0() {
    let out = check(&[WARNING]);
    assert_eq!(exit_code(&out), 0);
    assert!(stderr(&out).contains("warning[W002]"));
    assert!(stderr(&out).ends_with("checked 1 input: 0 errors, 1 warning\n"));
}

#[test]
fn several_paths_are_checked_together() {
    let out = check(&[CLEAN, INVALID, WARNING]);
    assert_eq!(exit_code(&out), 1);
    assert!(stderr(&out).ends_with("checked 3 inputs: 3 errors, 1 warning\n"));
}

#[test]
fn quiet_drops_the_summary_only() {
    let out = check(&["-q", INVALID]);
    assert_eq!(exit_code(&out), 1);
    let err = stderr(&out);
    assert!(err.contains("error[E012]"));
    assert!(!err.contains("checked"), "{err}");
    assert_eq!(stderr(&check(&["--quiet", CLEAN])), "");
}

// ---------------------------------------------------------------------------------------
// json

fn json(args: &[&str]) -> (i32, Value) {
    let out = check(args);
    let value = serde_json::from_str(&stdout(&out))
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", stdout(&out)));
    (exit_code(&out), value)
}

fn keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    keys
}

#[test]
fn json_has_one_item_per_input_in_order() {
    let (exit, report) = json(&["--format", "json", INVALID, CLEAN, WARNING]);
    assert_eq!(exit, 1);
    assert_eq!(keys(&report), ["inputs", "version"]);
    assert_eq!(report["version"], 1);

    let inputs = report["inputs"].as_array().unwrap();
    let summary: Vec<_> = inputs
        .iter()
        .map(|i| {
            (
                i["path"].as_str().unwrap(),
                i["verdict"].as_str().unwrap(),
                i["errors"].as_u64().unwrap(),
                i["warnings"].as_u64().unwrap(),
                i["diagnostics"].as_array().unwrap().len(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (INVALID, "invalid", 3, 0, 3),
            (CLEAN, "valid", 0, 0, 0),
            (WARNING, "valid", 0, 1, 1),
        ]
    );
    for input in inputs {
        assert_eq!(
            keys(input),
            ["diagnostics", "errors", "path", "verdict", "warnings"]
        );
    }
}

#[test]
fn json_diagnostics_have_every_field() {
    let (_, report) = json(&["--format", "json", INVALID]);
    let typo = report["inputs"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "E012")
        .expect("the E012 diagnostic");
    assert_eq!(
        typo,
        &serde_json::json!({
            "file": "tests/fixtures/cli/invalid/submission.yaml",
            "line": 4,
            "column": 1,
            "severity": "error",
            "code": "E012",
            "message": "unexpected key \"descripton\" in a table document",
            "help": "did you mean `description`?"
        })
    );
}

#[test]
fn json_keeps_stdout_for_the_report_alone() {
    let out = check(&["--format", "json", WARNING]);
    assert_eq!(exit_code(&out), 0);
    assert!(stdout(&out).trim_end().ends_with('}'));
    assert!(stderr(&out).starts_with("checked 1 input"));
    assert_eq!(stderr(&check(&["-q", "--format", "json", WARNING])), "");
}

// ---------------------------------------------------------------------------------------
// github

#[test]
fn github_annotations_one_per_diagnostic() {
    let out = check(&["--format", "github", "-q", INVALID, WARNING]);
    assert_eq!(exit_code(&out), 1);
    let lines: Vec<String> = stdout(&out).lines().map(str::to_string).collect();
    assert_eq!(lines.len(), 4, "{lines:?}");
    assert!(
        lines.contains(
            &"::error file=tests/fixtures/cli/invalid/submission.yaml,line=4,col=1,title=E012::\
          unexpected key \"descripton\" in a table document%0Ahelp: did you mean \
          `description`?"
                .to_string()
        )
    );
    assert!(lines.iter().any(|l| l.starts_with(
        "::warning file=tests/fixtures/cli/warning/submission.yaml,line=9,col=1,title=W002::"
    )));
    assert_eq!(stderr(&out), "");
}

#[test]
fn github_escapes_properties_and_messages() {
    let out = check(&["--format", "github", SPECIAL]);
    assert_eq!(exit_code(&out), 1);
    let text = stdout(&out);
    let line = text.lines().next().unwrap();
    assert!(
        line.starts_with("::error file=tests/fixtures/cli/special/odd%2Cname 5%25.yaml,line="),
        "{line}"
    );
    let message = line.split_once("::").unwrap().1.split_once("::").unwrap().1;
    assert!(!message.contains('\n'));
    assert!(message.contains("%25%25"), "{message}");
}

// ---------------------------------------------------------------------------------------
// the tool failing

#[test]
fn an_unreadable_path_exits_2_and_reports_nothing() {
    let out = check(&["--format", "json", CLEAN, "tests/fixtures/cli/no-such-path"]);
    assert_eq!(exit_code(&out), 2);
    assert_eq!(stdout(&out), "");
    assert!(
        stderr(&out).contains("no-such-path"),
        "the error names the path: {}",
        stderr(&out)
    );
}

#[test]
fn bad_arguments_exit_2() {
    let out = check(&["--format", "xml", CLEAN]);
    assert_eq!(exit_code(&out), 2);
    assert!(stderr(&out).contains("possible values: human, json, github"));
}

// ---------------------------------------------------------------------------------------
// docs

fn docs() -> PathBuf {
    repo().join("docs")
}

#[test]
fn every_code_has_a_rule_page() {
    let missing: Vec<&str> = hepstatic::check::codes::CODES
        .iter()
        .map(|(code, _)| *code)
        .filter(|code| !docs().join(format!("rules/{code}.md")).is_file())
        .collect();
    assert!(
        missing.is_empty(),
        "write docs/rules/<CODE>.md (and list it in docs/rules/README.md) for: {missing:?}"
    );
}

#[test]
fn rule_pages_are_indexed_and_say_their_code() {
    let index = std::fs::read_to_string(docs().join("rules/README.md")).unwrap();
    for (code, _) in hepstatic::check::codes::CODES {
        assert!(
            index.contains(&format!("[{code}]({code}.md)")),
            "docs/rules/README.md does not link {code}"
        );
        let page = docs().join(format!("rules/{code}.md"));
        let Ok(text) = std::fs::read_to_string(&page) else {
            continue; // every_code_has_a_rule_page names it
        };
        assert!(
            text.starts_with(&format!("# {code}")),
            "{} must start with `# {code}`",
            page.display()
        );
    }
    // And no page for a code that does not exist.
    for entry in std::fs::read_dir(docs().join("rules")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let Some(code) = name.strip_suffix(".md") else {
            continue;
        };
        assert!(
            code == "README" || hepstatic::check::codes::summary(code).is_some(),
            "docs/rules/{name} documents no code in src/check/codes.rs"
        );
    }
}

#[test]
fn the_json_schema_is_documented() {
    let text = std::fs::read_to_string(Path::new(&docs()).join("check-json.md")).unwrap();
    for field in [
        "version",
        "inputs",
        "path",
        "verdict",
        "errors",
        "warnings",
        "diagnostics",
        "file",
        "line",
        "column",
        "severity",
        "code",
        "message",
        "help",
    ] {
        assert!(
            text.contains(&format!("`{field}`")),
            "docs/check-json.md does not describe `{field}`"
        );
    }
}

/// Each folder in docs/rules/examples is run through the checker, and the rule page's
/// example block must show exactly what it prints. `HEPSTATIC_BLESS=1` rewrites the blocks.
#[test]
fn rule_examples_match_the_checker() {
    let bless = std::env::var_os("HEPSTATIC_BLESS").is_some();
    let examples = docs().join("rules/examples");
    let mut stale = Vec::new();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&examples)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(!dirs.is_empty());

    for dir in dirs {
        let code = dir.file_name().unwrap().to_string_lossy().into_owned();
        let mut command = Command::new(env!("CARGO_BIN_EXE_hepstatic"));
        command.current_dir(&examples).arg("check");
        let config = format!("{code}.toml");
        let mut shown_args = String::new();
        let mut settings = None;
        if examples.join(&config).is_file() {
            command.args(["--config", &config]);
            shown_args = format!("--config {config} ");
            settings = Some(std::fs::read_to_string(examples.join(&config)).unwrap());
        }
        let target = example_target(&examples, &code);
        let out = command.arg(&target).output().unwrap();
        let printed = stderr(&out);
        assert!(
            printed.contains(&format!("[{code}]")),
            "docs/rules/examples/{code} does not trigger {code}:\n{printed}"
        );
        let expected_exit = if code.starts_with('E') { 1 } else { 0 };
        assert_eq!(exit_code(&out), expected_exit, "{code}:\n{printed}");

        let mut block = example_block(&examples, &code, &format!("{shown_args}{target}"), &printed);
        if let Some(settings) = settings {
            let at = block.find("```console").unwrap();
            block.insert_str(at, &format!("`{config}`:\n\n```toml\n{settings}```\n\n"));
        }
        let page = docs().join(format!("rules/{code}.md"));
        let text = std::fs::read_to_string(&page).unwrap_or_default();
        let (Some(start), Some(end)) = (text.find(BEGIN), text.find(END)) else {
            stale.push(format!("{code}: no example markers in {}", page.display()));
            continue;
        };
        let current = &text[start..end + END.len()];
        if current != block {
            if bless {
                let updated = format!("{}{block}{}", &text[..start], &text[end + END.len()..]);
                std::fs::write(&page, updated).unwrap();
            } else {
                stale.push(format!(
                    "{code}: the example in {} is stale",
                    page.display()
                ));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "{}\nrun `HEPSTATIC_BLESS=1 cargo test --test check_cli` and review the diff",
        stale.join("\n")
    );
}

/// What to check in an example folder: the folder itself, or its one file when it holds
/// a single file (a lone data file, an archive).
fn example_target(examples: &Path, code: &str) -> String {
    let files: Vec<_> = std::fs::read_dir(examples.join(code))
        .unwrap()
        .map(|e| e.unwrap())
        .collect();
    match files.as_slice() {
        [one] if one.file_type().unwrap().is_file() => {
            format!("{code}/{}", one.file_name().to_string_lossy())
        }
        _ => code.to_string(),
    }
}

const BEGIN: &str = "<!-- BEGIN EXAMPLE";
const END: &str = "<!-- END EXAMPLE -->";

/// The generated part of a rule page: the example's files, the ones the messages name in
/// full, and what the checker prints.
fn example_block(examples: &Path, code: &str, args: &str, printed: &str) -> String {
    let mut files: Vec<String> = walkdir::WalkDir::new(examples.join(code))
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(examples).unwrap();
            rel.to_string_lossy().replace('\\', "/")
        })
        .collect();
    files.sort();

    let mut block = format!(
        "{BEGIN}: generated from examples/{code}/ by `HEPSTATIC_BLESS=1 cargo test --test \
         check_cli`; edit the example, not this block -->\n\
         The files of [`examples/{code}/`](examples/{code}/):\n\n```text\n"
    );
    for file in &files {
        block.push_str(file);
        block.push('\n');
    }
    block.push_str("```\n\n");
    for file in &files {
        if !printed.contains(&format!("{file}:")) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(examples.join(file)) else {
            continue; // an archive: its listing above is what a reader can use
        };
        let lang = match file.rsplit('.').next() {
            Some("yaml" | "yml") => "yaml",
            Some("json") => "json",
            _ => "text",
        };
        block.push_str(&format!("`{file}`:\n\n```{lang}\n{text}```\n\n"));
    }
    block.push_str(&format!(
        "```console\n$ hepstatic check {args}\n{printed}```\n{END}"
    ));
    block
}
