"""Times pynq 4.0.0's MMIO.read / MMIO.write and a RegisterMap field write on a numpy-backed
mapping (an anonymous shared mmap viewed as uint32, which is what pynq's EmbeddedDevice.mmap returns
for /dev/mem). Prints one tab-separated line per operation: name, median ns/op, min ns/op, runs —
the same format as IPBench. Used by scripts/bench-mmio-vs-pynq.sh."""
import argparse
import mmap
import timeit

import numpy as np
from pynq.mmio import MMIO
from pynq.registers import RegisterMap


class MappedDevice:
    """The two things pynq's MMIO asks of a memory-mapped device."""

    def has_capability(self, capability):
        return capability == "MEMORY_MAPPED"

    def mmap(self, base_addr, length):
        self.mapping = mmap.mmap(-1, length)
        return np.frombuffer(self.mapping, np.uint32, length >> 2, 0)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--iterations", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    mmio = MMIO(0x80000000, 0x10000, device=MappedDevice())
    registers = {
        "ISR": {"address_offset": 0x00, "size": 32, "access": "read-write", "description": "", "fields": {}},
        "IER": {"address_offset": 0x08, "size": 32, "access": "read-write", "description": "", "fields": {}},
        "MER": {"address_offset": 0x1C, "size": 2, "access": "read-write", "description": "", "fields": {
            "ME": {"bit_offset": 0, "bit_width": 1, "access": "read-write", "description": ""},
            "HIE": {"bit_offset": 1, "bit_width": 1, "access": "read-write", "description": ""}}},
    }
    register_map = RegisterMap.create_subclass("axi_intc_0", registers)(mmio.array)

    def read_loop(n):
        read = mmio.read
        for i in range(n):
            read((i & 7) << 2)

    def write_loop(n):
        write = mmio.write
        for i in range(n):
            write((i & 7) << 2, i)

    def field_loop(n):
        for i in range(n):
            register_map.MER.ME = i & 1

    def loop_overhead(n):
        for i in range(n):
            (i & 7) << 2

    for name, body in [("MMIO.read(offset)", read_loop), ("MMIO.write(offset, int)", write_loop),
                       ("register_map.MER.ME = v", field_loop), ("(empty loop)", loop_overhead)]:
        body(args.iterations // 10)
        samples = sorted(timeit.timeit(lambda: body(args.iterations), number=1) / args.iterations * 1e9
                         for _ in range(args.runs))
        print(f"{name}\t{samples[len(samples) // 2]:.2f}\t{samples[0]:.2f}\t{args.runs}")


if __name__ == "__main__":
    main()
