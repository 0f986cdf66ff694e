import PynqMetadata
import PynqMetadataCore
@testable import PynqXclbin
import Testing
import TestSupport

/// The reader reads MEM_TOPOLOGY, IP_LAYOUT and CLOCK_FREQ_TOPOLOGY in place: names stay byte ranges of
/// the file when they are ASCII, and the typed arrays are decoded when asked for. What it gives must be
/// what decoding every entry gives.
@Suite struct InPlaceSectionTests {
    static let referenceFiles = ["pynq_default.xclbin", "xup_aws_f1_vitis_intro_lab.xclbin", "xup_aws_f1_streaming_lab.xclbin"]

    /// Every section's entries, decoded eagerly from the section's bytes.
    static func decoded<T>(_ f: XclbinFile, _ kind: XclbinSectionKind, _ parse: (SectionBytes) throws -> [T]) throws -> [T]? {
        guard let data = f.section(kind)?.data else { return nil }
        return try Array(data).withUnsafeBufferPointer { try parse(SectionBytes($0, offset: 0, length: $0.count)) }
    }

    @Test(arguments: referenceFiles)
    func typedArraysAreTheSectionsDecoded(name: String) throws {
        let f = try Xclbin.read(bytes: try Reference.bytes(name), source: name)
        let mems = try Self.decoded(f, .memTopology, SectionParsers.memTopology)
        let groups = try Self.decoded(f, .groupTopology, SectionParsers.memTopology)
        let layout = try Self.decoded(f, .ipLayout, SectionParsers.ipLayout)
        let connections = try Self.decoded(f, .connectivity, SectionParsers.connectivity)
        let clocks = try Self.decoded(f, .clockFreqTopology, SectionParsers.clockTopology)
        let debugIPs = try Self.decoded(f, .debugIPLayout, SectionParsers.debugIPLayout)
        #expect(f.memTopology == mems && f.groupTopology == groups && f.ipLayout == layout)
        #expect(f.connectivity == connections && f.clockFrequencies == clocks && f.debugIPLayout == debugIPs)
        #expect(mems != nil && (name != "pynq_default.xclbin") == (layout != nil && clocks != nil))
        // Set values replace the decoded ones, `nil` included.
        var g = f
        g.memTopology = nil
        g.ipLayout = []
        g.clockFrequencies = [ClockFrequencyEntry(frequencyMHz: 100, type: 2, name: "c")]
        #expect(g.memTopology == nil && g.ipLayout == [] && g.clockFrequencies?.map(\.name) == ["c"])
        #expect(g.groupTopology == f.groupTopology && f.memTopology == mems)
    }

    /// Files of 2 GiB or more are read from a compact copy of their metadata sections (positions in the
    /// dictionaries' text are 32-bit); reading any file that way gives the same values.
    @Test(arguments: referenceFiles)
    func aCompactCopyOfTheMetadataReadsTheSame(name: String) throws {
        let bytes = try Reference.bytes(name)
        let f = try Xclbin.read(bytes: bytes, source: name)
        let c = try XclbinReader(bytes: bytes, source: name, compactFrom: 0).read()
        #expect(c.compactMetadata != nil && f.compactMetadata == nil)
        #expect(c.inspectJSON() == f.inspectJSON())
        #expect(c.ips == f.ips && c.kernels == f.kernels && c.memories == f.memories && c.streams == f.streams)
        #expect(c.clocks == f.clocks && c.metadata == f.metadata)
        #expect(c.memTopology == f.memTopology && c.ipLayout == f.ipLayout && c.clockFrequencies == f.clockFrequencies)
        #expect(c.debugIPLayout == f.debugIPLayout && c.connectivity == f.connectivity)
        #expect(c.sections == f.sections && c.bitstream == f.bitstream)
    }

