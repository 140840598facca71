//! Throughput of each table download writer over every table of a records tree.
//!
//! Run by hand, not a test:
//!
//! ```sh
//! cargo run --release --example format_throughput -- /tmp/corpus100 [ROUNDS] [WRITER]
//! ```
//!
//! The tree is loaded once; then, per writer, every table is written `ROUNDS` times (3 by
//! default) on one thread, and the median round is printed with the bytes it wrote. A
//! checksum of the output is printed too, so two builds can be compared for equal output.
//! `WRITER` (`yaml`, `json`, `csv` or `yoda`) runs that one only, e.g. under a profiler.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use hepstatic::load::{Options, load};
use hepstatic::model::{Table, TableData};
use hepstatic::render::formats::{csv, json, yaml, yoda};

type Writer = fn(&Table, &TableData, usize) -> String;

fn main() {
    let mut args = std::env::args().skip(1);
    let root = PathBuf::from(
        args.next()
            .expect("usage: format_throughput ROOT [ROUNDS] [WRITER]"),
    );
    let rounds: usize = args
        .next()
        .map_or(3, |r| r.parse().expect("ROUNDS is a number"));
    let only = args.next();

    let loaded = load(&root, &Options::default()).expect("the tree loads");
    let tables: Vec<(&Table, &TableData)> = loaded
        .records()
        .flat_map(|r| &r.versions)
        .flat_map(|v| &v.submission.tables)
        .filter_map(|t| Some((t, t.data.as_ref()?)))
        .collect();
    println!("{} tables from {}", tables.len(), root.display());

    let writers: [(&str, Writer); 4] = [
        ("yaml", |_, d, _| yaml::table_yaml(d)),
        ("json", |t, d, _| json_text(t, d)),
        ("csv", |t, d, _| csv::table_csv(t, d)),
        ("yoda", |t, d, k| {
            let mut options = yoda::YodaOptions::new("BENCH_2024_I1", k);
            options.doi = Some("10.5072/bench.v1".into());
            yoda::table_yoda_with(t, d, &options).text
        }),
    ];
    let mut total = Duration::ZERO;
    for (name, write) in writers {
        if only.as_ref().is_some_and(|o| o != name) {
            continue;
        }
        let mut times = Vec::new();
        let (mut bytes, mut sum) = (0usize, 0u64);
        for _ in 0..rounds {
            let start = Instant::now();
            (bytes, sum) = (0, 0);
            for (k, (table, data)) in tables.iter().enumerate() {
                let text = write(table, data, k % 99 + 1);
                bytes += text.len();
                sum = checksum(sum, text.as_bytes());
            }
            times.push(start.elapsed());
        }
        times.sort();
        let median = times[times.len() / 2];
        total += median;
        println!(
            "{name:>5}: {:8.1} ms  {:7.1} MB  {:7.1} MB/s  checksum {sum:016x}",
            median.as_secs_f64() * 1e3,
            bytes as f64 / 1e6,
            bytes as f64 / 1e6 / median.as_secs_f64()
        );
    }
    println!("total: {:8.1} ms", total.as_secs_f64() * 1e3);
}

fn json_text(table: &Table, data: &TableData) -> String {
    json::table_json(table, data)
}

/// FNV-1a over the bytes, chained across files.
fn checksum(mut h: u64, bytes: &[u8]) -> u64 {
    if h == 0 {
        h = 0xcbf2_9ce4_8422_2325;
    }
    for &b in bytes {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    h
}
