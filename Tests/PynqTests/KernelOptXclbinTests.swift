import Foundation
import PynqBackend
import PynqMetadataCore
import PynqMock
import PynqXclbin
import Testing
import TestSupport
@testable import Pynq

@Suite("kernel_opt.xclbin")
struct KernelOptXclbinTests {
    static let committed = Reference.packageRoot.appendingPathComponent("Examples/overlays/kernel_opt.xclbin").path

    @Test func committedFileIsWhatTheGeneratorWrites() throws {
        let written = try MockOverlays.kernelOptXclbin()
        let committed = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Self.committed)))
        #expect(written == committed, "regenerate with `swift run make-overlays` and commit Examples/overlays/kernel_opt.xclbin")
    }

    @Test func readerSeesTheMockDescription() throws {
        let read = try Xclbin.read(bytes: MockOverlays.kernelOptXclbin(), source: "kernel_opt.xclbin").overlayDescription()
        let expected = MockOverlays.kernelOpt()
        #expect(read.uuid == expected.uuid)
        #expect(read.memories == expected.memories)
        #expect(read.streams.map(\.tag) == ["dc_0"])
        #expect(read.streams.first?.index == expected.streams.first?.index)
        for ip in expected.ips {
            let other = try #require(read.ips.first { $0.name == ip.name })
            #expect(other.baseAddress == ip.baseAddress)
            #expect(other.addressRange == ip.addressRange)
            #expect(other.type == ip.type)
            #expect(other.streams == ip.streams)
            for register in ip.registers where register.argumentIndex != nil {
                let match = other.registers.first { $0.name == register.name }
                #expect(match?.offset == register.offset, "register \(ip.name).\(register.name)")
                #expect(match?.argumentIndex == register.argumentIndex, "register \(ip.name).\(register.name)")
            }
        }
    }

    /// The memory-and-streams seed against the committed file, with its outputs.
    @Test func seedNotebookOnTheFile() throws {
        let ol = try Overlay(Self.committed, device: mockDevice())
        let bank = try ol.bank1
        #expect(try bank.memUsed == 0)
        var buf: PynqBuffer? = try allocate(shape: [1024, 1024], dtype: "u4", target: bank)
        #expect(try bank.memUsed == 4_194_304)
        buf = nil
        #expect(try bank.memUsed == 0)
        buf = try allocate(shape: [1024, 1024], dtype: "u4", target: bank)
        #expect(buf?.description == """
            PynqBuffer([[0, 0, 0, ..., 0, 0, 0],
                        [0, 0, 0, ..., 0, 0, 0],
                        [0, 0, 0, ..., 0, 0, 0],
                        ...,
                        [0, 0, 0, ..., 0, 0, 0],
                        [0, 0, 0, ..., 0, 0, 0],
                        [0, 0, 0, ..., 0, 0, 0]], dtype=uint32)
            """)
        let history = buf
        buf = nil
        #expect(try bank.memUsed == 4_194_304)
        history?.free()
        #expect(try bank.memUsed == 0)
        let stream = try ol.dc_0
        #expect(try stream.source == "krnl_stream_vadd_1.out_r")
        let vadd = try ol.krnl_stream_vadd_1
        #expect(try stream.sourceIP === vadd.asIP)
        #expect(ol.memDict["bank1"]?["used"] == 1)
        #expect(ol.memDict["dc_0"]?["streaming"] == true)
        #expect(ol.ipDict["krnl_stream_vadd_1"]?["phys_addr"] == .int(0x180_0000))
        try ol.free()
        #expect(!ol.isLoaded)
    }

    /// The streaming vadd → vmult pipeline through the public API and the Mock kernel models.
    @Test func streamingPipelineEndToEnd() throws {
        let backend = MockBackend()
        MockOverlays.installKernelOptModels(on: backend)
        let ol = try Overlay(Self.committed, device: Device(backend: backend))
        let n = 4096
        let in1 = try allocate(shape: [n], of: Int32.self, target: ol.bank1)
        let in2 = try allocate(shape: [n], of: Int32.self, target: ol.bank1)
        let factor = try allocate(shape: [n], of: Int32.self, target: ol.bank2)
        let out = try allocate(shape: [n], of: Int32.self, target: ol.bank1)
        try in1.buffer.copy(from: (0..<n).map { Int32($0) })
        try in2.buffer.copy(from: (0..<n).map { Int32(-2 * $0) })
        try factor.buffer.fill(Int32(5))
        for buffer in [in1, in2, factor] { try buffer.syncToDevice() }
        // Arguments by register, as a host program without a register map would write them.
        // (64-bit pointers at 0x1C are 4-byte aligned, as HLS lays them out: two 32-bit writes.)
        func writePointer(_ ip: DefaultIP, _ offset: Int, _ address: UInt64) throws {
            try ip.write(offset, UInt32(truncatingIfNeeded: address))
            try ip.write(offset + 4, UInt32(truncatingIfNeeded: address >> 32))
        }
        let vadd = try ol.ip("krnl_stream_vadd_1")
        try vadd.mmio.write(in1.deviceAddress, at: 0x10)
        try writePointer(vadd, 0x1C, in2.deviceAddress)
        try vadd.write(0x28, UInt32(n))
        try vadd.write(0x00, 1)
        #expect(try vadd.read(0x00) & 0x2 == 0x2)
        let vmult = try ol.ip("krnl_stream_vmult_1")
        try vmult.mmio.write(factor.deviceAddress, at: 0x10)
        try writePointer(vmult, 0x1C, out.deviceAddress)
        try vmult.write(0x28, UInt32(n))
        try vmult.write(0x00, 1)
        #expect(try vmult.read(0x00) & 0x6 == 0x6)
        try out.syncFromDevice()
        #expect(try out.buffer.toArray(of: Int32.self) == (0..<n).map { Int32(-5 * $0) })
        for buffer in [in1, in2, factor, out] { buffer.free() }
        #expect(try allBanksEmpty(ol))
        try ol.free()
    }
}
