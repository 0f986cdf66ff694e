import PynqMetadata
import Testing
import TestSupport

/// A design like the `kernel_opt` notebooks': four DDR4 banks, an mm kernel and a streaming kernel.
func kernelOptLikeBuilder(uuid: [UInt8]? = nil) throws -> XclbinBuilder {
    var b = XclbinBuilder(platformVBNV: "xilinx_u200_gen3x16_xdma_base_2", uuid: uuid)
    for i in 0..<4 {
        b.addMemory(tag: "bank\(i)", type: .ddr4, baseAddress: 0x40_0000_0000 + UInt64(i) << 34, size: 16 << 30)
    }
    for i in 0..<3 { b.addStreamConnection(tag: "dc_\(i)") }
    try b.addKernel(name: "krnl_vadd", instances: [("krnl_vadd_1", 0x180_0000)], arguments: [
        .pointer("in1", type: "int const *", memory: "bank0"), .pointer("in2", type: "int const *", memory: "bank1"),
        .pointer("out_r", memory: "bank2"), .scalar("size", type: "int"),
    ])
    try b.addKernel(name: "krnl_stream_vadd", instances: [("krnl_stream_vadd_1", 0x181_0000)], arguments: [
        .stream("in1", .input, connection: "dc_0"), .stream("in2", .input, connection: "dc_1"),
        .stream("out_r", .output, connection: "dc_2"), .scalar("size", type: "int"),
    ])
    b.addClock(name: "DATA_CLK", frequencyMHz: 300, kind: .data)
    b.addClock(name: "KERNEL_CLK", frequencyMHz: 500, kind: .kernel)
    return b
}

