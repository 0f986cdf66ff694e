import PynqBackend
import Testing
@testable import Pynq

@Suite struct PynqBufferLifetimeTests {
    @Test func freeIsIdempotentAndReleasesOnce() throws {
        let (buf, allocation) = try makeBuffer([16])
        #expect(!buf.isFreed)
        buf.free()
        #expect(buf.isFreed)
        #expect(allocation.releases == 1)
        buf.free()
        buf.free()
        #expect(allocation.releases == 1)
    }

    @Test func deinitReleasesOnceAndNotAfterFree() throws {
        let allocation = TestAllocation(byteCount: 64)
        do {
            let buf = try PynqBuffer(allocation: allocation, shape: [16], dtype: .uint32)
            buf[0] = 1
            #expect(allocation.releases == 0)
        }
        #expect(allocation.releases == 1)
        let second = TestAllocation(byteCount: 64)
        do {
            let buf = try PynqBuffer(allocation: second, shape: [16], dtype: .uint32)
            buf.free()
        }
        #expect(second.releases == 1)
    }

    @Test func slicesKeepTheMemoryAlive() throws {
        let allocation = TestAllocation(byteCount: 64)
        var slice: PynqBuffer?
        do {
            let buf = try PynqBuffer(allocation: allocation, shape: [16], dtype: .uint32)
            try buf.assign(UInt32(0)..<16)
            slice = buf[4..<8]
        }
        #expect(allocation.releases == 0)
        #expect(try slice?.toArray(of: UInt32.self) == [4, 5, 6, 7])
        slice = nil
        #expect(allocation.releases == 1)
    }

    @Test func freeOnTheBaseFreesEveryView() throws {
        let (buf, allocation) = try makeBuffer([4, 4])
        let row = buf[row: 1]
        let typed = try buf.typed(UInt32.self)
        buf.free()
        #expect(row.isFreed)
        #expect(allocation.releases == 1)
        row.free()
        #expect(allocation.releases == 1)
        // Every throwing access reports the use after free.
        #expect(throws: PynqBufferError.freed) { try row.element(at: [0]) }
        #expect(throws: PynqBufferError.freed) { try buf.setElement(1, at: [0, 0]) }
        #expect(throws: PynqBufferError.freed) { try buf.fill(0) }
        #expect(throws: PynqBufferError.freed) { try buf.copy(from: [UInt32](repeating: 0, count: 16)) }
        #expect(throws: PynqBufferError.freed) { try buf.toArray() }
        #expect(throws: PynqBufferError.freed) { try buf.bytes() }
        #expect(throws: PynqBufferError.freed) { try typed.toArray() }
        #expect(throws: PynqBufferError.freed) { try buf.flush() }
        #expect(throws: PynqBufferError.freed) { try row.invalidate() }
        #expect(throws: PynqBufferError.freed) { try buf.withUnsafeBytes { $0.count } }
        #expect(throws: PynqBufferError.freed) { try buf.withUnsafeMutableBufferPointer(as: UInt32.self) { $0.count } }
        #expect(allocation.syncs.isEmpty)
        #expect(buf.description == "PynqBuffer(<freed>, dtype=uint32)")
        #expect(buf.arrayDescription == "<freed>")
        // Slicing a freed buffer is allowed (no memory is touched); using the slice is not.
        #expect(throws: PynqBufferError.freed) { try buf[0..<2].toArray() }
    }

    @Test func freeWaitsForAnOperationInProgress() throws {
        let (buf, allocation) = try makeBuffer([16])
        try buf.withUnsafeMutableBytes { bytes in
            buf.free()
            // Still mapped while the closure runs; released right after it.
            #expect(allocation.releases == 0)
            bytes.storeBytes(of: 1, as: UInt32.self)
        }
        #expect(allocation.releases == 1)
    }

