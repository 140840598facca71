//! Helpers shared by the end-to-end tests: a scratch copy of the project and a way to run
//! the real binary in it.

#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn shared() -> PathBuf {
    let dir = repo().join("../shared");
    assert!(
        dir.join("cases").is_dir(),
        "../shared is missing at {}: the tests need it",
        dir.display()
    );
    dir
}

/// Copies a folder tree (files and folders only).
pub fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
            let mut perms = fs::metadata(&target).unwrap().permissions();
            #[allow(clippy::permissions_set_readonly_false)]
            perms.set_readonly(false);
            fs::set_permissions(&target, perms).unwrap();
        }
    }
}

/// A scratch project: hepstatic.toml and the theme from this repository, and the given
/// records (none when `records` is empty).
pub fn scratch_project(records: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::copy(
        repo().join("hepstatic.toml"),
        dir.path().join("hepstatic.toml"),
    )
    .unwrap();
    copy_tree(&repo().join("themes"), &dir.path().join("themes"));
    fs::create_dir_all(dir.path().join("records")).unwrap();
    for id in records {
        copy_tree(
            &repo().join("records").join(id),
            &dir.path().join("records").join(id),
        );
    }
    dir
}

/// Adds a record made of a bare submission folder (e.g. a case input) as `records/<id>/v1`.
pub fn add_record(project: &Path, id: &str, submission: &Path, title: &str) {
    let rec = project.join("records").join(id);
    copy_tree(submission, &rec.join("v1"));
    fs::write(
        rec.join("record.yaml"),
        format!("title: \"{title}\"\ncollaborations: [TEST]\nyear: 2024\nversions:\n  - {{version: 1, date: 2024-01-01, message: Initial release}}\n"),
    )
    .unwrap();
}

pub fn hepstatic(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hepstatic"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

/// A scratch project holding the DOI fixture (`demo-1`) and this repository's theme.
pub fn doi_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("tests/fixtures/doi"), dir.path());
    copy_tree(&repo().join("themes"), &dir.path().join("themes"));
    dir
}

/// Runs hepstatic in `dir`, asserts it succeeded and returns what it printed on stderr.
pub fn run_ok(dir: &Path, args: &[&str]) -> String {
    let out = hepstatic(dir, args);
    assert!(
        out.status.success(),
        "hepstatic {args:?} failed ({:?}): {}",
        out.status.code(),
        stderr(&out)
    );
    stderr(&out)
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Every file below `dir`, as paths relative to it with `/` separators.
pub fn files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            } else {
                out.push(
                    e.path()
                        .strip_prefix(dir)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/"),
                );
            }
        }
    }
    out.sort();
    out
}

pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

/// The values of every `href="..."` and `src="..."` in an HTML page.
pub fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            if let Some(end) = rest.find('"') {
                out.push(rest[..end].replace("&amp;", "&"));
                rest = &rest[end..];
            }
        }
    }
    out
}

/// An HTML page with the scripts the theme itself adds taken out: the search page's
/// script and JSON-LD data blocks (checked here not to close early, which is the one way
/// data inside them could turn into markup). Anything left that says `<script` came from
/// a record.
pub fn without_theme_scripts(html: &str) -> String {
    let mut out = html.replace("<script src=\"/static/search.js\" defer></script>", "");
    let open = "<script type=\"application/ld+json\">";
    while let Some(start) = out.find(open) {
        let body = start + open.len();
        let end = out[body..]
            .find("</script>")
            .map(|e| body + e)
            .expect("an unclosed JSON-LD block");
        let data = &out[body..end];
        assert!(
            !data.to_ascii_lowercase().contains("<script") && !data.contains("<!--"),
            "JSON-LD that could end its block early: {data}"
        );
        out.replace_range(start..end + "</script>".len(), "");
    }
    out
}

/// A running `hepstatic serve` on a free loopback port; killed when dropped, whatever
/// happens in the test.
pub struct Served {
    child: std::process::Child,
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub base: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `hepstatic serve --port 0` in `project` and waits until it listens.
pub fn serve(project: &Path) -> Served {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_hepstatic"))
        .args(["serve", "--port", "0"])
        .current_dir(project)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let base = loop {
        let line = lines.next().expect("serve ended before listening").unwrap();
        if let Some(rest) = line.split(" at http://").nth(1) {
            break format!("http://{}", rest.split('/').next().unwrap());
        }
    };
    // Keep draining stderr so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines.map_while(Result::ok) {});
    Served { child, base }
}
