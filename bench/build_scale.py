#!/usr/bin/env python3
"""hepstatic build at scale: full builds, one-record rebuilds, peak memory.

For each corpus size asked for (default 1,000 records), generates (or reuses) a synthetic
corpus with ../shared/bench/gen_records.py, links this repository's theme and settings
into it, then, for several rounds:

  - a full build from nothing (the site and its hidden siblings removed, dirty pages
    flushed and, when run as root, the page cache dropped first, untimed), as on a fresh
    clone or in CI;
  - the first rebuild after editing one record (a data value of one table changes): the
    spare generation is made of hard links to the live site;
  - a second such rebuild, as after every later push: the spare is the previous
    generation, brought up to date.

Each run is timed from start to exit, and its peak resident memory read with GNU time
(`/usr/bin/time -f %M`). Prints medians: full build seconds, tables per second, peak RSS,
rebuild seconds and the rebuild as a share of the full build. `--big-record 3656` adds one
record of that many tables to the corpus; `--big-only` builds a corpus of that record
alone (the 3,656-table case).

    python bench/build_scale.py [--records 1000 10000] [--rounds 3] [--big-record N]
                                [--work DIR] [--hepstatic target/release/hepstatic]

Build hepstatic first: `cargo build --release`. Corpora are kept in --work (default
/tmp/hepstatic-bench) and reused when present; 1,000 records take about 0.5 GB, 10,000
about 5 GB, and each built site several times that.
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
GEN = os.path.join(REPO, "..", "shared", "bench", "gen_records.py")
TIME = "/usr/bin/time"


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--records", type=int, nargs="+", default=[1000],
                   help="corpus sizes (default 1000)")
    p.add_argument("--rounds", type=int, default=3, help="rounds per size (default 3)")
    p.add_argument("--big-record", type=int, default=0,
                   help="add one record with this many tables (e.g. 3656)")
    p.add_argument("--big-only", action="store_true",
                   help="with --big-record: a corpus of that record alone")
    p.add_argument("--seed", default="1", help="gen_records.py seed (default 1)")
    p.add_argument("--work", default="/tmp/hepstatic-bench", help="where corpora live")
    p.add_argument("--hepstatic", default=os.path.join(REPO, "target", "release", "hepstatic"))
    return p.parse_args()


def corpus(args, records):
    """The project folder for `records` records: records/, themes/, hepstatic.toml."""
    name = f"r{records}-b{args.big_record}" if args.big_record else f"r{records}"
    root = os.path.join(args.work, name)
    if not os.path.isdir(os.path.join(root, "records")):
        os.makedirs(root, exist_ok=True)
        cmd = [sys.executable, GEN, "--records", str(records), "--seed", args.seed,
               "--out", root]
        if args.big_record:
            cmd += ["--big-record", str(args.big_record)]
        print(f"generating {' '.join(cmd[1:])}", file=sys.stderr)
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        if args.big_only:
            # Keep the big record only: the one with the most table files.
            recs = os.path.join(root, "records")
            sizes = {r: len(os.listdir(os.path.join(recs, r, "v1")))
                     for r in os.listdir(recs) if os.path.isdir(os.path.join(recs, r, "v1"))}
            big = max(sizes, key=sizes.get)
            for r in sizes:
                if r != big:
                    shutil.rmtree(os.path.join(recs, r))
    themes = os.path.join(root, "themes")
    os.makedirs(themes, exist_ok=True)
    link = os.path.join(themes, "default")
    if not os.path.exists(link):
        os.symlink(os.path.join(REPO, "themes", "default"), link)
    shutil.copy(os.path.join(REPO, "hepstatic.toml"), os.path.join(root, "hepstatic.toml"))
    return root


def run(args, root, out, *extra):
    """One build: (seconds, peak RSS in MiB, summary line)."""
    cmd = [TIME, "-f", "peak_rss_kb=%M", args.hepstatic, "build", "--root", root,
           "--out", out, *extra]
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"build failed:\n{done.stderr[-3000:]}")
    rss = int(re.search(r"peak_rss_kb=(\d+)", done.stderr).group(1)) / 1024
    summary = next((l for l in done.stderr.splitlines() if l.startswith("built ")), "")
    return seconds, rss, summary


def edit_one_record(root, round_no):
    """Changes one number in one table of the first record, to a value never used before."""
    recs = os.path.join(root, "records")
    first = sorted(r for r in os.listdir(recs) if os.path.isdir(os.path.join(recs, r)))[0]
    v1 = os.path.join(recs, first, "v1")
    table = sorted(f for f in os.listdir(v1) if f.endswith(".yaml") and f != "submission.yaml")[0]
    path = os.path.join(v1, table)
    with open(path) as f:
        text = f.read()
    text, n = re.subn(r"(value: )(-?[0-9.eE+-]+)", lambda m: f"{m.group(1)}{time.time_ns() % 1_000_000 + round_no}.5", text, count=1)
    if n != 1:
        sys.exit(f"no value to edit in {path}")
    with open(path, "w") as f:
        f.write(text)


def clear_site(out):
    """Removes a built site and its hidden siblings (spare, cache, lock), then flushes the
    page cache's dirty pages, so that the next build starts clean and unhindered."""
    parent, name = os.path.split(out)
    for entry in os.listdir(parent):
        if entry == name or entry.startswith(f".{name}."):
            path = os.path.join(parent, entry)
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path)
            else:
                os.remove(path)
    subprocess.run(["sync"], check=False)
    # Clean page cache too, when allowed (root): rounds otherwise slow down one after the
    # other as gigabytes of earlier sites fill memory and every new page needs reclaiming
    # (seen here: 21 s, 32 s, 40 s for the same build). The records are then read cold,
    # as on a fresh clone.
    try:
        with open("/proc/sys/vm/drop_caches", "w") as f:
            f.write("3\n")
    except OSError:
        pass


