import PynqMetadata
import Testing
import TestSupport

/// The typed values the runtime uses, read from the real xclbins.
@Suite struct XclbinTypedModelTests {
    /// The typed values are made from the sections when asked for; a value set replaces only its own.
    @Test func typedValuesAreDerivedUntilSet() throws {
        var f = try Xclbin.read(bytes: try Reference.bytes("xup_aws_f1_streaming_lab.xclbin"), source: "streaming")
        let memories = f.memories, streams = f.streams, clocks = f.clocks, ips = f.ips
        #expect(!memories.isEmpty && !streams.isEmpty && !clocks.isEmpty && !ips.isEmpty)
        let described = f.overlayDescription()
        #expect(described.memories == memories && described.streams == streams)
        #expect(described.clocks == clocks && described.ips == ips)

        f.memories = [memories[1]]
        f.clocks = []
        #expect(f.memories == [memories[1]])
        #expect(f.streams == streams)
        #expect(f.clocks.isEmpty)
        #expect(f.ips == ips)
        let changed = f.overlayDescription()
        #expect(changed.memories == [memories[1]] && changed.streams == streams)
        #expect(changed.clocks.isEmpty && changed.ips == ips)
        f.streams = []
        f.ips = [ips[0]]
        #expect(f.overlayDescription().streams.isEmpty && f.overlayDescription().ips == [ips[0]])
        #expect(f.overlayDescription().memories == [memories[1]])
    }

