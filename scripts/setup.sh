#!/usr/bin/env bash
# Prepares a fresh Debian 12 machine for building and testing swift-pynq. Idempotent; run as root
# (or with sudo available). Installs XRT (with its no-op device layer), libudev and the tools the
# benchmarks use, and lays out the XILINX_XRT folder that XRT's no-op device needs.
set -euo pipefail

packages=(libxrt-dev libxrt1 libxrt-utils libudev-dev pkg-config python3 python3-venv g++ valgrind hyperfine)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# XRT searches its device layers (libxrt_noop.so.2 …) in $XILINX_XRT/lib. Debian installs them in the
# multiarch folder, so we give XRT a folder whose lib/ points there. scripts/test.sh exports it.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
xrt_home="$root/.xrt"
multiarch="$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)"
mkdir -p "$xrt_home"
ln -sfn "/usr/lib/$multiarch" "$xrt_home/lib"
echo "setup: XILINX_XRT folder ready at $xrt_home (lib -> /usr/lib/$multiarch)"
echo "setup: done"
