import Foundation
import PynqBackend
import Testing
@testable import PynqZynq

/// The xlnk allocator against the fake `/dev/xlnk` driver.
@Suite struct XlnkAllocatorTests {
    @Test(arguments: [XlnkABI.packed, .legacyPointers])
    func allocateMapWriteSyncFree(abi: XlnkABI) throws {
        let board = try FakeBoard(abi: abi)
        let allocator = try XlnkAllocator(system: board.system, abi: abi, cacheMethod: .kernel)
        let a = try allocator.allocate(byteCount: 10_000, cacheable: true, memoryIndex: 0)
        let b = try allocator.allocate(byteCount: 100, cacheable: false, memoryIndex: 0)
        let buffers = board.xlnk.liveBuffers
        #expect(buffers.count == 2)
        #expect(Set(buffers.values.map(\.physical)) == [a.deviceAddress, b.deviceAddress])
        #expect(a.deviceAddress >= board.xlnk.cmaBase && a.mappedLength == 12288 && a.byteCount == 10_000)
        #expect(a.cacheable && !a.coherent)
        #expect(!b.cacheable && b.coherent)
        #expect(allocator.usage == CMAUsage(memUsed: 12288 + 4096, numBuffers: 2))

        // Host writes land in "physical" memory at the buffer's physical address.
        let bytes = (0..<64).map { UInt8($0 * 3 & 0xFF) }
        (a.hostAddress + 5000).copyMemory(from: bytes, byteCount: bytes.count)
        let inMemory = try board.tree.bytes("/cma-memory", at: Int64(a.deviceAddress - board.xlnk.cmaBase) + 5000, count: 64)
        #expect(inMemory == bytes)

        // Flush / invalidate of a slice: CACHECTRL with the slice's physical address and size.
        try a.sync(.toDevice, offset: 4096, length: 256)
        try a.sync(.fromDevice, offset: 0, length: 10_000)
        let ctrl = board.log.calls("CACHECTRL").map(\.detail)
        #expect(ctrl == [
            "phys=0x\(String(a.deviceAddress + 4096, radix: 16)) size=256 action=0",
            "phys=0x\(String(a.deviceAddress, radix: 16)) size=10000 action=1",
        ])
        // Coherent (uncached) buffers need no maintenance.
        try b.sync(.toDevice, offset: 0, length: 100)
        #expect(board.log.calls("CACHECTRL").count == 2)
        #expect(throws: ZynqError.syncOutOfRange(offset: 9_000, length: 2_000, byteCount: 10_000)) {
            try a.sync(.toDevice, offset: 9_000, length: 2_000)
        }

        a.release()
        a.release()
        b.release()
        #expect(board.log.calls("FREEBUF").count == 2)
        #expect(board.xlnk.liveBuffers.isEmpty)
        #expect(allocator.usage == CMAUsage(memUsed: 0, numBuffers: 0))
        #expect(allocator.lastReleaseError == nil)
        allocator.close()
        #expect(board.nothingLeaked)
    }

    @Test func mmapOffsetEncodesTheBufferID() throws {
        for abi in [XlnkABI.packed, .legacyPointers] {
            let board = try FakeBoard(abi: abi)
            let allocator = try XlnkAllocator(system: board.system, abi: abi)
            let a = try allocator.allocate(byteCount: 1, cacheable: false, memoryIndex: 0)
            let b = try allocator.allocate(byteCount: 1, cacheable: false, memoryIndex: 0)
            let offsets = board.system.liveMappings.map(\.offset).sorted()
            #expect(offsets == [1 << abi.mmapShift, 2 << abi.mmapShift])
            a.release()
            b.release()
        }
    }

    @Test func exhaustingThePoolReportsFreeMemory() throws {
        let board = try FakeBoard(poolSize: 64 << 10)
        let allocator = try XlnkAllocator(system: board.system)
        var live: [CMAAllocation] = []
        for _ in 0..<7 { live.append(try allocator.allocate(byteCount: 8192, cacheable: false, memoryIndex: 0)) }
        // 8 KiB of 64 KiB left (2 pages, as /proc/vmstat nr_free_cma says).
        #expect(CMAPool.read(board.system).freeBytes == 8192)
        #expect(throws: ZynqError.outOfMemory(allocator: "xlnk", requested: 16384, free: 8192)) {
            try allocator.allocate(byteCount: 16384, cacheable: false, memoryIndex: 0)
        }
        #expect(allocator.usage.numBuffers == 7)
        live.forEach { $0.release() }
        let again = try allocator.allocate(byteCount: 60 << 10, cacheable: false, memoryIndex: 0)
        again.release()
        allocator.close()
        #expect(board.nothingLeaked)
    }

    @Test func injectedFailuresSurfaceTypedAndLeakNothing() throws {
        let board = try FakeBoard()
        let allocator = try XlnkAllocator(system: board.system, cacheMethod: .kernel)

        board.log.fail("ioctl XLNK_IOCALLOCBUF", with: ENOMEM)
        #expect(throws: ZynqError.outOfMemory(allocator: "xlnk", requested: 4096, free: 1 << 20)) {
            try allocator.allocate(byteCount: 4096, cacheable: true, memoryIndex: 0)
        }
        board.log.fail("ioctl XLNK_IOCALLOCBUF", with: EFAULT)
        #expect(throws: ZynqError.systemCall(call: "ioctl XLNK_IOCALLOCBUF", path: "/dev/xlnk", errno: EFAULT)) {
            try allocator.allocate(byteCount: 4096, cacheable: true, memoryIndex: 0)
        }
        board.log.clearFailure("ioctl XLNK_IOCALLOCBUF")

        // mmap fails after ALLOCBUF succeeded: the buffer is given back to the driver.
        board.log.fail("mmap /dev/xlnk", with: ENOMEM)
        #expect(throws: ZynqError.systemCall(call: "mmap", path: "/dev/xlnk", errno: ENOMEM)) {
            try allocator.allocate(byteCount: 4096, cacheable: true, memoryIndex: 0)
        }
        #expect(board.xlnk.liveBuffers.isEmpty)
        #expect(board.log.calls("FREEBUF").count == 1)
        board.log.clearFailure("mmap /dev/xlnk")

        let a = try allocator.allocate(byteCount: 4096, cacheable: true, memoryIndex: 0)
        board.log.fail("ioctl XLNK_IOCCACHECTRL", with: EINVAL)
        #expect(throws: ZynqError.systemCall(call: "ioctl XLNK_IOCCACHECTRL", path: "/dev/xlnk", errno: EINVAL)) {
            try a.sync(.toDevice, offset: 0, length: 4096)
        }
        board.log.fail("ioctl XLNK_IOCFREEBUF", with: EINVAL)
        a.release()
        #expect(allocator.lastReleaseError == .systemCall(call: "ioctl XLNK_IOCFREEBUF", path: "/dev/xlnk", errno: EINVAL))
        #expect(allocator.usage.numBuffers == 0)
        allocator.close()
        #expect(board.nothingLeaked)
    }

    @Test func userSpaceCacheMaintenanceOnlyWhereTheCPUHasIt() throws {
        let board = try FakeBoard()
        let allocator = try XlnkAllocator(system: board.system, cacheMethod: .userSpace)
        let a = try allocator.allocate(byteCount: 4096, cacheable: true, memoryIndex: 0)
        defer { a.release(); allocator.close() }
        #if arch(arm64)
        try a.sync(.toDevice, offset: 0, length: 4096)
        try a.sync(.fromDevice, offset: 100, length: 200)
        #else
        #expect(throws: ZynqError.self) { try a.sync(.toDevice, offset: 0, length: 4096) }
        #expect(try XlnkAllocator(system: board.system).cacheMethod == .kernel)
        #endif
        #expect(board.log.calls("CACHECTRL").isEmpty)
    }

    @Test func openingNeedsRootAndResetIsGuarded() throws {
        let board = try FakeBoard(uid: 1000)
        board.log.fail("open /dev/xlnk", with: EACCES)
        #expect(throws: ZynqError.permissionDenied(path: "/dev/xlnk", uid: 1000)) {
            try XlnkAllocator(system: board.system)
        }
        board.log.clearFailure("open /dev/xlnk")
        let allocator = try XlnkAllocator(system: board.system)
        let a = try allocator.allocate(byteCount: 64, cacheable: false, memoryIndex: 0)
        #expect(throws: ZynqError.buffersLive(count: 1)) { try allocator.resetDriver() }
        a.release()
        try allocator.resetDriver()
        #expect(board.log.calls("RECRES").count == 1)
        allocator.close()
        #expect(throws: ZynqError.closed(what: "the xlnk allocator")) {
            try allocator.allocate(byteCount: 64, cacheable: false, memoryIndex: 0)
        }
        #expect(board.nothingLeaked)
    }
}
