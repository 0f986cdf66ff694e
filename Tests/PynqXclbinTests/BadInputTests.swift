import PynqMetadata
@testable import PynqXclbin
import Testing
import TestSupport

/// Bad input throws a `MetadataError` that names the part of the file and the offset; it never traps.
@Suite struct XclbinBadInputTests {
    /// An xclbin made of `sections` as given (kind, bytes).
    static func file(_ sections: [(XclbinSectionKind, [UInt8])]) throws -> [UInt8] {
        var w = XclbinWriter(part: "test")
        for (kind, data) in sections { w.add(kind, name: "", data: data) }
        return try w.file(platformVBNV: "p", uuid: Array(repeating: 7, count: 16), timeStamp: 0, mode: 0)
    }

    static func xml(_ kernel: String) -> [UInt8] {
        Array("""
            <?xml version="1.0" encoding="UTF-8"?>
            <project name="t"><platform><device><core>
            \(kernel)
            </core></device></platform></project>
            """.utf8)
    }

    static func kernel(arg: String = #"<arg name="a" addressQualifier="0" id="0" port="S" size="0x4" offset="0x10" hostSize="0x4" type="int"/>"#,
                       ports: String = #"<port name="S" mode="slave" range="0x1000"/><port name="IN" mode="read_only" range=""/>"#) -> String {
        #"<kernel name="k" vlnv="x:y:k:1.0">\#(ports)\#(arg)<instance name="k_1"><addrRemap base="0x1000" port="S"/></instance></kernel>"#
    }

    static func error(_ bytes: [UInt8]) -> MetadataError? {
        do {
            _ = try Xclbin.read(bytes: bytes, source: "bad.xclbin")
            return nil
        } catch let e as MetadataError {
            return e
        } catch {
            Issue.record("not a MetadataError: \(error)")
            return nil
        }
    }

    static func le32(_ v: Int32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }

    @Test func theTestFileIsGood() throws {
        let f = try Xclbin.read(bytes: try Self.file([(.embeddedMetadata, Self.xml(Self.kernel()))]), source: "good")
        #expect(f.ipDict["k_1"]?["registers"]?["a"]?["address_offset"] == 0x10)
    }

    @Test func wrongMagic() throws {
        var bytes = try kernelOptLikeBuilder().build()
        bytes[6] = UInt8(ascii: "1")
        let e = try #require(Self.error(bytes))
        #expect(e.kind == .badMagic && e.offset == 0 && e.part.contains("header"))
        #expect(e.description.contains("xclbin1"))
        #expect(Self.error(Array("hello".utf8))?.kind == .badMagic)
        #expect(Self.error([])?.kind == .badMagic)
    }

    @Test func truncatedHeader() throws {
        let bytes = try kernelOptLikeBuilder().build()
        let e = try #require(Self.error(Array(bytes[0..<300])))
        guard case .truncated = e.kind else { Issue.record("\(e)"); return }
        #expect(e.part.contains("header"))
    }

    @Test func lengthLargerThanTheFile() throws {
        let bytes = try kernelOptLikeBuilder().build()
        let e = try #require(Self.error(Array(bytes.dropLast(1))))
        guard case .truncated(let needed, let available) = e.kind else { Issue.record("\(e)"); return }
        #expect(needed == bytes.count && available == bytes.count - 1 && e.offset == Layout.headerOffset)
    }

    @Test func tooManySections() throws {
        var bytes = try kernelOptLikeBuilder().build()
        bytes.replaceSubrange((Layout.headerOffset + 144)..<(Layout.headerOffset + 148), with: Self.le32(1000))
        let e = try #require(Self.error(bytes))
        #expect(e.offset == Layout.headerOffset + 144 && e.reason.contains("1000 sections"))
    }

    @Test func sectionPastTheEnd() throws {
        var bytes = try Self.file([(.memTopology, Array(repeating: 0, count: 48))])
        let entry = Layout.sectionTableOffset
        // size = file size
        bytes.replaceSubrange((entry + 32)..<(entry + 40), with: Self.le32(Int32(bytes.count)) + [0, 0, 0, 0])
        var e = try #require(Self.error(bytes))
        #expect(e.kind == .badField && e.part.contains("MEM_TOPOLOGY") && e.offset == entry)
        // offset + size overflows 64 bits
        bytes.replaceSubrange((entry + 24)..<(entry + 40), with: Array(repeating: 0xFF, count: 16))
        e = try #require(Self.error(bytes))
        #expect(e.kind == .badField && e.part.contains("MEM_TOPOLOGY"))
    }

