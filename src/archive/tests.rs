//! Archives built in memory: ordinary ones with the tar and zip writers, hostile ones from
//! raw header bytes (the writers refuse to make them); then c18 and the shared corpus.

use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};

use ::zip::write::SimpleFileOptions;
use ::zip::{CompressionMethod, ZipWriter};
use flate2::Compression;
use flate2::write::GzEncoder;

use super::*;

// ---------------------------------------------------------------------------------------
// Builders

/// One raw ustar entry: a header (type `kind`, link target `link`) and its padded data.
fn raw_entry(name: &str, kind: u8, data: &[u8], link: &str) -> Vec<u8> {
    raw_entry_sized(name.as_bytes(), kind, data, link, data.len() as u64)
}

/// As [`raw_entry`], with a header size that may lie about the data.
fn raw_entry_sized(name: &[u8], kind: u8, data: &[u8], link: &str, size: u64) -> Vec<u8> {
    let mut h = [0u8; 512];
    h[..name.len()].copy_from_slice(name);
    h[100..108].copy_from_slice(b"0000644\0");
    h[108..116].copy_from_slice(b"0000000\0");
    h[116..124].copy_from_slice(b"0000000\0");
    h[124..136].copy_from_slice(format!("{size:011o}\0").as_bytes());
    h[136..148].copy_from_slice(b"00000000000\0");
    h[156] = kind;
    h[157..157 + link.len()].copy_from_slice(link.as_bytes());
    h[257..263].copy_from_slice(b"ustar\0");
    h[263..265].copy_from_slice(b"00");
    let mut out = h.to_vec();
    fix_checksum(&mut out);
    out.extend_from_slice(data);
    out.resize(out.len().div_ceil(512) * 512, 0);
    out
}

/// Recomputes the checksum of the header at the start of `entry` after an edit.
fn fix_checksum(entry: &mut [u8]) {
    entry[148..156].copy_from_slice(b"        ");
    let sum: u32 = entry[..512].iter().map(|&b| u32::from(b)).sum();
    entry[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
}

/// Raw entries followed by the two zero blocks that end a tar.
fn raw_tar(entries: &[Vec<u8>]) -> Vec<u8> {
    let mut out = entries.concat();
    out.extend_from_slice(&[0u8; 1024]);
    out
}

/// A well-formed tar made by the tar crate's writer: folders for names ending in `/`.
fn tar_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut builder = ::tar::Builder::new(Vec::new());
    for (name, data) in files {
        let mut header = ::tar::Header::new_gnu();
        header.set_mode(0o644);
        if name.ends_with('/') {
            header.set_entry_type(::tar::EntryType::Directory);
            header.set_size(0);
            builder.append_data(&mut header, name, &[][..]).unwrap();
        } else {
            header.set_size(data.len() as u64);
            builder.append_data(&mut header, name, *data).unwrap();
        }
    }
    builder.into_inner().unwrap()
}

fn gz(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// A zip made by the zip crate's writer: deflated files, folders for names ending in `/`.
fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, data) in files {
        if let Some(folder) = name.strip_suffix('/') {
            writer.add_directory(folder, options).unwrap();
        } else {
            writer.start_file(*name, options).unwrap();
            writer.write_all(data).unwrap();
        }
    }
    writer.finish().unwrap().into_inner()
}

/// Where each header with signature `sig` starts.
fn positions(bytes: &[u8], sig: &[u8]) -> Vec<usize> {
    bytes
        .windows(sig.len())
        .enumerate()
        .filter(|(_, w)| *w == sig)
        .map(|(i, _)| i)
        .collect()
}

fn err(bytes: &[u8]) -> ArchiveError {
    read(bytes).expect_err("the archive should be refused")
}

fn paths(archive: &Archive) -> Vec<&str> {
    archive.members.iter().map(|m| m.path.as_str()).collect()
}

