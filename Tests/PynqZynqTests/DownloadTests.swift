import Foundation
import Pynq
import PynqBackend
import PynqMetadataCore
import Testing
import TestSupport
@testable import PynqZynq

/// Bitstream download into a fake fpga_manager, with the reference `pynqz2_resizer.bit`.
@Suite struct DownloadTests {
    /// The reference payload (offset from pynq's own parse, pynq/pynqz2_resizer.bit.json) with every
    /// 32-bit word byte-swapped: what fpga_manager must receive.
    static func expectedBin() throws -> [UInt8] {
        let header = try #require((try Reference.expected("pynqz2_resizer.bit") as? [String: Any])?["parse_bit_header"] as? [String: Any])
        let offset = try #require(header["data_offset"] as? Int)
        let length = try #require(header["data_len"] as? Int)
        let payload = Array(try Reference.bytes("pynqz2_resizer.bit")[offset..<(offset + length)])
        var swapped = payload
        for i in stride(from: 0, to: payload.count, by: 4) {
            swapped[i] = payload[i + 3]; swapped[i + 1] = payload[i + 2]; swapped[i + 2] = payload[i + 1]; swapped[i + 3] = payload[i]
        }
        return swapped
    }

    @Test func fullDownloadWritesBinFlagsFirmwareAndClocks() throws {
        let board = try FakeBoard()
        try board.tree.addDevMem()
        // FPGA0_CLK_CTRL as the boot loader left it: SRCSEL 0, DIVISOR0 5, DIVISOR1 1, plus a reserved bit.
        try board.tree.setWord(0x0010_0500 | 1 << 31, at: 0xF800_0170)
        let backend = ZynqBackend(configuration: .init(system: board.system))
        let image = try ZynqTestOverlays.resizer()
        try backend.download(image)

        let bin = try board.tree.bytes("/lib/firmware/pynqz2_resizer.bin")
        #expect(bin.count == 4_045_564)
        #expect(bin == (try Self.expectedBin()))
        #expect(try board.tree.text("/sys/class/fpga_manager/fpga0/flags") == "0")
        #expect(try board.tree.text("/sys/class/fpga_manager/fpga0/firmware") == "pynqz2_resizer.bin")
        let writes = board.log.calls("write").map(\.path).filter { $0.hasPrefix("/sys") }
        #expect(writes == ["/sys/class/fpga_manager/fpga0/flags", "/sys/class/fpga_manager/fpga0/firmware"])
        #expect(backend.loadedOverlayID == image.identity)
        // Clock 0: divisors 4 and 4, other bits kept; clock 2: 10 and 2; clock 1 is disabled: 100 MHz
        // from the 1000 MHz IO PLL (10 × 1, as pynq picks); clock 3 is not in clock_dict: untouched.
        #expect(try board.tree.word(at: 0xF800_0170) == 1 << 31 | 4 << 20 | 4 << 8)
        #expect(try board.tree.word(at: 0xF800_0180) == 1 << 20 | 10 << 8)
        #expect(try board.tree.word(at: 0xF800_0190) == 2 << 20 | 10 << 8)
        #expect(try board.tree.word(at: 0xF800_01A0) == 0)
        #expect(board.nothingLeaked)
    }

    @Test func ultraScaleClocksGoToCRLAPB() throws {
        let board = try FakeBoard()
        try board.tree.addDevMem()
        try board.tree.setWord(0x0001_0500, at: 0xFF5E_00C0)
        try board.tree.setWord(0x0000_0002, at: 0xFF5E_00C4)  // SRCSEL 2: RPLL (72 × 33.333 / 2)
        let backend = ZynqBackend(configuration: .init(system: board.system))
        try backend.download(try ZynqTestOverlays.resizer(description: ZynqTestOverlays.description(ps: "xilinx.com:ip:zynq_ultra_ps_e:3.2")))
        // Divisors in [13:8] and [21:16], CLKACT (bit 24) set, SRCSEL kept.
        #expect(try board.tree.word(at: 0xFF5E_00C0) == 1 << 24 | 4 << 16 | 4 << 8)
        #expect(try board.tree.word(at: 0xFF5E_00C8) == 1 << 24 | 2 << 16 | 10 << 8)
        // Disabled clock 1: 100 MHz from 1199.988 MHz → product 12 → pynq's pair (12, 1).
        #expect(try board.tree.word(at: 0xFF5E_00C4) == 1 << 24 | 1 << 16 | 12 << 8 | 2)
    }

