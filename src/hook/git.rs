//! The few git operations the hooks need, through the `git` command (inside a hook it
//! sees the pushed objects, quarantined or not, through the environment git sets).

use std::fs;
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

/// Runs `git -C <repo> <args>` and returns its standard output.
///
/// # Errors
/// When git cannot be run or fails.
pub fn git(repo: &Path, args: &[&str]) -> Result<Vec<u8>> {
    let out = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .context("cannot run git (is it installed?)")?;
    if !out.status.success() {
        bail!(
            "git {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(out.stdout)
}

/// `true` for git's all-zero object name, which stands for "no commit" (a new or a deleted
/// branch).
pub fn is_zero(rev: &str) -> bool {
    !rev.is_empty() && rev.bytes().all(|b| b == b'0')
}

/// The full object name of `rev`.
///
/// # Errors
/// When `rev` names no commit.
pub fn rev_parse(repo: &Path, rev: &str) -> Result<String> {
    let spec = format!("{rev}^{{commit}}");
    let out = git(repo, &["rev-parse", "--verify", "--quiet", &spec])?;
    Ok(String::from_utf8_lossy(&out).trim().to_string())
}

/// The paths of every file of `rev` under `prefix` (e.g. `records/`).
///
/// # Errors
/// When git fails.
pub fn list(repo: &Path, rev: &str, prefix: &str) -> Result<Vec<String>> {
    let out = git(
        repo,
        &["ls-tree", "-r", "-z", "--name-only", rev, "--", prefix],
    )?;
    Ok(out
        .split(|&b| b == 0)
        .filter(|p| !p.is_empty())
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .collect())
}

/// The bytes of `path` in `rev`, or `None` when it has no such file.
///
/// # Errors
/// When git cannot be run.
pub fn blob(repo: &Path, rev: &str, path: &str) -> Result<Option<Vec<u8>>> {
    let spec = format!("{rev}:{path}");
    let out = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(["cat-file", "blob", &spec])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .context("cannot run git (is it installed?)")?;
    Ok(out.status.success().then_some(out.stdout))
}

/// Writes the files of `rev` below the given top folders (`records`, `themes`, or a file
/// such as `hepstatic.toml`) into `dest`. Returns the symbolic links met there: they are
/// not written (a link in a pushed tree could make the build read or publish a file of
/// the server), and the caller rejects the push.
///
/// # Errors
/// When git fails or a file cannot be written.
pub fn extract(repo: &Path, rev: &str, tops: &[&str], dest: &Path) -> Result<Vec<String>> {
    let mut child = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(["archive", "--format=tar", rev, "--"])
        .args(
            tops.iter()
                .filter(|t| !list(repo, rev, t).unwrap_or_default().is_empty()),
        )
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .context("cannot run git archive")?;
    let stdout = child.stdout.take().context("git archive gave no output")?;
    let mut links = Vec::new();
    let mut archive = tar::Archive::new(stdout);
    for entry in archive
        .entries()
        .context("cannot read git archive's output")?
    {
        let mut entry = entry.context("cannot read git archive's output")?;
        let path: PathBuf = entry
            .path()
            .context("a path in git archive's output")?
            .into_owned();
        if !path.components().all(|c| matches!(c, Component::Normal(_))) {
            continue;
        }
        let target = dest.join(&path);
        match entry.header().entry_type() {
            tar::EntryType::Directory => {
                fs::create_dir_all(&target)
                    .with_context(|| format!("cannot create {}", target.display()))?;
            }
            tar::EntryType::Regular | tar::EntryType::Continuous => {
                if let Some(dir) = target.parent() {
                    fs::create_dir_all(dir)
                        .with_context(|| format!("cannot create {}", dir.display()))?;
                }
                let mut bytes = Vec::new();
                entry.read_to_end(&mut bytes)?;
                fs::write(&target, bytes)
                    .with_context(|| format!("cannot write {}", target.display()))?;
            }
            tar::EntryType::Symlink | tar::EntryType::Link => {
                links.push(path.to_string_lossy().replace('\\', "/"));
            }
            _ => {}
        }
    }
    if !child.wait()?.success() {
        bail!("git archive {rev} failed");
    }
    Ok(links)
}