    /// Names that are not ASCII (valid or not) are decoded, invalid UTF-8 repaired, in the dictionaries
    /// as in the typed arrays; tags that differ only in bytes that repair alike are one key, as strings.
    @Test func namesThatAreNotASCII() throws {
        let w = XclbinWriter(part: "test")
        let tags = ["bänk0", "bank1", "BAD0", "BAD1", "bank1"]
        var mems = try w.memTopology(tags.enumerated().map {
            MemoryTopologyEntry(type: .ddr4, used: 1, sizeKBOrRouteID: 1, baseAddressOrFlowID: Int64($0.offset) << 20, tag: $0.element)
        })
        // "BAD0" and "BAD1" become "B\xFFD0" and "B\xFED0": different bytes, the same string once repaired.
        let tagField = { (i: Int) in Layout.memDataArray + i * Layout.memDataSize + 24 }
        mems[tagField(2) + 1] = 0xFF
        mems[tagField(3) + 1] = 0xFE
        mems[tagField(3) + 3] = UInt8(ascii: "0")
        var layout = try w.ipLayout([IPLayoutEntry(type: 1, properties: 0, baseAddress: 0x1000, name: "k:k_1"),
                                     IPLayoutEntry(type: 1, properties: 0, baseAddress: 0x2000, name: "k:kx1")])
        layout[Layout.ipDataArray + Layout.ipDataSize + 16 + 3] = 0xC3  // "k:k\xC3" + "1": invalid, repaired
        let clocks = try w.clockTopology([ClockFrequencyEntry(frequencyMHz: 300, type: 2, name: "clk_é"),
                                          ClockFrequencyEntry(frequencyMHz: 100, type: 1, name: "data")])
        let pointer = #"<arg name="a" addressQualifier="1" id="0" port="M" size="0x8" offset="0x10" hostSize="0x8" type="int*"/>"#
        let kernel = #"<kernel name="k" vlnv="x:y:k:1.0"><port name="S" mode="slave" range="0x1000"/><port name="M" mode="master" range="0xFFFFFFFF"/>"#
            + pointer + #"<instance name="k_1"><addrRemap base="0x1000" port="S"/></instance></kernel>"#
        let f = try Xclbin.read(bytes: try XclbinBadInputTests.file([
            (.memTopology, mems), (.ipLayout, layout), (.clockFreqTopology, clocks),
            (.connectivity, w.connectivity([Connection(argumentIndex: 0, ipLayoutIndex: 0, memoryIndex: 0)])),
            (.embeddedMetadata, XclbinBadInputTests.xml(kernel)),
        ]), source: "names")
        let decodedTags = try #require(f.memTopology).map(\.tag)
        #expect(decodedTags == ["bänk0", "bank1", "B\u{FFFD}D0", "B\u{FFFD}D0", "bank1"])
        // As a Python dict of the decoded tags: repeated keys keep their first place and take the last entry.
        #expect(f.memDict.keys == ["bänk0", "bank1", "B\u{FFFD}D0"])
        #expect(f.memDict["bank1"]?["idx"] == 4 && f.memDict["B\u{FFFD}D0"]?["idx"] == 3)
        #expect(f.memDict["bänk0"]?["tag"] == "bänk0")
        #expect(f.ipLayout?.map(\.name) == ["k:k_1", "k:k\u{FFFD}1"])
        #expect(f.ipDict["k_1"]?["index"] == 0 && f.ipDict["k_1"]?["registers"]?["a"]?["memory"] == "bänk0")
        #expect(f.ips.first?.registers.first { $0.name == "a" }?.memory == "bänk0")
        // Grouped by type: DATA (1) before KERNEL (2).
        #expect(f.clockDict["clock0"]?["name"] == "data" && f.clockDict["clock1"]?["name"] == "clk_é")
        #expect(f.clockFrequencies?.map(\.name) == ["clk_é", "data"])
    }

    /// Field names: length up to the first NUL, and whether those bytes are ASCII, in every field size.
    @Test func fieldLengthsAndASCII() {
        for size in [16, 64, 128] {
            for count in 0...size {
                var field = (0..<count).map { UInt8(ascii: "a") + UInt8($0 % 26) } + [UInt8](repeating: 0, count: size - count)
                if count < size - 1 { field[count + 1] = 0xFF }  // after the NUL: not the name's
                #expect(field.withUnsafeBufferPointer { fieldLength($0.baseAddress!, size) } == (count, true), "size \(size), \(count)")
                for at in [0, count / 2, count - 1] where at >= 0 && at < count {
                    var high = field
                    high[at] = 0xC3
                    #expect(high.withUnsafeBufferPointer { fieldLength($0.baseAddress!, size) } == (count, false),
                            "size \(size), \(count), 0xC3 at \(at)")
                }
            }
        }
    }
}
