import Foundation
import Pynq
import PynqBackend
import Testing
import TestSupport
@testable import PynqZynq

/// `PynqBuffer`s on the Zynq backend: slices flush and invalidate only their bytes, for both allocators.
@Suite struct ZynqBufferTests {
    static func loadedDevice(_ board: FakeBoard, allocator: ZynqBackend.AllocatorChoice) throws -> (Device, Overlay) {
        try board.tree.addDevMem()
        let device = Device(backend: ZynqBackend(configuration: .init(system: board.system, allocator: allocator)))
        let ol = try Overlay(Reference.filesDirectory.appendingPathComponent("pynqz2_resizer.bit").path, device: device)
        return (device, ol)
    }

    @Test func xlnkSlicesSyncTheirOwnBytes() throws {
        let board = try FakeBoard()
        let (device, _) = try Self.loadedDevice(board, allocator: .xlnk(.packed, .kernel))
        let buffer = try device.allocationMemory().allocate(shape: [1024], dtype: "u4", cacheable: true)
        #expect(buffer.cacheable && !buffer.coherent)
        try buffer.copy(from: (0..<1024).map { UInt32($0) })
        let physical = buffer.physicalAddress
        // The bytes are in "physical memory".
        let word100 = try board.tree.bytes("/cma-memory", at: Int64(physical - board.xlnk.cmaBase) + 400, count: 4)
        #expect(word100 == [100, 0, 0, 0])
        let slice = buffer[256..<320]
        #expect(slice.physicalAddress == physical + 1024)
        try slice.flush()
        try slice.invalidate()
        try buffer.syncToDevice()
        #expect(board.log.calls("CACHECTRL").map(\.detail) == [
            "phys=0x\(String(physical + 1024, radix: 16)) size=256 action=0",
            "phys=0x\(String(physical + 1024, radix: 16)) size=256 action=1",
            "phys=0x\(String(physical, radix: 16)) size=4096 action=0",
        ])
        let usage = try device.backend.usage(memory: 0)
        #expect(usage.numBuffers == 1 && usage.memUsed == 4096)
        buffer.free()
        #expect(board.xlnk.liveBuffers.isEmpty)
        #expect(try device.backend.usage(memory: 0).numBuffers == 0)
    }

    @Test func udmabufSlicesSyncTheirOwnBytes() throws {
        let board = try FakeBoard()
        try board.tree.addUDMABuf("udmabuf0", base: 0x3800_0000, size: 1 << 20)
        let (device, _) = try Self.loadedDevice(board, allocator: .udmabuf(nil))
        let first = try device.allocationMemory().allocate(shape: [10], dtype: "u1", cacheable: true)
        let buffer = try device.allocationMemory().allocate(shape: [64, 64], dtype: "u2", cacheable: true)
        #expect(buffer.physicalAddress == 0x3800_1000)
        try buffer[2..<4, 0..<64].flush()
        try buffer[row: 10].invalidate()
        let writes = board.log.calls("write").filter { $0.path.contains("u-dma-buf") }
            .map { "\($0.path.split(separator: "/").last!)=\($0.detail)" }
        // The slices' offsets are relative to the region: buffer at 4096, rows of 128 bytes.
        #expect(writes == [
            "sync_offset=\(4096 + 256)", "sync_size=256", "sync_direction=1", "sync_for_device=1",
            "sync_offset=\(4096 + 1280)", "sync_size=128", "sync_direction=2", "sync_for_cpu=1",
        ])
        let uncached = try device.allocationMemory().allocate(shape: [16], dtype: "u4")
        #expect(uncached.coherent)
        try uncached.flush()
        #expect(board.log.calls("write").filter { $0.path.contains("u-dma-buf") }.count == 8)
        [first, buffer, uncached].forEach { $0.free() }
        #expect(board.nothingLeaked)
    }
}

/// The README's board example, on a fake board: `Overlay(path.bit)`, `ol.<ip>`, `allocate`, `flush`.
@Suite struct ZynqReadmeExampleTests {
    @Test func readmeExampleRunsOnAFakeBoard() throws {
        let board = try FakeBoard()
        try board.tree.addDevMem()
        let device = Device(backend: ZynqBackend(configuration: .init(system: board.system, allocator: .xlnk(.packed, .kernel))))
        let ol = try Overlay(Reference.filesDirectory.appendingPathComponent("pynqz2_resizer.bit").path, device: device)
        _ = try ol.axi_dma_0
        let buf = try allocate(shape: [1024], dtype: "u4", target: device, cacheable: true)
        try buf.flush()
        #expect(board.log.calls("CACHECTRL").count == 1)
        buf.free()
        #expect(board.xlnk.liveBuffers.isEmpty)
    }
}
