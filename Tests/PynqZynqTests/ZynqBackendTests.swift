import Foundation
import PynqBackend
import PynqMetadataCore
import Testing
@testable import PynqZynq

/// The backend's memory side: allocator choice, error mapping to `BackendError`, usage, close.
@Suite struct ZynqBackendTests {
    @Test func automaticChoicePrefersUDMABufThenXlnk() throws {
        let board = try FakeBoard()
        let xlnkOnly = ZynqBackend(configuration: .init(system: board.system))
        #expect(try xlnkOnly.cmaAllocator() is XlnkAllocator)
        xlnkOnly.close()

        try board.tree.addUDMABuf("udmabuf0", base: 0x3800_0000, size: 1 << 16)
        let both = ZynqBackend(configuration: .init(system: board.system))
        #expect(try both.cmaAllocator() is UDMABufAllocator)
        both.close()

        try FileManager.default.removeItem(at: board.tree.url("/dev/xlnk"))
        try FileManager.default.removeItem(at: board.tree.url("/sys/class/u-dma-buf/udmabuf0"))
        let none = ZynqBackend(configuration: .init(system: board.system))
        #expect(throws: ZynqError.noCMADevice(searched: ["/sys/class/u-dma-buf/*", "/dev/xlnk"])) {
            try none.allocate(byteCount: 16, memory: 0, cacheable: false)
        }
        #expect(board.nothingLeaked)
    }

    @Test func allocationThroughTheBackendProtocol() throws {
        let board = try FakeBoard()
        try board.tree.addUDMABuf("udmabuf0", base: 0x3800_0000, size: 64 << 10)
        let backend: any Backend = ZynqBackend(configuration: .init(system: board.system))
        #expect(backend.capabilities == .memoryMapped && backend.kind == .zynq)
        let a = try backend.allocate(byteCount: 40 << 10, memory: 0, cacheable: true)
        #expect(a.deviceAddress == 0x3800_0000 && !a.coherent)
        #expect(try backend.usage(memory: 0) == MemoryUsage(memUsed: 40 << 10, numBuffers: 1, source: .accounting))
        #expect(throws: BackendError.outOfMemory(bank: "u-dma-buf udmabuf0", requested: 32 << 10, free: 24 << 10, largestFree: 24 << 10)) {
            try backend.allocate(byteCount: 32 << 10, memory: 0, cacheable: true)
        }
        #expect(throws: BackendError.invalidSize(requested: 0)) { try backend.allocate(byteCount: 0, memory: 0, cacheable: true) }
        #expect(throws: BackendError.noSuchMemory(index: 1, count: 0)) { try backend.allocate(byteCount: 8, memory: 1, cacheable: true) }
        // close() with a live buffer: the buffer stays usable and can still be released.
        backend.close()
        try a.sync(.toDevice, offset: 0, length: 64)
        a.release()
        #expect(try backend.usage(memory: 0).numBuffers == 0)
        backend.close()
        #expect(board.nothingLeaked)
    }

    @Test func xlnkExhaustionMapsToBackendError() throws {
        let board = try FakeBoard(poolSize: 16 << 10)
        let backend = ZynqBackend(configuration: .init(system: board.system, allocator: .xlnk(.packed, .kernel)))
        let a = try backend.allocate(byteCount: 12 << 10, memory: 0, cacheable: true)
        #expect(throws: BackendError.outOfMemory(bank: "xlnk", requested: 8 << 10, free: 4 << 10, largestFree: 4 << 10)) {
            try backend.allocate(byteCount: 8 << 10, memory: 0, cacheable: true)
        }
        try a.sync(.fromDevice, offset: 0, length: 12 << 10)
        #expect(board.log.calls("CACHECTRL").map(\.detail) == ["phys=0x30000000 size=12288 action=1"])
        a.release()
        backend.close()
        #expect(board.nothingLeaked)
        #expect(backend.cmaPool == CMAPool(totalBytes: 128 << 20, freeBytes: 16 << 10))
    }

    @Test func onlyTheProcessorsDDRIsAllocatable() throws {
        let board = try FakeBoard()
        try board.tree.addDevMem()
        let backend = ZynqBackend(configuration: .init(system: board.system, allocator: .xlnk(.packed, .kernel)))
        var description = ZynqTestOverlays.description()
        description.memories = [
            MemoryBank(index: 0, tag: "PSDDR", type: .ddr4, used: true, baseAddress: 0, size: 256 << 20),
            MemoryBank(index: 1, tag: "MIG1", type: .ddr4, used: true, baseAddress: 0x4_0000_0000, size: 1 << 30),
        ]
        try backend.download(try ZynqTestOverlays.resizer(description: description))
        let a = try backend.allocate(byteCount: 64, memory: 0, cacheable: false)
        #expect(a.memoryIndex == 0)
        #expect(throws: BackendError.notAllocatable(
            bank: "MIG1", reason: "it is memory in the programmable logic; CMA buffers live in the processor's DDR (PSDDR, memory 0)")) {
            try backend.allocate(byteCount: 64, memory: 1, cacheable: false)
        }
        #expect(throws: BackendError.noSuchMemory(index: 2, count: 2)) { try backend.allocate(byteCount: 64, memory: 2, cacheable: false) }
        // The PL bank is declared: its range can be mapped like an IP's.
        let window = try backend.mmio(address: 0x4_0000_0000, length: 16)
        #expect(window.ipName == "MIG1")
        window.unmap()
        a.release()
        backend.close()
        #expect(board.nothingLeaked)
    }
}
