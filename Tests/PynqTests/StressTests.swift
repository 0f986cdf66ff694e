import PynqBackend
import PynqMock
import Testing
import TestSupport
@testable import Pynq

/// 8 concurrent tasks, 100,000 operations in all: allocate in either used bank, slice (write through
/// the slice and sync its range), free explicitly, drop references (release in deinit), and hand
/// buffers to other tasks through a shared pool so that buffers are freed on threads that did not
/// allocate them. Every bank must end empty. Run under ThreadSanitizer with
/// `swift test --sanitize=thread --filter Stress` (see BENCHMARKS.md).
@Suite("Stress")
struct StressTests {
    static let tasks = 8
    static let operationsPerTask = 12_500

    @Test func concurrentAllocateSliceFree() async throws {
        let ol = try kernelOptOverlay()
        let banks = [try ol.memory("bank1"), try ol.memory("bank2")]
        let shared = Shared()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<Self.tasks {
                group.addTask {
                    var rng = SplitMix(seed: UInt64(task) &* 0x9E37_79B9 &+ 1)
                    var mine: [PynqBuffer] = []
                    var local = (allocated: 0, sliced: 0, freed: 0)
                    for _ in 0..<Self.operationsPerTask {
                        switch rng.next() % 8 {
                        case 0, 1, 2:
                            let count = Int(rng.next() % 4096) + 1
                            let bank = banks[Int(rng.next() % 2)]
                            mine.append(try bank.allocate(shape: [count], dtype: "u4", cacheable: rng.next() % 2 == 0))
                            local.allocated += 1
                        case 3, 4:
                            guard let buffer = mine.randomElement(using: &rng) else { continue }
                            let lower = Int(rng.next() % UInt64(buffer.count))
                            let slice = buffer[lower..<buffer.count]
                            slice[0, as: UInt32.self] = UInt32(truncatingIfNeeded: lower)
                            try slice.flush()
                            #expect(buffer[lower, as: UInt32.self] == UInt32(truncatingIfNeeded: lower))
                            #expect(slice.deviceAddress == buffer.deviceAddress + UInt64(lower * 4))
                            local.sliced += 1
                        case 5:
                            guard !mine.isEmpty else { continue }
                            mine.swapAt(Int(rng.next() % UInt64(mine.count)), mine.count - 1)
                            mine.removeLast().free()
                            local.freed += 1
                        case 6:
                            // Hand one over, or take one from another task and drop it (released in deinit).
                            if let buffer = mine.popLast(), rng.next() % 2 == 0 {
                                shared.pool.withLock { $0.append(buffer) }
                            } else {
                                _ = shared.pool.withLock { $0.popLast() }
                                local.freed += 1
                            }
                        default:
                            // Keep only a slice of a buffer: the memory stays until the slice goes.
                            guard let buffer = mine.popLast() else { continue }
                            let tail = buffer[(buffer.count / 2)...]
                            try tail.invalidate()
                            local.sliced += 1
                        }
                    }
                    for buffer in mine { buffer.free() }
                    shared.counts.withLock {
                        $0.allocated += local.allocated
                        $0.sliced += local.sliced
                        $0.freed += local.freed
                    }
                }
            }
            try await group.waitForAll()
        }
        shared.pool.withLock { $0.removeAll() }
        let totals = shared.counts.withLock { $0 }
        #expect(totals.allocated > 30_000)
        #expect(totals.sliced > 20_000)
        #expect(totals.freed > 10_000)
        for bank in banks {
            #expect(try bank.memUsed == 0, "bank \(bank.tag)")
            #expect(try bank.numBuffers == 0, "bank \(bank.tag)")
        }
        try ol.free()
    }
}

/// State the stress tasks share.
private final class Shared: Sendable {
    let pool = Locked<[PynqBuffer]>([])
    let counts = Locked((allocated: 0, sliced: 0, freed: 0))
}
