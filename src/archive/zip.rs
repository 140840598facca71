//! zip, read from the central directory, each member's data metered as it is inflated.

use std::collections::HashSet;
use std::io::{self, Cursor, Read};

use zip::CompressionMethod;
use zip::ZipArchive;
use zip::result::ZipError;

use super::error::printable;
use super::name::{self, Names};
use super::{ArchiveError, Found, Limits};

/// Unix file types, as zip tools store them in the high half of the external attributes.
const S_IFMT: u32 = 0o170000;
const S_IFLNK: u32 = 0o120000;
const S_IFCHR: u32 = 0o020000;
const S_IFBLK: u32 = 0o060000;
const S_IFIFO: u32 = 0o010000;
const S_IFSOCK: u32 = 0o140000;

/// Walks a zip, calling `each` for every regular file.
pub fn walk(
    bytes: &[u8],
    limits: &Limits,
    keep: bool,
    each: &mut dyn FnMut(String, Found),
) -> Result<(), ArchiveError> {
    let mut zip = ZipArchive::new(Cursor::new(bytes)).map_err(|e| open_error(bytes, e))?;
    if zip.len() > limits.max_members {
        return Err(ArchiveError::TooManyMembers {
            limit: limits.max_members,
        });
    }
    // The zip crate keeps one entry per name, so a repeated name must be found here.
    if zip.has_duplicate_names() {
        return Err(duplicate_name(bytes, zip.central_directory_start()));
    }
    // Members sharing compressed data multiply it without limit: a known bomb technique
    // that no ordinary zip tool produces.
    if zip.has_overlapping_files().unwrap_or(false) {
        return Err(ArchiveError::Corrupt {
            member: None,
            detail: "members share their compressed data (a zip bomb technique)".to_string(),
        });
    }

    let budget = limits.budget(bytes.len()).0;
    let mut total: u64 = 0;
    let mut names = Names::default();
    for i in 0..zip.len() {
        // Look at the entry's metadata before inflating anything.
        let (member, path, is_dir, is_link) = {
            let file = zip.by_index_raw(i).map_err(|e| member_error(e, None))?;
            let member = file
                .name()
                .map_err(|_| ArchiveError::BadName {
                    member: String::from_utf8_lossy(file.name_raw()).into_owned(),
                    reason: "it is not valid text in the encoding the zip declares",
                })?
                .into_owned();
            let path = name::normalize(&member)?;
            let mode = file.unix_mode().unwrap_or(0) & S_IFMT;
            refuse_kind(&member, mode)?;
            if file.encrypted() {
                return Err(ArchiveError::UnsupportedMember {
                    member,
                    detail: "is encrypted: publish it without a password".to_string(),
                });
            }
            if !matches!(
                file.compression(),
                CompressionMethod::Stored | CompressionMethod::Deflated
            ) {
                return Err(ArchiveError::UnsupportedMember {
                    detail: format!(
                        "is compressed with {}, which hepstatic does not read: use deflate \
                         (the usual zip compression) or none",
                        file.compression()
                    ),
                    member,
                });
            }
            (member, path, file.is_dir(), mode == S_IFLNK)
        };
        if is_link {
            let target = link_target(&mut zip, i);
            return Err(ArchiveError::Link {
                member,
                target,
                hard: false,
            });
        }
        if is_dir {
            names.add_folder(&path)?;
            continue;
        }
        names.add_file(&path, &member)?;

        let mut file = zip
            .by_index(i)
            .map_err(|e| member_error(e, Some(&member)))?;
        let hint = file.size();
        match read_bounded(&mut file, budget - total, keep, hint) {
            Ok(Some((data, n))) => {
                total += n;
                each(
                    path,
                    if keep {
                        Found::Data(data)
                    } else {
                        Found::Size(n)
                    },
                );
            }
            Ok(None) => return Err(limits.exceeded(bytes.len(), &member)),
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
                return Err(ArchiveError::TruncatedAt { member });
            }
            Err(e) => {
                return Err(ArchiveError::Corrupt {
                    member: Some(member),
                    detail: printable(&e.to_string()),
                });
            }
        }
    }
    Ok(())
}

/// Refuses devices, FIFOs and sockets; links are handled apart, to show their target.
fn refuse_kind(member: &str, mode: u32) -> Result<(), ArchiveError> {
    let kind = match mode {
        S_IFCHR => "character device",
        S_IFBLK => "block device",
        S_IFIFO => "FIFO (named pipe)",
        S_IFSOCK => "socket",
        _ => return Ok(()),
    };
    Err(ArchiveError::SpecialFile {
        member: member.to_string(),
        kind,
    })
}

