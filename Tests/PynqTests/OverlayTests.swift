import PynqBackend
import PynqMetadataCore
import PynqMock
import Testing
import TestSupport
@testable import Pynq

@Suite("Overlay")
struct OverlayTests {
    @Test func attributesResolveToIPsMemoriesAndStreams() throws {
        let ol = try kernelOptOverlay()
        #expect(ol.isLoaded)
        let bank = try ol.bank1
        #expect(try bank.asMemory.tag == "bank1")
        #expect(try bank.memUsed == 0)
        #expect(try bank.numBuffers == 0)
        #expect(try bank.size == 16 << 30)
        #expect(try bank.baseAddress == 0x50_0000_0000)
        #expect(try bank.type == "DDR4")
        let stream = try ol.dc_0
        #expect(try stream.source == "krnl_stream_vadd_1.out_r")
        #expect(try stream.sink == "krnl_stream_vmult_1.in1")
        #expect(try stream.sourceIP?.name == "krnl_stream_vadd_1")
        #expect(try stream.sinkIP?.name == "krnl_stream_vmult_1")
        #expect(try stream.monitors.isEmpty)
        #expect(stream.description == "XrtStream(source=krnl_stream_vadd_1.out_r, sink=krnl_stream_vmult_1.in1)")
        let vadd = try ol.krnl_stream_vadd_1
        #expect(try vadd.asIP === stream.sourceIP)
        #expect(vadd.description == "<DefaultIP krnl_stream_vadd_1 (xilinx.com:hls:krnl_stream_vadd:1.0) at 0x1800000>")
        #expect(ol.attributeNames == ["krnl_stream_vadd_1", "krnl_stream_vmult_1", "bank1", "bank2", "dc_0"])
    }

    @Test func typedAccessorsAndWrongKinds() throws {
        let ol = try kernelOptOverlay()
        #expect(try ol.memory("bank1") === ol.memories["bank1"])
        #expect(try ol.memory("bank0").isUsed == false)
        #expect(try ol.stream("dc_0").tag == "dc_0")
        #expect(try ol.ip("krnl_stream_vmult_1").baseAddress == 0x181_0000)
        #expect(throws: PynqError.self) { try ol.memory("dc_0") }
        #expect(throws: PynqError.self) { try ol.stream("bank1") }
        do {
            _ = try ol.dc_0.memUsed
            Issue.record("a stream has no memUsed")
        } catch let error as PynqError {
            #expect(error.description == "'dc_0' is a stream, not a memory bank")
        }
        do {
            _ = try ol.bank7
            Issue.record("bank7 does not exist")
        } catch {
            #expect(error.description.contains("could not find IP, memory or stream 'bank7'"))
            #expect(error.description.contains("bank1, bank2, dc_0"))
        }
    }

    @Test func registersReadBackThroughDefaultIP() throws {
        let ol = try kernelOptOverlay()
        let vadd = try ol.krnl_stream_vadd_1
        try vadd.write(0x28, 99)
        #expect(try vadd.read(0x28) == 99)
        #expect(try vadd.read() == KernelControl.apIdle)
        #expect(throws: MMIOError.misaligned(offset: 0x29, width: 4, alignment: 4, baseAddress: 0x180_0000)) { try vadd.read(0x29) }
        #expect(throws: PynqError.self) { try ol.bank1.read() }
    }

    @Test func freeUnloadsAndObjectsRefuseAfterwards() throws {
        let ol = try kernelOptOverlay()
        let bank = try ol.memory("bank1")
        let vadd = try ol.ip("krnl_stream_vadd_1")
        try ol.free()
        #expect(!ol.isLoaded)
        #expect(throws: PynqError.self) { try ol.bank1 }
        #expect(throws: PynqError.self) { try bank.memUsed }
        #expect(throws: PynqError.self) { try vadd.read(0) }
        #expect(throws: PynqError.self) { try allocate(shape: [4], target: bank) }
        try ol.free() // idempotent
        try ol.download()
        #expect(ol.isLoaded)
        #expect(try bank.memUsed == 0)
        try ol.free()
    }

    @Test func freeAndReloadAreRefusedWhileBuffersLive() throws {
        let device = mockDevice()
        let ol = try kernelOptOverlay(device: device)
        let a = try allocate(shape: [1024], dtype: "u4", target: ol.bank1)
        let b = try allocate(shape: [16], dtype: "f8", target: ol.bank1)
        let c = try allocate(shape: [3, 3], dtype: "i2", target: ol.bank2)
        do {
            try ol.free()
            Issue.record("free must be refused while buffers are live")
        } catch {
            #expect(error.description.hasPrefix("cannot free the overlay: 3 buffers are still allocated (2 in bank1, 1 in bank2)"))
            #expect(error.description.contains("force: true"))
        }
        #expect(ol.isLoaded)
        #expect(throws: PynqError.self) { try kernelOptOverlay(device: device) }
        #expect(ol.isLoaded)
        a.free()
        b.free()
        c.free()
        try ol.free()
        #expect(try allBanksEmpty(kernelOptOverlay(device: device)))
    }

    @Test func forcedFreeKeepsBuffersUsable() throws {
        let ol = try kernelOptOverlay()
        let buf = try allocate(shape: [8], of: UInt32.self, target: ol.bank1)
        try ol.free(force: true)
        #expect(!ol.isLoaded)
        buf[3] = 7
        #expect(buf[3] == 7)
        buf.free()
    }

    @Test func missingFileIsATypedError() throws {
        let device = mockDevice()
        do {
            _ = try Overlay("/nonexistent/kernel_opt.xclbin", device: device)
            Issue.record("a missing file must throw")
        } catch let error as PynqError {
            guard case .overlayFile(let path, let reason) = error else { throw error }
            #expect(path == "/nonexistent/kernel_opt.xclbin")
            #expect(reason.contains("ENOENT"))
            #expect(error.description.contains("check the path"))
        }
        #expect(throws: PynqError.self) { try Overlay(Reference.filesDirectory.path, device: device) }
        #expect(throws: PynqError.self) {
            try Overlay(Reference.filesDirectory.appendingPathComponent("pynqz2_resizer.hwh").path, device: device)
        }
        #expect(device.loadedOverlayID == nil)
    }

    @Test func realStreamingXclbinLoadsOnMock() throws {
        let path = Reference.filesDirectory.appendingPathComponent("xup_aws_f1_streaming_lab.xclbin").path
        let ol = try Overlay(path, device: mockDevice())
        #expect(ol.isLoaded)
        #expect(ol.memDict["bank0"]?["used"] == 1)
        #expect(ol.ipDict.keys == ["krnl_mm2s_1", "krnl_s2mm_1"])
        #expect(ol.memories.keys.sorted() == ["bank0", "bank2"])
        let bank = try ol.bank0
        let buf = try allocate(shape: [256], dtype: "u4", target: bank)
        #expect(buf.deviceAddress == 34_359_738_368)
        #expect(try bank.memUsed == 4096)
        buf.free()
        #expect(try bank.memUsed == 0)
        let stream = try ol.dc_1
        #expect(try stream.source == "krnl_mm2s_1.m2s")
        #expect(try stream.sourceIP?.name == "krnl_mm2s_1")
        #expect(throws: BackendError.self) { try allocate(shape: [4], target: ol.memory("bank1")) }
        try ol.free()
    }

    @Test func attributeNamesDropPunctuation() {
        #expect(Overlay.attributeName("PLRAM[0]") == "PLRAM0")
        #expect(Overlay.attributeName("DDR[1]") == "DDR1")
        #expect(Overlay.attributeName("bank_1") == "bank_1")
    }
}
