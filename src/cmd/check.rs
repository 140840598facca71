//! `hepstatic check [PATH]`: report every problem in the records, like a compiler.

use std::io::{self, IsTerminal, Write};
use std::path::Path;

use anyhow::Result;

use crate::check::{check, counts};
use crate::load::{Options, load};
use crate::model::{Diagnostic, Severity};

use super::{EXIT_OK, EXIT_PROBLEMS};

/// Checks `path` and prints diagnostics to stderr; returns the exit code.
///
/// # Errors
/// When the path cannot be read at all (the tool failed, exit 2).
pub fn run(path: &Path, options: &Options) -> Result<i32> {
    let loaded = load(path, options).map_err(anyhow::Error::msg)?;
    let diagnostics = check(&loaded);
    let stderr = io::stderr();
    let color = stderr.is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut out = stderr.lock();
    print_human(&mut out, &diagnostics, color)?;
    let (errors, warnings) = counts(&diagnostics);
    let inputs = loaded.items.len();
    writeln!(out, "{}", summary_line(inputs, errors, warnings))?;
    Ok(if errors > 0 { EXIT_PROBLEMS } else { EXIT_OK })
}

/// `checked 3 records: 2 errors, 1 warning`.
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
