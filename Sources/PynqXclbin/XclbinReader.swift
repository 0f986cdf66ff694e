import PynqMetadataCore
import PynqXML

/// Reads the header, the section table and the sections of an xclbin; then derives the typed model
/// and pynq's dictionaries (`PynqDictionaries`). Every size, count and offset is checked before use.
struct XclbinReader {
    let bytes: [UInt8]
    let source: String

    func read() throws -> XclbinFile {
        // The header and the section table are read from a pointer window of the whole file too.
        let (header, sections) = try bytes.withUnsafeBufferPointer { file in
            let whole = SectionBytes(file, offset: 0, length: file.count)
            let (header, numSections) = try readHeader(whole)
            return (header, try readSectionTable(whole, count: numSections))
        }

        // The last section of each kind wins, as in pynq's `{kind: bytes}` dictionary. The parsers read
        // windows of `file` (no reference counting per window). The group sections are decoded only when
        // pynq uses them (no MEM_TOPOLOGY, no CONNECTIVITY), and DEBUG_IP_LAYOUT never: the others are
        // checked and decoded when asked for.
        let (memTopology, ipLayout, connectivity, clockFrequencies, groupTopology, groupConnectivity, debugIP) =
            try bytes.withUnsafeBufferPointer { file in
                let memTopology = try Self.section(.memTopology, sections, file, source, SectionParsers.memTopology)
                let connectivity = try Self.section(.connectivity, sections, file, source, SectionParsers.connectivity)
                return (memTopology,
                        try Self.section(.ipLayout, sections, file, source, SectionParsers.ipLayout),
                        connectivity,
                        try Self.section(.clockFreqTopology, sections, file, source, SectionParsers.clockTopology),
                        try Self.storage(.groupTopology, sections, file, bytes, source, decode: memTopology == nil,
                                         SectionParsers.memTopology, check: SectionParsers.checkMemTopology),
                        try Self.storage(.groupConnectivity, sections, file, bytes, source, decode: connectivity == nil,
                                         SectionParsers.connectivity, check: SectionParsers.checkConnectivity),
                        try Self.storage(.debugIPLayout, sections, file, bytes, source, decode: false,
                                         SectionParsers.debugIPLayout, check: SectionParsers.checkDebugIPLayout))
            }
        // EMBEDDED_METADATA's XML is parsed in place: its text (and pynq's dictionaries' text) are ranges of
        // the file.
        var root: XMLElement? = nil
        if let i = sections.lastIndex(where: { $0.kind == .embeddedMetadata }) {
            root = try EmbeddedMetadata.document(bytes, range: sections[i].offset..<(sections[i].offset + sections[i].size),
                                                 part: sectionPrefix + "EMBEDDED_METADATA").root
        }
        let uuid = header.uuid, uuidHex = header.uuidHex
        let (ipDict, memDict, clockDict, ipEntries, kernelStorage) = try PynqDictionaries.derive(
            source: source, uuidHex: uuidHex, ipLayout: ipLayout, mems: memTopology ?? groupTopology.decoded ?? [],
            connections: connectivity ?? groupConnectivity.decoded ?? [], groupOnly: connectivity == nil,
            clocks: clockFrequencies ?? [], root: root, text: bytes)
        // Made in one expression and returned as made (assigning to a variable first costs a copy); each
        // part is moved in (a copy would be retained here and released when this returns).
        return XclbinFile(
            source: source, header: consume header, sectionTable: consume sections, fileBytes: bytes,
            memTopology: consume memTopology, ipLayout: consume ipLayout, connectivity: consume connectivity,
            clockFrequencies: consume clockFrequencies, ipEntries: consume ipEntries,
            ipDict: consume ipDict, memDict: consume memDict, clockDict: consume clockDict,
            metadataStorage: (consume root).map { .xml($0) } ?? .value(nil),
            groupTopologyStorage: consume groupTopology, groupConnectivityStorage: consume groupConnectivity,
            debugIPStorage: consume debugIP, kernelStorage: consume kernelStorage, uuidHexCache: (consume uuid, consume uuidHex))
    }