    @Test func concurrentFreeAndDeinitReleaseExactlyOnce() async throws {
        var allocations = [TestAllocation]()
        var buffers = [PynqBuffer]()
        for _ in 0..<200 {
            let (buf, allocation) = try makeBuffer([64])
            allocations.append(allocation)
            buffers.append(buf)
        }
        let shared = buffers
        buffers = []
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for (index, buf) in shared.enumerated() {
                        let view = buf[(task % 4)..<(task % 4 + 8)]
                        _ = try? view.fill(UInt32(task))
                        _ = try? view.flush()
                        if index % 8 == task { buf.free() }
                        if (index + task) % 3 == 0 { view.free() }
                    }
                }
            }
        }
        #expect(allocations.allSatisfy { $0.releases == 1 })
        for allocation in allocations {
            #expect(allocation.syncs.allSatisfy { $0.length == 32 })
        }
    }
}

@Suite struct PynqBufferStressTests {
    /// 8 tasks × 12,500 operations: allocate, slice, fill, sync, free (on the base or a view) or just drop,
    /// while the other tasks free and use the same buffers through a shared pool. Every allocation is
    /// released exactly once and nothing is released while a bulk operation holds it (run under
    /// `swift test --sanitize=thread` too).
    @Test func concurrentAllocateSliceFreeReleasesEachAllocationOnce() async throws {
        let tasks = 8, operationsPerTask = 12_500
        let pool = try (0..<64).map { _ in try makeBuffer([64], .uint32) }
        let shared = pool.map(\.0)
        let created = await withTaskGroup(of: [TestAllocation].self) { group in
            for task in 0..<tasks {
                group.addTask {
                    var mine = [TestAllocation]()
                    var generator = SystemRandomNumberGenerator()
                    for operation in 0..<operationsPerTask {
                        let choice = Int.random(in: 0..<6, using: &generator)
                        if choice < 4 {
                            guard let (buf, allocation) = try? makeBuffer([16 + operation % 48], .uint32) else { continue }
                            mine.append(allocation)
                            let view = buf[(operation % 8)..<(operation % 8 + 8)]
                            _ = try? view.fill(UInt32(task))
                            _ = try? view.flush()
                            switch choice {
                            case 0: buf.free()
                            case 1: view.free()
                            case 2: buf.free(); view.free()
                            default: break  // released when the last view goes
                            }
                        } else {
                            let buf = shared[Int.random(in: 0..<shared.count, using: &generator)]
                            if choice == 4 {
                                _ = try? buf[2..<10].copy(from: [UInt32](repeating: 7, count: 8))
                                _ = try? buf.invalidate()
                            } else if operation % 97 == 0 {
                                buf.free()
                            }
                        }
                    }
                    return mine
                }
            }
            var all = [TestAllocation]()
            for await allocations in group { all += allocations }
            return all
        }
        #expect(created.count > tasks * operationsPerTask / 2)
        #expect(created.allSatisfy { $0.releases == 1 })
        let sharedAllocations = pool.map(\.1)
        for buf in shared { buf.free() }
        #expect(sharedAllocations.allSatisfy { $0.releases == 1 })
    }
}

