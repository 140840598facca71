//! The command line: parse arguments, run a command, map the outcome to an exit code.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use hepstatic::cmd;
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
        /// A records tree, a record, a version folder, a single-YAML file or a data file.
        #[arg(default_value = ".")]
        path: PathBuf,
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
        Command::Check { path } => cmd::check::run(path, &config.load_options()),
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