    @Test(arguments: [
        (XclbinSectionKind.memTopology, 48), (.groupTopology, 48), (.ipLayout, 88), (.connectivity, 16),
        (.groupConnectivity, 16), (.clockFreqTopology, 138), (.debugIPLayout, 152),
    ])
    func countsThatOverflowTheSection(kind: XclbinSectionKind, size: Int) throws {
        for count: Int32 in [2, 1000, Int32.max, -1, -5] {
            var data = [UInt8](repeating: 0, count: size)
            if kind == .clockFreqTopology || kind == .debugIPLayout {
                if count < 0 || count > 0xFFFF { continue }
                data[0] = UInt8(count & 0xFF)
                data[1] = UInt8(count >> 8)
            } else {
                data.replaceSubrange(0..<4, with: Self.le32(count))
            }
            let e = try #require(Self.error(try Self.file([(kind, data)])), "\(kind) count \(count)")
            #expect(e.kind == .badField && e.part.contains(kind.name) && e.offset == 0, "\(e)")
        }
        // A section too short for its count field.
        let e = try #require(Self.error(try Self.file([(kind, [1])])))
        guard case .truncated = e.kind else { Issue.record("\(e)"); return }
        #expect(e.part.contains(kind.name))
    }

    @Test func invalidUTF8InTheMetadata() throws {
        var x = Self.xml(Self.kernel())
        x[60] = 0xFF
        let e = try #require(Self.error(try Self.file([(.embeddedMetadata, x)])))
        #expect(e.kind == .badText && e.offset == 60 && e.part.contains("EMBEDDED_METADATA"))
    }

    @Test func malformedXML() throws {
        for text in ["<project><platform></project>", "not xml", "", "<a x='1' x2=></a>"] {
            let e = try #require(Self.error(try Self.file([(.embeddedMetadata, Array(text.utf8))])), "\(text)")
            #expect(e.kind == .badText && e.part.contains("EMBEDDED_METADATA") && e.offset != nil)
        }
    }

    @Test(arguments: ["offset=\"ten\"", "offset=\"\"", "offset=\"0x\"", "offset=\"010\"", "offset=\"1__0\"",
                      "offset=\"0x1_0000_0000_0000_0000\""])
    func nonNumericArgumentOffsets(offset: String) throws {
        let arg = #"<arg name="a" addressQualifier="0" id="0" port="S" size="0x4" \#(offset) hostSize="0x4" type="int"/>"#
        let xml = Self.xml(Self.kernel(arg: arg))
        let e = try #require(Self.error(try Self.file([(.embeddedMetadata, xml)])))
        #expect(e.kind == .badField && e.part.contains("EMBEDDED_METADATA"))
        #expect(e.reason.contains("'a'") && e.reason.contains("offset"))
        let at = try #require(e.offset)
        #expect(Array(xml[at..<(at + 4)]) == Array("<arg".utf8))
    }

    /// Names and types written with references are decoded (in the dictionaries, their JSON and the
    /// typed IP blocks), compare equal to the same text written plainly, and sort by their decoded text.
    @Test func referencesInNamesAreDecodedEverywhere() throws {
        let args = #"<arg name="a&amp;b" addressQualifier="0" id="0" port="S" size="0x4" offset="0x10" hostSize="0x4" type="int&lt;32&gt;"/>"#
            + #"<arg name="a&#38;b" addressQualifier="0" id="1" port="S" size="0x4" offset="0x14" hostSize="0x4" type="unsigned"/>"#
            + #"<arg name="s" addressQualifier="4" id="" port="IN" size="0x4" offset="0x0" hostSize="0x4" type="str&amp;eam"/>"#
        let ports = #"<port name="S" mode="slave" range="0x1000"/><port name="IN" mode="read_only" range=""/>"#
        let kernels = #"<kernel name="k&amp;" vlnv="x:y:&amp;:1.0" hwControlProtocol="ap_ctrl_&#99;hain">\#(ports)\#(args)"#
            + #"<instance name="z&#95;1"><addrRemap base="0x2000" port="S"/></instance>"#
            + #"<instance name="b_1"><addrRemap base="0x1000" port="S"/></instance>"#
            + #"<instance name="z_1"><addrRemap base="0x3000" port="S"/></instance></kernel>"#
        let f = try Xclbin.read(bytes: try Self.file([(.embeddedMetadata, Self.xml(kernels))]), source: "refs")
        // "z&#95;1" and "z_1" are one name: the later instance replaces the earlier one, in its place.
        #expect(f.ipDict.keys == ["b_1", "z_1"])
        let z = try #require(f.ipDict["z_1"])
        #expect(z["phys_addr"] == 0x3000)
        #expect(z["fullpath"] == "z_1")
        #expect(z["type"] == "x:y:&:1.0")
        #expect(z["hw_control_protocol"] == "ap_ctrl_chain")
        #expect(z["cu_name"] == "k&:z_1")
        #expect(z["registers"]?.keys == ["CTRL", "a&b"])  // the second "a&b" replaced the first
        #expect(z["registers"]?["a&b"]?["address_offset"] == 0x14)
        #expect(z["registers"]?["a&b"]?["type"] == "unsigned")
        #expect(z["registers"]?["CTRL"]?["fields"]?.keys.contains("AP_CONTINUE") == true)
        #expect(z["streams"]?["s"]?["type"] == "str&eam")
        #expect(f.ipDict.jsonString(indent: nil).contains(#""cu_name":"k&:z_1""#))
        let ips = f.ips
        #expect(ips.map(\.name) == ["b_1", "z_1"])
        #expect(ips[1].type == "x:y:&:1.0")
        #expect(ips[1].controlProtocol == .apCtrlChain)
        #expect(ips[1].registers.map(\.name) == ["CTRL", "a&b"])
        #expect(ips[1].streams["s"]?.direction == "input")
        #expect(ips.map(\.cuIndex) == [0, 1])
    }

