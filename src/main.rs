//! The command line: parse arguments, run a command, map the outcome to an exit code.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use hepstatic::cmd;
use hepstatic::cmd::check::{Report, ReportFormat};
use hepstatic::config::Config;

// Checking a records tree allocates and frees millions of small nodes on every core;
// mimalloc does that several times faster than the system allocator, and hands freed
// pages back to the next record instead of to the kernel.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "hepstatic",
    version,
    about = "HEPData records in, a static DOI-citable site out"
)]
struct Cli {
    /// Settings file (default: hepstatic.toml in the --root folder, else in the current
    /// folder; built-in settings when there is none).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
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
        /// Where to write the site (default: site/ in the --root folder).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Rebuild every record, not only those changed since the last build.
        #[arg(long)]
        full: bool,
    },
    /// Build, then serve the site on localhost and rebuild when records change.
    Serve {
        /// The folder holding records/ (default: the current folder).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the site (default: site/ in the --root folder).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Address to listen on (loopback by default: this is a preview server).
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        /// Port to listen on; 0 picks a free one (the address is printed).
        #[arg(long, default_value_t = 8000)]
        port: u16,
        /// Do not watch records/ and themes/ for changes.
        #[arg(long)]
        no_watch: bool,
    },
    /// Freeze a version (write its lock and date); with --register, register its DOIs.
    Publish {
        /// The record's id (its folder in records/).
        id: String,
        /// The version to publish (default: the latest).
        #[arg(long)]
        version: Option<u32>,
        /// The publication date written into record.yaml (default: today, UTC).
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: Option<String>,
        /// Also register the DOIs of every published version with DataCite (credentials
        /// from DATACITE_USERNAME and DATACITE_PASSWORD).
        #[arg(long)]
        register: bool,
        /// Write and send nothing; print the DataCite payloads.
        #[arg(long)]
        dry_run: bool,
        /// Seconds to wait for each answer of DataCite.
        #[arg(long, default_value_t = 30)]
        timeout: u64,
        /// The folder holding records/.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Copy the latest published version of a record to the next number, for a correction.
    NewVersion {
        /// The record's id.
        id: String,
        /// What the new version changes (its entry in record.yaml's version log).
        #[arg(short, long)]
        message: String,
        /// The folder holding records/.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Git hooks that check each push and build the site after it.
    #[command(subcommand)]
    Hook(HookCommand),
    /// Describe a TMVA BDT weight file, or evaluate it with --input NAME=VALUE (no ROOT
    /// needed); prints the classifier's output on stdout.
    Bdt {
        /// The weight file (`*.weights.xml`).
        file: PathBuf,
        /// One input variable, by expression or label: `--input pt_lead=35.2`.
        #[arg(long = "input", value_name = "NAME=VALUE")]
        inputs: Vec<String>,
    },
    /// Print an nginx server block for the site, with Accept negotiation on resource
    /// landing URLs.
    NginxConfig {
        /// The folder nginx serves: the built site or the hooks' web root.
        #[arg(long, default_value = "site")]
        site: PathBuf,
        /// nginx's `listen` value.
        #[arg(long, default_value = "80")]
        listen: String,
        /// nginx's `server_name` (default: the host of base_url).
        #[arg(long)]
        server_name: Option<String>,
        /// The folder holding records/.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}

#[derive(Subcommand)]
enum HookCommand {
    /// Install pre-receive (check) and post-receive (build) hooks into a bare repository.
    Install {
        /// The bare repository people push to.
        repo: PathBuf,
        /// Where the site is served from; it becomes a link to the newest build.
        #[arg(long)]
        web_root: PathBuf,
        /// The published branch (default: the repository's HEAD branch).
        #[arg(long)]
        branch: Option<String>,
        /// Replace hooks that hepstatic did not write.
        #[arg(long)]
        force: bool,
    },
    /// Check a revision as the pre-receive hook does, against the revision before it
    /// (for CI; `old` may be empty or all zeros for a first push).
    Verify {
        old: String,
        new: String,
        /// The repository (a work tree or a bare one).
        #[arg(long, default_value = ".")]
        repo: PathBuf,
    },
    /// Run by git: the pre-receive hook.
    #[command(hide = true)]
    PreReceive {
        #[arg(long)]
        branch: String,
    },
    /// Run by git: the post-receive hook.
    #[command(hide = true)]
    PostReceive {
        #[arg(long)]
        branch: String,
        #[arg(long)]
        web_root: PathBuf,
    },
}

impl Command {
    /// The folder the command works in, for the commands that take `--root`.
    fn root(&self) -> Option<&Path> {
        match self {
            Command::Build { root, .. }
            | Command::Serve { root, .. }
            | Command::Publish { root, .. }
            | Command::NewVersion { root, .. }
            | Command::NginxConfig { root, .. } => Some(root),
            _ => None,
        }
    }
}

/// The settings file: `--config` when given, else `hepstatic.toml` in the `--root`
/// folder (or the current one).
fn settings_path(cli: &Cli) -> PathBuf {
    cli.config.clone().unwrap_or_else(|| {
        cli.command
            .root()
            .unwrap_or(Path::new("."))
            .join("hepstatic.toml")
    })
}

/// The settings: `--config` when given (it must exist), else the project's
/// `hepstatic.toml` when there is one, else the built-in defaults.
fn settings(cli: &Cli) -> anyhow::Result<Config> {
    let path = settings_path(cli);
    if cli.config.is_some() && !path.is_file() {
        anyhow::bail!(
            "the settings file {} does not exist (--config); leave --config out to use {}",
            path.display(),
            cli.command
                .root()
                .unwrap_or(Path::new("."))
                .join("hepstatic.toml")
                .display()
        );
    }
    Config::load(&path)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // `site` rather than `./site`, so that messages name the folder as the user sees it.
    let site_dir = |root: &Path, out: &Option<PathBuf>| match out {
        Some(out) => out.clone(),
        None if root == Path::new(".") => PathBuf::from("site"),
        None => root.join("site"),
    };
    let result = settings(&cli).and_then(|config| match &cli.command {
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
        Command::Build { root, out, full } => {
            let options = hepstatic::site::BuildOptions {
                full: *full,
                progress: std::io::stderr().is_terminal(),
            };
            cmd::build::run(&config, root, &site_dir(root, out), &options)
        }
        Command::Serve {
            root,
            out,
            bind,
            port,
            no_watch,
        } => {
            let options = cmd::serve::Options {
                root: root.clone(),
                config_path: Some(settings_path(&cli)),
                out: site_dir(root, out),
                bind: bind.clone(),
                port: *port,
                watch: !*no_watch,
            };
            cmd::serve::run(&config, &options)
        }
        Command::Publish {
            id,
            version,
            date,
            register,
            dry_run,
            timeout,
            root,
        } => cmd::publish::run(
            &config,
            &cmd::publish::Options {
                root: root.clone(),
                id: id.clone(),
                version: *version,
                date: date.clone(),
                register: *register,
                dry_run: *dry_run,
                timeout: std::time::Duration::from_secs(*timeout),
            },
        ),
        Command::NewVersion { id, message, root } => cmd::new_version::run(root, id, message),
        Command::Hook(HookCommand::Install {
            repo,
            web_root,
            branch,
            force,
        }) => cmd::hook::install(&hepstatic::hook::Install {
            repo: repo.clone(),
            web_root: web_root.clone(),
            branch: branch.clone(),
            force: *force,
        }),
        Command::Hook(HookCommand::Verify { old, new, repo }) => cmd::hook::verify(repo, old, new),
        Command::Hook(HookCommand::PreReceive { branch }) => cmd::hook::pre_receive(branch),
        Command::Hook(HookCommand::PostReceive { branch, web_root }) => {
            cmd::hook::post_receive(branch, web_root)
        }
        Command::Bdt { file, inputs } => cmd::bdt::run(file, inputs),
        Command::NginxConfig {
            site,
            listen,
            server_name,
            root,
        } => cmd::nginx::run(
            &config,
            &cmd::nginx::Options {
                root: root.clone(),
                site: site.clone(),
                listen: listen.clone(),
                server_name: server_name.clone(),
            },
        ),
    });
    match result {
        Ok(code) => ExitCode::from(code as u8),
        Err(e) => {
            eprintln!("hepstatic: error: {e:#}");
            ExitCode::from(cmd::EXIT_FAILURE as u8)
        }
    }
}
