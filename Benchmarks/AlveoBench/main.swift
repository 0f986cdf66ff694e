// Alveo benchmarks (BENCHMARKS.md): what swift-pynq's layers cost on top of XRT's C API, measured on
// XRT's device with the same method as Benchmarks/xrt-baseline/xrt_baseline.cpp (median over rounds
// of the time per call in batches of 1000). Run with scripts/bench-alveo.sh (release build, no-op
// device). Prints one line per measurement: <name> <median ns per operation>.
//   backend_*: AlveoBackend.allocate (xrtBOAlloc + xrtBOMap + xrtBOAddress) + release (xrtBOFree)
//   public_*:  the public API: allocate(shape:dtype: .uint8, target: ol.memory("bank0")) + PynqBuffer.free()
//   *_sync_*:  BackendAllocation.sync / PynqBuffer.flush() of the whole 4 KiB buffer (xrtBOSync)
//   floor_*:   what the language itself costs, for reading the ratios: the life of one Swift object
//              that keeps a reference to its owner (what any buffer type with a deinit costs at the
//              least), one uncontended Mutex lock + unlock, one atomic add + subtract pair, and
//              mmap of 1 MiB of anonymous memory, a write to its first byte, munmap, in this process
//              (what XRT's no-op layer and malloc do for a 1 MiB buffer; the C++ baseline measures
//              the same in its process).
import BenchSupport
import Foundation
import Pynq
import PynqAlveo
import PynqBackend
import PynqXclbin
import Synchronization

/// Shaped like the smallest buffer object: a host address, a size, a reference to what owns it.
final class FloorObject {
    let owner: AnyObject
    let address: UnsafeMutableRawPointer?
    let size: Int
    init(owner: AnyObject, address: UnsafeMutableRawPointer?, size: Int) {
        self.owner = owner
        self.address = address
        self.size = size
    }
}
final class FloorOwner: Sendable { let counter = Atomic<Int>(0); let lock = Mutex<Int>(0) }
/// Where each object goes, so that the optimiser cannot keep it on the stack.
nonisolated(unsafe) var floorSink: FloorObject?

/// The `floor_*` lines. A function of its own: a closure written in top-level code is isolated to the
/// main actor, and the lock's closure would then check that isolation (`swift_task_isCurrentExecutor`)
/// on every call, tripling the lock's cost.
func measureFloor(rounds: Int, batch: Int) {
    let floorOwner = FloorOwner()
    report("floor_object", medianNanoseconds(rounds: rounds, batch: batch * 10) {
        floorSink = FloorObject(owner: floorOwner, address: nil, size: 4096)
        floorSink = nil
    })
    report("floor_lock", medianNanoseconds(rounds: rounds, batch: batch * 10) {
        floorOwner.lock.withLock { $0 += 1 }
    })
    report("floor_atomic_pair", medianNanoseconds(rounds: rounds, batch: batch * 10) {
        floorOwner.counter.add(1, ordering: .relaxed)
        floorOwner.counter.subtract(1, ordering: .relaxed)
    })
    report("floor_mmap_1MiB", medianNanoseconds(rounds: rounds, batch: batch) {
        let memory = mmap(nil, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        precondition(memory != MAP_FAILED, "mmap of 1 MiB failed")
        memory!.storeBytes(of: 1, as: UInt8.self)
        munmap(memory, 1 << 20)
    })
}

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: AlveoBench FILE.xclbin [rounds]\n".utf8))
    exit(2)
}
let rounds = arguments.count > 2 ? Int(arguments[2]) ?? 41 : 41
let batch = 1000

do {
    let path = arguments[1]
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    let description = try Xclbin.read(bytes: bytes, source: path).overlayDescription()
    let backend = try AlveoBackend(index: 0)
    try backend.download(OverlayImage(description: description, path: path, bytes: bytes))
    let memory = 0

    for (size, label) in [(4096, "4KiB"), (1 << 20, "1MiB")] {
        report("backend_alloc_map_free_\(label)", try medianNanoseconds(rounds: rounds, batch: batch) {
            try backend.allocate(byteCount: size, memory: memory, cacheable: false).release()
        })
    }
    let allocation = try backend.allocate(byteCount: 4096, memory: memory, cacheable: false)
    report("backend_sync_4KiB", try medianNanoseconds(rounds: rounds, batch: batch * 10) {
        try allocation.sync(.toDevice, offset: 0, length: 4096)
    })
    allocation.release()
    backend.close()

    // The public API, on a device of its own.
    let ol = try Overlay(path, device: Device(backend: try AlveoBackend(index: 0)))
    let bank = try ol.memory("bank0")
    for (size, label) in [(4096, "4KiB"), (1 << 20, "1MiB")] {
        report("public_alloc_map_free_\(label)", try medianNanoseconds(rounds: rounds, batch: batch) {
            try allocate(shape: [size], dtype: .uint8, target: bank).free()
        })
    }
    let buffer = try allocate(shape: [4096], dtype: .uint8, target: bank)
    report("public_sync_4KiB", try medianNanoseconds(rounds: rounds, batch: batch * 10) { try buffer.flush() })
    buffer.free()
    try ol.free()

    measureFloor(rounds: rounds, batch: batch)
} catch {
    FileHandle.standardError.write(Data("AlveoBench: \(error)\n".utf8))
    exit(1)
}
