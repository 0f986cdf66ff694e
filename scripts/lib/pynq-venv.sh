# Sourced by the scripts that run the real Python pynq beside swift-pynq (benchmarks, differential
# tests). `pynq_venv ROOT` makes ROOT/.venv-bench with pynq==4.0.0 (from PyPI) unless it already
# imports pynq and pynqmetadata, and sets `venv` to its path. Needs python3-venv.
pynq_venv() {
  venv="$1/.venv-bench"
  if ! "$venv/bin/python" -c "import pynq, pynqmetadata" 2>/dev/null; then
    echo "$(basename "$0"): making $venv with pynq==4.0.0" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "pynq==4.0.0"
  fi
}