@Suite struct PynqBufferSliceTests {
    @Test func slicesShareMemoryAndCarryTheirOwnAddress() throws {
        let (buf, allocation) = try makeBuffer([1024], .uint32, deviceAddress: 0x8000_0000)
        let head = buf[0..<64]
        let middle = buf[100..<200]
        #expect(head.shape == [64])
        #expect(middle.deviceAddress == 0x8000_0000 + 400)
        #expect(middle.physicalAddress == middle.deviceAddress)
        #expect(middle.byteOffset == 400)
        #expect(middle.virtualAddress == UInt(bitPattern: allocation.hostAddress) + 400)
        #expect(middle.sharesMemory(with: buf))
        middle[0] = 42
        #expect(buf[100] == 42)
        #expect(buf[..<10].count == 10)
        #expect(buf[1020...].count == 4)
        #expect(buf[...].shape == [1024])
        #expect(throws: PynqBufferError.sliceOutOfRange(axis: 0, lower: 1000, upper: 1025, extent: 1024)) {
            try buf.slice(axis: 0, 1000..<1025)
        }
        #expect(throws: PynqBufferError.self) { try buf.slice(axis: 1, 0..<1) }
        #expect(throws: PynqBufferError.self) { try buf.slice(axis: 0, 0..<4, step: 0) }
    }

    @Test func rowsColumnsStepsAndReshape() throws {
        let (buf, _) = try makeBuffer([4, 6], .uint16)
        try buf.assign(UInt16(0)..<24)
        let row = buf[row: 2]
        #expect(row.shape == [6])
        #expect(row.byteOffset == 24)
        #expect(try row.toArray(of: UInt16.self) == [12, 13, 14, 15, 16, 17])
        let block = buf[1..<3, 2..<5]
        #expect(block.shape == [2, 3])
        #expect(block.strides == [12, 2])
        #expect(!block.isContiguous)
        #expect(try block.toArray(of: UInt16.self) == [8, 9, 10, 14, 15, 16])
        let column = try buf.index(axis: 1, 4)
        #expect(try column.toArray(of: UInt16.self) == [4, 10, 16, 22])
        let stepped = try buf.slice(axis: 1, 0..<6, step: 2)
        #expect(stepped.shape == [4, 3])
        #expect(stepped.strides == [12, 4])
        #expect(try stepped.toArray(of: UInt16.self) == [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22])
        try block.fill(7)
        #expect(try buf.toArray(of: UInt16.self)[8...10] == [7, 7, 7])
        #expect(buf[1, 2] == 7)
        #expect(buf[1, 5] == 11)  // outside the block: untouched
        #expect(buf[3, 1] == 19)
        let flat = try buf.reshaped([24])
        #expect(flat.shape == [24])
        #expect(throws: PynqBufferError.self) { try buf.reshaped([5, 5]) }
        #expect(throws: PynqBufferError.notContiguous(shape: [2, 3], strides: [12, 2])) { try block.reshaped([6]) }
        #expect(throws: PynqBufferError.notContiguous(shape: [2, 3], strides: [12, 2])) {
            try block.withUnsafeBytes { $0.count }
        }
    }

    @Test func reinterpretationIsExplicit() throws {
        let (bytes, _) = try makeBuffer([4, 8], .uint8)
        try bytes.assign(UInt8(0)..<32)
        let words = try bytes.reinterpreted(as: UInt32.self)
        #expect(words.shape == [4, 2])
        #expect(words[0, 0] == 0x0302_0100)
        #expect(throws: PynqBufferError.self) { try bytes.slice(axis: 1, 0..<6).reinterpreted(as: DType.uint32) }
        #expect(throws: PynqBufferError.self) { try bytes.slice(axis: 1, 0..<8, step: 2).reinterpreted(as: DType.uint16) }
        let signed = try bytes.reinterpreted(as: DType.int8)
        #expect(signed.shape == [4, 8])
    }

    @Test func syncCoversExactlyTheViewsBytes() throws {
        let (buf, allocation) = try makeBuffer([1024], .uint32)
        try buf.flush()
        try buf[0..<64].syncToDevice()
        try buf[100..<200].invalidate()
        try buf[1023...].syncFromDevice()
        try buf[5..<5].flush()  // empty: nothing to sync
        #expect(allocation.syncs == [
            .init(direction: .toDevice, offset: 0, length: 4096),
            .init(direction: .toDevice, offset: 0, length: 256),
            .init(direction: .fromDevice, offset: 400, length: 400),
            .init(direction: .fromDevice, offset: 4092, length: 4),
        ])
    }

    @Test func stridedViewsSyncTheirCoveringRange() throws {
        let (buf, allocation) = try makeBuffer([8, 16], .uint32)
        let block = buf[2..<4, 3..<7]
        #expect(block.coveredByteRange == (2 * 64 + 12)..<(3 * 64 + 7 * 4))
        try block.flush()
        let column = try buf.index(axis: 1, 5)
        try column.invalidate()
        #expect(allocation.syncs == [
            .init(direction: .toDevice, offset: 140, length: 80),
            .init(direction: .fromDevice, offset: 20, length: 7 * 64 + 4),
        ])
    }

    @Test func coherentBuffersDoNotSync() throws {
        let (buf, allocation) = try makeBuffer([64], coherent: true)
        #expect(buf.coherent)
        #expect(!buf.cacheable)
        try buf.flush()
        try buf.invalidate()
        #expect(allocation.syncs.isEmpty)
    }
}