    /// An argument's `memory` is its last connection's and `MBG` lists all of them, with Python's negative
    /// memory indices; the same whether the connections are few (searched in order) or many (sorted).
    @Test(arguments: [0, 20]) func argumentMemoriesFromConnectivity(unrelatedConnections: Int) throws {
        let w = XclbinWriter(part: "test")
        let mems = try w.memTopology((0..<4).map {
            MemoryTopologyEntry(type: .ddr4, used: 1, sizeKBOrRouteID: 1, baseAddressOrFlowID: Int64($0) << 20, tag: "bank\($0)")
        })
        let layout = try w.ipLayout([
            IPLayoutEntry(type: 1, properties: 0, baseAddress: 0x8000, name: "other:o_1"),
            IPLayoutEntry(type: 1, properties: 0, baseAddress: 0x1000, name: "k:k_1"),
        ])
        let pointer = { (name: String, id: Int, offset: Int) in
            #"<arg name="\#(name)" addressQualifier="1" id="\#(id)" port="M" size="0x8" offset="\#(offset)" hostSize="0x8" type="int*"/>"#
        }
        let kernel = #"<kernel name="k" vlnv="x:y:k:1.0"><port name="S" mode="slave" range="0x1000"/><port name="M" mode="master" range="0xFFFFFFFF"/>"#
            + pointer("a", 0, 16) + pointer("b", 1, 28) + pointer("c", 2, 40)
            + #"<instance name="k_1"><addrRemap base="0x1000" port="S"/></instance></kernel>"#
        // Connections of IP 0 (not this kernel) mixed in; b twice (MBG), c through index -1 (the last memory).
        var connections = (0..<unrelatedConnections).map { Connection(argumentIndex: $0 % 3, ipLayoutIndex: 0, memoryIndex: $0 % 4) }
        connections.insert(Connection(argumentIndex: 1, ipLayoutIndex: 1, memoryIndex: 1), at: connections.count / 2)
        connections += [Connection(argumentIndex: 2, ipLayoutIndex: 1, memoryIndex: -1),
                        Connection(argumentIndex: 0, ipLayoutIndex: 1, memoryIndex: 0),
                        Connection(argumentIndex: 1, ipLayoutIndex: 1, memoryIndex: 2)]
        let f = try Xclbin.read(bytes: try Self.file([
            (.memTopology, mems), (.ipLayout, layout), (.connectivity, w.connectivity(connections)),
            (.embeddedMetadata, Self.xml(kernel)),
        ]), source: "connections")
        let registers = try #require(f.ipDict["k_1"]?["registers"])
        #expect(registers["a"]?["memory"] == "bank0" && registers["a"]?["MBG"] == nil)
        #expect(registers["b"]?["memory"] == "bank2")
        #expect(registers["b"]?["MBG"] == ["bank1", "bank2"])
        #expect(registers["c"]?["memory"] == "bank3")
        #expect(f.ipDict["k_1"]?["index"] == 1)
        #expect(f.ips.first?.registers.first { $0.name == "b" }?.memory == "bank2")
    }

