//! The command line: parse arguments, run a command, map the outcome to an exit code.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use hepstatic::cmd;
use hepstatic::cmd::check::{Report, ReportFormat};
use hepstatic::config::Config;

#[derive(Parser)]
#[command(
    name = "hepstatic",
    version,
    about = "HEPData records in, a static DOI-citable site out"
)]
struct Cli {
    /// Settings file.
    #[arg(long, global = true, default_value = "hepstatic.toml")]
    config: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check records and report every problem (exit 0 clean, 1 problems, 2 failure).
    Check {
        /// Records trees, records, version folders, submission archives, single-YAML files
        /// or data files.
        #[arg(default_value = ".")]
        paths: Vec<PathBuf>,
        /// How to report.
        #[arg(long, value_enum, default_value_t)]
        format: ReportFormat,
        /// Print problems only, without the summary line.
        #[arg(short, long)]
        quiet: bool,
    },
    /// Check the records, then build the static site.
    Build {
        /// The folder holding records/ (default: the current folder).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the site.
        #[arg(long, default_value = "site")]
        out: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = Config::load(&cli.config).and_then(|config| match &cli.command {
        Command::Check {
            paths,
            format,
            quiet,
        } => {
            let report = Report {
                format: *format,
                quiet: *quiet,
            };
            cmd::check::run(paths, &config.load_options(), &report)
        }
        Command::Build { root, out } => cmd::build::run(&config, root, out),
    });
    match result {
        Ok(code) => ExitCode::from(code as u8),
        Err(e) => {
            eprintln!("hepstatic: error: {e:#}");
            ExitCode::from(cmd::EXIT_FAILURE as u8)
        }
    }
}
