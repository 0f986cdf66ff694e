import PynqMetadataCore

/// A window of an xclbin for the section parsers: a pointer into bytes that the caller keeps alive for
/// as long as the window is used, so that copying it counts no references (a `ByteReader` retains its
/// array and part name on every copy). Reads are checked against the window; errors have an empty part,
/// which the reader replaces with the section's name.
struct SectionBytes {
    let start: UnsafePointer<UInt8>
    let count: Int
    /// Where the window starts in the file.
    let origin: Int

    /// The window `offset ..< offset + length` of `file` (the caller has checked that it fits).
    init(_ file: UnsafeBufferPointer<UInt8>, offset: Int, length: Int) {
        precondition(offset >= 0 && length >= 0 && offset + length <= file.count, "a window outside the file")
        start = file.baseAddress.map { $0 + offset } ?? UnsafePointer(bitPattern: 1)!
        count = length
        origin = offset
    }

    @inline(__always)
    func check(_ offset: Int, _ size: Int) throws {
        guard offset >= 0, size >= 0, offset <= count, size <= count - offset else {
            throw MetadataError(
                .truncated(needed: size, available: max(0, count - max(0, offset))), part: "", offset: offset,
                reason: "needs \(size) bytes at offset \(offset) but only \(count) bytes are there; the file is truncated or a field is wrong")
        }
    }

    /// A little-endian integer at `offset`.
    @inline(__always)
    func le<T: FixedWidthInteger>(_ offset: Int, as _: T.Type = T.self) throws -> T {
        try check(offset, MemoryLayout<T>.size)
        return T(littleEndian: UnsafeRawPointer(start + offset).loadUnaligned(as: T.self))
    }

    @inline(__always)
    func u8(_ offset: Int) throws -> UInt8 {
        try check(offset, 1)
        return start[offset]
    }

    /// `length` raw bytes at `offset`, as an array of their own.
    func array(_ offset: Int, _ length: Int) throws -> [UInt8] {
        try check(offset, length)
        return Array(UnsafeBufferPointer(start: start + offset, count: length))
    }

    /// A NUL-terminated name in a fixed-size field, decoded as UTF-8 with invalid sequences repaired.
    func name(_ offset: Int, _ length: Int) throws -> String {
        try check(offset, length)
        return fieldName(start + offset, length)
    }
}

/// The NUL-terminated name in the `length`-byte field at `field` (C `char name[N]`), decoded as UTF-8 with
/// invalid sequences repaired.
func fieldName(_ field: UnsafePointer<UInt8>, _ length: Int) -> String {
    String(decoding: UnsafeBufferPointer(start: field, count: fieldLength(field, length).count), as: UTF8.self)
}

/// The length of the NUL-terminated name in the `length`-byte field at `field`, and whether its bytes are
/// all ASCII.
func fieldLength(_ field: UnsafePointer<UInt8>, _ length: Int) -> (count: Int, isASCII: Bool) {
    var end = 0
    var high: UInt64 = 0
    // Eight bytes per step while they hold no NUL (names are short; fields are 16 to 128 bytes).
    while end + 8 <= length {
        let word = UInt64(littleEndian: UnsafeRawPointer(field + end).loadUnaligned(as: UInt64.self))
        let zero = (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080
        if zero != 0 {
            let n = zero.trailingZeroBitCount >> 3
            // The bytes before the NUL (the borrow of a zero byte only reaches bytes after it).
            high |= n == 0 ? 0 : word & (0x8080_8080_8080_8080 >> UInt64(64 - 8 * n))
            return (end + n, high == 0)
        }
        high |= word & 0x8080_8080_8080_8080
        end += 8
    }
    while end < length, field[end] != 0 {
        high |= UInt64(field[end] & 0x80)
        end += 1
    }
    return (end, high == 0)
}
