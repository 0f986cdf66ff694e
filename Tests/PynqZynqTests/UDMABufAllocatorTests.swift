import Foundation
import PynqBackend
import Testing
@testable import PynqZynq

/// The u-dma-buf allocator against a fake region: a regular file stands in for `/dev/udmabuf0`.
@Suite struct UDMABufAllocatorTests {
    static let base: UInt64 = 0x3800_0000

    @Test func subAllocateMapSyncFree() throws {
        let board = try FakeBoard()
        try board.tree.addUDMABuf("udmabuf0", base: Self.base, size: 1 << 20)
        let allocator = try UDMABufAllocator(system: board.system)
        #expect(allocator.deviceName == "udmabuf0" && allocator.size == 1 << 20 && allocator.physicalAddress == Self.base)

        let a = try allocator.allocate(byteCount: 5000, cacheable: true, memoryIndex: 0)
        let b = try allocator.allocate(byteCount: 4096, cacheable: false, memoryIndex: 0)
        #expect(a.deviceAddress == Self.base && a.mappedLength == 8192)
        #expect(b.deviceAddress == Self.base + 8192)
        #expect(a.cacheable && !a.coherent)
        #expect(!b.cacheable && b.coherent)
        // cacheable: false opens the device with O_SYNC so the driver maps it uncached (sync_mode 1).
        let opens = board.log.calls("open").filter { $0.path == "/dev/udmabuf0" }.map(\.detail)
        #expect(opens.count == 2)
        #expect(opens[0] == "flags=\(O_RDWR)" && opens[1] == "flags=\(O_RDWR | O_SYNC)")
        #expect(allocator.usage == CMAUsage(memUsed: 12288, numBuffers: 2))

        let bytes: [UInt8] = Array("hello, fabric".utf8)
        (b.hostAddress + 10).copyMemory(from: bytes, byteCount: bytes.count)
        #expect(try board.tree.bytes("/dev/udmabuf0", at: 8192 + 10, count: bytes.count) == bytes)

        try a.sync(.toDevice, offset: 4096, length: 100)
        try a.sync(.fromDevice, offset: 0, length: 5000)
        try b.sync(.fromDevice, offset: 0, length: 4096)  // coherent: nothing written
        let writes = board.log.calls("write").map { "\($0.path.split(separator: "/").last!)=\($0.detail)" }
        #expect(writes == [
            "sync_offset=4096", "sync_size=100", "sync_direction=1", "sync_for_device=1",
            "sync_offset=0", "sync_size=5000", "sync_direction=2", "sync_for_cpu=1",
        ])
        #expect(try board.tree.text("/sys/class/u-dma-buf/udmabuf0/sync_for_cpu") == "1")

        a.release()
        #expect(allocator.free.bytes == (1 << 20) - 4096)
        let c = try allocator.allocate(byteCount: 8192, cacheable: true, memoryIndex: 0)
        #expect(c.deviceAddress == Self.base)
        b.release()
        c.release()
        #expect(allocator.free == (bytes: 1 << 20, largestBlock: 1 << 20))
        #expect(board.nothingLeaked)
    }

    @Test func exhaustionAndFragmentation() throws {
        let board = try FakeBoard()
        try board.tree.addUDMABuf("udmabuf3", base: Self.base, size: 64 << 10)
        let allocator = try UDMABufAllocator(system: board.system, deviceName: "udmabuf3")
        let blocks = try (0..<16).map { _ in try allocator.allocate(byteCount: 4096, cacheable: false, memoryIndex: 0) }
        #expect(throws: ZynqError.outOfMemory(allocator: "u-dma-buf udmabuf3", requested: 1, free: 0)) {
            try allocator.allocate(byteCount: 1, cacheable: false, memoryIndex: 0)
        }
        for (i, block) in blocks.enumerated() where i % 2 == 0 { block.release() }
        #expect(allocator.free == (bytes: 32 << 10, largestBlock: 4096))
        #expect(throws: ZynqError.outOfMemory(allocator: "u-dma-buf udmabuf3", requested: 8192, free: 32 << 10)) {
            try allocator.allocate(byteCount: 8192, cacheable: false, memoryIndex: 0)
        }
        for (i, block) in blocks.enumerated() where i % 2 == 1 { block.release() }
        #expect(allocator.free == (bytes: 64 << 10, largestBlock: 64 << 10))
        #expect(board.nothingLeaked)
    }

    @Test func coherenceFollowsSyncModeAndDMACoherence() throws {
        let board = try FakeBoard()
        try board.tree.addUDMABuf("udmabuf0", base: Self.base, size: 1 << 16, syncMode: 0)
        try board.tree.addUDMABuf("udmabuf1", base: Self.base + (1 << 16), size: 1 << 16, syncMode: 5)
        try board.tree.addUDMABuf("udmabuf2", base: Self.base + (2 << 16), size: 1 << 16, dmaCoherent: true)
        // sync_mode 0: always cached, O_SYNC or not; the buffer needs maintenance.
        let alwaysCached = try UDMABufAllocator(system: board.system, deviceName: "udmabuf0")
        let a = try alwaysCached.allocate(byteCount: 10, cacheable: false, memoryIndex: 0)
        #expect(a.cacheable && !a.coherent)
        // sync_mode 5: always uncached.
        let neverCached = try UDMABufAllocator(system: board.system, deviceName: "udmabuf1")
        let b = try neverCached.allocate(byteCount: 10, cacheable: true, memoryIndex: 0)
        #expect(!b.cacheable && b.coherent)
        // A DMA-coherent device: cached and coherent.
        let coherentDevice = try UDMABufAllocator(system: board.system, deviceName: "udmabuf2")
        let c = try coherentDevice.allocate(byteCount: 10, cacheable: true, memoryIndex: 0)
        #expect(c.cacheable && c.coherent)
        try c.sync(.toDevice, offset: 0, length: 10)
        #expect(board.log.calls("write").isEmpty)
        #expect(UDMABufAllocator.deviceNames(system: board.system) == ["udmabuf0", "udmabuf1", "udmabuf2"])
        [a, b, c].forEach { $0.release() }
        #expect(board.nothingLeaked)
    }

    @Test func failuresAreTypedAndLeakNothing() throws {
        let board = try FakeBoard()
        #expect(throws: ZynqError.noCMADevice(searched: ["/sys/class/u-dma-buf/*"])) {
            try UDMABufAllocator(system: board.system)
        }
        try board.tree.addUDMABuf("udmabuf0", base: Self.base, size: 1 << 16)
        try board.tree.write("/sys/class/u-dma-buf/udmabuf0/size", "lots\n")
        #expect(throws: ZynqError.badSystemFile(path: "/sys/class/u-dma-buf/udmabuf0/size", contents: "lots",
                                                expected: "an unsigned number (decimal or 0x-hex)")) {
            try UDMABufAllocator(system: board.system)
        }
        try board.tree.write("/sys/class/u-dma-buf/udmabuf0/size", "65536\n")
        let allocator = try UDMABufAllocator(system: board.system)

        board.log.fail("mmap /dev/udmabuf0", with: ENOMEM)
        #expect(throws: ZynqError.systemCall(call: "mmap", path: "/dev/udmabuf0", errno: ENOMEM)) {
            try allocator.allocate(byteCount: 100, cacheable: true, memoryIndex: 0)
        }
        board.log.clearFailure("mmap /dev/udmabuf0")
        board.log.fail("open /dev/udmabuf0", with: EACCES)
        #expect(throws: ZynqError.permissionDenied(path: "/dev/udmabuf0", uid: 0)) {
            try allocator.allocate(byteCount: 100, cacheable: true, memoryIndex: 0)
        }
        board.log.clearFailure("open /dev/udmabuf0")
        #expect(allocator.free.bytes == 65536 && allocator.usage.numBuffers == 0)

        let a = try allocator.allocate(byteCount: 100, cacheable: true, memoryIndex: 0)
        board.log.fail("write /sys/class/u-dma-buf/udmabuf0/sync_for_device", with: EINVAL)
        #expect(throws: ZynqError.systemCall(call: "write", path: "/sys/class/u-dma-buf/udmabuf0/sync_for_device", errno: EINVAL)) {
            try a.sync(.toDevice, offset: 0, length: 100)
        }
        a.release()
        #expect(throws: ZynqError.self) { try a.sync(.toDevice, offset: 0, length: 1) }
        #expect(board.nothingLeaked)
    }

    @Test func cmaPoolFromProc() throws {
        let board = try FakeBoard()
        try board.tree.write("/proc/vmstat", "nr_free_pages 1\nnr_free_cma 2048\n")
        #expect(CMAPool.read(board.system) == CMAPool(totalBytes: 128 << 20, freeBytes: 8 << 20))
        try FileManager.default.removeItem(at: board.tree.url("/proc/meminfo"))
        #expect(CMAPool.read(board.system) == CMAPool(totalBytes: nil, freeBytes: 8 << 20))
        #expect(board.nothingLeaked)
    }
}

