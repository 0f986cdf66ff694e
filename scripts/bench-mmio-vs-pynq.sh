#!/usr/bin/env bash
# Benchmarks IP access: swift-pynq's MMIO 32-bit read/write and a register-map field write through the
# public API on the Mock device (Benchmarks/IPBench), against pynq 4.0.0's MMIO.read / MMIO.write and
# RegisterMap field write on the same kind of mapping (a numpy uint32 view of an mmap, which is what
# pynq's MMIO uses on a Zynq board), in one run. Results go to standard output; BENCHMARKS.md
# ("IP access") records them with this command.
#
# Usage: scripts/bench-mmio-vs-pynq.sh [--runs N]     (timed runs per operation, median reported; default 7)
# Needs: python3-venv and network access to PyPI the first time (it makes .venv-bench with pynq==4.0.0).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
runs=7
if [ "${1:-}" = "--runs" ]; then runs="$2"; fi

. "$root/scripts/lib/pynq-venv.sh"
pynq_venv "$root"

echo "bench: building IPBench (release)" >&2
swift build -c release --product IPBench >&2
bin="$(swift build -c release --show-bin-path)"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
echo "bench: timing swift-pynq" >&2
"$bin/IPBench" --runs "$runs" >"$tmp/ours.tsv"
echo "bench: timing pynq 4.0.0" >&2
"$venv/bin/python" Benchmarks/pynq_mmio_timings.py --runs "$runs" >"$tmp/pynq.tsv"

python3 - "$tmp/ours.tsv" "$tmp/pynq.tsv" <<'PY'
import sys
def load(path):
    return [line.rstrip("\n").split("\t") for line in open(path) if line.count("\t") >= 3]
ours, pynq = load(sys.argv[1]), load(sys.argv[2])
print(f"| {'operation (swift-pynq, Mock)':44s} | {'ns/op':>8s} | {'pynq 4.0.0 operation':28s} | {'ns/op':>9s} | {'ratio':>8s} |")
print(f"|{'-'*46}|{'-'*10}|{'-'*30}|{'-'*11}|{'-'*10}|")
pairs = {"mmio.read(UInt32.self, at:)": "MMIO.read(offset)", "mmio.write(UInt32, at:)": "MMIO.write(offset, int)",
         "registerMap.MER.ME = v": "register_map.MER.ME = v"}
theirs = {row[0]: row for row in pynq}
for row in ours:
    other = theirs.get(pairs.get(row[0], ""))
    ratio = f"{float(other[1]) / float(row[1]):.0f}x" if other else "-"
    print(f"| {row[0]:44s} | {row[1]:>8s} | {(other[0] if other else '-'):28s} | {(other[1] if other else '-'):>9s} | {ratio:>8s} |")
empty = theirs.get("(empty loop)")
if empty:
    print(f"\npynq's figures include Python's loop overhead of about {empty[1]} ns per iteration (an empty loop).")
PY
