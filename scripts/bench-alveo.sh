#!/usr/bin/env bash
# Alveo benchmarks (BENCHMARKS.md, "Alveo (XRT)"): swift-pynq's Alveo layers vs the same XRT C API
# calls made from C++, and vs XRT's C++ xrt::bo, in one run on the same device (XRT's no-op device
# unless XCL_EMULATION_MODE / XILINX_XRT say otherwise). Needs scripts/setup.sh (XRT, g++).
#   scripts/bench-alveo.sh [rounds]        (default 41 rounds of 1000 calls; medians reported)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
rounds="${1:-41}"
if [ -d "$root/.xrt/lib" ]; then
  export XILINX_XRT="${XILINX_XRT:-$root/.xrt}"
  export XCL_EMULATION_MODE="${XCL_EMULATION_MODE:-noop}"
fi
xclbin="$root/../shared/reference/files/xup_aws_f1_vitis_intro_lab.xclbin"
include="${XILINX_XRT_INCLUDE:-/usr/include/xrt}"
mkdir -p .build
g++ -O2 -std=c++17 -I"$include" Benchmarks/xrt-baseline/xrt_baseline.cpp -o .build/xrt_baseline -lxrt_coreutil
swift build -c release --product AlveoBench >/dev/null
bench="$(swift build -c release --show-bin-path)/AlveoBench"

results="$( "$bench" "$xclbin" "$rounds"; .build/xrt_baseline "$xclbin" "$rounds" )"
value() { awk -v k="$1" '$1 == k { print $2 }' <<<"$results"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo "XRT: XILINX_XRT=${XILINX_XRT:-} XCL_EMULATION_MODE=${XCL_EMULATION_MODE:-} (median ns per operation, $rounds rounds)"
printf '%-22s %10s %10s %10s %10s %10s %10s %10s\n' operation "C API" "xrt::bo" backend public \
  "backend/C" "public/C" "public/bo"
for op in alloc_map_free_4KiB alloc_map_free_1MiB sync_4KiB; do
  c="$(value "c_$op")"; cpp="$(value "cpp_$op")"; be="$(value "backend_$op")"; buf="$(value "public_$op")"
  printf '%-22s %10s %10s %10s %10s %10s %10s %10s\n' "$op" "$c" "$cpp" "$be" "$buf" \
    "$(ratio "$be" "$c")" "$(ratio "$buf" "$c")" "$(ratio "$buf" "$cpp")"
done
echo "what the language costs (ns): one object's life $(value floor_object), one lock + unlock $(value floor_lock), one atomic add + subtract $(value floor_atomic_pair)"
echo "mmap + munmap of 1 MiB (ns): in the C++ program $(value c_floor_mmap_1MiB), in AlveoBench $(value floor_mmap_1MiB)"
