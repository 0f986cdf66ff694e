import PynqMetadataCore

/// The fixed-size entries of a section, read in place: the count is checked against the section once,
/// then fields are read at their offsets without a check, and names can stay byte ranges of the file
/// (`MetadataText`). Valid only while the window's bytes are. The decoders of `SectionParsers` and the
/// dictionaries read entries through these, so each layout is written once.
struct SectionRecords {
    let window: SectionBytes
    let first: Int
    let stride: Int
    let count: Int

    /// The entries of a section that starts with their count (a little-endian `Count`): `stride` bytes each
    /// from offset `first` of `window`, after checking that they fit.
    /// - Throws: `MetadataError` (no part: the reader names the section) when they do not.
    init<Count: FixedWidthInteger>(_ window: SectionBytes, countOf _: Count.Type, first: Int, stride: Int,
                                   what: String) throws {
        let count = Int(try window.le(0, as: Count.self))
        try SectionParsers.checkCount(window, count: count, arrayOffset: first, entrySize: stride, what: what)
        self.window = window
        self.first = first
        self.stride = stride
        self.count = count
    }

    /// Every entry, made by `entry` from its index.
    func map<T>(_ entry: (Int) -> T) -> [T] { (0..<count).map(entry) }

    /// A name field of an entry: its offset in the entry and its length (C `char name[N]`).
    typealias NameField = (offset: Int, length: Int)

    /// The little-endian integer at offset `field` of entry `i` (`0 <= i < count`).
    @inline(__always)
    func le<T: FixedWidthInteger>(_ i: Int, _ field: Int, as _: T.Type = T.self) -> T {
        T(littleEndian: UnsafeRawPointer(window.start + first + i * stride + field).loadUnaligned(as: T.self))
    }

    @inline(__always)
    func u8(_ i: Int, _ field: Int) -> UInt8 { window.start[first + i * stride + field] }

    /// The NUL-terminated name in `field` of entry `i`, decoded (invalid UTF-8 repaired).
    func string(_ i: Int, _ field: NameField) -> String {
        fieldName(window.start + first + i * stride + field.offset, field.length)
    }

    /// The same name as text of the file: its byte range when it is ASCII (the bytes are its text), else
    /// the decoded string. The file is smaller than 2 GiB (the reader sees to it).
    func text(_ i: Int, _ field: NameField) -> MetadataText {
        let at = first + i * stride + field.offset
        let (n, isASCII) = fieldLength(window.start + at, field.length)
        guard isASCII else { return .string(fieldName(window.start + at, field.length)) }
        return .span(start: Int32(truncatingIfNeeded: window.origin + at), length: Int32(truncatingIfNeeded: n))
    }
}

/// MEM_TOPOLOGY or GROUP_TOPOLOGY (`struct mem_topology`: `m_count`, then `struct mem_data` entries).
struct MemoryTopologyRecords {
    let records: SectionRecords
    var count: Int { records.count }

    init(_ r: SectionBytes) throws {
        records = try SectionRecords(r, countOf: Int32.self, first: Layout.memDataArray, stride: Layout.memDataSize,
                                     what: "memory")
    }

    /// `m_tag`.
    private static let tagField: SectionRecords.NameField = (24, 16)

    func type(_ i: Int) -> MemoryType { MemoryType(rawValue: records.u8(i, 0)) }
    func used(_ i: Int) -> UInt8 { records.u8(i, 1) }
    func sizeKBOrRouteID(_ i: Int) -> Int64 { records.le(i, 8) }
    func baseAddressOrFlowID(_ i: Int) -> Int64 { records.le(i, 16) }
    func tag(_ i: Int) -> MetadataText { records.text(i, Self.tagField) }

    func entry(_ i: Int) -> MemoryTopologyEntry {
        MemoryTopologyEntry(type: type(i), used: used(i), sizeKBOrRouteID: sizeKBOrRouteID(i),
                            baseAddressOrFlowID: baseAddressOrFlowID(i), tag: records.string(i, Self.tagField))
    }
}

/// IP_LAYOUT (`struct ip_layout`: `m_count`, then `struct ip_data` entries).
struct IPLayoutRecords {
    let records: SectionRecords
    var count: Int { records.count }

    init(_ r: SectionBytes) throws {
        records = try SectionRecords(r, countOf: Int32.self, first: Layout.ipDataArray, stride: Layout.ipDataSize,
                                     what: "IP")
    }

    /// `m_name` (`"kernel:instance"` for compute units).
    private static let nameField: SectionRecords.NameField = (16, 64)

    func type(_ i: Int) -> UInt32 { records.le(i, 0) }
    func name(_ i: Int) -> MetadataText { records.text(i, Self.nameField) }

    /// The part of `m_name` after the first `:` (the instance; empty without one), as pynq takes it.
    func instanceName(_ i: Int, in doc: UnsafeBufferPointer<UInt8>) -> MetadataText {
        let name = name(i)
        guard case .span(let start, let length) = name else { return .string(IPLayoutEntry.instanceName(of: name.string(in: doc))) }
        let end = Int(start) + Int(length)
        var colon = Int(start)
        while colon < end, doc[colon] != UInt8(ascii: ":") { colon += 1 }
        guard colon < end else { return .span(start: start, length: 0) }
        return .span(start: Int32(truncatingIfNeeded: colon + 1), length: Int32(truncatingIfNeeded: end - colon - 1))
    }

    func entry(_ i: Int) -> IPLayoutEntry {
        IPLayoutEntry(type: type(i), properties: records.le(i, 4), baseAddress: records.le(i, 8),
                      name: records.string(i, Self.nameField))
    }
}

/// CLOCK_FREQ_TOPOLOGY (`struct clock_freq_topology`: 16-bit `m_count`, then `struct clock_freq` entries).
struct ClockRecords {
    let records: SectionRecords
    var count: Int { records.count }

    init(_ r: SectionBytes) throws {
        records = try SectionRecords(r, countOf: UInt16.self, first: Layout.clockFreqArray,
                                     stride: Layout.clockFreqSize, what: "clock")
    }

    /// `m_name`.
    private static let nameField: SectionRecords.NameField = (8, 128)

    func frequencyMHz(_ i: Int) -> UInt16 { records.le(i, 0) }
    func type(_ i: Int) -> UInt8 { records.u8(i, 2) }
    func name(_ i: Int) -> MetadataText { records.text(i, Self.nameField) }

    func entry(_ i: Int) -> ClockFrequencyEntry {
        ClockFrequencyEntry(frequencyMHz: frequencyMHz(i), type: type(i), name: records.string(i, Self.nameField))
    }
}
