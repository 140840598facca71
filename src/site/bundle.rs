//! Whole-version downloads: `<id>-v<n>.tar.gz` (the submission as submitted) and
//! `<id>-v<n>-{csv,json,yoda}.tar.gz` (every table in one format).
//!
//! Each archive unpacks into one folder `<id>-v<n>/`, so `curl ... | tar -xzf -` never
//! scatters files. Archives are deterministic: names sorted, every time stamp the
//! version's date, owner 0, fixed modes, and a gzip header without time or name, so two
//! builds of the same records give the same bytes (and the same SHA-256 in record.json).

use std::fs::File;
use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use flate2::Compression;
use flate2::write::GzEncoder;

/// One file of an archive: its path inside the top folder, and where its bytes come from.
pub enum Entry<'a> {
    Bytes(String, &'a [u8]),
    File(String, &'a Path),
}

impl Entry<'_> {
    fn name(&self) -> &str {
        match self {
            Entry::Bytes(n, _) | Entry::File(n, _) => n,
        }
    }
}

/// A gzip-compressed tar of `entries` under the folder `top/`, all dated `mtime`
/// (seconds since 1970). Compression is gzip's fastest level: these archives are made
/// on every build, and level 1 costs a few percent in size against several times the
/// time of the default.
///
/// # Errors
/// When a file cannot be read.
pub fn tar_gz(top: &str, mut entries: Vec<Entry>, mtime: u64) -> Result<Vec<u8>> {
    entries.sort_by(|a, b| a.name().cmp(b.name()));
    let gz = GzEncoder::new(Vec::new(), Compression::fast());
    let mut tar = tar::Builder::new(gz);
    tar.mode(tar::HeaderMode::Deterministic);

    // The top folder, then every folder the first time a file inside it comes up.
    let mut folders: Vec<String> = Vec::new();
    let mut folder = |tar: &mut tar::Builder<GzEncoder<Vec<u8>>>, path: &str| -> Result<()> {
        if folders.iter().any(|f| f == path) {
            return Ok(());
        }
        folders.push(path.to_string());
        let mut h = header(0, mtime, 0o755, tar::EntryType::Directory);
        tar.append_data(&mut h, format!("{path}/"), std::io::empty())?;
        Ok(())
    };
    folder(&mut tar, top)?;
    for entry in &entries {
        let name = entry.name();
        let mut parts: Vec<&str> = name.split('/').collect();
        parts.pop();
        for i in 1..=parts.len() {
            folder(&mut tar, &format!("{top}/{}", parts[..i].join("/")))?;
        }
        let path = format!("{top}/{name}");
        match entry {
            Entry::Bytes(_, bytes) => {
                let mut h = header(bytes.len() as u64, mtime, 0o644, tar::EntryType::Regular);
                tar.append_data(&mut h, &path, *bytes)?;
            }
            Entry::File(_, file) => {
                let f =
                    File::open(file).with_context(|| format!("cannot read {}", file.display()))?;
                let size = f.metadata()?.len();
                let mut h = header(size, mtime, 0o644, tar::EntryType::Regular);
                tar.append_data(&mut h, &path, f)
                    .with_context(|| format!("cannot read {}", file.display()))?;
            }
        }
    }
    let mut gz = tar.into_inner()?;
    gz.flush()?;
    Ok(gz.finish()?)
}

fn header(size: u64, mtime: u64, mode: u32, kind: tar::EntryType) -> tar::Header {
    let mut h = tar::Header::new_ustar();
    h.set_entry_type(kind);
    h.set_size(size);
    h.set_mode(mode);
    h.set_mtime(mtime);
    h.set_uid(0);
    h.set_gid(0);
    h
}

/// Every file below `dir`, as paths relative to it with `/`, sorted; folders are implied.
///
/// # Errors
/// When the folder cannot be walked.
pub fn files_below(dir: &Path) -> Result<Vec<(String, std::path::PathBuf)>> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.with_context(|| format!("cannot read {}", dir.display()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(dir)?
            .to_string_lossy()
            .replace('\\', "/");
        out.push((rel, entry.path().to_path_buf()));
    }
    Ok(out)
}

/// Seconds since 1970 at midnight UTC of a `YYYY-MM-DD` date; 0 when it is not one.
pub fn date_seconds(date: Option<&str>) -> u64 {
    let Some(d) = date else { return 0 };
    let mut parts = d
        .get(..10)
        .unwrap_or(d)
        .splitn(3, '-')
        .map(|p| p.parse::<i64>().ok());
    let (Some(Some(y)), Some(Some(m)), Some(Some(day))) =
        (parts.next(), parts.next(), parts.next())
    else {
        return 0;
    };
    if !(1..=12).contains(&m) || !(1..=31).contains(&day) {
        return 0;
    }
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    u64::try_from(days * 86_400).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn dates() {
        assert_eq!(date_seconds(Some("1970-01-01")), 0);
        assert_eq!(date_seconds(Some("2019-08-12")), 1_565_568_000);
        assert_eq!(date_seconds(Some("2000-02-29")), 951_782_400);
        assert_eq!(date_seconds(Some("soon")), 0);
        assert_eq!(date_seconds(None), 0);
    }

    #[test]
    fn archives_are_one_folder_sorted_and_reproducible() {
        let make = || {
            tar_gz(
                "x-v1",
                vec![
                    Entry::Bytes("b.csv".into(), b"2"),
                    Entry::Bytes("sub/a.txt".into(), b"1"),
                    Entry::Bytes("a.csv".into(), b"1"),
                ],
                1_565_568_000,
            )
            .unwrap()
        };
        let bytes = make();
        assert_eq!(bytes, make());
        // gzip header: no time stamp.
        assert_eq!(&bytes[4..8], &[0, 0, 0, 0]);
        let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(&bytes[..]));
        let mut seen = Vec::new();
        for e in tar.entries().unwrap() {
            let mut e = e.unwrap();
            assert_eq!(e.header().mtime().unwrap(), 1_565_568_000);
            let path = e.path().unwrap().to_string_lossy().into_owned();
            let mut text = String::new();
            e.read_to_string(&mut text).unwrap();
            seen.push((path, text));
        }
        let names: Vec<&str> = seen.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            names,
            [
                "x-v1/",
                "x-v1/a.csv",
                "x-v1/b.csv",
                "x-v1/sub/",
                "x-v1/sub/a.txt"
            ]
        );
        assert_eq!(seen[2].1, "2");
    }
}
