import PynqMetadataCore
import PynqXML

/// Reads the header, the section table and the sections of an xclbin; then derives the typed model
/// and pynq's dictionaries (`PynqDictionaries`). Every size, count and offset is checked before use.
struct XclbinReader {
    let bytes: [UInt8]
    let source: String
    /// Files at least this large are read from a compact copy of their metadata sections: positions in
    /// the text that the dictionaries keep are 32-bit (tests lower it to read small files that way).
    var compactFrom = Int(Int32.max)

    func read() throws -> XclbinFile {
        // The header and the section table are read from a pointer window of the whole file too.
        let (header, sections) = try bytes.withUnsafeBufferPointer { file in
            let whole = SectionBytes(file, offset: 0, length: file.count)
            let (header, numSections) = try readHeader(whole)
            return (header, try readSectionTable(whole, count: numSections))
        }
        // What the metadata is read from: the file, or a compact copy of its metadata sections.
        let compact = bytes.count >= compactFrom ? Self.compactMetadata(bytes, sections) : nil
        let text = compact?.bytes ?? bytes, table = compact?.table ?? sections
        guard text.count < Int(Int32.max) else {
            throw MetadataError(
                .badField, part: source, offset: 0,
                reason: "the sections that describe the design take \(text.count) bytes; more than 2 GiB of them cannot be read")
        }

        // The last section of each kind wins, as in pynq's `{kind: bytes}` dictionary. EMBEDDED_METADATA's
        // XML is parsed in place: its text (and pynq's dictionaries' text) are ranges of `text`.
        var root: XMLElement? = nil
        if let i = table.lastIndex(where: { $0.kind == .embeddedMetadata }) {
            root = try EmbeddedMetadata.document(text, range: table[i].offset..<(table[i].offset + table[i].size),
                                                 part: sectionPrefix + "EMBEDDED_METADATA").root
        }
        // The sections are read in place: their entries are checked, and those pynq uses are read where
        // they are (names stay ranges of `text`). The typed arrays are decoded when asked for. Only the
        // connections (no names) are decoded now.
        let (connectivity, groupConnectivity, ipDict, memDict, clockDict, ipEntries) = try text.withUnsafeBufferPointer { file in
            let mems = try Self.section(.memTopology, table, file, source, MemoryTopologyRecords.init)
            let groupMems = try Self.section(.groupTopology, table, file, source, MemoryTopologyRecords.init)
            let connectivity = try Self.section(.connectivity, table, file, source, SectionParsers.connectivity)
            let groupConnectivity = try Self.section(.groupConnectivity, table, file, source, SectionParsers.connectivity)
            let layout = try Self.section(.ipLayout, table, file, source, IPLayoutRecords.init)
            let clocks = try Self.section(.clockFreqTopology, table, file, source, ClockRecords.init)
            _ = try Self.section(.debugIPLayout, table, file, source, SectionParsers.checkDebugIPLayout)
            let (ipDict, memDict, clockDict, ipEntries) = try PynqDictionaries.derive(
                source: source, uuid: header.uuid, layout: layout, mems: mems ?? groupMems,
                connections: connectivity ?? groupConnectivity ?? [], groupOnly: connectivity == nil, clocks: clocks,
                root: root, text: text, doc: file)
            return (connectivity, groupConnectivity, ipDict, memDict, clockDict, ipEntries)
        }
        /// The last section of `kind`, to be decoded when asked for.
        func stored<Entry>(_ kind: XclbinSectionKind) -> XclbinFile.SectionStorage<Entry> {
            guard let entry = table.last(where: { $0.kind == kind }) else { return .value(nil) }
            return .section(entry.offset..<(entry.offset + entry.size))
        }
        // Made in one expression and returned as made (assigning to a variable first costs a copy); each
        // part is moved in (a copy would be retained here and released when this returns).
        return XclbinFile(
            source: source, header: consume header, sectionTable: consume sections, fileBytes: bytes,
            compactMetadata: compact?.bytes, connectivity: consume connectivity,
            groupConnectivity: consume groupConnectivity, ipEntries: consume ipEntries,
            ipDict: consume ipDict, memDict: consume memDict, clockDict: consume clockDict,
            metadataStorage: (consume root).map { .xml($0) } ?? .value(nil), memTopologyStorage: stored(.memTopology),
            groupTopologyStorage: stored(.groupTopology), ipLayoutStorage: stored(.ipLayout),
            clockStorage: stored(.clockFreqTopology),
            debugIPStorage: stored(.debugIPLayout))
    }

    private var sectionPrefix: String { source + ": xclbin section " }

    /// The sections whose contents reading uses (the last of each kind), copied one after the other, and
    /// a section table of them whose offsets are in the copy.
    static func compactMetadata(_ bytes: [UInt8], _ sections: [XclbinFile.SectionEntry])
        -> (bytes: [UInt8], table: [XclbinFile.SectionEntry])
    {
        let kinds: [XclbinSectionKind] = [.embeddedMetadata, .memTopology, .groupTopology, .ipLayout, .connectivity,
                                          .groupConnectivity, .clockFreqTopology, .debugIPLayout]
        var copy: [UInt8] = []
        var table: [XclbinFile.SectionEntry] = []
        for kind in kinds {
            guard var entry = sections.last(where: { $0.kind == kind }) else { continue }
            let offset = copy.count
            copy += bytes[entry.offset..<(entry.offset + entry.size)]
            entry.offset = offset
            table.append(entry)
        }
        return (copy, table)
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

    static func memTopology(_ r: SectionBytes) throws -> [MemoryTopologyEntry] {
        let records = try MemoryTopologyRecords(r)
        return records.records.map(records.entry)
    }

    static func connectivity(_ r: SectionBytes) throws -> [Connection] {
        let records = try SectionRecords(r, countOf: Int32.self, first: Layout.connectionArray,
                                         stride: Layout.connectionSize, what: "connection")
        return records.map { i in
            Connection(argumentIndex: Int(records.le(i, 0, as: Int32.self)), ipLayoutIndex: Int(records.le(i, 4, as: Int32.self)),
                       memoryIndex: Int(records.le(i, 8, as: Int32.self)))
        }
    }

    static func ipLayout(_ r: SectionBytes) throws -> [IPLayoutEntry] {
        let records = try IPLayoutRecords(r)
        return records.records.map(records.entry)
    }

    static func clockTopology(_ r: SectionBytes) throws -> [ClockFrequencyEntry] {
        let records = try ClockRecords(r)
        return records.records.map(records.entry)
    }

    /// DEBUG_IP_LAYOUT's entries (`struct debug_ip_data`), after checking that they fit.
    private static func debugIPRecords(_ r: SectionBytes) throws -> SectionRecords {
        try SectionRecords(r, countOf: UInt16.self, first: Layout.debugIPDataArray, stride: Layout.debugIPDataSize,
                           what: "debug IP")
    }

    /// Checks that DEBUG_IP_LAYOUT's entries fit in the section, without decoding them.
    static func checkDebugIPLayout(_ r: SectionBytes) throws { _ = try debugIPRecords(r) }

    static func debugIPLayout(_ r: SectionBytes) throws -> [DebugIPEntry] {
        let records = try debugIPRecords(r)
        return records.map { i in
            DebugIPEntry(
                type: records.u8(i, 0), index: UInt16(records.u8(i, 1)) | UInt16(records.u8(i, 5)) << 8,
                properties: records.u8(i, 2), major: records.u8(i, 3), minor: records.u8(i, 4),
                baseAddress: records.le(i, 8), name: records.string(i, (16, 128)))
        }
    }
}