const SUB: &[u8] = b"name: Table 1\ndata_file: data1.yaml\n";
const DATA: &[u8] = b"independent_variables: []\ndependent_variables: []\n";

// ---------------------------------------------------------------------------------------
// Ordinary archives

#[test]
fn reads_a_tar_with_folders_and_a_long_name() {
    let long = format!("sub/{}.yaml", "x".repeat(150));
    let bytes = tar_of(&[
        ("rec/", b""),
        ("rec/submission.yaml", SUB),
        ("rec/data1.yaml", DATA),
        (&long, b"long"),
    ]);
    let archive = read(&bytes).unwrap();
    assert_eq!(archive.format, Format::Tar);
    assert_eq!(
        paths(&archive),
        ["rec/submission.yaml", "rec/data1.yaml", long.as_str()]
    );
    assert_eq!(archive.member("rec/data1.yaml").unwrap().data, DATA);
}

#[test]
fn reads_a_tar_gz_and_a_zip_alike() {
    let files: &[(&str, &[u8])] = &[("a/", b""), ("a/submission.yaml", SUB), ("a/d.yaml", DATA)];
    let tgz = read(&gz(&tar_of(files))).unwrap();
    let zip = read(&zip_of(files)).unwrap();
    assert_eq!(tgz.format, Format::TarGz);
    assert_eq!(zip.format, Format::Zip);
    assert_eq!(tgz.members, zip.members);
    assert_eq!(paths(&zip), ["a/submission.yaml", "a/d.yaml"]);
}

#[test]
fn reads_stored_zip_members() {
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    writer.start_file("s.yaml", stored).unwrap();
    writer.write_all(DATA).unwrap();
    let bytes = writer.finish().unwrap().into_inner();
    assert_eq!(read(&bytes).unwrap().members[0].data, DATA);
}

#[test]
fn empty_archives_have_no_members() {
    let empty_zip = b"PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0";
    assert_eq!(read(empty_zip).unwrap().members, []);
    assert_eq!(read(&[0u8; 10240]).unwrap().format, Format::Tar);
    assert_eq!(read(&gz(&[0u8; 10240])).unwrap().members, []);
}

#[test]
fn the_top_folder_entry_of_tar_czf_dot_is_ignored() {
    let bytes = raw_tar(&[
        raw_entry("./", b'5', b"", ""),
        raw_entry("./submission.yaml", b'0', SUB, ""),
        raw_entry(".//d//data1.yaml", b'0', DATA, ""),
    ]);
    assert_eq!(
        paths(&read(&bytes).unwrap()),
        ["submission.yaml", "d/data1.yaml"]
    );
}

#[test]
fn old_v7_headers_and_pax_global_headers_are_read() {
    // A v7 header: no "ustar" magic, recognised by its checksum alone.
    let mut v7 = raw_entry("old.yaml", b'0', DATA, "");
    v7[257..265].fill(0);
    fix_checksum(&mut v7);
    assert!(!v7[257..262].starts_with(b"ustar"));

    // `git archive` starts with a global pax header named pax_global_header.
    let pax = raw_entry("pax_global_header", b'g', b"52 comment=0123\n", "");
    let archive = read(&raw_tar(&[v7, pax])).unwrap();
    assert_eq!(paths(&archive), ["old.yaml"]);
}

#[test]
fn list_gives_names_and_sizes_as_read_does() {
    for bytes in [
        gz(&tar_of(&[("a.yaml", DATA), ("b/c.yaml", SUB)])),
        zip_of(&[("a.yaml", DATA), ("b/c.yaml", SUB)]),
    ] {
        let entries = list(&bytes).unwrap();
        assert_eq!(
            entries,
            [
                Entry {
                    path: "a.yaml".into(),
                    size: DATA.len() as u64
                },
                Entry {
                    path: "b/c.yaml".into(),
                    size: SUB.len() as u64
                },
            ]
        );
    }
}

// ---------------------------------------------------------------------------------------
// Formats: by content, never by name

