//! `hepstatic check [PATH]...`: report every problem in the records, like a compiler, for
//! people (`human`), for scripts (`json`, see docs/check-json.md) or for GitHub Actions.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::Result;
use rayon::prelude::*;
use serde::Serialize;

use crate::check::{check, counts};
use crate::load::{Options, load_each};
use crate::model::{Diagnostic, Severity, sort_diagnostics};

use super::{EXIT_FAILURE, EXIT_OK, EXIT_PROBLEMS};

/// How `check` reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// `file:line:col: error[CODE]: message` and a help line, on stderr.
    #[default]
    Human,
    /// One JSON document on stdout (docs/check-json.md).
    Json,
    /// GitHub Actions workflow commands (`::error file=...::message`) on stdout.
    Github,
}

/// What `check` was asked for besides the paths.
#[derive(Clone, Copy, Debug, Default)]
pub struct Report {
    pub format: ReportFormat,
    /// Diagnostics only: no summary line.
    pub quiet: bool,
}

/// The version of the JSON report's schema; raised only when a field changes meaning or
/// disappears (adding a field does not raise it).
pub const JSON_VERSION: u32 = 1;

/// One path given on the command line, checked.
pub struct Checked {
    pub path: PathBuf,
    /// How many items the path held (records, or one submission or data file).
    pub items: usize,
    pub diagnostics: Vec<Diagnostic>,
}

/// Checks every path and reports in `report.format`; returns the exit code: 0 clean
/// (warnings allowed), 1 problems, 2 when a path could not be checked at all (then
/// nothing is reported on stdout, and every such path is named on stderr).
///
/// # Errors
/// When writing the report fails.
pub fn run(paths: &[PathBuf], options: &Options, report: &Report) -> Result<i32> {
    // Paths, and the records of a tree, are checked in parallel; each record is dropped
    // once checked. The report is the same as checking one after the other.
    let results: Vec<Result<Checked, String>> = paths
        .par_iter()
        .map(|path| check_path(path, options))
        .collect();
    let mut checked = Vec::with_capacity(paths.len());
    let mut failed = false;
    for result in results {
        match result {
            Ok(input) => checked.push(input),
            Err(message) => {
                eprintln!("hepstatic: error: {message}");
                failed = true;
            }
        }
    }
    if failed {
        return Ok(EXIT_FAILURE);
    }

    let stderr = io::stderr();
    match report.format {
        ReportFormat::Human => {
            let mut out = stderr.lock();
            for input in &checked {
                print_human(&mut out, &input.diagnostics, use_color(&stderr))?;
            }
        }
        ReportFormat::Json => {
            let mut out = io::stdout().lock();
            write_json(&mut out, &checked)?;
            out.flush()?;
        }
        ReportFormat::Github => {
            let mut out = io::stdout().lock();
            for input in &checked {
                write_github(&mut out, &input.diagnostics)?;
            }
            out.flush()?;
        }
    }

    let (mut errors, mut warnings, mut items) = (0, 0, 0);
    for input in &checked {
        let (e, w) = counts(&input.diagnostics);
        errors += e;
        warnings += w;
        items += input.items;
    }
    if !report.quiet {
        writeln!(stderr.lock(), "{}", summary_line(items, errors, warnings))?;
    }
    Ok(if errors > 0 { EXIT_PROBLEMS } else { EXIT_OK })
}

/// Loads and checks everything in `path`, a record at a time.
fn check_path(path: &Path, options: &Options) -> Result<Checked, String> {
    let parts = load_each(path, options, |loaded| (loaded.items.len(), check(&loaded)))?;
    let mut items = 0;
    let mut diagnostics = Vec::new();
    for (n, found) in parts {
        items += n;
        diagnostics.extend(found);
    }
    sort_diagnostics(&mut diagnostics);
    Ok(Checked {
        path: path.to_path_buf(),
        // A path counts at least once, even when nothing in it could be loaded.
        items: items.max(1),
        diagnostics,
    })
}

