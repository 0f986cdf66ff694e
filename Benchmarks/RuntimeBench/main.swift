// Runtime (Mock) benchmarks: allocate+free of 4 KiB at 10 … 100,000 live buffers (public API and the
// backend alone), parsing dtype strings, and fill / copy of a 64 MiB buffer through the public API against memset / memcpy
// on the same memory in the same run. Build in release:
//
//   swift build -c release --product RuntimeBench && .build/release/RuntimeBench
//
// Output: one line per measurement (median of `--runs` repetitions, default 7). Fill and copy run
// the baseline and our call alternately and report the median of the per-run ratios.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import BenchSupport
import Pynq
import PynqBackend
import PynqMock

let runs = intOption("--runs", default: 7)
let clock = ContinuousClock()
func measure(_ body: () throws -> Void) rethrows -> Double { median(try timeRuns(runs, body)) }

func loadedOverlay() throws -> (Overlay, MockBackend) {
    let backend = MockBackend()
    let image = OverlayImage(description: MockOverlays.kernelOpt(), path: "kernel_opt.xclbin", bytes: [])
    return (try Overlay(image: image, device: Device(backend: backend)), backend)
}

// MARK: allocate + free of 4 KiB

print("allocate+free of 4 KiB (ns per pair, median of \(runs) runs of 100000 pairs)")
print("live buffers\tpublic API\tbackend only\tfree blocks")
let pairs = 100_000
for live in [10, 100, 1_000, 10_000, 100_000] {
    let (ol, backend) = try loadedOverlay()
    let bank = try ol.memory("bank1")
    // 2×live buffers, every other one freed: `live` live buffers with `live` holes between them.
    var all: [PynqBuffer] = []
    for _ in 0..<(2 * live) { all.append(try bank.allocate(shape: [1024], dtype: .uint32)) }
    var kept: [PynqBuffer] = []
    for (i, buffer) in all.enumerated() { if i % 2 == 0 { buffer.free() } else { kept.append(buffer) } }
    all.removeAll()
    let api = try measure {
        for _ in 0..<pairs { try bank.allocate(shape: [1024], dtype: .uint32).free() }
    }
    let raw = try measure {
        for _ in 0..<pairs { try backend.allocateMock(byteCount: 4096, memory: 1).release() }
    }
    let holes = try backend.usage(memory: 1).numBuffers
    precondition(holes == live)
    print("\(live)\t\(format(api / Double(pairs) * 1e9, 0))\t\(format(raw / Double(pairs) * 1e9, 0))\t\(live)")
    for buffer in kept { buffer.free() }
    let used = try bank.memUsed
    precondition(used == 0)
    try ol.free()
}

// MARK: dtype strings

print("")
print("DType(string), ns per parse (median of \(runs) runs of 1000000)")
for text in ["u4", "<f8", "uint32", " u4 "] {
    let strings = [String](repeating: text, count: 16)
    var sizes = 0
    let time = median(try timeRuns(runs) {
        for i in 0..<1_000_000 { sizes &+= try DType(strings[i & 15]).itemSize }
    })
    precondition(sizes > 0)
    print("\"\(text)\"\t\(format(time / 1e6 * 1e9, 1))")
}

// MARK: fill and copy of 64 MiB

let size = 64 << 20
let (ol, _) = try loadedOverlay()
let a = try allocate(shape: [size / 4], dtype: "u4", target: ol.memory("bank1"))
let b = try allocate(shape: [size / 4], dtype: "u4", target: ol.memory("bank1"))
let aBase = try a.withUnsafeMutableBytes { $0.baseAddress! }
let bBase = try b.withUnsafeMutableBytes { $0.baseAddress! }
// Touch every page once so no measurement pays for page faults.
memset(aBase, 1, size)
memset(bBase, 2, size)
let gib = Double(size) / Double(1 << 30)

print("")
print("64 MiB, GiB/s (medians of \(runs) interleaved runs)\tpublic API\tbaseline\tratio")
/// Times `baseline` and `api` alternately `runs` times; prints median bandwidths and the median of the
/// per-run ratios (robust when other processes share the CPU).
func compare(_ label: String, baseline: () -> Void, api: () throws -> Void) throws {
    var base: [Double] = [], ours: [Double] = [], ratios: [Double] = []
    for _ in 0..<runs {
        var start = clock.now
        baseline()
        let b = seconds(clock.now - start)
        start = clock.now
        try api()
        let o = seconds(clock.now - start)
        base.append(b)
        ours.append(o)
        ratios.append(b / o)
    }
    print("\(label)\t\(format(gib / median(ours)))\t\(format(gib / median(base)))\t\(format(median(ratios)))")
}
try compare("fill(0) vs memset", baseline: { memset(aBase, 0, size) }, api: { try a.fill(UInt32(0)) })
try compare("fill(0xDEADBEEF) vs memset", baseline: { memset(aBase, 0xAB, size) }, api: { try a.fill(UInt32(0xDEAD_BEEF)) })
try compare("copy(from: buffer) vs memcpy", baseline: { memcpy(aBase, bBase, size) }, api: { try a.copy(from: b) })
let array = [UInt32](repeating: 7, count: size / 4)
try compare("copy(from: [UInt32]) vs memcpy", baseline: { array.withUnsafeBytes { _ = memcpy(aBase, $0.baseAddress!, size) } },
            api: { try a.copy(from: array) })
a.free()
b.free()
try ol.free()
