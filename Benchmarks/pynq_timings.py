#!/usr/bin/env python3
"""Times the real Python pynq's metadata parsers on overlay files (in-process, median of repeated runs).

Usage: pynq_timings.py [--runs N] FILE...     (in a venv with pynq==4.0.0; see scripts/bench-vs-pynq.sh)
Output: one tab-separated line per file: name, what was timed, runs, median ms, minimum ms.
  .xclbin  pynq.pl_server.xclbin_parser.XclBin(filename), and on a second line (name + " [bytes]")
           XclBin(xclbin_data=bytearray(data)): the file's bytes already in memory, as swift-pynq's
           benchmark gets them (reading the file costs pynq a few microseconds)
  .hwh     pynqmetadata Metadata(input=hwh) -> RuntimeMetadataParser (pynq >= 3's Overlay path);
           a file where it fails (a partial/DFX hwh) is reported as "fails" with the error
  .bit     pynq.pl_server.embedded_device.parse_bit_header(bytes)
"""
import statistics
import sys
import time
from pathlib import Path


def timed(fn, runs):
    fn()  # warm-up (imports, caches)
    ts = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        ts.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(ts), min(ts)


def main(argv):
    runs = 11
    args = argv[1:]
    if "--runs" in args:
        i = args.index("--runs")
        runs = int(args[i + 1])
        del args[i:i + 2]
    from pynq.pl_server.xclbin_parser import XclBin
    from pynq.pl_server.embedded_device import parse_bit_header
    from pynqmetadata.frontends import Metadata
    from pynqmetadata.views.runtime import RuntimeMetadataParser

    for arg in args:
        path = Path(arg)
        ext = path.suffix.lower()
        if ext == ".xclbin":
            data = path.read_bytes()
            med, low = timed(lambda: XclBin(xclbin_data=bytearray(data)), runs)
            print(f"{path.name} [bytes]\tXclBin(xclbin_data=bytes)\t{runs}\t{med:.4f}\t{low:.4f}", flush=True)
            what, fn = "XclBin(filename)", lambda: XclBin(str(path))
        elif ext == ".hwh":
            what, fn = "RuntimeMetadataParser(Metadata(hwh))", lambda: RuntimeMetadataParser(Metadata(input=path))
        elif ext == ".bit":
            data = path.read_bytes()
            what, fn = "parse_bit_header(bytes)", lambda: parse_bit_header(data)
        else:
            continue
        try:
            med, low = timed(fn, runs)
            print(f"{path.name}\t{what}\t{runs}\t{med:.4f}\t{low:.4f}", flush=True)
        except Exception as e:
            print(f"{path.name}\t{what}\t0\tfails\t{type(e).__name__}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
