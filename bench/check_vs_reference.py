#!/usr/bin/env python3
"""hepstatic's checker against the reference validator (hepdata-validator's Python API).

Generates (or reuses) a synthetic corpus with ../shared/bench/gen_records.py, then checks
every record's v1/ submission with both tools in alternation, for several rounds, and
prints each tool's median throughput in MB/s (bytes of the v1/ folders per second of wall
time), the ratio, and whether the two agree on every record's verdict.

hepstatic runs as one process over all submissions (`check --format json -q v1 v1 ...`),
timed from start to exit. The reference runs in this Python process, one
`FullSubmissionValidator().validate(directory=...)` per submission, timed around the calls
(interpreter start-up and imports excluded, in the reference's favour).

Installs nothing: run it with a Python that has hepdata-validator (see README.md).

    python check_vs_reference.py [--records 100] [--rounds 3] [--corpus DIR]
                                 [--hepstatic target/release/hepstatic]
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
GEN = os.path.join(REPO, "..", "shared", "bench", "gen_records.py")


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--records", type=int, default=100, help="records to generate (default 100)")
    p.add_argument("--seed", default="1", help="gen_records.py seed (default 1)")
    p.add_argument("--rounds", type=int, default=3, help="rounds of both tools (default 3)")
    p.add_argument("--corpus", help="reuse this corpus folder (holding records/) instead of "
                   "generating one in a temporary folder")
    target = os.environ.get("CARGO_TARGET_DIR") or os.path.join(REPO, "target")
    p.add_argument("--hepstatic", default=os.path.join(target, "release", "hepstatic"),
                   help="the hepstatic binary (default: target/release/hepstatic, or under "
                   "$CARGO_TARGET_DIR; build it with `cargo build --release`)")
    p.add_argument("--show", type=int, default=5, help="verdict disagreements to print")
    return p.parse_args()


def generate(out, records, seed):
    if not os.path.isfile(GEN):
        sys.exit(f"{GEN} is missing: the benchmark needs ../shared beside the repository")
    subprocess.run([sys.executable, GEN, "--records", str(records), "--seed", seed,
                    "--out", out], check=True, stdout=subprocess.DEVNULL)


def submissions(corpus):
    """The v1/ folder of every record, sorted, and their total size in bytes."""
    root = os.path.join(corpus, "records")
    folders = sorted(os.path.join(root, r, "v1") for r in os.listdir(root)
                     if os.path.isdir(os.path.join(root, r, "v1")))
    size = 0
    for folder in folders:
        for dirpath, _, files in os.walk(folder):
            size += sum(os.path.getsize(os.path.join(dirpath, f)) for f in files)
    return folders, size


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_hepstatic(binary, folders):
    """Wall time, CPU time and {folder: (valid, errors, first message)} from one run."""
    start, cpu_start = time.perf_counter(), children_cpu()
    proc = subprocess.run([binary, "check", "--format", "json", "-q", *folders],
                          capture_output=True, text=True)
    elapsed, cpu = time.perf_counter() - start, children_cpu() - cpu_start
    if proc.returncode not in (0, 1):
        sys.exit(f"hepstatic failed (exit {proc.returncode}):\n{proc.stderr}")
    verdicts = {}
    for item in json.loads(proc.stdout)["inputs"]:
        errors = [d for d in item["diagnostics"] if d["severity"] == "error"]
        first = f'{errors[0]["code"]} {errors[0]["message"]}' if errors else ""
        verdicts[item["path"]] = (item["verdict"] == "valid", item["errors"], first)
    return elapsed, cpu, verdicts


def run_reference(folders):
    """Wall time, CPU time and {folder: (valid, errors, first message)} from the
    reference's API."""
    from hepdata_validator.full_submission_validator import FullSubmissionValidator

    verdicts = {}
    elapsed = cpu = 0.0
    for folder in folders:
        start, cpu_start = time.perf_counter(), time.process_time()
        validator = FullSubmissionValidator(autoload_remote_schemas=False)
        valid = validator.validate(directory=folder)
        messages = validator.get_messages()
        elapsed += time.perf_counter() - start
        cpu += time.process_time() - cpu_start
        errors = [m for msgs in messages.values() for m in msgs if m.level == "error"]
        first = errors[0].message if errors else ""
        verdicts[folder] = (bool(valid), len(errors), first)
    return elapsed, cpu, verdicts


def main():
    args = parse_args()
    if not os.path.isfile(args.hepstatic):
        sys.exit(f"{args.hepstatic} is missing: run `cargo build --release` first")
    try:
        import hepdata_validator  # noqa: F401
    except ImportError:
        sys.exit("hepdata_validator is not importable: see bench/README.md "
                 "(pip install hepdata-validator in a virtual environment)")

    with tempfile.TemporaryDirectory(prefix="hepstatic-bench-") as tmp:
        corpus = args.corpus
        if not corpus:
            corpus = tmp
            print(f"generating {args.records} records with gen_records.py ...", flush=True)
            generate(corpus, args.records, args.seed)
        folders, size = submissions(corpus)
        mb = size / 1e6
        print(f"corpus: {len(folders)} submissions, {mb:.1f} MB", flush=True)

        ours, theirs, ours_cpu, theirs_cpu = [], [], [], []
        for round_no in range(1, args.rounds + 1):
            t_ours, c_ours, v_ours = run_hepstatic(args.hepstatic, folders)
            t_theirs, c_theirs, v_theirs = run_reference(folders)
            ours.append(t_ours)
            theirs.append(t_theirs)
            ours_cpu.append(c_ours)
            theirs_cpu.append(c_theirs)
            print(f"round {round_no}: hepstatic {t_ours:8.3f} s {mb / t_ours:9.2f} MB/s "
                  f"(cpu {c_ours:.2f} s) | reference {t_theirs:8.2f} s {mb / t_theirs:6.2f} MB/s "
                  f"(cpu {c_theirs:.2f} s) | ratio {t_theirs / t_ours:6.1f}x", flush=True)

        rate_ours = mb / statistics.median(ours)
        rate_theirs = mb / statistics.median(theirs)
        cpu_ours = mb / statistics.median(ours_cpu)
        cpu_theirs = mb / statistics.median(theirs_cpu)
        print()
        print(f"hepstatic  median {rate_ours:9.2f} MB/s wall, {cpu_ours:9.2f} MB per CPU second")
        print(f"reference  median {rate_theirs:9.2f} MB/s wall, {cpu_theirs:9.2f} MB per CPU second")
        print(f"ratio      {rate_ours / rate_theirs:9.1f}x wall (target: 100x), "
              f"{cpu_ours / cpu_theirs:.1f}x per CPU second")

        # Verdicts of the last round (both tools are deterministic).
        differ = [f for f in folders if v_ours[f][0] != v_theirs[f][0]]
        valid = sum(1 for f in folders if v_theirs[f][0])
        print(f"verdicts   {len(folders) - len(differ)}/{len(folders)} the same "
              f"(reference: {valid} valid, {len(folders) - valid} invalid)")
        for f in differ[: args.show]:
            name = os.path.relpath(f, corpus)
            print(f"  {name}: hepstatic {'valid' if v_ours[f][0] else 'invalid'} "
                  f"({v_ours[f][1]} errors; {v_ours[f][2][:100]}), reference "
                  f"{'valid' if v_theirs[f][0] else 'invalid'} ({v_theirs[f][1]} errors; "
                  f"{v_theirs[f][2][:100]})")
        return 0 if not differ else 1


if __name__ == "__main__":
    sys.exit(main())
