import Foundation
import Pynq
import PynqBackend
import Testing
@testable import PynqZynq

/// `GPIO` through sysfs on the fake board loaded with zcu104_base.hwh (a ZynqMP: PS GPIO controller
/// `zynqmp_gpio` at base 338, first EMIO user pin 78).
@Suite struct GPIOTests {
    static func board() throws -> (FakeBoard, Overlay) {
        let (board, ol) = try InterruptTests.board()
        for (chip, label) in [("gpiochip300", "axi_gpio"), ("gpiochip338", "zynqmp_gpio")] {
            try FileManager.default.createDirectory(at: board.tree.url("/sys/class/gpio/\(chip)"), withIntermediateDirectories: true)
            try board.tree.write("/sys/class/gpio/\(chip)/label", label + "\n")
        }
        try board.tree.write("/sys/class/gpio/export", "")
        try board.tree.write("/sys/class/gpio/unexport", "")
        return (board, ol)
    }

    /// What the kernel does on export: the pin's folder appears.
    static func exportPin(_ number: Int, in board: FakeBoard) throws {
        try FileManager.default.createDirectory(at: board.tree.url("/sys/class/gpio/gpio\(number)"), withIntermediateDirectories: true)
        try board.tree.write("/sys/class/gpio/gpio\(number)/direction", "in")
        try board.tree.write("/sys/class/gpio/gpio\(number)/value", "0")
    }

    @Test func aGPIODictPinIsExportedDrivenAndReleased() throws {
        let (board, ol) = try Self.board()
        // mb_iop_pmod0_reset has index 0 in gpio_dict: 338 + 78 + 0 = 416. Not exported yet: the
        // number goes to export (the fake has no kernel to make the pin's folder, so setting the
        // direction then fails, as on a board whose kernel refuses the export).
        #expect(throws: (any Error).self) { _ = try GPIO("mb_iop_pmod0_reset", overlay: ol) }
        #expect(try board.tree.text("/sys/class/gpio/export") == "416")
        try Self.exportPin(416, in: board)
        let reset = try GPIO("mb_iop_pmod0_reset", overlay: ol)
        #expect(reset.number == 416 && reset.direction == .output)
        #expect(try board.tree.text("/sys/class/gpio/gpio416/direction") == "out")
        try Self.exportPin(417, in: board)
        let ack = try GPIO("mb_iop_pmod0_intr_ack", overlay: ol, direction: .input)
        #expect(ack.number == 417)
        #expect(try board.tree.text("/sys/class/gpio/gpio417/direction") == "in")
        try board.tree.write("/sys/class/gpio/gpio417/value", "1\n")
        #expect(try ack.read() == 1)
        #expect(throws: ZynqError.self) { try ack.write(1) }
        try ack.release()
        #expect(try board.tree.text("/sys/class/gpio/unexport") == "417")
    }

    @Test func outputsAreDrivenWithZeroOrOne() throws {
        let (board, ol) = try Self.board()
        try Self.exportPin(418, in: board)
        let pin = try GPIO(userIndex: 2, direction: .output, device: ol.device)
        #expect(try board.tree.text("/sys/class/gpio/gpio418/direction") == "out")
        try pin.write(1)
        #expect(try board.tree.text("/sys/class/gpio/gpio418/value") == "1")
        #expect(throws: ZynqError.self) { try pin.write(2) }
        #expect(throws: GPIOError.self) { _ = try GPIO("nope", overlay: ol) }
    }
}