/// Many threads allocating and freeing at once get disjoint blocks and leave the region whole.
@Suite struct UDMABufConcurrencyTests {
    @Test func concurrentAllocationsAreDisjoint() async throws {
        let board = try FakeBoard()
        try board.tree.addUDMABuf("udmabuf0", base: 0x3800_0000, size: 4 << 20)
        let allocator = try UDMABufAllocator(system: board.system)
        let live = try await withThrowingTaskGroup(of: [CMAAllocation].self) { group in
            for task in 0..<8 {
                group.addTask {
                    var kept: [CMAAllocation] = []
                    for round in 0..<20 {
                        let a = try allocator.allocate(byteCount: 4096 * (1 + (task + round) % 3), cacheable: true, memoryIndex: 0)
                        a.hostAddress.storeBytes(of: UInt32(task), as: UInt32.self)
                        if round % 2 == 1 { a.release() } else { kept.append(a) }
                    }
                    return kept
                }
            }
            var all: [CMAAllocation] = []
            for try await kept in group { all += kept }
            return all
        }
        #expect(live.count == 80 && allocator.usage.numBuffers == 80)
        let ranges = live.map { $0.deviceAddress..<($0.deviceAddress + UInt64($0.mappedLength)) }.sorted { $0.lowerBound < $1.lowerBound }
        #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound <= $1.lowerBound })
        #expect(UInt64(allocator.free.bytes) + allocator.usage.memUsed == 4 << 20)
        live.forEach { $0.release() }
        #expect(allocator.free == (bytes: 4 << 20, largestBlock: 4 << 20))
        #expect(board.nothingLeaked)
    }
}