/// Colour only on a terminal, and never when `NO_COLOR` is set to anything but "" (the
/// no-color.org convention).
fn use_color(stderr: &io::Stderr) -> bool {
    stderr.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// `checked 3 inputs: 2 errors, 1 warning`.
pub fn summary_line(inputs: usize, errors: usize, warnings: usize) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!(
        "checked {}: {}, {}",
        plural(inputs, "input"),
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}

/// Writes each diagnostic as `path:line:col: error[E012]: message` and its help line.
pub fn print_human(out: &mut dyn Write, diagnostics: &[Diagnostic], color: bool) -> io::Result<()> {
    for d in diagnostics {
        if color {
            let (paint, word) = match d.severity {
                Severity::Error => ("\x1b[1;31m", "error"),
                Severity::Warning => ("\x1b[1;33m", "warning"),
            };
            write!(out, "\x1b[1m{}", d.file.display())?;
            if d.line > 0 {
                write!(out, ":{}:{}", d.line, d.column)?;
            }
            writeln!(
                out,
                ":\x1b[0m {paint}{word}[{}]\x1b[0m: {}",
                d.code, d.message
            )?;
            if let Some(h) = &d.help {
                writeln!(out, "  \x1b[1;36mhelp\x1b[0m: {h}")?;
            }
        } else {
            writeln!(out, "{d}")?;
        }
    }
    Ok(())
}

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    inputs: Vec<JsonInput<'a>>,
}

#[derive(Serialize)]
struct JsonInput<'a> {
    path: String,
    verdict: &'static str,
    errors: usize,
    warnings: usize,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    file: String,
    /// 1-based; null when the problem concerns the whole file.
    line: Option<u32>,
    column: Option<u32>,
    severity: Severity,
    code: &'a str,
    message: &'a str,
    help: Option<&'a str>,
}

/// Writes the JSON report (docs/check-json.md): one item per input path, in the order
/// given, each with its verdict and diagnostics.
pub fn write_json(out: &mut dyn Write, checked: &[Checked]) -> io::Result<()> {
    let inputs = checked
        .iter()
        .map(|input| {
            let (errors, warnings) = counts(&input.diagnostics);
            JsonInput {
                path: path_text(&input.path),
                verdict: if errors > 0 { "invalid" } else { "valid" },
                errors,
                warnings,
                diagnostics: input
                    .diagnostics
                    .iter()
                    .map(|d| JsonDiagnostic {
                        file: path_text(&d.file),
                        line: (d.line > 0).then_some(d.line),
                        column: (d.line > 0).then_some(d.column),
                        severity: d.severity,
                        code: d.code,
                        message: &d.message,
                        help: d.help.as_deref(),
                    })
                    .collect(),
            }
        })
        .collect();
    let report = JsonReport {
        version: JSON_VERSION,
        inputs,
    };
    serde_json::to_writer_pretty(&mut *out, &report)?;
    writeln!(out)
}

/// Writes one GitHub Actions workflow command per diagnostic:
/// `::error file=F,line=L,col=C,title=E012::message`, the help on a second line of the
/// message.
pub fn write_github(out: &mut dyn Write, diagnostics: &[Diagnostic]) -> io::Result<()> {
    for d in diagnostics {
        let mut props = format!("file={}", escape_property(&path_text(&d.file)));
        if d.line > 0 {
            props.push_str(&format!(",line={},col={}", d.line, d.column));
        }
        props.push_str(&format!(",title={}", escape_property(d.code)));
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        writeln!(out, "::{} {props}::{}", d.severity, escape_data(&message))?;
    }
    Ok(())
}

/// A path as text, with `/` between components on every platform.
fn path_text(path: &Path) -> String {
    let text = path.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '\\' {
        text.replace('\\', "/")
    } else {
        text.into_owned()
    }
}

/// Escapes a workflow command's message: `%`, CR and LF.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value: as the message, plus `:` and `,`.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Pos;

    #[test]
    fn github_escapes_follow_the_runner() {
        assert_eq!(escape_data("5%%\r\nnext"), "5%25%25%0D%0Anext");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }

    #[test]
    fn github_annotations_carry_position_code_and_help() {
        let d = Diagnostic::error(
            "E012",
            Path::new("rec/v1/a,b.yaml"),
            Pos::new(4, 1),
            "unexpected key \"x\": 5%",
        )
        .with_help("remove it");
        let whole = Diagnostic::warning("W010", Path::new("rec/x"), Pos::NONE, "unused");
        let mut out = Vec::new();
        write_github(&mut out, &[d, whole]).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "::error file=rec/v1/a%2Cb.yaml,line=4,col=1,title=E012::unexpected key \"x\": \
             5%25%0Ahelp: remove it\n\
             ::warning file=rec/x,title=W010::unused\n"
        );
    }

    #[test]
    fn summary_counts_in_words() {
        assert_eq!(
            summary_line(1, 2, 1),
            "checked 1 input: 2 errors, 1 warning"
        );
    }
}