    private var sectionPrefix: String { source + ": xclbin section " }

    /// The last section of `kind` in `sections`: decoded by `parse` if `decode`, else checked by `check`
    /// and kept to be decoded when asked for.
    private static func storage<Entry>(
        _ kind: XclbinSectionKind, _ sections: [XclbinFile.SectionEntry], _ file: UnsafeBufferPointer<UInt8>,
        _ bytes: [UInt8], _ source: String, decode: Bool, _ parse: (SectionBytes) throws -> [Entry], check: (SectionBytes) throws -> Void
    ) throws -> XclbinFile.SectionStorage<Entry> {
        if decode { return .value(try section(kind, sections, file, source, parse)) }
        guard try section(kind, sections, file, source, check) != nil,
              let entry = sections.last(where: { $0.kind == kind }) else { return .value(nil) }
        return .section(try ByteReader(bytes, offset: entry.offset, length: entry.size, part: source))
    }

    /// The last section of `kind` in `sections`, parsed from its window of `file`, or `nil`. An error
    /// without a part (or naming only `source`) is named after the section. Everything is a parameter
    /// (nothing captured): no reference counting per call.
    private static func section<T>(_ kind: XclbinSectionKind, _ sections: [XclbinFile.SectionEntry],
                                   _ file: UnsafeBufferPointer<UInt8>, _ source: String,
                                   _ parse: (SectionBytes) throws -> T) throws -> T? {
        guard let i = sections.lastIndex(where: { $0.kind == kind }) else { return nil }
        // In range: checked by readSectionTable.
        let window = SectionBytes(file, offset: sections[i].offset, length: sections[i].size)
        do { return try parse(window) } catch var error as MetadataError {
            if error.part.isEmpty || error.part == source { error.part = source + ": xclbin section " + kind.name }
            throw error
        }
    }

    /// Runs `body`; a `MetadataError` it throws that names only the bare `source` as its part (or no part,
    /// from `SectionBytes`) gets `part` instead (others already name something more precise). Part names
    /// are built only when thrown.
    private func named<T>(_ part: @autoclosure () -> String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch var error as MetadataError {
            if error.part == source || error.part.isEmpty { error.part = part() }
            throw error
        }
    }

    private func partName(_ kind: XclbinSectionKind, _ index: Int) -> String {
        "\(source): xclbin section \(kind.name) (section table entry \(index))"
    }

    // MARK: header

    private func readHeader(_ r: SectionBytes) throws -> (value: XclbinHeader, numSections: Int) {
        try named("\(source): xclbin header") { try readHeaderFields(r) }
    }

    private func readHeaderFields(_ r: SectionBytes) throws -> (value: XclbinHeader, numSections: Int) {
        let part = source  // `readHeader` names the header in errors
        guard bytes.count >= 8, bytes[0..<8].elementsEqual(Xclbin.magic) else {
            let found = String(decoding: bytes.prefix(8).map { $0 >= 0x20 && $0 < 0x7F ? $0 : UInt8(ascii: ".") },
                               as: UTF8.self)
            throw MetadataError(
                .badMagic, part: part, offset: 0,
                reason: "the file does not start with \"xclbin2\\0\" (found \"\(found)\"); it is not an xclbin (axlf) file")
        }
        try r.check(0, Layout.sectionTableOffset)
        let h = Layout.headerOffset
        let value = XclbinHeader(
            signatureLength: try r.le(8, as: Int32.self), uniqueID: try r.le(296, as: UInt64.self),
            length: try r.le(h, as: UInt64.self), timeStamp: try r.le(h + 8, as: UInt64.self),
            featureROMTimeStamp: try r.le(h + 16, as: UInt64.self), versionMajor: try r.u8(h + 26),
            versionMinor: try r.u8(h + 27), versionPatch: try r.le(h + 24, as: UInt16.self),
            mode: try r.le(h + 28, as: UInt16.self), actionMask: try r.le(h + 30, as: UInt16.self),
            featureROM: try r.array(h + 32, 16), platformVBNV: try r.name(h + 48, 64),
            uuid: try r.array(h + 112, 16), debugBin: try r.name(h + 128, 16))
        if value.length > UInt64(bytes.count) {
            throw MetadataError(
                .truncated(needed: Int(clamping: value.length), available: bytes.count), part: part, offset: h,
                reason: "the header says the file is \(value.length) bytes but only \(bytes.count) are there; the file is truncated")
        }
        let numSections = Int(try r.le(h + 144, as: UInt32.self))
        let room = (bytes.count - Layout.sectionTableOffset) / Layout.sectionHeaderSize
        guard numSections <= room else {
            throw MetadataError(
                .truncated(needed: Layout.sectionTableOffset + numSections * Layout.sectionHeaderSize,
                           available: bytes.count),
                part: part, offset: h + 144,
                reason: "the header announces \(numSections) sections but the file has room for only \(room) section headers; the file is truncated or the count is wrong")
        }
        return (value, numSections)
    }

