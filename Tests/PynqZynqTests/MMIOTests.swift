import Foundation
import PynqBackend
import PynqMetadataCore
import Testing
@testable import PynqZynq

/// `/dev/mem` mappings against a sparse file standing in for physical memory.
@Suite struct MMIOTests {
    static func loadedBackend(_ board: FakeBoard) throws -> ZynqBackend {
        try board.tree.addDevMem()
        let backend = ZynqBackend(configuration: .init(system: board.system))
        try backend.download(try ZynqTestOverlays.resizer())
        return backend
    }

    @Test func registersOfAnOverlayIPAreMapped() throws {
        let board = try FakeBoard()
        let backend = try Self.loadedBackend(board)
        let space = try backend.registers(for: ZynqTestOverlays.dma)
        #expect(space.length == 0x10000 && space.baseAddress == 0x4040_0000 && space.mappedAddress != nil)
        try space.write32(offset: 0x30, 0xABCD_0123)
        try space.write64(offset: 0x18, 0x1122_3344_5566_7788)
        #expect(try board.tree.word(at: 0x4040_0030) == 0xABCD_0123)
        #expect(try board.tree.word(at: 0x4040_0018) == 0x5566_7788)
        #expect(try board.tree.word(at: 0x4040_001C) == 0x1122_3344)
        try board.tree.setWord(0x0000_0004, at: 0x4040_0034)
        #expect(try space.read32(offset: 0x34) == 4)
        #expect(throws: BackendError.registerOutOfRange(ip: "axi_dma_0", offset: 0x10000, byteCount: 4, length: 0x10000)) {
            try space.read32(offset: 0x10000)
        }
        #expect(throws: BackendError.unalignedRegister(ip: "axi_dma_0", offset: 2)) { try space.write32(offset: 2, 1) }
        let open = board.log.calls("open").filter { $0.path == "/dev/mem" }
        #expect(open.last?.detail == "flags=\(O_RDWR | O_SYNC)")
        (space as? PhysicalMemoryWindow)?.unmap()
        #expect(throws: ZynqError.closed(what: "MMIO window of axi_dma_0")) { try space.read32(offset: 0) }
        #expect(board.nothingLeaked)
    }

    @Test func windowsNeedNotStartOnAPage() throws {
        let board = try FakeBoard()
        let backend = try Self.loadedBackend(board)
        let window = try backend.mmio(address: 0x43C0_0104, length: 8)
        #expect(window.offsetInPage == 0x104 && window.ipName == "resize_accel_0")
        #expect(board.system.liveMappings.map(\.offset) == [0x43C0_0000])
        try window.write32(offset: 4, 77)
        #expect(try board.tree.word(at: 0x43C0_0108) == 77)
        window.unmap()
        #expect(board.nothingLeaked)
    }

    @Test func onlyDeclaredRangesUnlessOptedOut() throws {
        let board = try FakeBoard()
        let backend = try Self.loadedBackend(board)
        #expect(throws: ZynqError.outsideOverlay(address: 0x4041_0000, length: 4)) { try backend.mmio(address: 0x4041_0000, length: 4) }
        #expect(throws: ZynqError.outsideOverlay(address: 0x4040_FFFC, length: 8)) { try backend.mmio(address: 0x4040_FFFC, length: 8) }
        #expect(throws: ZynqError.invalidRange(address: 0x4040_0000, length: 0)) { try backend.mmio(address: 0x4040_0000, length: 0) }
        let stray = IPBlock(name: "not_in_design", type: "x", baseAddress: 0x8000_0000, addressRange: 0x1000)
        #expect(throws: ZynqError.outsideOverlay(address: 0x8000_0000, length: 0x1000)) { try backend.registers(for: stray) }
        let window = try backend.mmio(address: 0x4041_0000, length: 4, allowOutsideOverlay: true)
        try window.write32(offset: 0, 5)
        #expect(try board.tree.word(at: 0x4041_0000) == 5)
        window.unmap()
        backend.close()
        #expect(throws: BackendError.noOverlay(backend: "zynq fpga0")) { try backend.registers(for: ZynqTestOverlays.dma) }
        #expect(board.nothingLeaked)
    }

    @Test func devMemNeedsRoot() throws {
        let board = try FakeBoard(uid: 1000)
        let backend = try Self.loadedBackend(board)
        board.log.fail("open /dev/mem", with: EACCES)
        #expect(throws: ZynqError.permissionDenied(path: "/dev/mem", uid: 1000)) { try backend.registers(for: ZynqTestOverlays.dma) }
        board.log.clearFailure("open /dev/mem")
        board.log.fail("mmap /dev/mem", with: EINVAL)
        #expect(throws: ZynqError.systemCall(call: "mmap", path: "/dev/mem", errno: EINVAL)) {
            try backend.registers(for: ZynqTestOverlays.dma)
        }
        #expect(board.nothingLeaked)
        #expect(ZynqError.permissionDenied(path: "/dev/mem", uid: 1000).description.contains("run as root"))
    }
}