    @Test func divisorsAreChosenAsPynqChoosesThem() throws {
        // Expected pairs computed with pynq's own table (ps.py VALID_CLOCK_DIV_PRODUCTS / _get_2_divisors).
        let cases: [(Double, Double, UInt32, UInt32)] = [
            (1000, 100, 10, 1), (1499.985, 100, 15, 1), (1000, 142.857, 7, 1), (1500, 7.3, 41, 5), (1000, 250, 4, 1),
        ]
        for (source, target, d0, d1) in cases {
            let pair = PLClockSetting.divisors(sourceMHz: source, targetMHz: target)
            #expect(pair == (d0, d1), "\(source) MHz → \(target) MHz")
        }
        // A PLL that is off (FDIV 0) cannot give 100 MHz: a typed error, nothing programmed.
        let board = try FakeBoard()
        try board.tree.addDevMem()
        try board.tree.setWord(0, at: 0xF800_0108)
        let backend = ZynqBackend(configuration: .init(system: board.system))
        #expect(throws: ZynqError.badClock(index: 1, reason: "no divisors reach 100.0 MHz from a 0.0 MHz PLL")) {
            try backend.download(try ZynqTestOverlays.resizer())
        }
        #expect(try board.tree.text("/sys/class/fpga_manager/fpga0/firmware") == "")
        #expect(board.nothingLeaked)
    }

    @Test func partialDownloadUsesFlagOne() throws {
        let board = try FakeBoard()
        try board.tree.addDevMem()
        let backend = ZynqBackend(configuration: .init(system: board.system))
        let rmIP = IPBlock(name: "pr_0/dilate", type: "xilinx.com:hls:dilate_accel:1.0", baseAddress: 0xA004_0000, addressRange: 0x10000)
        let partial = try ZynqTestOverlays.resizer(
            description: ZynqTestOverlays.description(ps: nil, clocks: .emptyDict, ips: [rmIP]), path: "/overlays/pr_0_dilate.bit")
        #expect(throws: BackendError.noOverlay(backend: "zynq fpga0")) { try backend.downloadPartial(partial) }
        let full = try ZynqTestOverlays.resizer()
        try backend.download(full)
        #expect(throws: ZynqError.outsideOverlay(address: 0xA004_0000, length: 0x10000)) { try backend.registers(for: rmIP) }
        try backend.downloadPartial(partial)
        #expect(try board.tree.text("/sys/class/fpga_manager/fpga0/flags") == "1")
        #expect(try board.tree.text("/sys/class/fpga_manager/fpga0/firmware") == "pr_0_dilate.bin")
        #expect(try board.tree.bytes("/lib/firmware/pr_0_dilate.bin") == (try Self.expectedBin()))
        #expect(backend.loadedOverlayID == full.identity)
        let window = try backend.registers(for: rmIP)
        try window.write32(offset: 0, 1)
        #expect(try board.tree.word(at: 0xA004_0000) == 1)
    }

    @Test func failuresLeaveNothingBehind() throws {
        let board = try FakeBoard()
        try board.tree.addDevMem()
        let backend = ZynqBackend(configuration: .init(system: board.system))
        let image = try ZynqTestOverlays.resizer()

        // The kernel rejects the firmware (e.g. wrong device): the write fails, the .bin is removed.
        board.log.fail("write /sys/class/fpga_manager/fpga0/firmware", with: EINVAL)
        #expect(throws: ZynqError.systemCall(call: "write", path: "/sys/class/fpga_manager/fpga0/firmware", errno: EINVAL)) {
            try backend.download(image)
        }
        board.log.clearFailure("write /sys/class/fpga_manager/fpga0/firmware")
        #expect(!FileManager.default.fileExists(atPath: board.tree.url("/lib/firmware/pynqz2_resizer.bin").path))
        #expect(backend.loadedOverlayID == nil)

        try board.tree.write("/sys/class/fpga_manager/fpga0/state", "write error\n")
        #expect(throws: ZynqError.downloadFailed(firmware: "pynqz2_resizer.bin", state: "write error")) { try backend.download(image) }
        try board.tree.write("/sys/class/fpga_manager/fpga0/state", "operating\n")

        var truncated = image
        truncated.bytes = Array(image.bytes.prefix(200))
        #expect(throws: ZynqError.self) { try backend.download(truncated) }
        var badClocks = image
        badClocks.description.dictionaries["clock_dict"] = ["0": ["enable": 1, "divisor0": 64, "divisor1": 1]]
        #expect(throws: ZynqError.badClock(index: 0, reason: "divisor0 must be 1-63 (6 bits), is 64")) { try backend.download(badClocks) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: board.tree.url("/lib/firmware").path).isEmpty)
        #expect(board.nothingLeaked)

        try FileManager.default.removeItem(at: board.tree.url("/sys/class/fpga_manager"))
        #expect(throws: ZynqError.noFPGAManager(path: "/sys/class/fpga_manager/fpga0/firmware")) { try backend.download(image) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: board.tree.url("/lib/firmware").path).isEmpty)
        #expect(board.nothingLeaked)
    }

    /// The live-buffer rule belongs to the public API (`Device`): refused unless forced. A forced
    /// download keeps CMA buffers valid (they are processor DDR, which a bitstream does not touch).
    @Test func liveBuffersRefusedByDeviceUnlessForced() throws {
        let board = try FakeBoard()
        try board.tree.addDevMem()
        let backend = ZynqBackend(configuration: .init(system: board.system, allocator: .xlnk(.packed, .kernel)))
        let device = Device(backend: backend)
        let image = try ZynqTestOverlays.resizer()
        try device.download(image)
        let buffer = try backend.allocate(byteCount: 4096, memory: 0, cacheable: false)
        buffer.hostAddress.storeBytes(of: 0xC0DE_CAFE, as: UInt32.self)
        #expect {
            try device.download(image)
        } throws: { error in
            guard case PynqError.buffersLive(_, let banks) = error else { return false }
            return banks.map(\.bank) == ["PSDDR"] && banks.map(\.count) == [1]
        }
        try device.download(image, force: true)
        #expect(backend.loadedOverlayID == image.identity)
        #expect(buffer.hostAddress.load(as: UInt32.self) == 0xC0DE_CAFE)
        #expect(try backend.usage(memory: 0).numBuffers == 1)
        buffer.release()
        try device.download(image)
        try device.close()
        #expect(board.nothingLeaked)
    }

    @Test func probeAndCompanionFiles() throws {
        let board = try FakeBoard()
        guard case .found(let backends) = ZynqBackend.probe(system: board.system) else {
            Issue.record("a tree with fpga_manager must be found")
            return
        }
        #expect(backends.map(\.kind) == [.zynq])
        try FileManager.default.createDirectory(at: board.tree.url("/home/xilinx/ov"), withIntermediateDirectories: true)
        for name in ["base.bit", "base.hwh", "base.dtbo", "other.xclbin"] { try board.tree.write("/home/xilinx/ov/" + name, "x") }
        let files = ZynqBackend(configuration: .init(system: board.system)).companionFiles(ofBitstream: "/home/xilinx/ov/base.bit")
        #expect(files == OverlayFiles(bitstream: "/home/xilinx/ov/base.bit", hwh: "/home/xilinx/ov/base.hwh", xclbin: nil,
                                      dtbo: "/home/xilinx/ov/base.dtbo"))
        #expect(files.binName == "base.bin")
        #expect(OverlayFiles.stem(of: "/a.b/c") == "/a.b/c" && OverlayFiles.stem(of: "/x/.hidden") == "/x/.hidden")

        try FileManager.default.removeItem(at: board.tree.url("/sys/class/fpga_manager"))
        guard case .rejected(let reason) = ZynqBackend.probe(system: board.system) else {
            Issue.record("a tree without fpga_manager must be rejected")
            return
        }
        #expect(reason.contains("/sys/class/fpga_manager/fpga0/firmware not found"))
    }
}

