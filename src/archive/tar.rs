//! tar and gzip-compressed tar, streamed through a meter that stops bombs early.

use std::cell::Cell;
use std::io::{self, Cursor, Read};

use tar::EntryType;

use super::error::printable;
use super::name::{self, Names};
use super::{ArchiveError, Found, Limits};

/// Is `head` (the first bytes of a stream) the start of a tar: a ustar or GNU header
/// (`ustar` at offset 257), an old v7 header with a valid checksum, or an empty archive
/// (two zero blocks, as `tar -cf x.tar -T /dev/null` writes).
pub fn is_tar(head: &[u8]) -> bool {
    if head.len() >= 262 && &head[257..262] == b"ustar" {
        return true;
    }
    if head.len() < 512 {
        return false;
    }
    if head.len() >= 1024 && head[..1024].iter().all(|&b| b == 0) {
        return true;
    }
    v7_checksum_ok(&head[..512])
}

/// The header checksum: the sum of the header's bytes with the checksum field read as
/// spaces, stored as octal. Old tars summed signed bytes, so both sums are accepted.
fn v7_checksum_ok(header: &[u8]) -> bool {
    let field = &header[148..156];
    let text = field
        .iter()
        .skip_while(|&&b| b == b' ')
        .take_while(|&&b| b.is_ascii_digit())
        .map(|&b| b as char)
        .collect::<String>();
    let Ok(stored) = u32::from_str_radix(&text, 8) else {
        return false;
    };
    let mut unsigned: u32 = 0;
    let mut signed: i64 = 0;
    for (i, &b) in header.iter().enumerate() {
        let b = if (148..156).contains(&i) { b' ' } else { b };
        unsigned += u32::from(b);
        signed += i64::from(b as i8);
    }
    stored == unsigned || i64::from(stored) == signed
}

/// Counts the bytes coming out of the (decompressed) stream and refuses to give more than
/// the budget, so memory and time stay bounded whatever the headers claim.
struct Meter {
    limit: u64,
    count: Cell<u64>,
    over: Cell<bool>,
    /// The stream reported its end (a read returned 0).
    ended: Cell<bool>,
}

struct Metered<'m, R> {
    inner: R,
    meter: &'m Meter,
}

impl<R: Read> Read for Metered<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 {
            self.meter.ended.set(true);
        }
        let count = self.meter.count.get() + n as u64;
        self.meter.count.set(count);
        if count > self.meter.limit {
            self.meter.over.set(true);
            return Err(io::Error::other("unpacked size over the limit"));
        }
        Ok(n)
    }
}

/// Where a read failed, for the error message.
enum At<'a> {
    /// Reading the data of this member.
    Member(&'a str),
    /// Reading the header after this member (None: the first header).
    After(Option<&'a str>),
}

struct Walk<'a> {
    meter: &'a Meter,
    limits: &'a Limits,
    input_len: usize,
}

impl Walk<'_> {
    /// Turns a read failure into the user's error: over budget, truncated or damaged.
    fn fail(&self, e: io::Error, at: At) -> ArchiveError {
        let member = match at {
            At::Member(m) => Some(m),
            At::After(m) => m,
        };
        if self.meter.over.get() {
            return self
                .limits
                .exceeded(self.input_len, member.unwrap_or("(first member)"));
        }
        let truncated = self.meter.ended.get() || e.kind() == io::ErrorKind::UnexpectedEof;
        match (truncated, at) {
            (true, At::Member(m)) => ArchiveError::TruncatedAt {
                member: m.to_string(),
            },
            (true, At::After(m)) => ArchiveError::TruncatedAfter {
                after: m.map(str::to_string),
            },
            (false, _) => ArchiveError::Corrupt {
                member: member.map(str::to_string),
                detail: printable(&e.to_string()),
            },
        }
    }
}

/// Walks a tar (inside gzip when `gzip`), calling `each` for every regular file.
pub fn walk(
    bytes: &[u8],
    gzip: bool,
    limits: &Limits,
    keep: bool,
    each: &mut dyn FnMut(String, Found),
) -> Result<(), ArchiveError> {
    let meter = Meter {
        limit: limits.budget(bytes.len()).0,
        count: Cell::new(0),
        over: Cell::new(false),
        ended: Cell::new(false),
    };
    let walk = Walk {
        meter: &meter,
        limits,
        input_len: bytes.len(),
    };
    if !gzip {
        let stream = Metered {
            inner: bytes,
            meter: &meter,
        };
        return walk.entries(stream, keep, each);
    }

    // Look at the start of the unpacked stream before handing it to the tar reader, so
    // that gzip around anything else gets its own message.
    let mut stream = Metered {
        inner: flate2::bufread::MultiGzDecoder::new(bytes),
        meter: &meter,
    };
    let mut head = Vec::with_capacity(1024);
    if let Err(e) = (&mut stream).take(1024).read_to_end(&mut head) {
        return Err(walk.fail(e, At::After(None)));
    }
    if !is_tar(&head) {
        return Err(ArchiveError::GzipNotTar);
    }
    walk.entries(Cursor::new(head).chain(stream), keep, each)
}

