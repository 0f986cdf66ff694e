/// The structural checks done on xclbin bytes before XRT sees them: XRT's `xrtXclbinAllocRawData`
/// trusts the lengths and offsets inside the file and reads past a truncated buffer. Offsets are those
/// of XRT's `struct axlf` (xclbin.h; CHeaderChecks verifies them against the header).
enum XclbinBounds {
    static let headerSize = 496  // sizeof(struct axlf), one section header included
    static let lengthOffset = 304  // m_header.m_length (uint64)
    static let sectionCountOffset = 448  // m_header.m_numSections (uint32)
    static let sectionsOffset = 456  // m_sections[]
    static let sectionHeaderSize = 40  // sizeof(struct axlf_section_header)
    static let sectionOffsetField = 24  // m_sectionOffset (uint64), then m_sectionSize (uint64)

    /// Throws unless `bytes` hold a whole xclbin: magic, length, section table and sections in range.
    static func check(_ bytes: [UInt8]) throws(AlveoError) {
        func fail(_ reason: String) -> AlveoError {
            .invalidArgument(context: "xclbin of \(bytes.count) bytes", reason: reason)
        }
        guard bytes.count >= headerSize else { throw fail("shorter than the \(headerSize)-byte xclbin header") }
        guard bytes.starts(with: Array("xclbin2\0".utf8)) else { throw fail("no 'xclbin2' magic at offset 0") }
        func u64(_ at: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(bytes[at + $1]) << (8 * $1) } }
        let length = u64(lengthOffset)
        guard length >= UInt64(headerSize), length <= UInt64(bytes.count) else {
            throw fail("header says \(length) bytes (offset \(lengthOffset)) but \(bytes.count) are present")
        }
        let count = Int(u64(sectionCountOffset) & 0xFFFF_FFFF)
        let tableEnd = sectionsOffset + count * sectionHeaderSize
        guard count <= (Int(length) - sectionsOffset) / sectionHeaderSize, tableEnd <= Int(length) else {
            throw fail("\(count) section headers do not fit in \(length) bytes")
        }
        for index in 0..<count {
            let header = sectionsOffset + index * sectionHeaderSize
            let offset = u64(header + sectionOffsetField), size = u64(header + sectionOffsetField + 8)
            guard offset <= length, size <= length - offset else {
                throw fail("section \(index) (offset \(offset), \(size) bytes, header at \(header)) ends past \(length)")
            }
        }
    }
}

extension XRTLibrary {
    /// Runs `body` with an XRT xclbin handle made from `bytes` (`xrtXclbinAllocRawData`, checked for
    /// truncation first: XRT reads past a short buffer), freed afterwards; `context` goes into errors.
    func withXclbin<Result>(bytes: [UInt8], context: String,
                            _ body: (UnsafeMutableRawPointer) throws(AlveoError) -> Result) throws(AlveoError) -> Result {
        guard let count = Int32(exactly: bytes.count) else {
            throw .invalidArgument(context: context, reason: "XRT takes xclbins below 2 GiB")
        }
        try XclbinBounds.check(bytes)
        clearErrno()
        let raw = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.map { base in
                base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { api.xrtXclbinAllocRawData($0, count) }
            } ?? nil
        }
        let xclbin = try unwrap(raw, "xrtXclbinAllocRawData", context)
        defer { _ = api.xrtXclbinFreeHandle(xclbin) }
        return try body(xclbin)
    }
}
