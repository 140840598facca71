//! Archives: one safe reader for .tar, .tar.gz/.tgz and .zip, entirely in memory.
//!
//! Input: the bytes of an archive. Output: its regular files, each with a checked path,
//! or an [`ArchiveError`] naming the member at fault. The format is recognised from the
//! bytes, never from a file name. Nothing is ever written to disk and no link is ever
//! followed, so an archive cannot reach outside itself; members that would do so on a
//! careless extractor (`..`, absolute paths, links, devices, colliding names) are refused
//! all the same, because the site serves these archives for people to unpack.
//!
//! Decompression is streamed and metered: the total size and the ratio to the archive's
//! size are enforced while reading, so a decompression bomb costs at most
//! [`Limits::max_total_bytes`] of memory before it is refused.

mod error;
mod name;
mod tar;
mod zip;

#[cfg(test)]
mod tests;

use std::fmt;

pub use error::ArchiveError;

/// Which format the bytes are in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    Tar,
    /// A tar inside gzip (`.tar.gz`, `.tgz`).
    TarGz,
    Zip,
}

impl Format {
    /// The file name endings this format usually has, e.g. `[".tar.gz", ".tgz"]`.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            Format::Tar => &[".tar"],
            Format::TarGz => &[".tar.gz", ".tgz"],
            Format::Zip => &[".zip"],
        }
    }

    /// Does `file_name` end as this format's files usually do (ASCII case ignored)?
    /// Callers use it to warn about mislabelled files, e.g. a plain tar named `.tar.gz`.
    pub fn matches_name(self, file_name: &str) -> bool {
        let lower = file_name.to_ascii_lowercase();
        self.extensions().iter().any(|ext| lower.ends_with(ext))
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Tar => "tar",
            Format::TarGz => "tar.gz",
            Format::Zip => "zip",
        })
    }
}

/// An archive read into memory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Archive {
    pub format: Format,
    /// The regular files, in archive order. Folders are implied by the paths.
    pub members: Vec<Member>,
}

impl Archive {
    /// The member at `path` (normal form: `a/b.yaml`, no `./`), if any.
    pub fn member(&self, path: &str) -> Option<&Member> {
        self.members.iter().find(|m| m.path == path)
    }
}

/// One regular file of an archive.
#[derive(Clone, PartialEq, Eq)]
pub struct Member {
    /// `/`-separated, relative, without `.`, `..` or empty components.
    pub path: String,
    pub data: Vec<u8>,
}

impl fmt::Debug for Member {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Member")
            .field("path", &self.path)
            .field("size", &self.data.len())
            .finish()
    }
}

/// A regular file's name and size, from [`list`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub path: String,
    /// Bytes once unpacked (measured, not taken from the header).
    pub size: u64,
}

/// How much an archive may unpack to before it is refused as a decompression bomb.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The most bytes unpacked in all: member data, and for tar also its headers.
    /// Default 1 GiB. This bounds the memory [`read`] uses.
    pub max_total_bytes: u64,
    /// The most bytes unpacked per byte of archive. Default 200 (text and JSON compress
    /// 5 to 50 times; bombs thousands). Archives unpacking to less than
    /// [`RATIO_FLOOR`] are never refused for their ratio.
    pub max_ratio: u64,
    /// The most entries (files, folders, links). Default 100,000.
    pub max_members: usize,
}

/// Below this many unpacked bytes (1 MiB) the ratio limit does not apply: a tiny archive
/// of a highly repetitive file is no threat.
pub const RATIO_FLOOR: u64 = 1 << 20;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_total_bytes: 1 << 30,
            max_ratio: 200,
            max_members: 100_000,
        }
    }
}

impl Limits {
    /// The most bytes an archive of `input_len` bytes may unpack to, and whether that
    /// bound comes from the ratio (true) or the total (false).
    fn budget(&self, input_len: usize) -> (u64, bool) {
        let by_ratio = self
            .max_ratio
            .saturating_mul(input_len as u64)
            .max(RATIO_FLOOR);
        if by_ratio < self.max_total_bytes {
            (by_ratio, true)
        } else {
            (self.max_total_bytes, false)
        }
    }

