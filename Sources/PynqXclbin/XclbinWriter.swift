import PynqMetadataCore

/// Little-endian encoding of the xclbin structures and the file layout (header, section table,
/// sections at 8-byte boundaries). Fixed-size names are checked to fit with their NUL.
struct XclbinWriter {
    let part: String
    private(set) var sections: [(kind: XclbinSectionKind, name: String, data: [UInt8])] = []

    init(part: String) { self.part = part }

    mutating func add(_ kind: XclbinSectionKind, name: String, data: [UInt8]) {
        sections.append((kind, name, data))
    }

    // MARK: encoding

    static func put<T: FixedWidthInteger>(_ value: T, into out: inout [UInt8], at offset: Int) {
        for i in 0..<MemoryLayout<T>.size { out[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * i)) }
    }

    /// Writes `text` NUL-terminated into a `size`-byte field.
    func putName(_ text: String, size: Int, into out: inout [UInt8], at offset: Int, what: String) throws {
        let utf8 = Array(text.utf8)
        guard utf8.count < size, !utf8.contains(0) else {
            throw MetadataError(.badField, part: part, offset: offset,
                                reason: "\(what) '\(text)' does not fit a \(size)-byte NUL-terminated field (at most \(size - 1) bytes, no NUL)")
        }
        out.replaceSubrange(offset..<(offset + utf8.count), with: utf8)
    }

    func memTopology(_ entries: [MemoryTopologyEntry]) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: max(Layout.memTopologyStructSize, Layout.memDataArray + entries.count * Layout.memDataSize))
        Self.put(Int32(entries.count), into: &out, at: 0)
        for (i, m) in entries.enumerated() {
            let at = Layout.memDataArray + i * Layout.memDataSize
            out[at] = m.type.rawValue
            out[at + 1] = m.used
            Self.put(m.sizeKBOrRouteID, into: &out, at: at + 8)
            Self.put(m.baseAddressOrFlowID, into: &out, at: at + 16)
            try putName(m.tag, size: 16, into: &out, at: at + 24, what: "memory tag")
        }
        return out
    }

    func connectivity(_ entries: [Connection]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: max(Layout.connectivityStructSize, Layout.connectionArray + entries.count * Layout.connectionSize))
        Self.put(Int32(entries.count), into: &out, at: 0)
        for (i, c) in entries.enumerated() {
            let at = Layout.connectionArray + i * Layout.connectionSize
            Self.put(Int32(truncatingIfNeeded: c.argumentIndex), into: &out, at: at)
            Self.put(Int32(truncatingIfNeeded: c.ipLayoutIndex), into: &out, at: at + 4)
            Self.put(Int32(truncatingIfNeeded: c.memoryIndex), into: &out, at: at + 8)
        }
        return out
    }

    func ipLayout(_ entries: [IPLayoutEntry]) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: max(Layout.ipLayoutStructSize, Layout.ipDataArray + entries.count * Layout.ipDataSize))
        Self.put(Int32(entries.count), into: &out, at: 0)
        for (i, ip) in entries.enumerated() {
            let at = Layout.ipDataArray + i * Layout.ipDataSize
            Self.put(ip.type, into: &out, at: at)
            Self.put(ip.properties, into: &out, at: at + 4)
            Self.put(ip.baseAddress, into: &out, at: at + 8)
            try putName(ip.name, size: 64, into: &out, at: at + 16, what: "IP name")
        }
        return out
    }

    func clockTopology(_ entries: [ClockFrequencyEntry]) throws -> [UInt8] {
        guard entries.count <= Int(Int16.max) else {
            throw MetadataError(.badField, part: part, reason: "\(entries.count) clocks do not fit the 16-bit count")
        }
        var out = [UInt8](repeating: 0, count: max(Layout.clockTopologyStructSize, Layout.clockFreqArray + entries.count * Layout.clockFreqSize))
        Self.put(Int16(entries.count), into: &out, at: 0)
        for (i, c) in entries.enumerated() {
            let at = Layout.clockFreqArray + i * Layout.clockFreqSize
            Self.put(c.frequencyMHz, into: &out, at: at)
            out[at + 2] = c.type
            try putName(c.name, size: 128, into: &out, at: at + 8, what: "clock name")
        }
        return out
    }

    // MARK: file

    /// The whole file: header, section table, then each section at an 8-byte boundary.
    func file(platformVBNV: String, uuid: [UInt8]?, timeStamp: UInt64, mode: UInt16) throws -> [UInt8] {
        guard sections.count < Layout.maxSections else {
            throw MetadataError(.badField, part: part, reason: "\(sections.count) sections are more than XRT accepts")
        }
        if let uuid, uuid.count != 16 {
            throw MetadataError(.badField, part: part, reason: "a UUID has 16 bytes, not \(uuid.count)")
        }
        let tableEnd = Layout.sectionTableOffset + max(1, sections.count) * Layout.sectionHeaderSize
        var offsets: [Int] = []
        var end = tableEnd
        for s in sections {
            end = (end + 7) & ~7
            offsets.append(end)
            end += s.data.count
        }
        var out = [UInt8](repeating: 0, count: end)
        out.replaceSubrange(0..<8, with: Xclbin.magic)
        Self.put(Int32(-1), into: &out, at: 8)  // not signed
        for i in 12..<296 { out[i] = 0xFF }  // reserved and key block, as xclbinutil leaves them
        Self.put(timeStamp, into: &out, at: 296)
        let h = Layout.headerOffset
        Self.put(UInt64(end), into: &out, at: h)
        Self.put(timeStamp, into: &out, at: h + 8)
        Self.put(UInt16(0), into: &out, at: h + 24)  // version 2.13.0
        out[h + 26] = 2
        out[h + 27] = 13
        Self.put(mode, into: &out, at: h + 28)
        try putName(platformVBNV, size: 64, into: &out, at: h + 48, what: "platform VBNV")
        Self.put(UInt32(sections.count), into: &out, at: h + 144)
        for (i, s) in sections.enumerated() {
            let at = Layout.sectionTableOffset + i * Layout.sectionHeaderSize
            Self.put(s.kind.rawValue, into: &out, at: at)
            // Section names are free text; v++ truncates long ones to 15 bytes.
            let name = String(decoding: s.name.utf8.prefix(15).filter { $0 != 0 }, as: UTF8.self)
            try putName(name, size: 16, into: &out, at: at + 4, what: "section name")
            Self.put(UInt64(offsets[i]), into: &out, at: at + 24)
            Self.put(UInt64(s.data.count), into: &out, at: at + 32)
            out.replaceSubrange(offsets[i]..<(offsets[i] + s.data.count), with: s.data)
        }
        out.replaceSubrange((h + 112)..<(h + 128), with: uuid ?? Self.contentUUID(out))
        return out
    }

    /// A UUID derived from the file's bytes (with the UUID field still zero): two 64-bit FNV-1a hashes
    /// with different offsets, marked as an RFC 4122 version-8 (custom) UUID.
    static func contentUUID(_ bytes: [UInt8]) -> [UInt8] {
        var a: UInt64 = 0xcbf2_9ce4_8422_2325
        var b: UInt64 = 0x84222325_cbf29ce4
        for byte in bytes {
            a = (a ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
            b = (b ^ UInt64(byte ^ 0x5A)) &* 0x0000_0100_0000_01B3
        }
        var uuid = [UInt8](repeating: 0, count: 16)
        for i in 0..<8 {
            uuid[i] = UInt8(truncatingIfNeeded: a >> (56 - 8 * i))
            uuid[8 + i] = UInt8(truncatingIfNeeded: b >> (56 - 8 * i))
        }
        uuid[6] = (uuid[6] & 0x0F) | 0x80
        uuid[8] = (uuid[8] & 0x3F) | 0x80
        return uuid
    }
}
