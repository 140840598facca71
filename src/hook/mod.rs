//! Git hooks: a push to the published branch is checked before it is accepted (frozen
//! versions of the previous revision included) and built into the web root after.
//!
//! Input: a bare repository and the `<old> <new> <ref>` lines git gives its hooks. Output:
//! the checker's messages to the pusher and an exit code (pre-receive), or a new site
//! swapped into the web root (post-receive). `verify` does the pre-receive check for CI.

mod deploy;
pub mod git;

use std::fs;
use std::io::{self, BufRead};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::check::{check, counts, frozen};
use crate::config::Config;
use crate::load::{self, load_submission};
use crate::model::{Diagnostic, sort_diagnostics};

pub use deploy::deploy;

/// The folders and files of a pushed tree that hepstatic reads.
const TOPS: [&str; 3] = ["hepstatic.toml", "records", "themes"];

/// Marks hooks written by hepstatic, so that `install` replaces its own only.
const MARK: &str = "# hepstatic hook";

/// A temporary folder removed when dropped.
pub struct Scratch(PathBuf);

impl Scratch {
    /// # Errors
    /// When the folder cannot be made.
    pub fn new(what: &str) -> Result<Scratch> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let dir =
            std::env::temp_dir().join(format!("hepstatic-{what}-{}-{nanos}", std::process::id()));
        fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
        Ok(Scratch(dir))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// What `hook install` writes.
#[derive(Clone, Debug)]
pub struct Install {
    pub repo: PathBuf,
    pub web_root: PathBuf,
    /// The branch that is checked and published; the repository's HEAD branch when `None`.
    pub branch: Option<String>,
    /// Replace hooks that hepstatic did not write.
    pub force: bool,
}

/// Installs the pre-receive and post-receive hooks into a bare repository; returns the
/// branch they guard.
///
/// # Errors
/// When `repo` is not a bare repository, a foreign hook is in the way, or on I/O failure.
pub fn install(options: &Install) -> Result<String> {
    let repo = fs::canonicalize(&options.repo)
        .with_context(|| format!("there is no repository at {}", options.repo.display()))?;
    let bare = git::git(&repo, &["rev-parse", "--is-bare-repository"])?;
    if String::from_utf8_lossy(&bare).trim() != "true" {
        bail!(
            "{} is not a bare repository (make one with `git init --bare`)",
            repo.display()
        );
    }
    let branch = match &options.branch {
        Some(b) => b.clone(),
        None => String::from_utf8_lossy(&git::git(&repo, &["symbolic-ref", "--short", "HEAD"])?)
            .trim()
            .to_string(),
    };
    let web_root = if options.web_root.is_absolute() {
        options.web_root.clone()
    } else {
        std::env::current_dir()?.join(&options.web_root)
    };
    let exe = std::env::current_exe()
        .and_then(fs::canonicalize)
        .context("cannot find the hepstatic program")?;

    let hooks = repo.join("hooks");
    fs::create_dir_all(&hooks)?;
    let scripts = [
        (
            "pre-receive",
            format!(
                "{MARK}: checks every push to {branch} and rejects it with the checker's messages.\n\
                 # Written by `hepstatic hook install`; run that again to change it.\n\
                 exec {} hook pre-receive --branch {}\n",
                quote(&exe.to_string_lossy()),
                quote(&branch)
            ),
        ),
        (
            "post-receive",
            format!(
                "{MARK}: builds {branch} into the web root after each accepted push.\n\
                 # Written by `hepstatic hook install`; run that again to change it.\n\
                 exec {} hook post-receive --branch {} --web-root {}\n",
                quote(&exe.to_string_lossy()),
                quote(&branch),
                quote(&web_root.to_string_lossy())
            ),
        ),
    ];
    for (name, _) in &scripts {
        let path = hooks.join(name);
        if let Ok(old) = fs::read_to_string(&path)
            && !old.contains(MARK)
            && !options.force
        {
            bail!(
                "{} exists and was not written by hepstatic; move it away or pass --force",
                path.display()
            );
        }
    }
    for (name, body) in &scripts {
        let path = hooks.join(name);
        fs::write(&path, format!("#!/bin/sh\n{body}"))
            .with_context(|| format!("cannot write {}", path.display()))?;
        make_executable(&path)?;
    }
    Ok(branch)
}

#[cfg(unix)]
fn make_executable(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(0o755))
        .with_context(|| format!("cannot make {} executable", path.display()))
}

