//! The process-wide cache of resource analyses, keyed by content and file name.
//!
//! Keyed by the SHA-256 of the bytes rather than by path and modification time: the
//! checker may read a file from an archive in memory while the page reads it from disk,
//! and `serve` rebuilds after edits that can keep a file's size and mtime second.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use sha2::{Digest as _, Sha256};

use super::Analysis;

/// At most this many analyses are kept; past it the cache starts again empty. An analysis
/// holds summaries, not file contents, but a large BDT's trees run to megabytes.
const MAX_ENTRIES: usize = 64;

type Key = ([u8; 32], String);
type Slot = Arc<OnceLock<Arc<Analysis>>>;

fn slots() -> &'static Mutex<HashMap<Key, Slot>> {
    static SLOTS: OnceLock<Mutex<HashMap<Key, Slot>>> = OnceLock::new();
    SLOTS.get_or_init(Mutex::default)
}

/// The cached analysis of `bytes` named `name`, or the one `compute` makes.
///
/// The map is locked only to find or add the entry's slot; the analysis itself runs
/// outside that lock, so other files are analysed meanwhile, while a second caller for
/// the same file waits on the slot instead of repeating the work.
pub(super) fn get_or_insert(
    bytes: &[u8],
    name: String,
    compute: impl FnOnce() -> Analysis,
) -> Arc<Analysis> {
    let key = (Sha256::digest(bytes).into(), name);
    let slot = {
        // A thread that panicked while holding the lock left the map consistent (each
        // step is one insert or clear), so a poisoned lock is used as it is.
        let mut map = slots().lock().unwrap_or_else(PoisonError::into_inner);
        if map.len() >= MAX_ENTRIES && !map.contains_key(&key) {
            map.clear();
        }
        Arc::clone(map.entry(key).or_default())
    };
    Arc::clone(slot.get_or_init(|| Arc::new(compute())))
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[test]
    fn one_computation_per_content_and_name_across_threads() {
        static RUNS: AtomicUsize = AtomicUsize::new(0);
        let bytes = b"cache test: unique bytes 7d1f".to_vec();
        std::thread::scope(|s| {
            for _ in 0..8 {
                s.spawn(|| {
                    get_or_insert(&bytes, "a.json".into(), || {
                        RUNS.fetch_add(1, Ordering::SeqCst);
                        std::thread::sleep(std::time::Duration::from_millis(20));
                        Analysis::default()
                    })
                });
            }
        });
        assert_eq!(RUNS.load(Ordering::SeqCst), 1);

        // Another name is another analysis: names decide the kind and appear in messages.
        get_or_insert(&bytes, "b.json".into(), || {
            RUNS.fetch_add(1, Ordering::SeqCst);
            Analysis::default()
        });
        assert_eq!(RUNS.load(Ordering::SeqCst), 2);
    }
}
