// IP access benchmark (BENCHMARKS.md, "IP access"): 32-bit MMIO reads and writes and register-map
// field writes through the public API on the Mock device, in nanoseconds per operation.
// Run it in release: scripts/bench-mmio-vs-pynq.sh (which also times pynq 4.0.0 on the same kind of
// mapping), or `swift build -c release --product IPBench && .build/release/IPBench [--iterations N]`.
// Output: one tab-separated line per operation: name, median ns/op, min ns/op, runs.
import Foundation
import Pynq
import PynqBackend
import PynqMetadataCore
import PynqMock

/// `--iterations N` (operations per timed run) and `--runs N` (timed runs; the median is reported).
struct Options {
    var iterations = 20_000_000
    var runs = 7

    init(_ arguments: [String]) {
        var arguments = arguments.makeIterator()
        while let argument = arguments.next() {
            switch argument {
            case "--iterations": iterations = Int(arguments.next() ?? "") ?? iterations
            case "--runs": runs = Int(arguments.next() ?? "") ?? runs
            default:
                print("usage: IPBench [--iterations N] [--runs N]")
                exit(2)
            }
        }
    }
}
let options = Options(Array(CommandLine.arguments.dropFirst()))
let iterations = options.iterations

/// An AXI interrupt controller's registers (as in zcu104_base.hwh): a plain IP, so the Mock maps its
/// registers into host memory as a Zynq board's /dev/mem mapping would.
let intc = IPBlock(
    name: "axi_intc_0", type: "xilinx.com:ip:axi_intc:4.1", baseAddress: 0x8000_0000, addressRange: 0x1_0000,
    registers: [
        Register(name: "ISR", offset: 0x00, sizeInBits: 32, access: .readWrite),
        Register(name: "IER", offset: 0x08, sizeInBits: 32, access: .readWrite),
        Register(name: "MER", offset: 0x1C, sizeInBits: 2, access: .readWrite, fields: [
            RegisterField(name: "ME", bitOffset: 0, bitWidth: 1, access: .readWrite),
            RegisterField(name: "HIE", bitOffset: 1, bitWidth: 1, access: .readWrite),
        ]),
    ])

let description = OverlayDescription(format: .hwh, ips: [intc], memories: [], streams: [], clocks: [], dictionaries: [:])
let device = Device(backend: MockBackend())
let overlay = try Overlay(image: OverlayImage(description: description, path: nil, bytes: []), device: device)
let ip = try overlay.ip("axi_intc_0")
let mmio = try ip.mmio
precondition(mmio.isMemoryMapped, "the Mock should map a plain IP's registers")
let registerMap = try ip.registerMap

@inline(never)
func readLoop(_ mmio: MMIO, _ count: Int) throws -> UInt32 {
    var sum: UInt32 = 0
    for i in 0..<count { sum &+= try mmio.read(UInt32.self, at: (i & 7) << 2) }
    return sum
}

@inline(never)
func writeLoop(_ mmio: MMIO, _ count: Int) throws {
    for i in 0..<count { try mmio.write(UInt32(truncatingIfNeeded: i), at: (i & 7) << 2) }
}

@inline(never)
func fieldWriteLoop(_ map: RegisterMap, _ count: Int) throws {
    for i in 0..<count { try map.MER.ME = UInt64(i & 1) }
}

@inline(never)
func pynqReadLoop(_ ip: DefaultIP, _ count: Int) throws -> UInt32 {
    var sum: UInt32 = 0
    for i in 0..<count { sum &+= try ip.read((i & 7) << 2) }
    return sum
}

/// Median and minimum ns per operation of `body(iterations)` over `runs` runs.
func measure(_ name: String, _ count: Int, runs: Int = options.runs, _ body: (Int) throws -> Void) rethrows {
    try body(count / 10)  // warm up
    var samples: [Double] = []
    let clock = ContinuousClock()
    for _ in 0..<runs {
        let start = clock.now
        try body(count)
        let elapsed = clock.now - start
        let ns = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
        samples.append(ns / Double(count))
    }
    samples.sort()
    print("\(name)\t\(String(format: "%.2f", samples[samples.count / 2]))\t\(String(format: "%.2f", samples[0]))\t\(runs)")
}

var sink: UInt32 = 0
try measure("mmio.read(UInt32.self, at:)", iterations) { sink &+= try readLoop(mmio, $0) }
try measure("mmio.write(UInt32, at:)", iterations) { try writeLoop(mmio, $0) }
try measure("registerMap.MER.ME = v", iterations) { try fieldWriteLoop(registerMap, $0) }
try measure("ip.read(offset) (pynq-style, via ip)", iterations / 10) { sink &+= try pynqReadLoop(ip, $0) }
if sink == 1 { print("") }