#[test]
fn the_format_comes_from_the_bytes() {
    let tar = tar_of(&[("a.yaml", DATA)]);
    assert_eq!(detect(&tar), Some(Format::Tar));
    assert_eq!(detect(&gz(&tar)), Some(Format::TarGz));
    assert_eq!(detect(&zip_of(&[("a.yaml", DATA)])), Some(Format::Zip));
    assert_eq!(detect(DATA), None);

    // A plain tar named .tar.gz is simply a tar; the caller may warn with matches_name.
    assert_eq!(read(&tar).unwrap().format, Format::Tar);
    assert!(!Format::Tar.matches_name("record.tar.gz"));
    assert!(Format::TarGz.matches_name("record.TGZ"));
}

#[test]
fn gzip_around_something_else_is_named() {
    let e = err(&gz(DATA));
    assert_eq!(e, ArchiveError::GzipNotTar);
    assert!(
        e.to_string()
            .starts_with("gzip-compressed, but the content is not a tar archive")
    );
    assert_eq!(err(&gz(b"")), ArchiveError::GzipNotTar);
    assert_eq!(err(&gz(&zip_of(&[("a", b"a")]))), ArchiveError::GzipNotTar);
}

#[test]
fn other_bytes_are_not_archives() {
    assert_eq!(err(DATA), ArchiveError::NotAnArchive);
    assert_eq!(err(b""), ArchiveError::NotAnArchive);
    assert_eq!(
        err(b"BZh91AY&SY").to_string(),
        "bzip2-compressed data, which hepstatic does not read: pack the files as .tar.gz, \
         .tar or .zip"
    );
}

// ---------------------------------------------------------------------------------------
// Truncated and damaged

#[test]
fn a_truncated_tar_gz_names_the_member_it_stops_at() {
    let big: Vec<u8> = (0..200_000u32).flat_map(|i| i.to_le_bytes()).collect();
    let bytes = gz(&tar_of(&[
        ("first.yaml", DATA),
        ("big.bin", &big),
        ("last.yaml", DATA),
    ]));
    let e = err(&bytes[..bytes.len() / 2]);
    assert_eq!(
        e,
        ArchiveError::TruncatedAt {
            member: "big.bin".into()
        }
    );
    assert_eq!(
        e.to_string(),
        "the archive ends early at member \"big.bin\" (truncated download or upload?)"
    );
}

#[test]
fn a_truncated_tar_names_the_member_it_stops_at_or_after() {
    let bytes = tar_of(&[("first.yaml", DATA), ("second.yaml", &[7u8; 3000])]);
    // In the middle of second.yaml's data.
    assert_eq!(
        err(&bytes[..512 * 3 + 100]),
        ArchiveError::TruncatedAt {
            member: "second.yaml".into()
        }
    );
    // In the middle of second.yaml's header.
    assert_eq!(
        err(&bytes[..512 * 2 + 300]),
        ArchiveError::TruncatedAfter {
            after: Some("first.yaml".into())
        }
    );
    // A header that claims far more data than there is.
    let liar = raw_entry_sized(b"huge.bin", b'0', b"tiny", "", 0o77777777777);
    assert_eq!(
        err(&liar),
        ArchiveError::TruncatedAt {
            member: "huge.bin".into()
        }
    );
}

#[test]
fn a_truncated_zip_names_the_member_it_stops_at() {
    let big: Vec<u8> = (0..100_000u32).flat_map(|i| i.to_le_bytes()).collect();
    let bytes = zip_of(&[("first.yaml", DATA), ("big.bin", &big), ("last.yaml", DATA)]);
    let e = err(&bytes[..bytes.len() / 2]);
    assert_eq!(
        e,
        ArchiveError::TruncatedAt {
            member: "big.bin".into()
        }
    );
    // Cut just before the central directory: every member is whole, the index is gone.
    let cd = positions(&bytes, b"PK\x01\x02")[0];
    assert_eq!(
        err(&bytes[..cd]),
        ArchiveError::TruncatedAfter {
            after: Some("last.yaml".into())
        }
    );
}

