/// The document as `XMLParserCore` scans it, in two parts, and the byte classes. Every scan (names,
/// spaces, attribute values, character data) stops at a '<' and at a zero byte, and the scans read single
/// bytes, 8-byte words and 16-byte vectors past a token without checking the length first. So:
///
/// - The document itself is scanned up to `end`, a '<' at least `padding` bytes before its last byte
///   (`inPlaceEnd`): no scan passes it, and what they read past it stays inside the document. No copy.
/// - The rest, from the first item at or after `end`, is scanned in a copy followed by `padding` zero
///   bytes. The UTF-8 check rejects NUL inside a document, so the zero byte at `n` is the end; then `end`
///   is `n`. Positions stay those of the document: `p` is the copy moved back by `first`, the position it
///   starts at, and is read only from `first` on; earlier bytes (an open element's name) come from
///   `document`.
struct XMLPaddedBytes {
    /// The bytes at positions `first...` (through `n + padding` in the copy, through `n` in the document).
    let p: UnsafePointer<UInt8>
    let n: Int
    /// Where this part's scan stops: the first item (tag or character data) that starts at or after it.
    let end: Int
    let first: Int
    /// The whole document (`n` bytes).
    let document: UnsafePointer<UInt8>
    let classes: UnsafePointer<UInt8>

    /// Zero bytes after the copy, and the least distance from `end` to the end of the document: covers a
    /// 16-byte load at any position up to `end` (or `n` in the copy).
    static let padding = 32

    /// The last '<' after `start` and at least `padding` bytes before the end of `document`, `start` when
    /// there is none.
    static func inPlaceEnd(_ document: UnsafeBufferPointer<UInt8>, after start: Int) -> Int {
        var e = document.count &- padding
        while e > start {
            if document[e] == UInt8(ascii: "<") { return e }
            e &-= 1
        }
        return start
    }

    /// Scans `document` from `start` (< `n`, its count): `body` gets the document up to `inPlaceEnd` and
    /// the position to start at, returns where it stopped; then it gets a zero-padded copy of the rest
    /// (freed on return). Bytes before `start` are not the document's: only names of its elements, which
    /// come after `start`, are read there.
    static func scan(
        _ document: UnsafeBufferPointer<UInt8>, from start: Int,
        _ body: (XMLPaddedBytes, Int) throws(XMLError) -> Int
    ) throws(XMLError) {
        let n = document.count, base = document.baseAddress!
        try byteClasses.withUnsafeBufferPointer { (table) throws(XMLError) in
            let classes = table.baseAddress!
            var i = start
            let end = inPlaceEnd(document, after: start)
            if i < end { i = try body(XMLPaddedBytes(p: base, n: n, end: end, first: 0, document: base, classes: classes), i) }
            let count = n &- i
            // The rest is usually short (from the last item that starts near the end): a temporary buffer,
            // on the stack when it is small enough (the standard library decides; large ones go to the heap).
            try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: count &+ padding) { (buffer) throws(XMLError) in
                let copy = buffer.baseAddress!
                copy.initialize(from: base + i, count: count)
                (copy + count).initialize(repeating: 0, count: padding)
                // Moved back by `i`: read only at `i` and after.
                let moved = UnsafePointer(copy) - i
                _ = try body(XMLPaddedBytes(p: moved, n: n, end: n, first: i, document: base, classes: classes), i)
            }
        }
    }

    /// The bytes from `first` through `n` (bounds-checked reads for the rarely used scans).
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
    /// `valueStopByte`: where `valueStop` stops (a quote, '<', '&', a byte below 0x20).
    static let nameByte: UInt8 = 1, nameStartByte: UInt8 = 2, spaceByte: UInt8 = 4, valueStopByte: UInt8 = 8
    /// `nameByte | nameStartByte | spaceByte | valueStopByte` for each byte value, as `isNameByte`,
    /// `isNameStart`, `isSpace` and `valueStop` classify it (a test checks every entry). Written out: a
    /// literal table is static data, with no lazy initialization on each use.
    static let byteClasses: [UInt8] = [
         8,  8,  8,  8,  8,  8,  8,  8,  8, 12, 12,  8,  8, 12,  8,  8,  // 0x00
         8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  // 0x10
         4,  0,  8,  0,  0,  0,  8,  8,  0,  0,  0,  0,  0,  1,  1,  0,  // 0x20
         1,  1,  1,  1,  1,  1,  1,  1,  1,  1,  3,  0,  8,  0,  0,  0,  // 0x30
         0,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  // 0x40
         3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  0,  0,  0,  0,  3,  // 0x50
         0,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  // 0x60
         3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  0,  0,  0,  0,  0,  // 0x70
         3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  // 0x80
         3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  // 0x90
         3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  // 0xA0
         3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  // 0xB0
         3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  // 0xC0
         3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  // 0xD0
         3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  // 0xE0
         3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  // 0xF0
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
        // Indentation between tags is short.
        let (j, found) = firstByte(from: from, within: 16, hasClass: Self.spaceByte, false)
        return found ? j : spaceEndVector(j)
    }

    /// The first of the `count` bytes from `from` whose class has `bit` (`has`) or lacks it (`!has`), and
    /// whether there is one (else `from + count`). One byte at a time: runs are mostly short, and a
    /// predicted branch per byte costs less than a vector loop's chain from load to index, which the next
    /// token's loads wait for. The scans below start with it, then go on 16 bytes at a time.
    @_transparent func firstByte(from: Int, within count: Int, hasClass bit: UInt8, _ has: Bool) -> (Int, found: Bool) {
        var j = from
        for _ in 0..<count {
            if (classes[Int(p[j])] & bit != 0) == has { return (j, true) }
            j &+= 1
        }
        return (j, false)
    }

    /// `spaceEnd` 16 bytes at a time.
    @_transparent func spaceEndVector(_ from: Int) -> Int {
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
        // Most values are short.
        let (j, found) = firstByte(from: from, within: 8, hasClass: Self.valueStopByte, true)
        return found ? j : valueStopVector(j)
    }

    /// `valueStop` 16 bytes at a time.
    @_transparent func valueStopVector(_ from: Int) -> Int {
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

    /// Whether the `length` (≥ 1) bytes at `a` (an open element's name, before `b`) and at `b` are equal
    /// (`b + length <= end`). Names before `first` come from `document`: they end before the '<' at the
    /// in-place `end`, so their last word is inside the document.
    @inline(__always) func sameBytes(_ a: Int, _ b: Int, _ length: Int) -> Bool {
        let names = UnsafeRawPointer(a >= first ? p : document)
        @inline(__always) func nameWord(_ at: Int) -> UInt64 { UInt64(littleEndian: names.loadUnaligned(fromByteOffset: at, as: UInt64.self)) }
        var k = 0
        while length &- k > 8 {
            if nameWord(a &+ k) != word(b &+ k) { return false }
            k &+= 8
        }
        // The last 1...8 bytes: the bytes past them are shifted out.
        return (nameWord(a &+ k) ^ word(b &+ k)) &<< UInt64(64 &- 8 &* (length &- k)) == 0
    }
}
