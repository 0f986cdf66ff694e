#!/usr/bin/env bash
# Benchmarks swift-pynq's metadata readers against the real Python pynq 4.0.0 on the reference files in
# ../shared/reference/files, and times `pynq inspect` (process start included) on zcu104_base.hwh.
# Results go to standard output; BENCHMARKS.md records them with this command.
#
# Usage: scripts/bench-vs-pynq.sh [--runs N]      (N: repetitions per file for each side, default 21)
# Needs: python3-venv and network access to PyPI the first time (it makes .venv-bench with pynq==4.0.0),
# hyperfine (scripts/setup.sh installs it; without it a loop of runs is timed instead).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
runs=21
if [ "${1:-}" = "--runs" ]; then runs="$2"; fi
files_dir="$root/../shared/reference/files"
[ -d "$files_dir" ] || { echo "bench: no reference files at $files_dir" >&2; exit 1; }

. "$root/scripts/lib/pynq-venv.sh"
pynq_venv "$root"

echo "bench: building release binaries" >&2
swift build -c release --product MetadataBench >&2
swift build -c release --product pynq >&2
bin="$(swift build -c release --show-bin-path)"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
echo "bench: timing pynq ($runs runs per file)" >&2
"$venv/bin/python" Benchmarks/pynq_timings.py --runs "$runs" "$files_dir"/* >"$tmp/pynq.tsv"
echo "bench: timing swift-pynq ($runs runs per file)" >&2
"$bin/MetadataBench" --runs "$runs" "$files_dir"/* >"$tmp/ours.tsv" || true

"$bin/MetadataBench" --runs "$runs" --xml-only "$files_dir"/*.hwh >"$tmp/xml.tsv" || true

echo
echo "In-process parse to full dictionaries, $runs runs per file (ms); ratio = pynq / ours (median, minimum)"
python3 - "$tmp/pynq.tsv" "$tmp/ours.tsv" "$tmp/xml.tsv" <<'PY'
import sys
def load(path):
    rows = {}
    for line in open(path):
        f = line.rstrip("\n").split("\t")
        if len(f) >= 5:
            rows[f[0]] = f
    return rows
def ratio(a, b):
    try:
        return f"{float(a) / float(b):.0f}x"
    except (ValueError, ZeroDivisionError):
        return "-"
pynq, ours, xml = (load(p) for p in sys.argv[1:4])
print(f"| {'file':58s} | {'pynq (what)':37s} | {'pynq med':>9s} | {'ours med':>9s} | {'ratio':>6s} "
      f"| {'pynq min':>9s} | {'ours min':>9s} | {'ratio':>6s} | {'ours XML':>9s} |")
print("|" + "|".join("-" * (w + 2) for w in (58, 37, 9, 9, 6, 9, 9, 6, 9)) + "|")
for name in sorted(set(pynq) | set(ours)):
    # "FILE [bytes]" is pynq given the file's bytes in memory, as ours is: compared with ours on FILE.
    file = name.split(" [")[0]
    p = pynq.get(name, [name, "-", "0", "-", "-"])
    o = ours.get(file, [file, "-", "0", "fails", "fails"])
    x = xml.get(file, [file, "-", "0", "", ""])
    print(f"| {name:58s} | {p[1]:37s} | {p[3]:>9s} | {o[3]:>9s} | {ratio(p[3], o[3]):>6s} "
          f"| {p[4]:>9s} | {o[4]:>9s} | {ratio(p[4], o[4]):>6s} | {x[4]:>9s} |")
print("(ours XML: minimum time of the XML parse alone, part of ours; FILE [bytes]: pynq's XclBin given the")
print(" file's bytes, as ours is given them, against ours on FILE)")
PY

hwh="$files_dir/zcu104_base.hwh"
echo
echo "Wall time of '$bin/pynq inspect zcu104_base.hwh' (process start included)"
if command -v hyperfine >/dev/null; then
  hyperfine -N --warmup 3 --runs "$runs" --style basic --export-markdown "$tmp/hyperfine.md" \
    "$bin/pynq inspect $hwh" "$bin/pynq inspect $hwh --json" 2>&1 | grep -vE '^\s*$'
  cat "$tmp/hyperfine.md"
else
  for variant in "" "--json"; do
    start=$(date +%s%N)
    for _ in $(seq "$runs"); do "$bin/pynq" inspect "$hwh" $variant >/dev/null; done
    end=$(date +%s%N)
    echo "pynq inspect $variant: mean $(( (end - start) / runs / 1000000 )) ms over $runs runs"
  done
fi