/// A zip symlink's target is its data; read at most 1 KiB of it, for the message.
fn link_target(zip: &mut ZipArchive<Cursor<&[u8]>>, i: usize) -> String {
    let mut target = Vec::new();
    if let Ok(file) = zip.by_index(i) {
        let _ = file.take(1024).read_to_end(&mut target);
    }
    String::from_utf8_lossy(&target).into_owned()
}

/// The error for a member whose entry cannot be opened.
fn member_error(e: ZipError, member: Option<&str>) -> ArchiveError {
    match (e, member) {
        (ZipError::Io(e), Some(m)) if e.kind() == io::ErrorKind::UnexpectedEof => {
            ArchiveError::TruncatedAt {
                member: m.to_string(),
            }
        }
        (e, m) => ArchiveError::Corrupt {
            member: m.map(str::to_string),
            detail: printable(&e.to_string()),
        },
    }
}

/// The error for a zip whose central directory cannot be read. A zip keeps its directory
/// at the end, so a cut-off zip has none: walk the local headers from the start to say
/// where the bytes stop.
fn open_error(bytes: &[u8], e: ZipError) -> ArchiveError {
    let tail_start = bytes.len().saturating_sub(65_536 + 22);
    let has_end_record = bytes[tail_start..].windows(4).any(|w| w == b"PK\x05\x06");
    if has_end_record {
        return ArchiveError::Corrupt {
            member: None,
            detail: printable(&e.to_string()),
        };
    }

    let u16_at = |p: usize| u16::from_le_bytes([bytes[p], bytes[p + 1]]) as usize;
    let u32_at = |p: usize| {
        u32::from_le_bytes([bytes[p], bytes[p + 1], bytes[p + 2], bytes[p + 3]]) as usize
    };
    let mut pos = 0;
    let mut last: Option<String> = None;
    while bytes[pos..].starts_with(b"PK\x03\x04") {
        if pos + 30 > bytes.len() {
            break;
        }
        let flags = u16_at(pos + 6);
        let name_end = pos + 30 + u16_at(pos + 26);
        let Some(raw) = bytes.get(pos + 30..name_end) else {
            break;
        };
        let member = String::from_utf8_lossy(raw).into_owned();
        let data_start = name_end + u16_at(pos + 28);
        let next = if flags & 0x08 != 0 {
            // Sizes follow the data: look for the next header instead.
            find(bytes, data_start, b"PK\x03\x04")
                .or_else(|| find(bytes, data_start, b"PK\x01\x02"))
        } else {
            data_start
                .checked_add(u32_at(pos + 18))
                .filter(|&end| end <= bytes.len())
        };
        let Some(next) = next else {
            return ArchiveError::TruncatedAt { member };
        };
        pos = next;
        last = Some(member);
    }
    ArchiveError::TruncatedAfter { after: last }
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// Names the first member the central directory lists twice.
fn duplicate_name(bytes: &[u8], start: u64) -> ArchiveError {
    let mut seen = HashSet::new();
    let mut pos = start as usize;
    while let Some(header) = bytes.get(pos..pos + 46) {
        if &header[..4] != b"PK\x01\x02" {
            break;
        }
        let len = |at: usize| u16::from_le_bytes([header[at], header[at + 1]]) as usize;
        let (n, m, k) = (len(28), len(30), len(32));
        let Some(raw) = bytes.get(pos + 46..pos + 46 + n) else {
            break;
        };
        if !seen.insert(raw) {
            return ArchiveError::Duplicate {
                member: String::from_utf8_lossy(raw).into_owned(),
            };
        }
        pos += 46 + n + m + k;
    }
    ArchiveError::Corrupt {
        member: None,
        detail: "the central directory lists a name twice".to_string(),
    }
}

/// Reads `reader` to its end into memory (only counting when `keep` is false), never
/// taking more than `room` bytes: `Ok(None)` when there was more.
fn read_bounded(
    reader: &mut dyn Read,
    room: u64,
    keep: bool,
    size_hint: u64,
) -> io::Result<Option<(Vec<u8>, u64)>> {
    let mut data = Vec::new();
    if keep {
        // The declared size is a claim: reserve at most 1 MiB on its word.
        data.reserve(size_hint.min(room).min(1 << 20) as usize);
    }
    let mut buf = [0u8; 64 * 1024];
    let mut total: u64 = 0;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => return Ok(Some((data, total))),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        total += n as u64;
        if total > room {
            return Ok(None);
        }
        if keep {
            data.extend_from_slice(&buf[..n]);
        }
    }
}
