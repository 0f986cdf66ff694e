import Foundation
import PynqBackend
import PynqMetadataCore
import Testing
import TestSupport
@testable import PynqZynq

/// DFX shutdown managers before a download and UltraScale+ AXI port widths after it (pynq's
/// `EmbeddedDevice.shutdown` / `set_axi_port_width`).
@Suite struct ProcessingSystemSetupTests {
    @Test func ultraScalePortWidthsFromTheUltra96Design() throws {
        let board = try FakeBoard()
        try board.tree.addDevMem()
        try board.tree.setWord(0xF01, at: 0xFD61_5000)
        try board.tree.setWord(0x300, at: 0xFF41_9000)
        let afifm: [UInt64] = [0xFD36_0000, 0xFD37_0000, 0xFD38_0000, 0xFD39_0000, 0xFD3A_0000, 0xFD3B_0000, 0xFF9B_0000]
        for base in afifm { try board.tree.setWord(0x13, at: base); try board.tree.setWord(0x13, at: base + 0x14) }
        try FileManager.default.createDirectory(at: board.tree.url("/overlays"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Reference.filesDirectory.appendingPathComponent("ultra96_resizer.hwh"),
                                         to: board.tree.url("/overlays/resizer.hwh"))
        try FileManager.default.copyItem(at: Reference.filesDirectory.appendingPathComponent("pynqz2_resizer.bit"),
                                         to: board.tree.url("/overlays/resizer.bit"))
        let backend = ZynqBackend(configuration: .init(system: board.system))
        try backend.download(try ZynqOverlayImage.load(bitstream: "/overlays/resizer.bit", system: board.system))
        // C_MAXIGP0/1 = 128 → 2 in bits [9:8] and [11:10]; C_MAXIGP2 = 32 → 0; every C_SAXIGPn = 128 → 0 in [1:0].
        #expect(try board.tree.word(at: 0xFD61_5000) == 0xA01)
        #expect(try board.tree.word(at: 0xFF41_9000) == 0)
        for base in afifm {
            #expect(try board.tree.word(at: base) == 0x10)
            #expect(try board.tree.word(at: base + 0x14) == 0x10)
        }
        #expect(backend.downloadWarnings.isEmpty)
        #expect(board.nothingLeaked)
    }

    @Test func zynq7000AndPartialDesignsLeaveThePortsAlone() throws {
        let board = try FakeBoard()
        try board.tree.addDevMem()
        try board.tree.setWord(0xF01, at: 0xFD61_5000)
        let backend = ZynqBackend(configuration: .init(system: board.system))
        try backend.download(try ZynqTestOverlays.resizer())
        #expect(try board.tree.word(at: 0xFD61_5000) == 0xF01)
    }

    @Test func aWidthTheHardwareLacksIsRefusedBeforeProgramming() throws {
        let board = try FakeBoard()
        try board.tree.addDevMem()
        var description = ZynqTestOverlays.description(ps: "xilinx.com:ip:zynq_ultra_ps_e:3.2", clocks: .emptyDict)
        description.dictionaries["ip_dict"] = [
            "zynq_ultra_ps_e_0": ["type": "xilinx.com:ip:zynq_ultra_ps_e:3.2", "parameters": ["C_MAXIGP0_DATA_WIDTH": "256"]],
        ]
        let backend = ZynqBackend(configuration: .init(system: board.system))
        #expect(throws: ZynqError.unsupportedDesign(reason: "C_MAXIGP0_DATA_WIDTH is 256; AXI ports are 32, 64 or 128 bits wide")) {
            try backend.download(try ZynqTestOverlays.resizer(description: description))
        }
        #expect(try board.tree.text("/sys/class/fpga_manager/fpga0/firmware") == "")
        #expect(backend.loadedOverlayID == nil)
    }

    @Test func shutdownManagersOfThePreviousOverlayAreAskedToDecouple() throws {
        let board = try FakeBoard()
        try board.tree.addDevMem()
        let manager = IPBlock(name: "pr_shutdown", type: "xilinx.com:ip:dfx_axi_shutdown_manager:1.0",
                              baseAddress: 0xA001_0000, addressRange: 0x1000)
        let backend = ZynqBackend(configuration: .init(system: board.system))
        try backend.download(try ZynqTestOverlays.resizer(description: ZynqTestOverlays.description(ips: [ZynqTestOverlays.dma, manager])))
        #expect(try board.tree.word(at: 0xA001_0000) == 0)
        try backend.download(try ZynqTestOverlays.resizer())
        // 1 was written; nothing in a file answers 0x0F, so the download goes on with a warning.
        #expect(try board.tree.word(at: 0xA001_0000) == 1)
        #expect(backend.downloadWarnings == ["DFX shutdown manager pr_shutdown did not report decoupled (0x0F) after 16000 reads"])
        #expect(board.nothingLeaked)
    }
}
