//! Why an archive was refused, worded for the person who made it.

use thiserror::Error;

/// Why an archive could not be read. Every variant that concerns one member names it, so
/// the message can be shown to the user as it is.
///
/// Member names are printed quoted and escaped (`{:?}`), so a name holding control
/// characters cannot rewrite the user's terminal.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ArchiveError {
    /// The bytes are none of the formats hepstatic reads.
    #[error(
        "not an archive: the content is neither tar, gzip-compressed tar nor zip \
         (the format is recognised from the bytes, not from the file name)"
    )]
    NotAnArchive,

    /// A known format that hepstatic does not read (bzip2, xz, 7z, ...).
    #[error("{format}, which hepstatic does not read: pack the files as .tar.gz, .tar or .zip")]
    UnsupportedFormat { format: &'static str },

    /// gzip around something that is not a tar: often a single compressed file.
    #[error(
        "gzip-compressed, but the content is not a tar archive \
         (a single compressed file? pack the files with `tar -czf`)"
    )]
    GzipNotTar,

    /// The bytes stop in the middle of a member.
    #[error("the archive ends early at member {member:?} (truncated download or upload?)")]
    TruncatedAt { member: String },

    /// The bytes stop between members, or before the first one.
    #[error("the archive ends early {} (truncated download or upload?)", after_text(.after))]
    TruncatedAfter { after: Option<String> },

    /// Damaged data: a bad checksum, an invalid compressed stream, a broken header.
    #[error("the archive is damaged {}: {detail}", near(.member))]
    Corrupt {
        member: Option<String>,
        detail: String,
    },

    /// A `..` component that leaves the archive's top folder.
    #[error("member {member:?} escapes the archive root")]
    EscapesRoot { member: String },

    /// A `..` component that stays inside (`a/../b`): still refused, as extractors differ.
    #[error("member {member:?} has a \"..\" component: paths inside an archive must not go up")]
    ParentComponent { member: String },

    /// `/x`, `\x`, `\\server\x` or `C:x`.
    #[error("member {member:?} has an absolute path")]
    AbsolutePath { member: String },

    /// An empty name, a control character or bytes that are not UTF-8.
    #[error("member {member:?} has an unusable name: {reason}")]
    BadName {
        member: String,
        reason: &'static str,
    },

    /// Symbolic or hard link.
    #[error(
        "member {member:?} is a {} to {target:?} (links are not allowed)",
        if *.hard { "hard link" } else { "symbolic link" }
    )]
    Link {
        member: String,
        target: String,
        hard: bool,
    },

    /// Character or block device, FIFO or socket.
    #[error("member {member:?} is a {kind}: only regular files and folders are allowed")]
    SpecialFile { member: String, kind: &'static str },

    /// A member hepstatic cannot read: sparse, encrypted, an unknown compression method.
    #[error("member {member:?} {detail}")]
    UnsupportedMember { member: String, detail: String },

    /// The same path twice.
    #[error("member {member:?} appears twice in the archive")]
    Duplicate { member: String },

    /// Two members that would land on the same file on some file system.
    #[error("member {member:?} collides with member {other:?}: {detail}")]
    Collision {
        member: String,
        other: String,
        detail: String,
    },

    /// More bytes unpacked than [`Limits::max_total_bytes`](super::Limits).
    #[error(
        "the archive unpacks to more than {} (reached at member {member:?}): \
         refused as a possible decompression bomb",
        human_bytes(*.limit)
    )]
    TooLarge { member: String, limit: u64 },

    /// Unpacked size above [`Limits::max_ratio`](super::Limits) times the archive's size.
    #[error(
        "the archive unpacks to more than {ratio} times its own size (reached at member \
         {member:?}): refused as a possible decompression bomb"
    )]
    RatioTooHigh { member: String, ratio: u64 },

    /// More entries than [`Limits::max_members`](super::Limits).
    #[error("the archive has more than {limit} members")]
    TooManyMembers { limit: usize },
}

impl ArchiveError {
    /// The member the error is about, when there is one.
    pub fn member(&self) -> Option<&str> {
        use ArchiveError::*;
        match self {
            TruncatedAt { member }
            | EscapesRoot { member }
            | ParentComponent { member }
            | AbsolutePath { member }
            | BadName { member, .. }
            | Link { member, .. }
            | SpecialFile { member, .. }
            | UnsupportedMember { member, .. }
            | Duplicate { member }
            | Collision { member, .. }
            | TooLarge { member, .. }
            | RatioTooHigh { member, .. } => Some(member),
            TruncatedAfter { after } => after.as_deref(),
            Corrupt { member, .. } => member.as_deref(),
            NotAnArchive | UnsupportedFormat { .. } | GzipNotTar | TooManyMembers { .. } => None,
        }
    }
}

/// `text` with control characters escaped (`\u{1b}`) and cut to 160 characters, for
/// details taken from a library's message, which may quote raw header bytes.
pub(super) fn printable(text: &str) -> String {
    const MAX: usize = 160;
    if text.chars().count() > MAX {
        let cut: String = text.chars().take(MAX).collect();
        return format!("{}...", printable(&cut));
    }
    text.chars()
        .flat_map(|c| {
            let escaped: Vec<char> = if c.is_control() {
                c.escape_default().collect()
            } else {
                vec![c]
            };
            escaped
        })
        .collect()
}

fn after_text(member: &Option<String>) -> String {
    match member {
        Some(m) => format!("after member {m:?}"),
        None => "before its first member".to_string(),
    }
}

fn near(member: &Option<String>) -> String {
    match member {
        Some(m) => format!("near member {m:?}"),
        None => "before its first member".to_string(),
    }
}

/// `1 GiB`, `10 MiB`, `512 bytes`: limits as people set them.
fn human_bytes(n: u64) -> String {
    const UNITS: [(u64, &str); 3] = [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")];
    for (size, unit) in UNITS {
        if n >= size && n.is_multiple_of(size) {
            return format!("{} {unit}", n / size);
        }
    }
    for (size, unit) in UNITS {
        if n >= size {
            return format!("{:.1} {unit}", n as f64 / size as f64);
        }
    }
    format!("{n} bytes")
}
