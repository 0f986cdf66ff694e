import Foundation
import PynqBackend
import Testing
import TestSupport
@testable import PynqZynq

/// `.dtbo` beside a bitstream applied through a fake configfs after the download.
@Suite struct DeviceTreeOverlayTests {
    static func overlayFolder(_ board: FakeBoard, stem: String, dtbo: [UInt8]?) throws -> String {
        try FileManager.default.createDirectory(at: board.tree.url("/overlays"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Reference.filesDirectory.appendingPathComponent("pynqz2_resizer.hwh"),
                                         to: board.tree.url("/overlays/\(stem).hwh"))
        try FileManager.default.copyItem(at: Reference.filesDirectory.appendingPathComponent("pynqz2_resizer.bit"),
                                         to: board.tree.url("/overlays/\(stem).bit"))
        if let dtbo { try Data(dtbo).write(to: board.tree.url("/overlays/\(stem).dtbo")) }
        return "/overlays/\(stem).bit"
    }

    @Test func appliedAfterTheDownloadAndRemovedBeforeTheNext() throws {
        let board = try FakeBoard()
        try board.tree.addDevMem()
        let blob: [UInt8] = [0xD0, 0x0D, 0xFE, 0xED] + Array(repeating: 7, count: 60)
        let base = try Self.overlayFolder(board, stem: "base", dtbo: blob)
        let backend = ZynqBackend(configuration: .init(system: board.system))
        try backend.download(try ZynqOverlayImage.load(bitstream: base, system: board.system))
        let applied = "/sys/kernel/config/device-tree/overlays/base"
        #expect(try board.tree.bytes(applied + "/dtbo") == blob)
        #expect(backend.deviceTreeOverlays == [DeviceTreeOverlay(path: "/overlays/base.dtbo")])
        #expect(DeviceTreeOverlay(path: "/overlays/base.dtbo").isApplied(system: board.system))
        // The firmware was programmed before the overlay was applied.
        let order = board.log.all.filter { $0.call == "write" }.map(\.path)
        #expect(order.firstIndex(of: "/sys/class/fpga_manager/fpga0/firmware")! < order.firstIndex(of: applied + "/dtbo")!)

        let other = try Self.overlayFolder(board, stem: "other", dtbo: nil)
        try backend.download(try ZynqOverlayImage.load(bitstream: other, system: board.system))
        #expect(!FileManager.default.fileExists(atPath: board.tree.url(applied).path))
        #expect(backend.deviceTreeOverlays.isEmpty)
        #expect(board.nothingLeaked)
    }

    @Test func aRefusedOverlayIsATypedErrorAndLeavesNoFolder() throws {
        let board = try FakeBoard()
        try board.tree.addDevMem()
        let base = try Self.overlayFolder(board, stem: "base", dtbo: [1, 2, 3, 4])
        let backend = ZynqBackend(configuration: .init(system: board.system))
        board.log.fail("apply dtbo", with: EINVAL)
        #expect(throws: ZynqError.unsupportedDesign(reason: "the kernel did not apply device-tree overlay /overlays/base.dtbo; check dmesg")) {
            try backend.download(try ZynqOverlayImage.load(bitstream: base, system: board.system))
        }
        #expect(!FileManager.default.fileExists(atPath: board.tree.url("/sys/kernel/config/device-tree/overlays/base").path))
        #expect(backend.deviceTreeOverlays.isEmpty)
        #expect(backend.loadedOverlayID == nil)
        #expect(DeviceTreeOverlay(path: "/x/y/base.partial.dtbo").name == "base")
        #expect(board.nothingLeaked)
    }
}