#[test]
fn damaged_data_is_reported_not_panicked_on() {
    let mut tar = tar_of(&[("a.yaml", DATA), ("b.yaml", DATA)]);
    tar[512 * 2 + 148] = b'7'; // b.yaml's header checksum
    assert!(matches!(
        err(&tar),
        ArchiveError::Corrupt { member: Some(m), .. } if m == "a.yaml"
    ));

    let mut zip = zip_of(&[("a.yaml", &[b'x'; 5000][..])]);
    let data = positions(&zip, b"PK\x03\x04")[0] + 30 + "a.yaml".len();
    zip[data + 2] ^= 0xff;
    assert!(matches!(
        err(&zip),
        ArchiveError::Corrupt { member: Some(m), .. } if m == "a.yaml"
    ));
}

#[test]
fn library_messages_are_made_printable() {
    // The tar reader quotes the raw bytes of a broken numeric field in its message; found
    // by fuzzing. Escape codes must not reach the user's terminal.
    let mut entry = raw_entry("a.yaml", b'0', DATA, "");
    entry[124..136].copy_from_slice(b"\x1b[2J\x07\x01abcdef");
    fix_checksum(&mut entry);
    let e = err(&raw_tar(&[entry]));
    assert!(matches!(e, ArchiveError::Corrupt { .. }), "{e:?}");
    assert!(!e.to_string().chars().any(char::is_control), "{e}");
    assert!(e.to_string().contains("\\u{1b}"), "{e}");
}

// ---------------------------------------------------------------------------------------
// Hostile members

#[test]
fn dot_dot_members_are_refused() {
    let bytes = raw_tar(&[
        raw_entry("submission.yaml", b'0', SUB, ""),
        raw_entry("../x.txt", b'0', b"x", ""),
    ]);
    let e = err(&bytes);
    assert_eq!(
        e.to_string(),
        "member \"../x.txt\" escapes the archive root"
    );
    assert_eq!(e.member(), Some("../x.txt"));

    let inside = raw_tar(&[raw_entry("a/../b.txt", b'0', b"x", "")]);
    assert_eq!(
        err(&inside),
        ArchiveError::ParentComponent {
            member: "a/../b.txt".into()
        }
    );
    let windows = raw_tar(&[raw_entry("a\\..\\..\\b.txt", b'0', b"x", "")]);
    assert!(matches!(err(&windows), ArchiveError::EscapesRoot { .. }));

    let zip = zip_of(&[("ok.yaml", DATA), ("../up.txt", b"x")]);
    assert_eq!(
        err(&zip),
        ArchiveError::EscapesRoot {
            member: "../up.txt".into()
        }
    );
}

#[test]
fn absolute_members_are_refused() {
    for name in [
        "/etc/x",
        "C:/x",
        "c:x",
        "\\\\server\\share\\x",
        "\\x",
        "//x",
    ] {
        let e = err(&raw_tar(&[raw_entry(name, b'0', b"x", "")]));
        assert_eq!(
            e,
            ArchiveError::AbsolutePath {
                member: name.into()
            },
            "{name}"
        );
    }
    let e = err(&zip_of(&[("/abs.txt", b"x")]));
    assert_eq!(e.to_string(), "member \"/abs.txt\" has an absolute path");
}

#[test]
fn links_are_refused_with_their_target() {
    let symlink = raw_tar(&[raw_entry("data.yaml", b'2', b"", "../secret.txt")]);
    assert_eq!(
        err(&symlink).to_string(),
        "member \"data.yaml\" is a symbolic link to \"../secret.txt\" (links are not allowed)"
    );
    let hard = raw_tar(&[
        raw_entry("a.yaml", b'0', DATA, ""),
        raw_entry("b.yaml", b'1', b"", "a.yaml"),
    ]);
    assert_eq!(
        err(&hard),
        ArchiveError::Link {
            member: "b.yaml".into(),
            target: "a.yaml".into(),
            hard: true
        }
    );

    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    writer
        .add_symlink("data.yaml", "/etc/passwd", SimpleFileOptions::default())
        .unwrap();
    let zip = writer.finish().unwrap().into_inner();
    assert_eq!(
        err(&zip),
        ArchiveError::Link {
            member: "data.yaml".into(),
            target: "/etc/passwd".into(),
            hard: false
        }
    );
}