    private func readSectionTable(_ r: SectionBytes, count: Int) throws -> [XclbinFile.SectionEntry] {
        try named("\(source): xclbin section table") { try readSectionEntries(r, count: count) }
    }

    private func readSectionEntries(_ r: SectionBytes, count: Int) throws -> [XclbinFile.SectionEntry] {
        var sections: [XclbinFile.SectionEntry] = []
        sections.reserveCapacity(count)
        for i in 0..<count {
            let at = Layout.sectionTableOffset + i * Layout.sectionHeaderSize
            let kind = XclbinSectionKind(rawValue: try r.le(at, as: UInt32.self))
            let nameField = (try r.le(at + 4, as: UInt64.self), try r.le(at + 12, as: UInt64.self))
            let offset = try r.le(at + 24, as: UInt64.self)
            let size = try r.le(at + 32, as: UInt64.self)
            let fileSize = UInt64(bytes.count)
            guard offset <= fileSize, size <= fileSize - offset else {
                throw MetadataError(
                    .badField, part: partName(kind, i), offset: at,
                    reason: "the section table says the section is \(size) bytes at file offset \(offset), past the end of the \(bytes.count)-byte file; the file is truncated or the table is wrong")
            }
            let start = Int(offset)
            sections.append(XclbinFile.SectionEntry(kind: kind, name: nameField, offset: start, size: Int(size)))
        }
        return sections
    }
}

/// Parsers of the binary sections. Each checks the entry count against the section size first.
enum SectionParsers {
    /// Checks that `count` entries of `size` bytes from `arrayOffset` fit in the section.
    static func checkCount(_ r: SectionBytes, count: Int, arrayOffset: Int, entrySize: Int, what: String) throws {
        guard count >= 0 else {
            throw MetadataError(.badField, part: "", offset: 0,
                                reason: "the \(what) count is negative (\(count))")
        }
        let (bytesNeeded, o1) = count.multipliedReportingOverflow(by: entrySize)
        let (end, o2) = bytesNeeded.addingReportingOverflow(arrayOffset)
        guard !o1, !o2, end <= r.count else {
            throw MetadataError(
                .badField, part: "", offset: 0,
                reason: "the section announces \(count) \(what) entries of \(entrySize) bytes but is only \(r.count) bytes long; the count or the section size is wrong")
        }
    }

    /// Reads `count` entries of `entrySize` bytes from `arrayOffset`, after checking they fit.
    static func entries<T>(_ r: SectionBytes, count: Int, arrayOffset: Int, entrySize: Int, what: String,
                           _ entry: (Int) throws -> T) throws -> [T] {
        try checkCount(r, count: count, arrayOffset: arrayOffset, entrySize: entrySize, what: what)
        var out: [T] = []
        out.reserveCapacity(count)
        for i in 0..<count { out.append(try entry(arrayOffset + i * entrySize)) }
        return out
    }

