/// The document as `XMLParserCore` scans it: a copy of its `n` bytes followed by `padding` zero bytes, and
/// the byte classes. The UTF-8 check rejects NUL inside a document, so the zero byte at `n` is the end:
/// every scan (names, spaces, attribute values, character data) stops there by itself, and the scans read
/// single bytes, 8-byte words and 16-byte vectors past a token without checking the length first. A
/// position never passes `n`.
struct XMLPaddedBytes {
    let p: UnsafePointer<UInt8>
    let n: Int
    let classes: UnsafePointer<UInt8>

    /// Zero bytes after the copy: covers a 16-byte load at any position up to `n`.
    static let padding = 32

    /// Calls `body` with a padded copy of `bytes` (freed on return).
    static func withCopy(of bytes: [UInt8], _ body: (XMLPaddedBytes) throws(XMLError) -> Void) throws(XMLError) {
        let n = bytes.count
        let copy = UnsafeMutablePointer<UInt8>.allocate(capacity: n + padding)
        defer { copy.deallocate() }
        bytes.withUnsafeBufferPointer { if let b = $0.baseAddress { copy.initialize(from: b, count: n) } }
        (copy + n).initialize(repeating: 0, count: padding)
        try byteClasses.withUnsafeBufferPointer { (classes) throws(XMLError) in
            try body(XMLPaddedBytes(p: copy, n: n, classes: classes.baseAddress!))
        }
    }

