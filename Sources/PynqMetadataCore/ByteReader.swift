/// Bounds-checked reads of fixed-size fields from a byte buffer. Every read that would go past the
/// end throws a `MetadataError` naming the part of the file and the offset.
public struct ByteReader: Sendable {
    public let bytes: [UInt8]
    /// Where this reader's window starts in `bytes`; offsets given to the read methods are relative to it.
    public let base: Int
    /// Number of bytes in the window.
    public let count: Int
    /// Name of the file part, for errors.
    public let part: String

    public init(_ bytes: [UInt8], part: String) {
        self.bytes = bytes
        self.base = 0
        self.count = bytes.count
        self.part = part
    }

    /// A reader over `[offset, offset + length)` of `bytes`, checked against the buffer.
    @inlinable
    public init(_ bytes: [UInt8], offset: Int, length: Int, part: String) throws {
        guard offset >= 0, length >= 0, offset <= bytes.count, length <= bytes.count - offset else {
            throw Self.pastTheEnd(bytes.count, offset: offset, length: length, part: part)
        }
        self.bytes = bytes
        self.base = offset
        self.count = length
        self.part = part
    }

    @usableFromInline
    static func pastTheEnd(_ fileSize: Int, offset: Int, length: Int, part: String) -> MetadataError {
        MetadataError(.badField, part: part, offset: offset,
                      reason: "\(length) bytes at offset \(offset) run past the end of the \(fileSize)-byte file")
    }

    /// Throws unless `size` bytes at `offset` are inside the window. Inlined into the readers of other
    /// modules (a few comparisons); the error is made out of line.
    @inlinable @inline(__always)
    public func check(_ offset: Int, _ size: Int) throws {
        guard offset >= 0, size >= 0, offset <= count, size <= count - offset else {
            throw outOfRange(offset, size)
        }
    }

    @usableFromInline
    func outOfRange(_ offset: Int, _ size: Int) -> MetadataError {
        MetadataError(
            .truncated(needed: size, available: max(0, count - max(0, offset))), part: part, offset: offset,
            reason: "needs \(size) bytes at offset \(offset) but only \(count) bytes are there; the file is truncated or a field is wrong")
    }

    @inline(__always)
    private func loadLE<T: FixedWidthInteger>(_: T.Type, _ offset: Int) throws -> T {
        try check(offset, MemoryLayout<T>.size)
        var v: T = 0
        let start = base + offset
        for i in 0..<MemoryLayout<T>.size { v |= T(truncatingIfNeeded: bytes[start + i]) << (8 * i) }
        return v
    }

    @inline(__always)
    private func loadBE<T: FixedWidthInteger>(_: T.Type, _ offset: Int) throws -> T {
        try check(offset, MemoryLayout<T>.size)
        var v: T = 0
        let start = base + offset
        for i in 0..<MemoryLayout<T>.size { v = (v << 8) | T(truncatingIfNeeded: bytes[start + i]) }
        return v
    }

    @inlinable
    public func u8(_ offset: Int) throws -> UInt8 { try check(offset, 1); return bytes[base + offset] }
    public func u16(_ offset: Int) throws -> UInt16 { try loadLE(UInt16.self, offset) }
    public func u32(_ offset: Int) throws -> UInt32 { try loadLE(UInt32.self, offset) }
    public func u64(_ offset: Int) throws -> UInt64 { try loadLE(UInt64.self, offset) }
    public func i8(_ offset: Int) throws -> Int8 { Int8(bitPattern: try u8(offset)) }
    public func i16(_ offset: Int) throws -> Int16 { Int16(bitPattern: try u16(offset)) }
    public func i32(_ offset: Int) throws -> Int32 { Int32(bitPattern: try u32(offset)) }
    public func i64(_ offset: Int) throws -> Int64 { Int64(bitPattern: try u64(offset)) }
    public func u16BE(_ offset: Int) throws -> UInt16 { try loadBE(UInt16.self, offset) }
    public func u32BE(_ offset: Int) throws -> UInt32 { try loadBE(UInt32.self, offset) }

    /// `length` raw bytes at `offset`.
    public func slice(_ offset: Int, _ length: Int) throws -> ArraySlice<UInt8> {
        try check(offset, length)
        return bytes[(base + offset)..<(base + offset + length)]
    }

    /// A NUL-terminated string in a fixed-size field of `length` bytes (C `char name[N]`), decoded as
    /// UTF-8 with invalid sequences repaired (the field is a name, not a payload).
    public func cString(_ offset: Int, _ length: Int) throws -> String {
        let field = try slice(offset, length)
        let end = field.firstIndex(of: 0) ?? field.endIndex
        return String(decoding: field[field.startIndex..<end], as: UTF8.self)
    }

    /// A reader over a sub-window, for a section inside the file.
    public func window(_ offset: Int, _ length: Int, part: String) throws -> ByteReader {
        try check(offset, length)
        return try ByteReader(bytes, offset: base + offset, length: length, part: part)
    }
}
