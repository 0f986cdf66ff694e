import Foundation
import Pynq
import PynqBackend
import PynqMetadata
import Testing
import TestSupport
@testable import PynqZynq

/// `Interrupt` and UIO on a fake board loaded with zcu104_base.hwh (AXI INTC `axi_intc_0` at
/// 0x80043000 on PS raw IRQ 121, pins `xlconcat0/In0…` behind it).
@Suite struct InterruptTests {
    static let intc: UInt64 = 0x8004_3000

    /// A fake board with `/proc/interrupts` naming IRQ 121 `axi-intc`, `/dev/uio0` called that, and the
    /// zcu104 overlay loaded.
    static func board() throws -> (FakeBoard, Overlay) {
        let board = try FakeBoard()
        try board.tree.addDevMem()
        try FileManager.default.createDirectory(at: board.tree.url("/overlays"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: board.tree.url("/sys/class/uio/uio0"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: board.tree.url("/sys/class/uio/uio1"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Reference.filesDirectory.appendingPathComponent("zcu104_base.hwh"),
                                         to: board.tree.url("/overlays/base.hwh"))
        try FileManager.default.copyItem(at: Reference.filesDirectory.appendingPathComponent("pynqz2_resizer.bit"),
                                         to: board.tree.url("/overlays/base.bit"))
        try board.tree.write("/proc/interrupts", """
                       CPU0       CPU1
             3:     123456     234567     GICv2  30 Level     arch_timer
            48:          0          0     GICv2 120 Level     zynqmp-dma
            49:          7          0     GICv2 121 Level     axi-intc
            """)
        try board.tree.write("/sys/class/uio/uio0/name", "zynqmp-dma\n")
        try board.tree.write("/sys/class/uio/uio1/name", "axi-intc\n")
        try board.tree.write("/dev/uio1", "")
        try FileHandle(forWritingTo: board.tree.url("/dev/uio1")).write(contentsOf: Data([7, 0, 0, 0]))
        let backend = ZynqBackend(configuration: .init(system: board.system))
        let image = try ZynqOverlayImage.load(bitstream: "/overlays/base.bit", system: board.system)
        return (board, try Overlay(image: image, device: Device(backend: backend)))
    }

    @Test func theUIODeviceOfARawIRQIsFoundAndArmed() throws {
        let (board, ol) = try Self.board()
        let backend = try #require(ol.device.backend as? ZynqBackend)
        let uio = try backend.uioDevice(rawIRQ: 121)
        #expect(uio.path == "/dev/uio1" && uio.uioName == "axi-intc")
        try uio.enable()
        #expect(try board.tree.bytes("/dev/uio1").prefix(4) == [1, 0, 0, 0])
        #expect(try uio.waitForEvent() == 1)
        let error = #expect(throws: ZynqError.self) { _ = try backend.uioDevice(rawIRQ: 99) }
        #expect(error?.description.contains("99") == true)
    }

    @Test func aPinBehindTheINTCIsEnabledWaitedForAndAcknowledged() async throws {
        let (board, ol) = try Self.board()
        #expect(try ol.ip("axi_intc_0").baseAddress == Self.intc)
        let interrupt = try Interrupt("xlconcat0/In3", overlay: ol)
        #expect(try board.tree.word(at: Self.intc + 0x10) == 1 << 3)   // SIE
        #expect(try board.tree.word(at: Self.intc + 0x1C) == 3)        // MER
        // The pin is pending: wait returns at once and acknowledges it.
        try board.tree.setWord(1 << 3, at: Self.intc + 0x04)
        try await interrupt.wait()
        #expect(try board.tree.word(at: Self.intc + 0x0C) == 1 << 3)   // IAR
        // The blocking form acknowledges the same way.
        try board.tree.setWord(0, at: Self.intc + 0x0C)
        try Self.blockingWait(interrupt)
        #expect(try board.tree.word(at: Self.intc + 0x0C) == 1 << 3)
    }

    static func blockingWait(_ interrupt: Interrupt) throws { try interrupt.wait() }

    @Test func misuseGivesTypedErrors() throws {
        let (_, ol) = try Self.board()
        let error = #expect(throws: InterruptError.self) { _ = try Interrupt("nope", overlay: ol) }
        if case .noSuchPin(_, let available)? = error { #expect(available.contains("gpio_btns/ip2intc_irpt")) }
    }
}