    /// The document's `n` bytes (without the padding).
    var buffer: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: p, count: n) }

    @inline(__always) subscript(i: Int) -> UInt8 { p[i] }

    // MARK: byte classes

    @inline(__always) static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }
    @inline(__always) static func isNameByte(_ b: UInt8) -> Bool {
        // Names: letters, digits, '_', ':', '-', '.', and any non-ASCII byte (already valid UTF-8).
        (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39)
            || b == 0x5F || b == 0x3A || b == 0x2D || b == 0x2E || b >= 0x80
    }
    @inline(__always) static func isNameStart(_ b: UInt8) -> Bool {
        (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || b == 0x5F || b == 0x3A || b >= 0x80
    }
    /// Bits of `byteClasses`: one table load per byte instead of a chain of comparisons in the loops.
    static let nameByte: UInt8 = 1, nameStartByte: UInt8 = 2, spaceByte: UInt8 = 4
    /// `nameByte | nameStartByte | spaceByte` for each byte value, as `isNameByte`, `isNameStart` and
    /// `isSpace` classify it (a test checks every entry). Written out: a literal table is static data,
    /// with no lazy initialization on each use.
    static let byteClasses: [UInt8] = [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 4, 0, 0, 4, 0, 0,  // 0x00
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  // 0x10
        4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0,  // 0x20
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3, 0, 0, 0, 0, 0,  // 0x30
        0, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,  // 0x40
        3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 0, 0, 0, 0, 3,  // 0x50
        0, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,  // 0x60
        3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 0, 0, 0, 0, 0,  // 0x70
        3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,  // 0x80
        3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,  // 0x90
        3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,  // 0xA0
        3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,  // 0xB0
        3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,  // 0xC0
        3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,  // 0xD0
        3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,  // 0xE0
        3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,  // 0xF0
    ]

    @inline(__always) func isSpace(_ b: UInt8) -> Bool { classes[Int(b)] & Self.spaceByte != 0 }
    @inline(__always) func isNameByte(_ b: UInt8) -> Bool { classes[Int(b)] & Self.nameByte != 0 }
    @inline(__always) func isNameStart(_ b: UInt8) -> Bool { classes[Int(b)] & Self.nameStartByte != 0 }

    // MARK: loads

    @inline(__always) func word(_ at: Int) -> UInt64 { UInt64(littleEndian: UnsafeRawPointer(p).loadUnaligned(fromByteOffset: at, as: UInt64.self)) }
    @inline(__always) func pair(_ at: Int) -> UInt16 { UInt16(littleEndian: UnsafeRawPointer(p).loadUnaligned(fromByteOffset: at, as: UInt16.self)) }

    typealias Lanes = SIMD16<UInt8>

    @inline(__always) func lanes(_ at: Int) -> Lanes { UnsafeRawPointer(p).loadUnaligned(fromByteOffset: at, as: Lanes.self) }

    /// The index of the first set lane of `m`, 16 when none is set. `SIMDMask` is frozen as its lane
    /// vector (0 or -1 in each lane), read here as two words: no movemask in Swift, and `any(_:)` is not
    /// always inlined.
    @inline(__always) static func firstLane(_ m: SIMDMask<SIMD16<Int8>>) -> Int {
        let w = unsafeBitCast(m, to: SIMD2<UInt64>.self)
        let low = UInt64(littleEndian: w[0])  // lanes 0...7, lane 0 in the lowest byte
        if low != 0 { return low.trailingZeroBitCount &>> 3 }
        return 8 &+ UInt64(littleEndian: w[1]).trailingZeroBitCount &>> 3  // 8 + 8 when none
    }

    // MARK: scans (16 bytes per step: SSE2 on x86_64, NEON on arm64; the broadcast bytes are compared as
    // vectors, since a scalar operand is not vectorized)

    /// The end of the name whose bytes continue at `from`, one table load per byte.
    @inline(__always) func nameEnd(_ from: Int) -> Int {
        var j = from
        while true {
            if !isNameByte(p[j]) { return j }
            if !isNameByte(p[j &+ 1]) { return j &+ 1 }
            if !isNameByte(p[j &+ 2]) { return j &+ 2 }
            if !isNameByte(p[j &+ 3]) { return j &+ 3 }
            j &+= 4
        }
    }

    /// The first byte at or after `from` that is not a space, a tab, a line feed or a return.
    @_transparent func spaceEnd(_ from: Int) -> Int {
        let spaces = Lanes(repeating: 0x20), tabs = Lanes(repeating: 0x09)
        let lineFeeds = Lanes(repeating: 0x0A), returns = Lanes(repeating: 0x0D)
        var j = from
        while true {
            let v = lanes(j)
            let other = .!((v .== spaces) .| (v .== lineFeeds) .| (v .== tabs) .| (v .== returns))
            let k = Self.firstLane(other)
            if k < 16 { return j &+ k }
            j &+= 16
        }
    }

    /// The first '<', '&' or the end at or after `from`.
    @_transparent func textStop(_ from: Int) -> Int {
        let lts = Lanes(repeating: UInt8(ascii: "<")), amps = Lanes(repeating: UInt8(ascii: "&")), zeros = Lanes(repeating: 0)
        var j = from
        while true {
            let v = lanes(j)
            let stop = (v .== lts) .| (v .== amps) .| (v .== zeros)
            let k = Self.firstLane(stop)
            if k < 16 { return j &+ k }
            j &+= 16
        }
    }

    /// The first byte at or after `from` that is a quote (`"` or `'`), '<', '&', below 0x20 (tab, line feed,
    /// return, another control byte) or the end.
    @_transparent func valueStop(_ from: Int) -> Int {
        let quotes = Lanes(repeating: UInt8(ascii: "\"")), apostrophes = Lanes(repeating: UInt8(ascii: "'"))
        let lts = Lanes(repeating: UInt8(ascii: "<")), amps = Lanes(repeating: UInt8(ascii: "&"))
        let controls = Lanes(repeating: 0x20)
        var j = from
        while true {
            let v = lanes(j)
            let stop = (v .== quotes) .| (v .== apostrophes) .| (v .== lts) .| (v .== amps) .| (v .< controls)
            let k = Self.firstLane(stop)
            if k < 16 { return j &+ k }
            j &+= 16
        }
    }

    /// Whether the `length` (≥ 1) bytes at `a` and at `b` are equal (`a + length <= b`, `b + length <= n`).
    @inline(__always) func sameBytes(_ a: Int, _ b: Int, _ length: Int) -> Bool {
        var k = 0
        while length &- k > 8 {
            if word(a &+ k) != word(b &+ k) { return false }
            k &+= 8
        }
        // The last 1...8 bytes: the bytes past them are shifted out.
        return (word(a &+ k) ^ word(b &+ k)) &<< UInt64(64 &- 8 &* (length &- k)) == 0
    }
}
