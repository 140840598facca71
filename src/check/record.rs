//! Rules about a record as a whole: its version log against its version folders.

use crate::model::{Diagnostic, Pos, Record};

use super::submission::check_submission;

pub fn check_record(record: &Record, out: &mut Vec<Diagnostic>) {
    let meta_file = record.dir.join("record.yaml");
    let logged: Vec<u32> = record.meta.versions.iter().map(|v| v.version).collect();
    let on_disk: Vec<u32> = record.versions.iter().map(|v| v.number).collect();

    for log in &record.meta.versions {
        if !on_disk.contains(&log.version) {
            out.push(
                Diagnostic::error(
                    "E042",
                    &meta_file,
                    log.pos,
                    format!(
                        "version {} is listed in record.yaml but there is no folder v{}/",
                        log.version, log.version
                    ),
                )
                .with_help(format!(
                    "add records/{}/v{}/ or remove this entry",
                    record.id, log.version
                )),
            );
        }
        if logged.iter().filter(|&&v| v == log.version).count() > 1 {
            out.push(
                Diagnostic::error(
                    "E042",
                    &meta_file,
                    log.pos,
                    format!("version {} is listed twice", log.version),
                )
                .with_help("keep one entry per version"),
            );
        }
    }
    for v in &record.versions {
        if !logged.contains(&v.number) {
            out.push(
                Diagnostic::error("E042", &v.dir, Pos::NONE, format!("folder v{} has no entry in record.yaml's versions", v.number))
                    .with_help(format!("add `- {{version: {}, date: YYYY-MM-DD, message: ...}}` to versions in record.yaml", v.number)),
            );
        }
    }
    // Versions count 1, 2, 3 with no gap: DOIs name them by number.
    for (i, n) in on_disk.iter().enumerate() {
        let expected = i as u32 + 1;
        if *n != expected {
            out.push(
                Diagnostic::error("E042", &record.dir, Pos::NONE, format!("version folders must be v1, v2, ... without gaps; found v{n} where v{expected} was expected"))
                    .with_help("renumber the folders (only before publishing: published numbers never change)"),
            );
            break;
        }
    }
    if record.versions.is_empty() && !meta_file.as_os_str().is_empty() {
        out.push(
            Diagnostic::error(
                "E032",
                &record.dir,
                Pos::NONE,
                "this record has no version folder",
            )
            .with_help("add v1/ holding submission.yaml and its data files"),
        );
    }
    for v in &record.versions {
        check_submission(&v.submission, out);
    }
    super::frozen::check_frozen(record, out);
}