#[test]
fn devices_and_fifos_are_refused() {
    for (kind, what) in [
        (b'3', "character device"),
        (b'4', "block device"),
        (b'6', "FIFO (named pipe)"),
    ] {
        let e = err(&raw_tar(&[raw_entry("dev", kind, b"", "")]));
        assert_eq!(
            e,
            ArchiveError::SpecialFile {
                member: "dev".into(),
                kind: what
            }
        );
    }

    // A zip entry whose Unix mode says character device.
    let mut zip = zip_of(&[("dev", b"x")]);
    let cd = positions(&zip, b"PK\x01\x02")[0];
    zip[cd + 5] = 3; // made by Unix
    zip[cd + 38..cd + 42].copy_from_slice(&(0o020644u32 << 16).to_le_bytes());
    assert!(matches!(
        err(&zip),
        ArchiveError::SpecialFile {
            kind: "character device",
            ..
        }
    ));
}

#[test]
fn other_member_kinds_are_refused() {
    // GNU sparse files need the GNU magic.
    let mut sparse = raw_entry("s", b'S', b"", "");
    sparse[257..265].copy_from_slice(b"ustar  \0");
    sparse[483..495].copy_from_slice(b"00000000000\0"); // real size
    fix_checksum(&mut sparse);
    let sparse = raw_tar(&[sparse]);
    let e = err(&sparse);
    assert!(matches!(e, ArchiveError::UnsupportedMember { .. }), "{e:?}");
    let odd = raw_tar(&[raw_entry("v", b'V', b"", "")]);
    assert!(err(&odd).to_string().contains("tar entry type 'V'"));

    // Flip "encrypted" (bit 0 of the flags) in both headers.
    let mut zip = zip_of(&[("secret.yaml", DATA)]);
    let (local, cd) = (
        positions(&zip, b"PK\x03\x04")[0],
        positions(&zip, b"PK\x01\x02")[0],
    );
    zip[local + 6] |= 1;
    zip[cd + 8] |= 1;
    assert_eq!(
        err(&zip).to_string(),
        "member \"secret.yaml\" is encrypted: publish it without a password"
    );

    // Say bzip2 (method 12) in both headers.
    let mut zip = zip_of(&[("b.yaml", DATA)]);
    let (local, cd) = (
        positions(&zip, b"PK\x03\x04")[0],
        positions(&zip, b"PK\x01\x02")[0],
    );
    zip[local + 8] = 12;
    zip[cd + 10] = 12;
    assert!(err(&zip).to_string().contains("is compressed with"));
}

#[test]
fn bad_names_are_refused() {
    let e = err(&raw_tar(&[raw_entry("a\x1b[2Jb", b'0', b"x", "")]));
    assert!(matches!(e, ArchiveError::BadName { .. }));
    // The name is escaped in the message, so it cannot clear the user's terminal.
    assert!(!e.to_string().contains('\x1b'), "{e}");

    let latin1 = raw_tar(&[raw_entry_sized(b"caf\xe9.yaml", b'0', b"x", "", 1)]);
    assert!(matches!(
        err(&latin1),
        ArchiveError::BadName {
            reason: "it is not UTF-8 text",
            ..
        }
    ));
    assert!(matches!(
        err(&raw_tar(&[raw_entry("./", b'0', b"x", "")])),
        ArchiveError::BadName { .. }
    ));
}

// ---------------------------------------------------------------------------------------
// Collisions