impl Walk<'_> {
    fn entries<R: Read>(
        &self,
        stream: R,
        keep: bool,
        each: &mut dyn FnMut(String, Found),
    ) -> Result<(), ArchiveError> {
        let mut archive = tar::Archive::new(stream);
        let entries = archive
            .entries()
            .map_err(|e| self.fail(e, At::After(None)))?;
        let mut names = Names::default();
        let mut last: Option<String> = None;
        let mut count = 0usize;

        for entry in entries {
            let mut entry = entry.map_err(|e| self.fail(e, At::After(last.as_deref())))?;
            let kind = entry.header().entry_type();
            if kind.is_pax_global_extensions() {
                // Archive-wide metadata (git archive writes one); its name means nothing.
                continue;
            }
            count += 1;
            if count > self.limits.max_members {
                return Err(ArchiveError::TooManyMembers {
                    limit: self.limits.max_members,
                });
            }

            let raw = entry.path_bytes().into_owned();
            let member = String::from_utf8(raw).map_err(|e| ArchiveError::BadName {
                member: String::from_utf8_lossy(e.as_bytes()).into_owned(),
                reason: "it is not UTF-8 text",
            })?;
            let path = name::normalize(&member)?;
            let size = entry.size();
            let is_file = matches!(kind, EntryType::Regular | EntryType::Continuous);
            // Old tars mark folders only by a trailing slash.
            let is_dir = kind.is_dir() || (is_file && member.ends_with('/') && size == 0);
            if is_dir {
                names.add_folder(&path)?;
            } else if is_file {
                names.add_file(&path, &member)?;
                let found = self.data(&mut entry, &member, size, keep)?;
                each(path, found);
            } else {
                return Err(refuse(&entry, kind, member));
            }
            last = Some(member);
        }
        Ok(())
    }

    /// Reads one member's data (or only counts it), checking it is all there.
    fn data<R: Read>(
        &self,
        entry: &mut tar::Entry<'_, R>,
        member: &str,
        size: u64,
        keep: bool,
    ) -> Result<Found, ArchiveError> {
        let result = if keep {
            // The header's size is a claim: reserve at most 1 MiB on its word.
            let mut data = Vec::with_capacity(size.min(1 << 20) as usize);
            entry.read_to_end(&mut data).map(|_| Found::Data(data))
        } else {
            io::copy(entry, &mut io::sink()).map(Found::Size)
        };
        let found = result.map_err(|e| self.fail(e, At::Member(member)))?;
        let got = match &found {
            Found::Data(d) => d.len() as u64,
            Found::Size(n) => *n,
        };
        if got < size {
            return Err(ArchiveError::TruncatedAt {
                member: member.to_string(),
            });
        }
        Ok(found)
    }
}

/// The error for an entry that is neither a regular file nor a folder.
fn refuse<R: Read>(entry: &tar::Entry<'_, R>, kind: EntryType, member: String) -> ArchiveError {
    if kind.is_symlink() || kind.is_hard_link() {
        let target = entry
            .link_name_bytes()
            .map(|t| String::from_utf8_lossy(&t).into_owned())
            .unwrap_or_default();
        return ArchiveError::Link {
            member,
            target,
            hard: kind.is_hard_link(),
        };
    }
    let special = if kind.is_character_special() {
        Some("character device")
    } else if kind.is_block_special() {
        Some("block device")
    } else if kind.is_fifo() {
        Some("FIFO (named pipe)")
    } else {
        None
    };
    if let Some(kind) = special {
        return ArchiveError::SpecialFile { member, kind };
    }
    let detail = if kind.is_gnu_sparse() {
        "is a sparse file, which hepstatic does not read: pack it as a regular file".to_string()
    } else {
        format!(
            "has tar entry type {:?}, which hepstatic does not read: only regular files and \
             folders are allowed",
            char::from(kind.as_byte())
        )
    };
    ArchiveError::UnsupportedMember { member, detail }
}