    /// Names in fixed fields end at their first NUL, or fill the field: every length, in fields of every
    /// size the format has (the scan reads eight bytes at a time).
    @Test func namesOfEveryLengthInTheirFields() {
        for size in [16, 64, 128] {
            for count in 0...size {
                let name = (0..<count).map { UInt8(ascii: "a") + UInt8($0 % 26) }
                var field = name + [UInt8](repeating: 0, count: size - count)
                if count < size - 1 { field[count + 1] = UInt8(ascii: "x") }  // bytes after the NUL are not the name
                let decoded = field.withUnsafeBufferPointer { fieldName($0.baseAddress!, size) }
                #expect(decoded == String(decoding: name, as: UTF8.self), "size \(size), \(count) bytes")
            }
        }
    }

    @Test func pythonNumbersAreAccepted() throws {
        for (text, value) in [("0x1C", 28), ("28", 28), (" 28 ", 28), ("0o34", 28), ("0b11100", 28), ("2_8", 28),
                              ("0x_1c", 28), ("+28", 28), ("000", 0), ("-4", -4)] {
            let arg = #"<arg name="a" addressQualifier="0" id="0" port="S" size="0x4" offset="\#(text)" hostSize="0x4" type="int"/>"#
            let f = try Xclbin.read(bytes: try Self.file([(.embeddedMetadata, Self.xml(Self.kernel(arg: arg)))]), source: text)
            #expect(f.ipDict["k_1"]?["registers"]?["a"]?["address_offset"] == .int(value), "\(text)")
        }
    }

    @Test func missingAttributesAndUndirectedStreams() throws {
        let cases = [
            #"<arg name="a" addressQualifier="0" port="S" size="0x4" offset="0x10" hostSize="0x4" type="int"/>"#,
            #"<arg name="a" addressQualifier="0" id="0" port="S" size="0x4" offset="0x10" hostSize="0x4"/>"#,
            #"<arg name="a" id="0" port="S" size="0x4" offset="0x10" hostSize="0x4" type="int"/>"#,
            #"<arg name="s" addressQualifier="4" id="1" port="S" size="0x8" offset="0x0" hostSize="0x8" type="x"/>"#,
            #"<arg name="s" addressQualifier="4" id="1" size="0x8" offset="0x0" hostSize="0x8" type="x"/>"#,
            #"<arg name="s" addressQualifier="4" id="one" port="IN" size="0x8" offset="0x0" hostSize="0x8" type="x"/>"#,
        ]
        for arg in cases {
            let e = try #require(Self.error(try Self.file([(.embeddedMetadata, Self.xml(Self.kernel(arg: arg)))])), "\(arg)")
            #expect(e.kind == .badField && e.part.contains("EMBEDDED_METADATA") && e.offset != nil, "\(arg)")
        }
        let noRemap = #"<kernel name="k" vlnv="v"><port name="S" mode="slave" range="0x1000"/><instance name="k_1"/></kernel>"#
        #expect(Self.error(try Self.file([(.embeddedMetadata, Self.xml(noRemap))]))?.reason.contains("addrRemap") == true)
        let badRange = #"<kernel name="k" vlnv="v"><port name="S" mode="slave" range="big"/></kernel>"#
        #expect(Self.error(try Self.file([(.embeddedMetadata, Self.xml(badRange))]))?.reason.contains("range") == true)
    }

    @Test func connectionToAMissingMemory() throws {
        var b = XclbinBuilder(platformVBNV: "p")
        b.addMemory(tag: "bank0", baseAddress: 0, size: 1 << 20)
        try b.addKernel(name: "k", instances: [("k_1", 0x1000)], arguments: [.pointer("p", memory: "bank0")])
        b.connections = [Connection(argumentIndex: 0, ipLayoutIndex: 0, memoryIndex: 5)]
        let e = try #require(Self.error(try b.build()))
        #expect(e.kind == .badField && e.part.contains("CONNECTIVITY") && e.offset == 12 && e.reason.contains("memory 5"))
        // Python-style negative indices count from the end, as in pynq.
        b.connections = [Connection(argumentIndex: 0, ipLayoutIndex: 0, memoryIndex: -1)]
        let f = try Xclbin.read(bytes: try b.build(), source: "negative")
        #expect(f.ipDict["k_1"]?["registers"]?["p"]?["memory"] == "bank0")
    }

