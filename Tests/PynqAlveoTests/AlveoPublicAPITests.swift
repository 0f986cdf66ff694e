import Foundation
import Pynq
import PynqBackend
import Testing
import TestSupport

@testable import PynqAlveo

/// The public API (Overlay, Memory, allocate, PynqBuffer) on the Alveo backend, XRT's no-op device.
@Suite("Public API on the Alveo backend", .serialized, .xrtExclusive)
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

/// `ol.krnl_vadd_1.call(a, b, c, n)` on the Alveo backend: arguments packed from the xclbin's argument
/// list into an XRT run.
@Suite("Kernel calls on the Alveo backend", .serialized, .xrtExclusive)
struct AlveoKernelCallTests {
    /// The blocking forms (kept out of the async test, where `call` means the async overload).
    func blockingCalls(_ ol: Overlay, _ a: PynqBuffer, _ b: PynqBuffer, _ c: PynqBuffer, _ n: Int) throws {
        try ol.krnl_vadd_1.call(a, b, c, UInt32(n))
        let handle = try ol.krnl_vadd_1.start(a, b, c, UInt32(n))
        try handle.wait()
        #expect(try handle.isDone)
        // A slice as an argument (a sub-buffer at its offset).
        try ol.krnl_vadd_1.call(a[16...], b[16...], c[16...], UInt32(n - 16))
        // The register route: the no-op layer refuses register access, with XRT's message.
        do {
            try ol.krnl_vadd_1.call(a, b, c, UInt32(n), route: .registers)
            Issue.record("the no-op layer accepted register access")
        } catch {
            #expect("\(error)".contains("Operation not permitted"))
        }
        // Wrong arguments are refused before XRT sees them.
        #expect(throws: (any Error).self) { try ol.krnl_vadd_1.call(a, b, c) }
    }

    @Test("call, start + wait, and async call of krnl_vadd complete through XRT runs")
    func vadd() async throws {
        let device = Device(backend: try AlveoBackend(index: 0))
        let ol = try Overlay(vaddXclbin, device: device)
        let bank = try ol.memory("bank0")
        let n = 512
        let a = try allocate(shape: [n], dtype: "u4", target: bank)
        let b = try allocate(shape: [n], dtype: "u4", target: bank)
        let c = try allocate(shape: [n], dtype: "u4", target: bank)
        try a.flush()
        try b.flush()
        try blockingCalls(ol, a, b, c, n)
        try await ol.krnl_vadd_1.call(a, b, c, UInt32(n))

        for buffer in [a, b, c] { buffer.free() }
        #expect(try bank.numBuffers == 0)
        try ol.free()
    }
}