    /// The error for going over budget at `member`.
    fn exceeded(&self, input_len: usize, member: &str) -> ArchiveError {
        let member = member.to_string();
        match self.budget(input_len) {
            (_, true) => ArchiveError::RatioTooHigh {
                member,
                ratio: self.max_ratio,
            },
            (limit, false) => ArchiveError::TooLarge { member, limit },
        }
    }
}

/// Tells the format from the first bytes alone, without unpacking anything.
///
/// `TarGz` means gzip: whether a tar is inside is known only once [`read`] unpacks it.
pub fn detect(bytes: &[u8]) -> Option<Format> {
    if bytes.starts_with(&[0x1f, 0x8b]) {
        Some(Format::TarGz)
    } else if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        Some(Format::Zip)
    } else if tar::is_tar(bytes) {
        Some(Format::Tar)
    } else {
        None
    }
}

/// Reads every regular file of an archive into memory, with the default [`Limits`].
///
/// # Errors
/// When the bytes are not a tar, tar.gz or zip, are damaged or truncated, or hold a
/// member that is refused (see [`ArchiveError`]); the error names the member.
pub fn read(bytes: &[u8]) -> Result<Archive, ArchiveError> {
    read_with(bytes, &Limits::default())
}

/// [`read`] with explicit limits.
///
/// # Errors
/// As [`read`], and when the archive goes over `limits`.
pub fn read_with(bytes: &[u8], limits: &Limits) -> Result<Archive, ArchiveError> {
    let mut members = Vec::new();
    let format = dispatch(bytes, limits, true, &mut |path, found| {
        let data = match found {
            Found::Data(data) => data,
            Found::Size(_) => Vec::new(),
        };
        members.push(Member { path, data })
    })?;
    Ok(Archive { format, members })
}

/// Lists the regular files of an archive with their sizes, without keeping their data.
/// Every check of [`read`] still applies: a listing succeeds exactly when reading would.
///
/// # Errors
/// As [`read`].
pub fn list(bytes: &[u8]) -> Result<Vec<Entry>, ArchiveError> {
    list_with(bytes, &Limits::default())
}

/// [`list`] with explicit limits.
///
/// # Errors
/// As [`read_with`].
pub fn list_with(bytes: &[u8], limits: &Limits) -> Result<Vec<Entry>, ArchiveError> {
    let mut entries = Vec::new();
    dispatch(bytes, limits, false, &mut |path, found| {
        let size = match found {
            Found::Data(data) => data.len() as u64,
            Found::Size(size) => size,
        };
        entries.push(Entry { path, size })
    })?;
    Ok(entries)
}

/// What a walker hands over for each regular file: its data when asked to keep it,
/// else only its size.
enum Found {
    Data(Vec<u8>),
    Size(u64),
}

/// Recognises the format and walks the archive, calling `each` per regular file.
fn dispatch(
    bytes: &[u8],
    limits: &Limits,
    keep: bool,
    each: &mut dyn FnMut(String, Found),
) -> Result<Format, ArchiveError> {
    match detect(bytes) {
        Some(Format::Tar) => tar::walk(bytes, false, limits, keep, each).map(|_| Format::Tar),
        Some(Format::TarGz) => tar::walk(bytes, true, limits, keep, each).map(|_| Format::TarGz),
        Some(Format::Zip) => zip::walk(bytes, limits, keep, each).map(|_| Format::Zip),
        None => Err(unknown(bytes)),
    }
}

/// The error for bytes that are no archive hepstatic reads, naming the format when it is
/// a known one.
fn unknown(bytes: &[u8]) -> ArchiveError {
    const KNOWN: [(&[u8], &str); 6] = [
        (b"BZh", "bzip2-compressed data"),
        (b"\xfd7zXZ\x00", "xz-compressed data"),
        (b"\x28\xb5\x2f\xfd", "zstd-compressed data"),
        (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
        (b"Rar!\x1a\x07", "a RAR archive"),
        (b"\x5d\x00\x00", "lzma-compressed data"),
    ];
    KNOWN
        .iter()
        .find(|(magic, _)| bytes.starts_with(magic))
        .map_or(ArchiveError::NotAnArchive, |(_, format)| {
            ArchiveError::UnsupportedFormat { format }
        })
}
