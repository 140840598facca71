#!/usr/bin/env bash
# Runs one fuzz target for a bounded time: ./run.sh TARGET SECONDS [more libFuzzer flags].
# Crashes land in fuzz/artifacts/TARGET/. cargo-fuzz needs nightly; RUSTC_BOOTSTRAP=1 lets
# the stable toolchain accept the sanitizer flags it passes.
set -euo pipefail
cd "$(dirname "$0")"
target="$1"; seconds="$2"; shift 2
[ -d "corpus/$target" ] || ./seed.sh
RUSTC_BOOTSTRAP=1 exec cargo fuzz run -O "$target" "corpus/$target" -- \
    -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 "$@"