#[test]
fn names_that_collide_are_refused() {
    let dup = raw_tar(&[
        raw_entry("a.yaml", b'0', DATA, ""),
        raw_entry("./a.yaml", b'0', DATA, ""),
    ]);
    assert_eq!(
        err(&dup).to_string(),
        "member \"a.yaml\" appears twice in the archive"
    );

    let case = tar_of(&[("Table1.yaml", DATA), ("table1.yaml", DATA)]);
    assert_eq!(
        err(&case).to_string(),
        "member \"table1.yaml\" collides with member \"Table1.yaml\": the paths differ only \
         by letter case"
    );

    let nfc = zip_of(&[("caf\u{e9}.yaml", DATA), ("cafe\u{301}.yaml", DATA)]);
    assert!(
        err(&nfc)
            .to_string()
            .ends_with("the paths differ only by Unicode normalisation (NFC)")
    );

    let file_and_folder = tar_of(&[("data", DATA), ("data/t1.yaml", DATA)]);
    assert_eq!(
        err(&file_and_folder).to_string(),
        "member \"data/t1.yaml\" collides with member \"data\": \"data\" is a file in one and \
         a folder in the other"
    );

    let folders = tar_of(&[("Data/a.yaml", DATA), ("data/b.yaml", DATA)]);
    assert!(
        err(&folders)
            .to_string()
            .ends_with("folders \"Data\" and \"data\" differ only by letter case")
    );

    // The same folder listed twice is fine.
    assert!(read(&tar_of(&[("d/", b""), ("d/", b""), ("d/x", b"x")])).is_ok());
}

#[test]
fn a_zip_listing_one_name_twice_is_refused() {
    // The zip writer refuses duplicates: write two names, then rename the second.
    let mut zip = zip_of(&[("a.yaml", DATA), ("b.yaml", SUB)]);
    for pos in positions(&zip, b"b.yaml") {
        zip[pos] = b'a';
    }
    assert_eq!(
        err(&zip),
        ArchiveError::Duplicate {
            member: "a.yaml".into()
        }
    );
}

// ---------------------------------------------------------------------------------------
// Bombs

#[test]
fn a_gzip_bomb_is_stopped_by_the_ratio() {
    let zeros = vec![0u8; 32 << 20];
    let bytes = gz(&tar_of(&[("ok.yaml", DATA), ("zeros.bin", &zeros)]));
    assert!(bytes.len() < 100_000);
    let e = err(&bytes);
    assert_eq!(
        e,
        ArchiveError::RatioTooHigh {
            member: "zeros.bin".into(),
            ratio: 200
        }
    );
    assert!(e.to_string().contains("200 times its own size"));
    assert_eq!(list(&bytes).unwrap_err(), e);
}

#[test]
fn a_zip_bomb_is_stopped_by_the_ratio() {
    let zeros = vec![0u8; 16 << 20];
    let bytes = zip_of(&[("zeros.bin", &zeros)]);
    assert!(matches!(err(&bytes), ArchiveError::RatioTooHigh { .. }));
}

#[test]
fn the_total_limit_holds_for_every_format() {
    let noise: Vec<u8> = (0..3u32 << 18)
        .flat_map(|i| i.wrapping_mul(2_654_435_761).to_le_bytes())
        .collect();
    let limits = Limits {
        max_total_bytes: 1 << 20,
        max_ratio: 1000,
        ..Limits::default()
    };
    let files: &[(&str, &[u8])] = &[("a.yaml", DATA), ("noise.bin", &noise)];
    for bytes in [tar_of(files), gz(&tar_of(files)), zip_of(files)] {
        let e = read_with(&bytes, &limits).unwrap_err();
        assert_eq!(
            e,
            ArchiveError::TooLarge {
                member: "noise.bin".into(),
                limit: 1 << 20
            }
        );
        assert!(e.to_string().contains("more than 1 MiB"), "{e}");
    }
}

