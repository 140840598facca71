//! Building a pushed revision into the web root, which is a symbolic link to the current
//! build: the new build is made beside it and the link replaced in one `rename`, so the
//! web server sees the old site or the new one, never a mixture or nothing.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use super::{Scratch, TOPS, git};
use crate::config::Config;

/// Builds the newest revision of `branch` into `web_root`. Pushes that arrive together
/// are built one after the other (a lock file in the repository), and each build takes
/// the branch as it is then, so a slow build never replaces a newer one.
///
/// # Errors
/// When the revision cannot be read, the build fails, or the link cannot be replaced.
pub fn deploy(repo: &Path, branch: &str, web_root: &Path) -> Result<i32> {
    let lock_path = repo.join("hepstatic-deploy.lock");
    let lock = fs::File::create(&lock_path)
        .with_context(|| format!("cannot create {}", lock_path.display()))?;
    lock.lock()
        .with_context(|| format!("cannot lock {}", lock_path.display()))?;

    let rev = git::rev_parse(repo, &format!("refs/heads/{branch}"))?;
    let scratch = Scratch::new("build")?;
    let links = git::extract(repo, &rev, &TOPS, scratch.path())?;
    if !links.is_empty() {
        bail!("revision {rev} holds symbolic links: {}", links.join(", "));
    }
    let config = Config::load(&scratch.path().join("hepstatic.toml"))?;

    let name = web_root
        .file_name()
        .context("the web root must be a folder path")?
        .to_string_lossy()
        .into_owned();
    let parent = web_root
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let builds = parent.join(format!(".{name}.builds"));
    fs::create_dir_all(&builds).with_context(|| format!("cannot create {}", builds.display()))?;
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    let build_name = format!("{}-{stamp}", &rev[..rev.len().min(12)]);
    let out = builds.join(&build_name);

    eprintln!(
        "hepstatic: building {branch} ({}) into {}",
        &rev[..rev.len().min(12)],
        web_root.display()
    );
    let code = crate::cmd::build::run(
        &config,
        scratch.path(),
        &out,
        &crate::site::BuildOptions::default(),
    )?;
    if code != crate::cmd::EXIT_OK {
        eprintln!(
            "hepstatic: the build failed; {} still serves the previous site",
            web_root.display()
        );
        return Ok(code);
    }
    let previous = fs::read_link(web_root).ok();
    swap_link(
        web_root,
        &Path::new(&format!(".{name}.builds")).join(&build_name),
    )?;
    prune(&builds, &build_name, previous.as_deref());
    eprintln!(
        "hepstatic: {} now serves {}",
        web_root.display(),
        &rev[..rev.len().min(12)]
    );
    Ok(crate::cmd::EXIT_OK)
}

/// Points the link `web_root` at `target` (relative to the link's folder) atomically. A
/// web root that is still a plain folder (from before the hooks) is moved aside once.
fn swap_link(web_root: &Path, target: &Path) -> Result<()> {
    let name = web_root
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = web_root.with_file_name(format!(".{name}.link-{}", std::process::id()));
    let _ = fs::remove_file(&tmp);
    symlink(target, &tmp).with_context(|| format!("cannot create the link {}", tmp.display()))?;
    let meta = fs::symlink_metadata(web_root);
    if meta.as_ref().is_ok_and(|m| m.is_dir()) {
        let aside: PathBuf = web_root.with_file_name(format!(".{name}.before-hooks"));
        let _ = fs::remove_dir_all(&aside);
        fs::rename(web_root, &aside)
            .with_context(|| format!("cannot move {} aside", web_root.display()))?;
    }
    fs::rename(&tmp, web_root).with_context(|| {
        let _ = fs::remove_file(&tmp);
        format!("cannot replace {}", web_root.display())
    })
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(target, link)
}

#[cfg(not(unix))]
fn symlink(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::other(
        "the web root link needs a Unix system",
    ))
}

/// Removes old builds, keeping the one just made and the one it replaced (a reader may
/// still be fetching from it).
fn prune(builds: &Path, current: &str, previous: Option<&Path>) {
    let keep_previous = previous
        .and_then(Path::file_name)
        .map(|n| n.to_string_lossy().into_owned());
    let Ok(entries) = fs::read_dir(builds) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == current || Some(&name) == keep_previous.as_ref() || name.starts_with('.') {
            continue;
        }
        let _ = fs::remove_dir_all(entry.path());
    }
}
