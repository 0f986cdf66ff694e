import Foundation
import Pynq
import PynqBackend
import Testing

@testable import PynqAlveo

/// The public API (Overlay, Memory, allocate, PynqBuffer) on the Alveo backend, XRT's no-op device.
@Suite("Public API on the Alveo backend", .serialized)
struct AlveoPublicAPITests {
    func device() throws -> Device { Device(backend: try AlveoBackend(index: 0)) }

    @Test("Overlay(path) loads the xclbin through XRT; buffers allocate in its bank, flush and invalidate")
    func overlayAndBuffers() throws {
        let device = try device()
        let ol = try Overlay(vaddXclbin, device: device)
        #expect(ol.isLoaded)
        #expect(device.kind == .alveo)
        let bank = try ol.memory("bank0")
        let a = try allocate(shape: [1024], dtype: "u4", target: bank)
        let b = try allocate(shape: [256], dtype: "f4", target: bank, cacheable: true)
        #expect(a.memoryIndex == bank.index)
        #expect(!a.coherent)
        #expect(b.cacheable)
        #expect(a.deviceAddress != 0)
        #expect(try bank.numBuffers == 2)
        #expect(try bank.memUsed == 1024 * 4 + 256 * 4)
        #expect(try bank.usage.source == .accounting)

        let typed = try TypedPynqBuffer<UInt32>(a)
        for i in 0..<1024 { typed[i] = UInt32(i &* 2_654_435_761 & 0xFFFF) }
        try a.flush()
        try a.invalidate()
        #expect((0..<1024).allSatisfy { typed[$0] == UInt32($0 &* 2_654_435_761 & 0xFFFF) })

        // free() and reloading are refused while buffers live (the public API's rule, on Alveo too).
        #expect(throws: PynqError.self) { try ol.free() }
        #expect(throws: PynqError.self) { try ol.download() }
        #expect(ol.isLoaded)

        a.free()
        b.free()
        #expect(try bank.numBuffers == 0)
        #expect(try bank.memUsed == 0)
        try ol.free()
        #expect(!ol.isLoaded)
        let backend = try #require(device.backend as? AlveoBackend)
        #expect(backend.loadedOverlayID == nil)
    }

    @Test("a buffer dropped without free() goes back to XRT (deinit)")
    func deinitFrees() throws {
        let device = try device()
        let ol = try Overlay(vaddXclbin, device: device)
        let bank = try ol.memory("bank0")
        do {
            let buffer = try allocate(shape: [4096], dtype: "u1", target: bank)
            #expect(try bank.numBuffers == 1)
            _ = buffer.nbytes
        }
        #expect(try bank.numBuffers == 0)
        try ol.free()
    }
}
