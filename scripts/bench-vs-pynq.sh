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

venv="$root/.venv-bench"
if ! "$venv/bin/python" -c "import pynq, pynqmetadata" 2>/dev/null; then
  echo "bench: making $venv with pynq==4.0.0" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "pynq==4.0.0"
fi

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

echo
echo "In-process parse to full dictionaries, median of $runs runs (ms); ratio = pynq / ours"
python3 - "$tmp/pynq.tsv" "$tmp/ours.tsv" <<'PY'
import sys
def load(path):
    rows = {}
    for line in open(path):
        f = line.rstrip("\n").split("\t")
        if len(f) >= 4:
            rows[f[0]] = f
    return rows
pynq, ours = load(sys.argv[1]), load(sys.argv[2])
print(f"| {'file':58s} | {'pynq (what)':37s} | {'pynq ms':>9s} | {'ours ms':>9s} | {'ratio':>7s} |")
print(f"|{'-'*60}|{'-'*39}|{'-'*11}|{'-'*11}|{'-'*9}|")
for name in sorted(set(pynq) | set(ours)):
    p, o = pynq.get(name), ours.get(name)
    what = p[1] if p else "-"
    pm = p[3] if p else "-"
    om = o[3] if o else "fails"
    try:
        ratio = f"{float(pm) / float(om):.0f}x"
    except (ValueError, ZeroDivisionError):
        ratio = "-"
    print(f"| {name:58s} | {what:37s} | {pm:>9s} | {om:>9s} | {ratio:>7s} |")
PY

hwh="$files_dir/zcu104_base.hwh"
echo
echo "Wall time of '$bin/pynq inspect zcu104_base.hwh' (process start included)"
if command -v hyperfine >/dev/null; then
  hyperfine -N --warmup 3 --runs "$runs" --style basic \
    "$bin/pynq inspect $hwh" "$bin/pynq inspect $hwh --json" 2>&1 | grep -vE '^\s*$'
else
  for variant in "" "--json"; do
    start=$(date +%s%N)
    for _ in $(seq "$runs"); do "$bin/pynq" inspect "$hwh" $variant >/dev/null; done
    end=$(date +%s%N)
    echo "pynq inspect $variant: mean $(( (end - start) / runs / 1000000 )) ms over $runs runs"
  done
fi