    @Test func streamingLab() throws {
        let f = try Xclbin.read(bytes: try Reference.bytes("xup_aws_f1_streaming_lab.xclbin"), source: "streaming")
        #expect(f.header.platformVBNV == "xilinx_aws-vu9p-f1_shell-v04261818_201920_2")
        #expect(f.header.uuidHex == "c6695b1bc2da46958a47e73b07c9fd29")
        #expect(f.header.length == 22747)
        #expect(f.sections.count == 8)
        #expect(f.sections.map(\.name) == ["debug_ip_layout", "20_11_24-210107", "", "", "", "binary_containe",
                                           "binary_containe", "binary_containe"])
        // A name read from the file equals (and hashes as) the same name given as a string.
        let first = f.sections[0]
        let given = XclbinSection(kind: first.kind, name: "debug_ip_layout", offset: first.offset, data: first.data)
        #expect(given == first && Set([given, first]).count == 1)
        var renamed = first
        renamed.name = "a name longer than sixteen bytes"
        #expect(renamed.name == "a name longer than sixteen bytes" && renamed != first)
        #expect(f.bitstream?.count == 22)
        #expect(f.debugIPLayout?.count == 9)
        #expect(f.buildMetadata?.count == 3822)

        #expect(f.kernels.map(\.name) == ["krnl_s2mm", "krnl_fir", "krnl_mm2s"])
        let fir = try #require(f.kernels.first { $0.name == "krnl_fir" })
        #expect(fir.controlProtocol == .apCtrlNone)
        #expect(fir.instances == [KernelInstance(name: "krnl_fir_1", baseAddress: .max)])
        #expect(fir.arguments.map(\.isStream) == [true, true])
        let s2mm = try #require(f.kernels.first { $0.name == "krnl_s2mm" })
        #expect(s2mm.arguments.map(\.name) == ["out_r", "s2m", "samples"])
        #expect(s2mm.arguments.map(\.offset) == [0x10, 0x24, 0x1C])
        #expect(s2mm.arguments.map(\.addressQualifier) == [.global, .stream, .scalar])
        #expect(s2mm.arguments[1].type == "stream<ap_axiu<32, 0, 0, 0>, 0>&")
        #expect(s2mm.instances == [KernelInstance(name: "krnl_s2mm_1", baseAddress: 0x10000)])

        #expect(f.memories.map(\.tag) == ["bank0", "bank1", "bank2", "bank3", "PLRAM[0]", "PLRAM[1]", "PLRAM[2]"])
        #expect(f.memories[0] == MemoryBank(index: 0, tag: "bank0", type: .ddr4, used: true,
                                            baseAddress: 0x8_0000_0000, size: 16 << 30))
        #expect(f.streams == [
            StreamConnection(index: 7, tag: "dc_0", source: "krnl_fir_1.y", sink: "krnl_s2mm_1.s2m"),
            StreamConnection(index: 8, tag: "dc_1", source: "krnl_mm2s_1.m2s", sink: "krnl_fir_1.x"),
        ])
        #expect(f.clocks.count == 5)
        #expect(f.clocks[4].name == "KERNEL_CLK" && f.clocks[4].frequencyMHz == 500 && f.clocks[4].kind == .kernel)

        #expect(f.ips.map(\.name) == ["krnl_mm2s_1", "krnl_s2mm_1"])
        let mm2s = f.ips[0]
        #expect(mm2s.cuName == "krnl_mm2s:krnl_mm2s_1" && mm2s.cuIndex == 0 && mm2s.ipLayoutIndex == 1)
        #expect(mm2s.controlProtocol == .apCtrlChain)
        #expect(mm2s.addressRange == 0x1000)
        #expect(mm2s.registers.map(\.name) == ["CTRL", "in_r", "samples"])
        #expect(mm2s.registers[0].fields.map(\.name) == ["AP_START", "AP_DONE", "AP_IDLE", "AP_READY", "AUTO_RESTART", "AP_CONTINUE"])
        #expect(mm2s.registers[1].memory == "bank0" && mm2s.registers[1].argumentIndex == 0 && mm2s.registers[1].sizeInBits == 64)
        #expect(mm2s.streams == ["m2s": .init(streamTag: "dc_1", direction: "output")])
        #expect(f.ips[1].streams == ["s2m": .init(streamTag: "dc_0", direction: "input")])
    }

    @Test func overlayDescription() throws {
        let f = try Xclbin.read(bytes: try Reference.bytes("xup_aws_f1_vitis_intro_lab.xclbin"), source: "intro")
        let d = f.overlayDescription()
        #expect(d.format == .xclbin)
        #expect(d.uuid == f.header.uuid)
        #expect(d.ips.map(\.name) == ["krnl_vadd_1"])
        #expect(d.memories.count == 7 && d.streams.isEmpty && d.clocks.count == 5)
        #expect(Set(d.dictionaries.keys) == ["ip_dict", "mem_dict", "clock_dict", "gpio_dict", "interrupt_pins",
                                             "interrupt_controllers", "hierarchy_dict"])
        #expect(d.ipDict == f.ipDict && d.memDict == f.memDict && d.clockDict == f.clockDict)
        #expect(d.dictionaries["gpio_dict"] == .emptyDict)
        #expect(f.inspectJSON()["uuid"] == "50fd9081ed414f5a8a562ed9409a98fe")
    }

    @Test func defaultXclbinHasOnlyAMemory() throws {
        let f = try Xclbin.read(bytes: try Reference.bytes("pynq_default.xclbin"), source: "default")
        #expect(f.kernels.isEmpty && f.ips.isEmpty && f.clocks.isEmpty)
        #expect(f.memTopology == f.groupTopology)
        #expect(f.memories == [MemoryBank(index: 0, tag: "PSDDR", type: .ddr4, used: true, baseAddress: 0, size: 512 << 30)])
    }

    @Test func valuesMadeWhenAskedForMatchTheXMLAndCanBeReplaced() throws {
        var f = try Xclbin.read(bytes: try Reference.bytes("xup_aws_f1_streaming_lab.xclbin"), source: "streaming")
        let metadata = try #require(f.metadata)
        #expect(metadata.kernels.map(\.name) == f.kernels.map(\.name))
        #expect(metadata.kernels.map { $0.args.map(\.name) } == f.kernels.map { $0.arguments.map(\.name) })
        #expect(f.debugIPLayout?.count == 9 && f.debugIPLayout?.allSatisfy { !$0.name.isEmpty } == true)
        f.metadata = nil
        f.kernels = []
        f.debugIPLayout = nil
        #expect(f.metadata == nil && f.kernels.isEmpty && f.debugIPLayout == nil)
        f.metadata = metadata
        #expect(f.metadata == metadata)
    }
}

