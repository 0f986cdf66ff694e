#!/usr/bin/env bash
# Differential test of the HWH reader against the real pynq: mutates each full-design reference .hwh
# (scripts/hwh-differential/mutate.py) with seeds FIRST..LAST, computes pynq 4.0.0's dictionaries
# (pynqmetadata's RuntimeMetadataParser, scripts/hwh-differential/pynq_view.py) and ours
# (`pynq inspect FILE --json`), and compares them with ../shared/reference/compare.py. Variants that
# pynq itself cannot read are counted as skipped (and whether we read or reject them is printed).
#
# Usage: scripts/hwh-differential.sh [FIRST LAST]      (default seeds 1..20)
# Needs: python3-venv and PyPI access the first time (it shares .venv-bench with bench-vs-pynq.sh).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
first="${1:-1}" last="${2:-20}"
files_dir="$root/../shared/reference/files"
compare="$root/../shared/reference/compare.py"
. "$root/scripts/lib/pynq-venv.sh"
pynq_venv "$root"
swift build -c release --product pynq >&2
pynq="$(swift build -c release --show-bin-path)/pynq"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0 skip=0
for file in "$files_dir"/*.hwh; do
  # Partial designs have no processing system: pynqmetadata cannot read them, so there is nothing to compare.
  grep -q 'MODTYPE="\(processing_system7\|zynq_ultra_ps_e\)"' "$file" || continue
  for seed in $(seq "$first" "$last"); do
    name="$(basename "$file" .hwh)-$seed"
    ops="$(python3 scripts/hwh-differential/mutate.py "$file" "$tmp/$name.hwh" "$seed")"
    "$venv/bin/python" scripts/hwh-differential/pynq_view.py "$tmp/$name.hwh" >"$tmp/$name.pynq.json"
    if grep -q '"error"' "$tmp/$name.pynq.json"; then
      skip=$((skip + 1))
      ours="reads it"
      "$pynq" inspect "$tmp/$name.hwh" --json >/dev/null 2>&1 || ours="rejects it"
      echo "skip $name ($ops): pynq fails, ours $ours"
      continue
    fi
    if ! "$pynq" inspect "$tmp/$name.hwh" --json >"$tmp/$name.ours.json" 2>"$tmp/$name.err"; then
      fail=$((fail + 1))
      echo "FAIL $name ($ops): $(head -c 300 "$tmp/$name.err")"
      continue
    fi
    result="$(python3 "$compare" "$tmp/$name.ours.json" "$tmp/$name.pynq.json" | tail -1)"
    if [[ "$result" == *" 0 failed" ]]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL $name ($ops): $result"; fi
  done
done
echo "differential: $pass agree, $fail differ, $skip skipped (pynq cannot read them)"
[ "$fail" -eq 0 ]