#[cfg(not(unix))]
fn make_executable(_: &Path) -> Result<()> {
    Ok(())
}

/// A word for `sh`, in single quotes.
fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

/// One `<old> <new> <ref>` line of a hook's input.
struct Update {
    old: String,
    new: String,
    name: String,
}

fn updates(input: impl BufRead) -> Result<Vec<Update>> {
    let mut out = Vec::new();
    for line in input.lines() {
        let line = line?;
        let mut parts = line.split_whitespace();
        if let (Some(old), Some(new), Some(name)) = (parts.next(), parts.next(), parts.next()) {
            out.push(Update {
                old: old.to_string(),
                new: new.to_string(),
                name: name.to_string(),
            });
        }
    }
    Ok(out)
}

/// The pre-receive hook: checks each update of `refs/heads/<branch>` and returns 1 (the
/// push is refused) when the records have errors. Other refs pass unchecked; they are
/// checked when merged into the branch.
///
/// # Errors
/// When git fails or the hook's input cannot be read.
pub fn pre_receive(repo: &Path, branch: &str, input: impl BufRead) -> Result<i32> {
    let wanted = format!("refs/heads/{branch}");
    for u in updates(input)?.into_iter().filter(|u| u.name == wanted) {
        if git::is_zero(&u.new) {
            eprintln!(
                "hepstatic: push rejected: {branch} is the published branch and cannot be deleted"
            );
            return Ok(crate::cmd::EXIT_PROBLEMS);
        }
        let old = (!git::is_zero(&u.old)).then_some(u.old.as_str());
        let code = report(repo, old, &u.new, "push rejected")?;
        if code != crate::cmd::EXIT_OK {
            return Ok(code);
        }
    }
    Ok(crate::cmd::EXIT_OK)
}

/// Checks revision `new` of `repo` against `old` (when given), prints what it finds and
/// returns the exit code: what the pre-receive hook and CI (`hook verify`) run.
///
/// # Errors
/// When git fails.
pub fn report(repo: &Path, old: Option<&str>, new: &str, verdict: &str) -> Result<i32> {
    let (diagnostics, links) = verify(repo, old, new)?;
    let mut err = io::stderr().lock();
    crate::cmd::check::print_human(&mut err, &diagnostics, false)?;
    for link in &links {
        eprintln!(
            "{link}: error: a symbolic link; records and themes hold plain files only\n  help: replace the link by the file it points to"
        );
    }
    let (errors, warnings) = counts(&diagnostics);
    let short = &new[..new.len().min(12)];
    if errors + links.len() > 0 {
        eprintln!(
            "hepstatic: {verdict}: {} error{} in the records of {short} ({warnings} warning{}); fix them and push again",
            errors + links.len(),
            if errors + links.len() == 1 { "" } else { "s" },
            if warnings == 1 { "" } else { "s" },
        );
        return Ok(crate::cmd::EXIT_PROBLEMS);
    }
    eprintln!(
        "hepstatic: records of {short} checked: no error ({warnings} warning{})",
        if warnings == 1 { "" } else { "s" }
    );
    Ok(crate::cmd::EXIT_OK)
}

