#!/usr/bin/env python3
"""Writes seed inputs for FuzzBit into OUT_DIR: the reference .bit's first 64 KiB, and variants of it
with a consistent payload length, a short payload, a header only, odd-length payloads and no 'a' text.

Usage: make_seeds.py REFERENCE.bit OUT_DIR
"""
import struct
import sys
from pathlib import Path

src, out = Path(sys.argv[1]), Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
data = src.read_bytes()
e = data.index(b"e", 13)  # the 'e' key after the text sections
while struct.unpack(">I", data[e + 1:e + 5])[0] + e + 5 != len(data):
    e = data.index(b"e", e + 1)
header = data[:e]


def bit(payload, head=header):
    return head + b"e" + struct.pack(">I", len(payload)) + payload


seeds = {
    "first64k": data[:65536],
    "consistent4k": bit(data[e + 5:e + 5 + 4096]),
    "consistent64": bit(data[e + 5:e + 5 + 64]),
    "odd-payload": bit(data[e + 5:e + 5 + 7]),
    "empty-payload": bit(b""),
    "header-only": header,
    "no-sections": data[:13] + b"e" + struct.pack(">I", 4) + b"\xaa\x99\x55\x66",
}
for name, blob in seeds.items():
    (out / name).write_bytes(blob)
print(f"{len(seeds)} seeds in {out}")