@Suite struct XclbinWriterTests {
    @Test(arguments: Reference.fileNames(withExtension: "xclbin"))
    func referenceFilesRoundTrip(name: String) throws {
        let original = try Xclbin.read(bytes: try Reference.bytes(name), source: name)
        let written = try XclbinBuilder(file: original).build()
        let again = try Xclbin.read(bytes: written, source: "rewritten " + name)
        #expect(again.inspectJSON() == original.inspectJSON())
        #expect(again.header.uuid == original.header.uuid)
        #expect(again.header.platformVBNV == original.header.platformVBNV)
        #expect(again.header.length == UInt64(written.count))
        #expect(again.kernels == original.kernels)
        #expect(again.memories == original.memories)
        #expect(again.streams == original.streams)
        #expect(again.clocks == original.clocks)
        #expect(again.ips == original.ips)
        #expect(again.ipLayout == original.ipLayout)
        #expect(again.effectiveConnectivity == original.effectiveConnectivity)
        #expect(again.groupTopology == original.groupTopology)
        #expect(again.bitstream.map(Array.init) == original.bitstream.map(Array.init))
        #expect(again.buildMetadata.map(Array.init) == original.buildMetadata.map(Array.init))
        #expect(again.debugIPLayout == original.debugIPLayout)
        for s in again.sections { #expect(s.offset % 8 == 0, "section \(s.kind) at \(s.offset)") }
        // Writing what we read gives the same bytes.
        #expect(try XclbinBuilder(file: again).build() == written)
    }

    @Test func kernelOptLikeDesign() throws {
        let bytes = try kernelOptLikeBuilder().build()
        let f = try Xclbin.read(bytes: bytes, source: "kernel_opt")
        #expect(f.header.platformVBNV == "xilinx_u200_gen3x16_xdma_base_2")
        #expect(f.kernels.map(\.name) == ["krnl_vadd", "krnl_stream_vadd"])
        #expect(f.memories.map(\.tag) == ["bank0", "bank1", "bank2", "bank3"])
        #expect(f.memories.map(\.used) == [true, true, true, false])
        #expect(f.memories[1].baseAddress == 0x44_0000_0000 && f.memories[1].size == 16 << 30)
        #expect(f.streams == [
            StreamConnection(index: 4, tag: "dc_0", source: nil, sink: "krnl_stream_vadd_1.in1"),
            StreamConnection(index: 5, tag: "dc_1", source: nil, sink: "krnl_stream_vadd_1.in2"),
            StreamConnection(index: 6, tag: "dc_2", source: "krnl_stream_vadd_1.out_r", sink: nil),
        ])
        #expect(f.ips.map(\.name) == ["krnl_stream_vadd_1", "krnl_vadd_1"])
        let vadd = try #require(f.ipDict["krnl_vadd_1"])
        #expect(vadd["phys_addr"] == .int(0x180_0000))
        #expect(vadd["addr_range"] == 0x1000)
        #expect(vadd["cu_name"] == "krnl_vadd:krnl_vadd_1")
        #expect(vadd["cu_index"] == 0 && vadd["index"] == 0)
        #expect(vadd["registers"]?.keys == ["CTRL", "in1", "in2", "out_r", "size"])
        #expect(vadd["registers"]?["in1"]?["address_offset"] == 0x10)
        #expect(vadd["registers"]?["in2"]?["address_offset"] == 0x1C)
        #expect(vadd["registers"]?["out_r"]?["address_offset"] == 0x28)
        #expect(vadd["registers"]?["size"]?["address_offset"] == 0x34)
        #expect(vadd["registers"]?["in2"]?["memory"] == "bank1")
        #expect(vadd["registers"]?["in1"]?["type"] == "int const *")
        #expect(vadd["registers"]?["size"]?["size"] == 32)
        let stream = try #require(f.ipDict["krnl_stream_vadd_1"])
        #expect(stream["streams"]?["out_r"] == ["id": 2, "type": "stream<qdma_axis<32, 0, 0, 0>, 0>&",
                                                "direction": "output", "stream_id": "dc_2"])
        #expect(stream["registers"]?.keys == ["CTRL", "size"])
        #expect(f.clockDict == ["clock0": ["name": "DATA_CLK", "frequency": 300, "type": "DATA"],
                                "clock1": ["name": "KERNEL_CLK", "frequency": 500, "type": "KERNEL"]])
        #expect(f.ipLayout?.map(\.name) == ["krnl_vadd:krnl_vadd_1", "krnl_stream_vadd:krnl_stream_vadd_1"])
    }

    @Test func uuidIsGivenOrDerivedFromTheContent() throws {
        let given: [UInt8] = Array(1...16)
        #expect(try Xclbin.read(bytes: try kernelOptLikeBuilder(uuid: given).build(), source: "u").header.uuid == given)
        let a = try kernelOptLikeBuilder().build(), b = try kernelOptLikeBuilder().build()
        #expect(a == b)
        var other = try kernelOptLikeBuilder()
        other.addMemory(tag: "PLRAM[0]", type: .dram, baseAddress: 0x1000_0000, size: 128 << 10)
        let ua = try Xclbin.read(bytes: a, source: "a").header.uuid
        let ub = try Xclbin.read(bytes: try other.build(), source: "b").header.uuid
        #expect(ua != ub)
        #expect(ua != [UInt8](repeating: 0, count: 16))
        #expect(ua[6] >> 4 == 8 && ua[8] >> 6 == 2)
    }

    @Test func textIsEscapedAndComesBack() throws {
        var b = XclbinBuilder(platformVBNV: "plat<&>\"'")
        b.projectName = "a & b"
        b.addMemory(tag: "bank0", baseAddress: 0, size: 1 << 20)
        let odd = "stream<ap_axis<32, \"x\" & 'y'>>&\tz\nw"
        try b.addKernel(name: "k", instances: [("k_1", 0x1000)], arguments: [
            .stream("s", .input, type: odd), .pointer("p", type: "a<b>&", memory: "bank0"),
        ])
        let f = try Xclbin.read(bytes: try b.build(), source: "escaped")
        #expect(f.header.platformVBNV == "plat<&>\"'")
        #expect(f.kernels[0].arguments.map(\.type) == [odd, "a<b>&"])
        #expect(f.ipDict["k_1"]?["streams"]?["s"]?["type"] == .string(odd))
    }

    @Test func builderRefusesWhatItCannotWrite() throws {
        var b = XclbinBuilder(platformVBNV: "p")
        b.addMemory(tag: "a_tag_longer_than_15", baseAddress: 0, size: 1024)
        #expect(throws: MetadataError.self) { try b.build() }

        var c = XclbinBuilder(platformVBNV: String(repeating: "v", count: 64))
        #expect(throws: MetadataError.self) { try c.build() }
        c.platformVBNV = "ok"
        #expect(throws: MetadataError.self) {
            try c.addKernel(name: "k", instances: [("k_1", 0)], arguments: [.pointer("p", memory: "missing")])
        }
        #expect(throws: MetadataError.self) {
            try c.addKernel(name: "k", instances: [("k_1", 0)], arguments: [.stream("s", .output, connection: "dc_9")])
        }
        #expect(throws: MetadataError.self) {
            try c.addKernel(name: "k", instances: [("k_1", 0)], arguments: [.scalar("x", type: "bad\u{1}type")])
            try c.build()
        }
        c.uuid = [1, 2, 3]
        #expect(throws: MetadataError.self) { try c.build() }
    }
}