/// Reading and setting PL clock frequencies (pynq's `Clocks`).
@Suite struct PLClockTests {
    @Test func readBackAndSetOnBothFamilies() throws {
        let board = try FakeBoard()
        try board.tree.addDevMem()
        let zynq = ZynqBackend(configuration: .init(system: board.system, family: .zynq7000))
        try board.tree.setWord(1 << 20 | 10 << 8, at: 0xF800_0170)  // IO PLL (1000 MHz) / 10 / 1
        #expect(try zynq.plClockMHz(0) == 100)
        try zynq.setPLClock(0, mhz: 142.857)
        #expect(try zynq.plClockMHz(0) == 142.857143)  // 1000 / 7, as pynq reports it
        try zynq.setPLClock(3, mhz: 250)
        #expect(try board.tree.word(at: 0xF800_01A0) == 1 << 20 | 4 << 8)
        #expect(throws: ZynqError.badClock(index: 1, reason: "a divisor is 0: the clock is stopped")) { try zynq.plClockMHz(1) }
        #expect(throws: ZynqError.badClock(index: 4, reason: "valid PL clock indices are 0-3")) { try zynq.setPLClock(4, mhz: 100) }

        let ultra = ZynqBackend(configuration: .init(system: board.system, family: .zynqUltraScale))
        try board.tree.setWord(1 << 24 | 1 << 16 | 15 << 8, at: 0xFF5E_00C0)  // IOPLL (1499.985 MHz) / 15 / 1
        #expect(try ultra.plClockMHz(0) == 99.999)
        #if !arch(arm) && !arch(arm64)
        // Not on a Zynq CPU and no overlay to tell: the family must be configured.
        #expect(throws: ZynqError.self) { try ZynqBackend(configuration: .init(system: board.system)).plClockMHz(0) }
        #endif
        try board.tree.setWord(1, at: 0xFF5E_00C4)  // SRCSEL 1: no PLL behind it
        #expect(throws: ZynqError.badClock(index: 1, reason: "its source (select 1) is no PLL fed by the reference clock")) {
            try ultra.plClockMHz(1)
        }
        #expect(board.nothingLeaked)
    }
}