#[test]
fn small_archives_of_repetitive_files_are_fine() {
    // 512 KiB of zeros packs to under 1 KiB: a ratio far above 200, but under the floor.
    let bytes = gz(&tar_of(&[("zeros.bin", &[0u8; 512 << 10])]));
    assert!(read(&bytes).is_ok());
}

#[test]
fn the_member_count_is_limited() {
    let limits = Limits {
        max_members: 3,
        ..Limits::default()
    };
    let files: Vec<(String, Vec<u8>)> = (0..5).map(|i| (format!("f{i}"), vec![])).collect();
    let files: Vec<(&str, &[u8])> = files.iter().map(|(n, d)| (n.as_str(), &d[..])).collect();
    for bytes in [gz(&tar_of(&files)), zip_of(&files)] {
        assert_eq!(
            read_with(&bytes, &limits).unwrap_err(),
            ArchiveError::TooManyMembers { limit: 3 }
        );
    }
}

// ---------------------------------------------------------------------------------------
// Shared inputs: c18 and the corpus (these fail when ../shared is missing)

fn shared() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    assert!(
        dir.is_dir(),
        "{} is missing: these tests read the shared cases and corpus",
        dir.display()
    );
    dir
}

#[test]
fn c18_hostile_archives_are_refused_cleanly() {
    let script = shared().join("cases/c18/make_archives.py");
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("archives");
    let abs_target = tmp.path().join("c18_abs_marker.txt");
    let status = std::process::Command::new("python3")
        .arg(&script)
        .arg(&out)
        .arg(&abs_target)
        .status()
        .expect("python3 runs");
    assert!(status.success(), "{} failed", script.display());

    let read_file = |name: &str| read(&std::fs::read(out.join(name)).unwrap());
    let abs = abs_target.to_str().unwrap();
    let expected = [
        (
            "dotdot.tar.gz",
            "member \"../dotdot_marker.txt\" escapes the archive root".to_string(),
        ),
        (
            "absolute.tar.gz",
            format!("member {abs:?} has an absolute path"),
        ),
        (
            "symlink.tar.gz",
            "member \"data18.yaml\" is a symbolic link to \"../secret_marker.txt\" (links are \
             not allowed)"
                .to_string(),
        ),
        (
            "dotdot.zip",
            "member \"../zip_dotdot_marker.txt\" escapes the archive root".to_string(),
        ),
    ];
    for (name, message) in expected {
        let e = read_file(name).expect_err(name);
        assert_eq!(e.to_string(), message, "{name}");
        assert!(e.member().is_some(), "{name}: the error names the member");
    }

    // Nothing was written anywhere: the only files are the archives themselves.
    let mut left: Vec<_> = walkdir::WalkDir::new(tmp.path())
        .into_iter()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with("_marker.txt"))
        .collect();
    left.sort();
    assert_eq!(left, Vec::<String>::new());
}

#[test]
fn corpus_archives_read_fine() {
    let corpus = shared().join("corpus");
    let mut names = vec![corpus.join("likelihoods/atlas-1lbb-ins1755298.tar.gz")];
    for entry in std::fs::read_dir(corpus.join("submissions")).unwrap() {
        let path = entry.unwrap().path();
        if path.to_string_lossy().ends_with(".tar.gz") {
            names.push(path);
        }
    }
    assert!(names.len() >= 3, "expected the corpus's .tar.gz files");
    for path in names {
        let bytes = std::fs::read(&path).unwrap();
        let archive = read(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(archive.format, Format::TarGz, "{}", path.display());
        assert!(!archive.members.is_empty(), "{}", path.display());
        let listed = list(&bytes).unwrap();
        assert_eq!(listed.len(), archive.members.len());
        if path.to_string_lossy().contains("submissions") {
            assert!(
                archive
                    .members
                    .iter()
                    .any(|m| m.path.ends_with("submission.yaml")),
                "{}: no submission.yaml",
                path.display()
            );
        }
    }
}
