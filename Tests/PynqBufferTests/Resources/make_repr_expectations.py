#!/usr/bin/env python3
"""Writes repr_expectations.json: numpy's repr of PynqBuffer-like arrays, for NumpyReprTests.swift.

Run once with numpy installed (python3 make_repr_expectations.py); the Swift test only reads the JSON.
numpy >= 2.2 adds `shape=(...)` to summarised reprs; pynq's seed output predates that, so the
expectations use legacy='2.1' (the layout is otherwise unchanged).

Each case: dtype, shape, how the elements are made ("hex": the little-endian bytes, or "arange":
[start, step] computed in float64 as start + i*step then cast), optional "slices" ([axis, start, stop, step]
applied in order, as views), and the expected repr and str (what print(buf) shows).
"""
import json
import os

import numpy as np


class PynqBuffer(np.ndarray):
    pass


np.set_printoptions(legacy="2.1")
rng = np.random.default_rng(20261121)
cases = []


def add(name, array, make, slices=()):
    view = array.view(PynqBuffer)
    for axis, start, stop, step in slices:
        index = [slice(None)] * view.ndim
        index[axis] = slice(start, stop, step)
        view = view[tuple(index)]
    cases.append({
        "name": name, "dtype": array.dtype.str, "shape": list(array.shape), "make": make,
        "slices": [list(s) for s in slices], "repr": repr(view), "str": str(view),
    })


def raw(name, array, slices=()):
    add(name, array, {"hex": array.tobytes().hex()}, slices)


def arange(name, dtype, shape, start, step, slices=()):
    count = int(np.prod(shape))
    values = (start + np.arange(count, dtype=np.float64) * step).astype(dtype).reshape(shape)
    add(name, values, {"arange": [start, step]}, slices)


# The seed and the allocate document.
arange("seed zeros u4 1024x1024", "u4", (1024, 1024), 0, 0)
arange("range(5) u4", "u4", (5,), 0, 1)

# Integers of every size, signed with negatives, small and wrapped.
for dtype in ["u1", "u2", "u4", "u8", "i1", "i2", "i4", "i8"]:
    info = np.iinfo(dtype)
    small = rng.integers(info.min, info.max, size=7, dtype=dtype, endpoint=True)
    raw(f"{dtype} random 7", small)
    raw(f"{dtype} random 3x5", rng.integers(info.min, info.max, size=(3, 5), dtype=dtype, endpoint=True))
    raw(f"{dtype} small 40", rng.integers(max(info.min, -50), 50, size=40, dtype=dtype, endpoint=True))
    raw(f"{dtype} extremes", np.array([info.min, info.max, 0, 1], dtype=dtype))
raw("i4 mixed widths 2x37", rng.integers(-10**6, 10**6, size=(2, 37), dtype="i4"))
raw("u1 wraps 120", rng.integers(0, 255, size=120, dtype="u1"))
arange("i8 long 1-d 1001 summarised", "i8", (1001,), -500, 1)
arange("u4 1000 not summarised", "u4", (1000,), 0, 1)
arange("u2 2-d 6x7", "u2", (6, 7), 0, 3)
arange("i4 3-d 2x3x4", "i4", (2, 3, 4), -12, 1)
arange("i2 4-d 2x2x2x3", "i2", (2, 2, 2, 3), -10, 1)
arange("u4 3-d summarised 10x10x20", "u4", (10, 10, 20), 0, 7)
arange("i8 4-d summarised 8x8x8x8", "i8", (8, 8, 8, 8), -2048, 1)
arange("u1 2-d summarised 40x40", "u1", (40, 40), 0, 0)
arange("u8 2-d summarised 7x200", "u8", (7, 200), 10**15, 12345)
arange("i4 rows of 1", "i4", (5, 1), 0, 1)
arange("i4 column of 1x5", "i4", (1, 5), 0, 1)
arange("u4 dtype on the next line", "u4", (13,), 1000000, 1)
arange("u4 dtype on the next line 2-d", "u4", (2, 12), 1000000, 1)

# Views: strided, rows, empty.
arange("u4 view rows 2..5 of 8x8", "u4", (8, 8), 0, 1, slices=[(0, 2, 5, 1)])
arange("u4 view columns step 3", "u4", (8, 10), 0, 1, slices=[(1, 1, 10, 3)])
arange("i2 view summarised step 2", "i2", (64, 64), -2048, 1, slices=[(0, 0, 64, 2), (1, 1, 64, 2)])
arange("u4 empty view", "u4", (6,), 0, 1, slices=[(0, 3, 3, 1)])
arange("u4 empty 2-d view", "u4", (4, 3), 0, 1, slices=[(0, 2, 2, 1)])
arange("f8 empty view", "f8", (4,), 0, 1, slices=[(0, 1, 1, 1)])

# Bools.
raw("bool 7", rng.integers(0, 2, size=7).astype("?"))
raw("bool 3x3", rng.integers(0, 2, size=(3, 3)).astype("?"))
raw("bool all false 2x2", np.zeros((2, 2), dtype="?"))
raw("bool all true 20", np.ones(20, dtype="?"))
raw("bool summarised 1200", rng.integers(0, 2, size=1200).astype("?"))

