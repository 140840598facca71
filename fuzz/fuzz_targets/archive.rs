//! The archive reader on arbitrary bytes: never a panic, and whatever it accepts keeps its
//! promises (safe relative paths, unique names, listing and reading agree).

#![no_main]

use std::collections::HashSet;

use hepstatic::archive::{self, Limits};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Small limits keep each run fast; bombs are still caught by ratio and total.
    let limits = Limits {
        max_total_bytes: 8 << 20,
        max_ratio: 200,
        max_members: 10_000,
    };
    let read = archive::read_with(data, &limits);
    let listed = archive::list_with(data, &limits);
    match (&read, &listed) {
        (Ok(archive), Ok(entries)) => {
            assert_eq!(archive.members.len(), entries.len());
            let mut seen = HashSet::new();
            for (member, entry) in archive.members.iter().zip(entries) {
                assert_eq!(member.path, entry.path);
                assert_eq!(member.data.len() as u64, entry.size);
                let path = &member.path;
                assert!(!path.is_empty() && !path.starts_with('/') && !path.ends_with('/'));
                assert!(!path.contains('\\') && !path.contains('\0'));
                assert!(path.split('/').all(|c| !c.is_empty() && c != "." && c != ".."));
                assert!(seen.insert(path.to_lowercase()), "duplicate {path:?}");
            }
        }
        (Err(a), Err(b)) => assert_eq!(a, b),
        _ => panic!("read and list disagree: {read:?} / {listed:?}"),
    }
    if let Err(e) = &read {
        // Messages are for people: one line, no raw control characters.
        let text = e.to_string();
        assert!(!text.chars().any(char::is_control), "{text:?}");
    }
});
