#!/usr/bin/env bash
# Builds a libFuzzer target (Fuzz/NAME, declared in Package.swift only when PYNQ_FUZZ is set) with the
# fuzzer and address sanitizer in .build-fuzz, and runs it for SECONDS on the corpus .build-fuzz/corpus/NAME,
# seeded from SEED_DIR. Prints libFuzzer's log; crash inputs land in .build-fuzz/crashes/NAME.
#
# Usage: scripts/fuzz.sh NAME SECONDS SEED_DIR
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
name="$1" seconds="$2" seeds="$3"
# Every source is compiled again: after a change to a type's stored properties, an incremental build has
# left modules compiled against the old layout, and the fuzzer then "found" crashes in code that was fine.
find Sources Fuzz -name '*.swift' -exec touch {} +
PYNQ_FUZZ=1 swift build --product "$name" -Xswiftc -sanitize=fuzzer,address --scratch-path .build-fuzz 2>&1 \
  | grep -v "Cannot export local symbol" >&2
corpus=".build-fuzz/corpus/$name"
crashes=".build-fuzz/crashes/$name"
mkdir -p "$corpus" "$crashes"
cp -n "$seeds"/* "$corpus"/ 2>/dev/null || true
exec ".build-fuzz/debug/$name" "$corpus" -max_total_time="$seconds" -print_final_stats=1 \
  -artifact_prefix="$crashes/" -max_len=131072