def main():
    args = parse_args()
    if not os.path.exists(args.hepstatic):
        sys.exit(f"{args.hepstatic} is missing: run `cargo build --release` first")
    if not os.path.exists(TIME):
        sys.exit(f"{TIME} (GNU time) is missing: apt-get install time")
    print(f"{'records':>8} {'tables':>7} {'full s':>8} {'tables/s':>9} {'peak MiB':>9} "
          f"{'1st rebuild s':>14} {'rebuild s':>10} {'rebuild %':>10} {'rebuild MiB':>12}")
    for records in args.records:
        root = corpus(args, records)
        out = os.path.join(root, "site")
        fulls, rsss, firsts, rebuilds, rebuild_rss = [], [], [], [], []
        tables = 0
        for r in range(args.rounds):
            # A full build from nothing, as on a fresh clone or in CI.
            clear_site(out)
            seconds, rss, summary = run(args, root, out, "--full")
            fulls.append(seconds)
            rsss.append(rss)
            tables = int(re.search(r"(\d+) tables", summary).group(1))
            subprocess.run(["sync"], check=False)
            # The first rebuild after it: the spare generation is made of hard links.
            edit_one_record(root, 2 * r)
            seconds, _, summary = run(args, root, out)
            if "(1 rebuilt)" not in summary:
                sys.exit(f"the rebuild was not incremental: {summary}")
            firsts.append(seconds)
            subprocess.run(["sync"], check=False)
            # Later rebuilds, as after each push: the spare is the previous generation.
            edit_one_record(root, 2 * r + 1)
            seconds, rss, summary = run(args, root, out)
            if "(1 rebuilt)" not in summary:
                sys.exit(f"the rebuild was not incremental: {summary}")
            rebuilds.append(seconds)
            rebuild_rss.append(rss)
            print(f"  round {r + 1}: full {fulls[-1]:.2f} s ({rsss[-1]:.0f} MiB), first rebuild "
                  f"{firsts[-1]:.3f} s, rebuild {seconds:.3f} s ({rss:.0f} MiB)", file=sys.stderr)
        full = statistics.median(fulls)
        rebuild = statistics.median(rebuilds)
        print(f"{records:>8} {tables:>7} {full:>8.2f} {tables / full:>9.0f} "
              f"{statistics.median(rsss):>9.0f} {statistics.median(firsts):>14.3f} "
              f"{rebuild:>10.3f} {100 * rebuild / full:>9.2f}% "
              f"{statistics.median(rebuild_rss):>12.0f}")


if __name__ == "__main__":
    main()