/// The diagnostics of revision `new`, with the published versions of `old` held to
/// their locks as `old` had them; and the symbolic links found in the tree.
///
/// # Errors
/// When git fails or the tree cannot be written to a temporary folder.
pub fn verify(repo: &Path, old: Option<&str>, new: &str) -> Result<(Vec<Diagnostic>, Vec<String>)> {
    let scratch = Scratch::new("check")?;
    let tree = scratch.path();
    let links = git::extract(repo, new, &TOPS, tree)?;
    let mut diagnostics = Vec::new();
    if !tree.join("records").is_dir() {
        bail!("revision {new} has no records/ folder");
    }
    let config = Config::load(&tree.join("hepstatic.toml"))?;

    // A published version stays as it was published, whatever the new revision did to
    // its lock: each lock of the old revision is put back before the checker runs.
    let mut changed_versions = Vec::new();
    if let Some(old) = old {
        let short = &old[..old.len().min(12)];
        for path in git::list(repo, old, "records/")?
            .into_iter()
            .filter(|p| is_lock_path(p))
        {
            let Some(old_lock) = git::blob(repo, old, &path)? else {
                continue;
            };
            let here = tree.join(&path);
            let now = fs::read(&here).ok();
            if now.as_deref() != Some(old_lock.as_slice()) {
                let n = lock_version(&path).unwrap_or(0);
                diagnostics.push(frozen::lock_replaced(
                    Path::new(&path),
                    n,
                    now.is_none(),
                    short,
                ));
                if let Some(dir) = here.parent()
                    && dir.is_dir()
                {
                    fs::write(&here, &old_lock)?;
                }
            }
            changed_versions.push(path);
        }
    }

    let loaded =
        load::load(&tree.join("records"), &config.load_options()).map_err(anyhow::Error::msg)?;
    diagnostics.extend(check(&loaded));
    if let Some(old) = old {
        numbering(
            repo,
            old,
            tree,
            &changed_versions,
            &config,
            &mut diagnostics,
        )?;
    }
    // Messages name files as they are in the repository, not in the scratch folder.
    let prefix = format!("{}/", tree.display());
    for d in &mut diagnostics {
        if let Ok(rel) = d.file.strip_prefix(tree) {
            d.file = rel.to_path_buf();
        }
        d.message = d.message.replace(&prefix, "");
        d.help = d.help.take().map(|h| h.replace(&prefix, ""));
    }
    sort_diagnostics(&mut diagnostics);
    Ok((diagnostics, links))
}

/// For each published version whose submission.yaml differs from the old revision's, the
/// tables and resources must keep their numbers (E049).
fn numbering(
    repo: &Path,
    old: &str,
    tree: &Path,
    locks: &[String],
    config: &Config,
    out: &mut Vec<Diagnostic>,
) -> Result<()> {
    for lock in locks {
        let dir = lock.trim_end_matches(".lock");
        let file = format!("{dir}/submission.yaml");
        let Some(old_bytes) = git::blob(repo, old, &file)? else {
            continue;
        };
        let new_path = tree.join(&file);
        match fs::read(&new_path) {
            Ok(now) if now != old_bytes => {}
            _ => continue,
        }
        let scratch = Scratch::new("old")?;
        git::extract(repo, old, &[dir], scratch.path())?;
        let options = config.load_options();
        let mut ignored = Vec::new();
        let before = load_submission(&scratch.path().join(&file), &options, &mut ignored);
        let after = load_submission(&new_path, &options, &mut ignored);
        let n = lock_version(lock).unwrap_or(0);
        frozen::check_numbering(&before, &after, &tree.join(dir), n, out);
    }
    Ok(())
}

/// `records/<id>/v<n>.lock`?
fn is_lock_path(path: &str) -> bool {
    let parts: Vec<&str> = path.split('/').collect();
    parts.len() == 3 && parts[0] == "records" && lock_version(path).is_some()
}

fn lock_version(path: &str) -> Option<u32> {
    let name = path.rsplit('/').next()?;
    load::version_number(name.strip_suffix(".lock")?)
}

/// The post-receive hook: when `refs/heads/<branch>` moved, builds the branch's newest
/// revision into `web_root`.
///
/// # Errors
/// When git fails or the site cannot be built or swapped in.
pub fn post_receive(
    repo: &Path,
    branch: &str,
    web_root: &Path,
    input: impl BufRead,
) -> Result<i32> {
    let wanted = format!("refs/heads/{branch}");
    if !updates(input)?
        .iter()
        .any(|u| u.name == wanted && !git::is_zero(&u.new))
    {
        return Ok(crate::cmd::EXIT_OK);
    }
    deploy(repo, branch, web_root)
}