# Floats: positional, scientific, padding, rounding, non-finite; float64 (no dtype), float32, float16.
for dtype in ["f8", "f4", "f2"]:
    raw(f"{dtype} simple", np.array([0.0, 1.5, -2.25, 100.0], dtype=dtype))
    raw(f"{dtype} zeros", np.zeros(4, dtype=dtype))
    raw(f"{dtype} ones 2x2", np.ones((2, 2), dtype=dtype))
    raw(f"{dtype} negative zero", np.array([-0.0, 0.0, 1.0], dtype=dtype))
    raw(f"{dtype} thirds", (np.arange(1, 7, dtype=np.float64) / 3).astype(dtype))
    raw(f"{dtype} tenths", (np.arange(10, dtype=np.float64) / 10).astype(dtype))
    raw(f"{dtype} normal 12", rng.standard_normal(12).astype(dtype))
    raw(f"{dtype} normal 3x4", rng.standard_normal((3, 4)).astype(dtype))
    raw(f"{dtype} non-finite", np.array([np.nan, np.inf, -np.inf, 1.0], dtype=dtype))
    raw(f"{dtype} only non-finite", np.array([np.nan, np.inf], dtype=dtype))
    raw(f"{dtype} nan and -inf", np.array([np.nan, -np.inf], dtype=dtype))
    raw(f"{dtype} small 1e-5", np.array([1e-5, 1.0], dtype=dtype))
    raw(f"{dtype} ratio over 1000", np.array([0.5, 1000.5], dtype=dtype))
    raw(f"{dtype} ratio 1000", np.array([1.0, 1000.0], dtype=dtype))
    raw(f"{dtype} scientific mixed", np.array([1.5e-3, -2.0, 3.25e2, 1e4], dtype=dtype))
    raw(f"{dtype} scientific with nan", np.array([1e-5, np.nan, -np.inf], dtype=dtype))
    arange(f"{dtype} summarised 2-d 40x40", dtype, (40, 40), -3, 0.25)
    arange(f"{dtype} wrapped 1-d 30", dtype, (30,), 0.125, 1.75)
raw("f8 large 1e8", np.array([1e8, 1.0]))
raw("f8 huge", np.array([1e20, -3.5e300, 2.0]))
raw("f8 tiny", np.array([1e-300, 5e-324, 1.0]))
raw("f8 exponent 3 digits", np.array([1e-100, 1.0]))
raw("f8 long digits", np.array([0.123456789012, 1.0]))
raw("f8 rounding at 8 digits", np.array([0.123456785, 2.0000000049, 1.0 / 7]))
raw("f8 positional 1e7", np.array([12345678.5, 20000.25]))
raw("f8 pi e", np.array([np.pi, np.e, -np.pi * 100]))
raw("f8 normal 1e6 scale 2x6", rng.standard_normal((2, 6)) * 1e6)
raw("f8 uniform tiny 10", rng.uniform(0, 1e-3, 10))
raw("f4 uniform 1e-4 edge", np.array([0.0001, 0.5], dtype="f4"))
raw("f8 uniform 1e-4 edge", np.array([0.0001, 0.5]))
raw("f4 large", np.array([3.0e38, -1.0, 16777217.0], dtype="f4"))
raw("f2 extremes", np.array([65504.0, 6.1e-5, 6e-8, -1.0], dtype="f2"))
raw("f8 3-d 2x2x3", rng.standard_normal((2, 2, 3)))
raw("f4 4-d 2x1x2x2", rng.standard_normal((2, 1, 2, 2)).astype("f4"))
arange("f8 summarised 1-d 2000", "f8", (2000,), 0, 0.001)
arange("f4 summarised scientific 1100", "f4", (1100,), 1e-6, 1e3)

raw("f4 scientific min digits", np.array([0.1, 1.2345678e-5, 3.0], dtype="f4"))
raw("f4 scientific 0.1 and 1e9", np.array([0.1, 1e9], dtype="f4"))
raw("f8 scientific wrapped 20", rng.standard_normal(20) * 10.0 ** rng.integers(-12, 12, 20))

# Random floats of random scales and sizes (1 to 4 axes), mixed with integers-valued and non-finite ones.
for number in range(60):
    dtype = ["f8", "f4", "f2"][number % 3]
    rank = 1 + number % 4
    shape = tuple(int(x) for x in rng.integers(1, 5 if rank > 1 else 12, rank))
    scale = 10.0 ** rng.integers(-6, 7)
    values = rng.standard_normal(shape) * scale
    if number % 5 == 0:
        values = np.round(values)
    if number % 7 == 0:
        values.flat[0] = np.nan
    raw(f"{dtype} random {number} shape {shape} scale {scale:g}", values.astype(dtype))

# Random integers of random shapes; large random shapes (summarised) from aranges.
int_types = ["u1", "u2", "u4", "u8", "i1", "i2", "i4", "i8"]
for number in range(24):
    dtype = int_types[number % 8]
    rank = 1 + number % 4
    shape = tuple(int(x) for x in rng.integers(1, 6 if rank > 1 else 40, rank))
    info = np.iinfo(dtype)
    high = min(info.max, 10 ** int(rng.integers(1, 19)))
    low = max(info.min, -high)
    raw(f"{dtype} random {number} shape {shape}", rng.integers(low, high, size=shape, dtype=dtype, endpoint=True))
for number in range(12):
    dtype = int_types[number % 8]
    rank = 1 + number % 4
    shape = tuple(int(x) for x in rng.integers(2, 3000 if rank == 1 else (60 if rank == 2 else 14), rank))
    step = [1, 3, 7, 1001][number % 4]
    start = 0 if dtype.startswith("u") else -(step * int(np.prod(shape)) // 2)
    if np.prod(shape) * step + abs(start) < np.iinfo(dtype).max:
        arange(f"{dtype} arange {number} shape {shape}", dtype, shape, start, step)

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "repr_expectations.json")
with open(out, "w") as f:
    json.dump({"numpy": np.__version__, "cases": cases}, f, indent=1)
    f.write("\n")
print(f"{len(cases)} cases -> {out}")
