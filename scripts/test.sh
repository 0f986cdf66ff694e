#!/usr/bin/env bash
# The project's test command (README): builds and runs every test, including the Alveo backend's tests
# against XRT's no-op device. Run scripts/setup.sh once before.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if [ -d "$root/.xrt/lib" ]; then
  export XILINX_XRT="${XILINX_XRT:-$root/.xrt}"
  export XCL_EMULATION_MODE="${XCL_EMULATION_MODE:-noop}"
fi
exec swift test "$@"
