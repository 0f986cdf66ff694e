import Foundation
import Pynq
import PynqBackend
import PynqMetadata
import Testing
import TestSupport
@testable import PynqZynq

/// `Overlay` on the Zynq backend: `.bit` + `.hwh` beside it, downloaded into a fake board.
@Suite struct ZynqOverlayTests {
    @Test func overlayFromTheReferenceBitstreamAndHWH() throws {
        let board = try FakeBoard()
        try board.tree.addDevMem()
        try board.tree.addUDMABuf("udmabuf0", base: 0x3800_0000, size: 1 << 20)
        let device = Device(backend: ZynqBackend(configuration: .init(system: board.system)))
        let bit = Reference.filesDirectory.appendingPathComponent("pynqz2_resizer.bit").path
        let ol = try Overlay(bit, device: device)
        let hwh = try HWH.read(bytes: try Reference.bytes("pynqz2_resizer.hwh"), source: "pynqz2_resizer.hwh")
        #expect(ol.ipDict == hwh.ipDict)
        #expect(ol.memDict == hwh.memDict)
        #expect(ol.isLoaded)
        #expect(try board.tree.text("/sys/class/fpga_manager/fpga0/firmware") == "pynqz2_resizer.bin")
        // FCLK0 from the HWH's clock_dict: divisors 4 and 4.
        let fclk0 = try board.tree.word(at: 0xF800_0170)
        #expect((fclk0 >> 8) & 0x3F == 4 && (fclk0 >> 20) & 0x3F == 4)
        // Registers of an IP of the design are reachable; a buffer comes from the u-dma-buf region.
        let dma = try #require(hwh.ips.first { $0.name == "axi_dma_0" })
        let space = try device.backend.registers(for: dma)
        try space.write32(offset: 0x48, 0x1234)
        #expect(try board.tree.word(at: dma.baseAddress + 0x48) == 0x1234)
        // The public MMIO: inside an IP of the overlay it maps; elsewhere the Zynq backend refuses.
        let mmio = try MMIO(baseAddress: dma.baseAddress + 0x30, length: 8, device: device)
        try mmio.write(UInt32(0xCAFE), at: 4)
        #expect(try board.tree.word(at: dma.baseAddress + 0x34) == 0xCAFE)
        #expect(throws: ZynqError.outsideOverlay(address: 0x5000_0000, length: 4)) {
            try MMIO(baseAddress: 0x5000_0000, length: 4, device: device)
        }
        let buffer = try device.backend.allocate(byteCount: 4096, memory: 0, cacheable: false)
        #expect(buffer.deviceAddress == 0x3800_0000)
        buffer.release()
        try ol.free()
        #expect(!ol.isLoaded)
    }

    @Test(arguments: Reference.fileNames(withExtension: "hwh"))
    func dictionariesMatchTheHWHReader(hwhName: String) throws {
        let board = try FakeBoard()
        try board.tree.addDevMem()
        let stem = String(hwhName.dropLast(4))
        try FileManager.default.createDirectory(at: board.tree.url("/overlays"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Reference.filesDirectory.appendingPathComponent(hwhName),
                                         to: board.tree.url("/overlays/\(stem).hwh"))
        try FileManager.default.copyItem(at: Reference.filesDirectory.appendingPathComponent("pynqz2_resizer.bit"),
                                         to: board.tree.url("/overlays/\(stem).bit"))
        let backend = ZynqBackend(configuration: .init(system: board.system))
        let image = try ZynqOverlayImage.load(bitstream: "/overlays/\(stem).bit", system: board.system)
        let ol = try Overlay(image: image, device: Device(backend: backend))
        let hwh = try HWH.read(bytes: try Reference.bytes(hwhName), source: hwhName)
        #expect(ol.ipDict == hwh.ipDict)
        #expect(ol.memDict == hwh.memDict)
        #expect(ol.clockDict == hwh.clockDict)
        #expect(backend.loadedOverlayID == image.identity)
        #expect(try board.tree.text("/sys/class/fpga_manager/fpga0/firmware") == "\(stem).bin")
    }

    @Test func aBitstreamWithoutHWHIsRefused() throws {
        let board = try FakeBoard()
        try board.tree.write("/lib/firmware/lonely.bit", "x")
        #expect(throws: ZynqError.badBitstream(path: "/lib/firmware/lonely.bit", reason: "no metadata beside it: /lib/firmware/lonely.hwh not found")) {
            try ZynqOverlayImage.load(bitstream: "/lib/firmware/lonely.bit", system: board.system)
        }
        #expect(throws: PynqError.self) { try Overlay("/nonexistent/x.bit", device: Device(backend: ZynqBackend(configuration: .init(system: board.system)))) }
        #expect(board.nothingLeaked)
    }
}