    /// Checks that MEM_TOPOLOGY's (or GROUP_TOPOLOGY's) entries fit in the section, without decoding them.
    static func checkMemTopology(_ r: SectionBytes) throws {
        try checkCount(r, count: Int(try r.le(0, as: Int32.self)), arrayOffset: Layout.memDataArray,
                       entrySize: Layout.memDataSize, what: "memory")
    }

    static func memTopology(_ r: SectionBytes) throws -> [MemoryTopologyEntry] {
        try entries(r, count: Int(try r.le(0, as: Int32.self)), arrayOffset: Layout.memDataArray, entrySize: Layout.memDataSize,
                    what: "memory") { at in
            MemoryTopologyEntry(
                type: MemoryType(rawValue: try r.u8(at)), used: try r.u8(at + 1),
                sizeKBOrRouteID: try r.le(at + 8, as: Int64.self), baseAddressOrFlowID: try r.le(at + 16, as: Int64.self),
                tag: try r.name(at + 24, 16))
        }
    }

    /// Checks that CONNECTIVITY's (or GROUP_CONNECTIVITY's) entries fit in the section, without decoding them.
    static func checkConnectivity(_ r: SectionBytes) throws {
        try checkCount(r, count: Int(try r.le(0, as: Int32.self)), arrayOffset: Layout.connectionArray,
                       entrySize: Layout.connectionSize, what: "connection")
    }

    static func connectivity(_ r: SectionBytes) throws -> [Connection] {
        try entries(r, count: Int(try r.le(0, as: Int32.self)), arrayOffset: Layout.connectionArray,
                    entrySize: Layout.connectionSize, what: "connection") { at in
            Connection(argumentIndex: Int(try r.le(at, as: Int32.self)),
                       ipLayoutIndex: Int(try r.le(at + 4, as: Int32.self)),
                       memoryIndex: Int(try r.le(at + 8, as: Int32.self)))
        }
    }

    static func ipLayout(_ r: SectionBytes) throws -> [IPLayoutEntry] {
        try entries(r, count: Int(try r.le(0, as: Int32.self)), arrayOffset: Layout.ipDataArray, entrySize: Layout.ipDataSize,
                    what: "IP") { at in
            IPLayoutEntry(type: try r.le(at, as: UInt32.self), properties: try r.le(at + 4, as: UInt32.self),
                          baseAddress: try r.le(at + 8, as: UInt64.self),
                          name: try r.name(at + 16, 64))
        }
    }

    static func clockTopology(_ r: SectionBytes) throws -> [ClockFrequencyEntry] {
        try entries(r, count: Int(try r.le(0, as: UInt16.self)), arrayOffset: Layout.clockFreqArray, entrySize: Layout.clockFreqSize,
                    what: "clock") { at in
            ClockFrequencyEntry(frequencyMHz: try r.le(at, as: UInt16.self), type: try r.u8(at + 2),
                                name: try r.name(at + 8, 128))
        }
    }

    /// Checks that DEBUG_IP_LAYOUT's entries fit in the section, without decoding them.
    static func checkDebugIPLayout(_ r: SectionBytes) throws {
        try checkCount(r, count: Int(try r.le(0, as: UInt16.self)), arrayOffset: Layout.debugIPDataArray,
                       entrySize: Layout.debugIPDataSize, what: "debug IP")
    }

    static func debugIPLayout(_ r: SectionBytes) throws -> [DebugIPEntry] {
        try entries(r, count: Int(try r.le(0, as: UInt16.self)), arrayOffset: Layout.debugIPDataArray,
                    entrySize: Layout.debugIPDataSize, what: "debug IP") { at in
            DebugIPEntry(
                type: try r.u8(at), index: UInt16(try r.u8(at + 1)) | UInt16(try r.u8(at + 5)) << 8,
                properties: try r.u8(at + 2), major: try r.u8(at + 3), minor: try r.u8(at + 4),
                baseAddress: try r.le(at + 8, as: UInt64.self), name: try r.name(at + 16, 128))
        }
    }
}
