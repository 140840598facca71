#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ with starting inputs: small YAML and JSON files from
# ../shared/corpus and ../shared/cases, and small archives of every format (the c18 hostile
# ones included). Run from anywhere; needs python3 and ../shared beside the repository.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
shared="$here/../../shared"
[ -d "$shared/corpus" ] || { echo "seed.sh: $shared/corpus is missing" >&2; exit 2; }
mkdir -p "$here/corpus/yaml" "$here/corpus/data" "$here/corpus/archive"

# YAML and JSON: every file up to 64 KiB (libFuzzer's -max_len is set to match).
find "$shared/corpus" "$shared/cases" -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) \
    -size -64k -print0 |
    while IFS= read -r -d '' f; do
        cp "$f" "$here/corpus/yaml/$(sha1sum "$f" | cut -c1-16)"
    done
# The data-file target starts from the same files.
cp "$here"/corpus/yaml/* "$here/corpus/data/"

# Archives: the small corpus ones, then one small submission packed each way, then c18.
for f in "$shared"/corpus/submissions/*.tar.gz; do
    [ "$(stat -c %s "$f")" -le 131072 ] && cp "$f" "$here/corpus/archive/"
done
python3 - "$shared/corpus/submissions/validator-testsubmission" "$here/corpus/archive" <<'PY'
import io, os, sys, tarfile, zipfile
src, out = sys.argv[1], sys.argv[2]
names = sorted(n for n in os.listdir(src) if n.endswith(".yaml"))[:3]
with tarfile.open(os.path.join(out, "small.tar"), "w", format=tarfile.GNU_FORMAT) as t:
    for n in names: t.add(os.path.join(src, n), arcname="rec/" + n)
with tarfile.open(os.path.join(out, "small-pax.tar.gz"), "w:gz", format=tarfile.PAX_FORMAT) as t:
    for n in names: t.add(os.path.join(src, n), arcname="r\u00e9c/" + n)
for method, name in [(zipfile.ZIP_DEFLATED, "small.zip"), (zipfile.ZIP_STORED, "stored.zip")]:
    with zipfile.ZipFile(os.path.join(out, name), "w", method) as z:
        for n in names: z.write(os.path.join(src, n), "rec/" + n)
PY
python3 "$shared/cases/c18/make_archives.py" "$here/corpus/archive" /tmp/c18_abs_marker.txt
echo "seeded: $(ls "$here/corpus/yaml" | wc -l) yaml, $(ls "$here/corpus/archive" | wc -l) archive"