    /// Every prefix of a real file and every single-byte change at many positions: read or throw.
    @Test(arguments: Reference.fileNames(withExtension: "xclbin"))
    func truncationsAndFlipsNeverCrash(name: String) throws {
        let original = try Reference.bytes(name)
        var outcomes = (read: 0, thrown: 0)
        func attempt(_ bytes: [UInt8]) {
            if Self.error(bytes) == nil { outcomes.read += 1 } else { outcomes.thrown += 1 }
        }
        let step = max(1, original.count / 400)
        for cut in stride(from: 0, to: original.count, by: step) { attempt(Array(original[0..<cut])) }
        for position in stride(from: 0, to: original.count, by: max(1, original.count / 500)) {
            for value: UInt8 in [0x00, 0xFF, original[position] ^ 0x80, UInt8(ascii: "<")] {
                var bytes = original
                bytes[position] = value
                attempt(bytes)
            }
        }
        #expect(outcomes.thrown > 0 && outcomes.read > 0)
    }
}

/// Files that have only the GROUP_* sections (no MEM_TOPOLOGY / CONNECTIVITY) are read from those, as
/// pynq does, and written again without adding empty MEM_TOPOLOGY / CONNECTIVITY sections that would
/// hide them.
@Suite struct XclbinGroupSectionTests {
    @Test func groupOnlyFilesReadAndRoundTrip() throws {
        let intro = try Xclbin.read(bytes: try Reference.bytes("xup_aws_f1_vitis_intro_lab.xclbin"), source: "intro")
        var w = XclbinWriter(part: "test")
        w.add(.embeddedMetadata, name: "", data: Array(try #require(intro.section(.embeddedMetadata)).data))
        w.add(.ipLayout, name: "", data: try w.ipLayout(try #require(intro.ipLayout)))
        w.add(.groupTopology, name: "", data: try w.memTopology(try #require(intro.memTopology)))
        w.add(.groupConnectivity, name: "", data: w.connectivity(try #require(intro.connectivity)))
        w.add(.clockFreqTopology, name: "", data: try w.clockTopology(try #require(intro.clockFrequencies)))
        let bytes = try w.file(platformVBNV: intro.header.platformVBNV, uuid: intro.header.uuid, timeStamp: 0, mode: 0)
        let groupOnly = try Xclbin.read(bytes: bytes, source: "group only")
        #expect(groupOnly.memTopology == nil && groupOnly.connectivity == nil)
        #expect(groupOnly.inspectJSON() == intro.inspectJSON())
        let again = try Xclbin.read(bytes: try XclbinBuilder(file: groupOnly).build(), source: "again")
        #expect(again.section(.memTopology) == nil && again.section(.connectivity) == nil)
        #expect(again.inspectJSON() == intro.inspectJSON())
    }

    /// Beside MEM_TOPOLOGY and CONNECTIVITY (which pynq uses), the group sections are checked when the
    /// file is read and decoded when asked for.
    @Test func groupSectionsBesideTheOthersAreCheckedThenDecodedWhenAskedFor() throws {
        let intro = try Xclbin.read(bytes: try Reference.bytes("xup_aws_f1_vitis_intro_lab.xclbin"), source: "intro")
        let mems = try #require(intro.memTopology), connections = try #require(intro.connectivity)
        let groupMems = Array(mems.reversed().prefix(3)), groupConnections = [Connection(argumentIndex: 0, ipLayoutIndex: 0, memoryIndex: 2)]
        func file(groupTopology: [UInt8]) throws -> [UInt8] {
            var w = XclbinWriter(part: "test")
            w.add(.embeddedMetadata, name: "", data: Array(try #require(intro.section(.embeddedMetadata)).data))
            w.add(.ipLayout, name: "", data: try w.ipLayout(try #require(intro.ipLayout)))
            w.add(.memTopology, name: "", data: try w.memTopology(mems))
            w.add(.groupTopology, name: "", data: groupTopology)
            w.add(.connectivity, name: "", data: w.connectivity(connections))
            w.add(.groupConnectivity, name: "", data: w.connectivity(groupConnections))
            return try w.file(platformVBNV: intro.header.platformVBNV, uuid: intro.header.uuid, timeStamp: 0, mode: 0)
        }
        var f = try Xclbin.read(bytes: try file(groupTopology: try XclbinWriter(part: "test").memTopology(groupMems)),
                                source: "both")
        #expect(f.memDict == intro.memDict && f.ipDict == intro.ipDict)
        #expect(f.groupTopology == groupMems && f.groupConnectivity == groupConnections)
        f.groupTopology = nil
        f.groupConnectivity = []
        #expect(f.groupTopology == nil && f.groupConnectivity == [])
        // A count past the section's end is an error though pynq would not use the section.
        var bad = [UInt8](repeating: 0, count: 48)
        bad[0] = 100
        let e = try #require(XclbinBadInputTests.error(try file(groupTopology: bad)))
        #expect(e.kind == .badField && e.part.contains("GROUP_TOPOLOGY") && e.offset == 0, "\(e)")
    }
}
