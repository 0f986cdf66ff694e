/// The one-pass parser behind `XMLDocument`. It validates UTF-8 once up front, then scans bytes.
struct XMLParserCore {
    let bytes: [UInt8]
    let source: String
    // Built here, then handed to an immutable `Storage` (reads of immutable storage need no
    // exclusivity checks), which frees them; freed here when parsing fails.
    var nodes: XMLTableBuilder<Storage.Node>
    var attributes: XMLTableBuilder<Storage.Attribute>
    var texts: XMLTableBuilder<Storage.Text>

    init(bytes: [UInt8], source: String) {
        self.bytes = bytes
        self.source = source
        nodes = XMLTableBuilder(capacity: bytes.count / 64)
        attributes = XMLTableBuilder(capacity: bytes.count / 24)
        texts = XMLTableBuilder(capacity: 16)
    }

    private func fail(_ offset: Int, _ reason: String) -> XMLError {
        XMLError(source: source, offset: offset, reason: reason)
    }

    /// Zero bytes after the scanner's copy of the document. The UTF-8 check rejects NUL inside the document,
    /// so a zero byte is its end: every scan (names, spaces, values, text) stops there by itself, and the
    /// scanner reads single bytes and 8-byte words past a token without checking the length first.
    static let padding = 32

    /// Parses the document. Call once: the tables go to the returned `Storage`, or are freed on error.
    consuming func parse() throws(XMLError) -> Storage {
        do throws(XMLError) {
            guard bytes.count < Int(Int32.max) else { throw fail(0, "document larger than 2 GiB") }
            if let bad = Self.firstInvalidUTF8(bytes) { throw fail(bad, "invalid UTF-8") }
            let n = bytes.count
            let padded = UnsafeMutablePointer<UInt8>.allocate(capacity: n + Self.padding)
            defer { padded.deallocate() }
            bytes.withUnsafeBufferPointer { if let b = $0.baseAddress { padded.initialize(from: b, count: n) } }
            (padded + n).initialize(repeating: 0, count: Self.padding)
            try Self.byteClasses.withUnsafeBufferPointer { (classes) throws(XMLError) in
                try scan(UnsafeBufferPointer(start: padded, count: n), classes.baseAddress!)
            }
        } catch {
            nodes.free()
            attributes.free()
            texts.free()
            throw error
        }
        return Storage(bytes: bytes, nodes: nodes.finish(), attributes: attributes.finish(), texts: texts.finish())
    }

    // MARK: scanning

    private static let lt = UInt8(ascii: "<"), gt = UInt8(ascii: ">"), amp = UInt8(ascii: "&")
    private static let slash = UInt8(ascii: "/"), bang = UInt8(ascii: "!"), question = UInt8(ascii: "?")
    private static let eq = UInt8(ascii: "="), quote = UInt8(ascii: "\""), apos = UInt8(ascii: "'")

    @inline(__always) private static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }
    @inline(__always) private static func isNameByte(_ b: UInt8) -> Bool {
        // Names: letters, digits, '_', ':', '-', '.', and any non-ASCII byte (already valid UTF-8).
        (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39)
            || b == 0x5F || b == 0x3A || b == 0x2D || b == 0x2E || b >= 0x80
    }
    @inline(__always) private static func isNameStart(_ b: UInt8) -> Bool {
        (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || b == 0x5F || b == 0x3A || b >= 0x80
    }
    /// Bits of `byteClasses`: one table load per byte instead of a chain of comparisons in the loops.
    private static let nameByte: UInt8 = 1, nameStartByte: UInt8 = 2, spaceByte: UInt8 = 4
    private static let byteClasses: [UInt8] = (0...255).map { (v: Int) -> UInt8 in
        let b = UInt8(v)
        var c: UInt8 = 0
        if isNameByte(b) { c |= nameByte }
        if isNameStart(b) { c |= nameStartByte }
        if isSpace(b) { c |= spaceByte }
        return c
    }

    // MARK: word-at-a-time helpers (8 bytes per step, little-endian: the first byte is the lowest)

    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// High bit set in each byte of `v` that is zero. Only the lowest flagged byte is exact (a borrow can
    /// flag bytes above it), which is all the scans use: the lowest flagged byte of several such masks
    /// OR-ed together is the first byte that any of them flags.
    @inline(__always) private static func zeroBytes(_ v: UInt64) -> UInt64 { (v &- ones) & ~v & highs }
    /// High bit set in (at least the lowest) byte of `v` that equals the byte broadcast in `b`.
    @inline(__always) private static func equalBytes(_ v: UInt64, _ b: UInt64) -> UInt64 { zeroBytes(v ^ b) }
    /// High bit set in (at least the lowest) byte of `v` below 0x20 (tab, line feed, return, other controls, NUL).
    @inline(__always) private static func controlBytes(_ v: UInt64) -> UInt64 { (v &- ones &* 0x20) & ~v & highs }

    private static let ltWord = ones &* UInt64(lt), ampWord = ones &* UInt64(amp)
    private static let quoteWord = ones &* UInt64(quote), aposWord = ones &* UInt64(apos)
    private static let spaceWord = ones &* 0x20
    /// `=` then `"`, as one little-endian 16-bit load reads them.
    private static let eqQuote = UInt16(eq) | UInt16(quote) << 8

    // MARK: 16 bytes at a time (SIMD: SSE2 on x86_64, NEON on arm64)

    typealias Lanes = SIMD16<UInt8>

    /// The index of the first set lane of `m` (one lane must be set).
    @inline(__always) private static func firstLane(_ m: SIMDMask<SIMD16<Int8>>) -> Int {
        let w = unsafeBitCast(Lanes(repeating: 0).replacing(with: 0xFF, where: m), to: SIMD2<UInt64>.self)
        let low = UInt64(littleEndian: w[0])  // lanes 0...7, lane 0 in the lowest byte
        return low != 0 ? low.trailingZeroBitCount &>> 3 : 8 &+ UInt64(littleEndian: w[1]).trailingZeroBitCount &>> 3
    }

    /// An open element while its content is scanned: the last child and text appended to it (the next ones
    /// are linked after them).
    struct OpenElement {
        var index: Int32
        var lastChild: Int32
        var lastText: Int32
    }

    /// Scans `buf`, which is followed by `padding` zero bytes.
    private mutating func scan(_ buf: UnsafeBufferPointer<UInt8>, _ classes: UnsafePointer<UInt8>) throws(XMLError) {
        // Positions, and the counts of nodes and attributes, stay below `n` (< Int32.max, checked in
        // `parse`): they step with `&+=` and narrow to Int32 without a check. A position never passes `n`:
        // every scan stops at the zero byte there.
        @inline(__always) func isSpace(_ b: UInt8) -> Bool { classes[Int(b)] & Self.spaceByte != 0 }
        @inline(__always) func isNameByte(_ b: UInt8) -> Bool { classes[Int(b)] & Self.nameByte != 0 }
        @inline(__always) func isNameStart(_ b: UInt8) -> Bool { classes[Int(b)] & Self.nameStartByte != 0 }
        let n = buf.count
        guard let p = buf.baseAddress, n > 0 else { throw fail(0, "no document element") }
        let raw = UnsafeRawPointer(p)
        @inline(__always) func word(_ at: Int) -> UInt64 { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self)) }
        /// The end of the name that starts at `from`, one table load per byte.
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
        @inline(__always) func lanes(_ at: Int) -> Lanes { raw.loadUnaligned(fromByteOffset: at, as: Lanes.self) }
        // Broadcast bytes for the 16-byte scans (compared as vectors: a scalar operand is not vectorized).
        let spaces = Lanes(repeating: 0x20), tabs = Lanes(repeating: 0x09), lineFeeds = Lanes(repeating: 0x0A)
        let returns = Lanes(repeating: 0x0D), lts = Lanes(repeating: Self.lt), amps = Lanes(repeating: Self.amp)
        let quotes = Lanes(repeating: Self.quote), apostrophes = Lanes(repeating: Self.apos)
        let controls = Lanes(repeating: 0x20), zeros = Lanes(repeating: 0)
        /// Index of the first byte at or after `from` that is not a space, a tab, a line feed or a return.
        @inline(__always) func spaceEnd(_ from: Int) -> Int {
            var j = from
            while true {
                let v = lanes(j)
                let other = .!((v .== spaces) .| (v .== lineFeeds) .| (v .== tabs) .| (v .== returns))
                if any(other) { return j &+ Self.firstLane(other) }
                j &+= 16
            }
        }
        /// Whether the `length` bytes at `a` and at `b` are equal (`b + length <= n`, `a < b`).
        @inline(__always) func sameBytes(_ a: Int, _ b: Int, _ length: Int) -> Bool {
            var k = 0
            while length &- k > 8 {
                if word(a &+ k) != word(b &+ k) { return false }
                k &+= 8
            }
            // The last 1...8 bytes: the bytes past them are shifted out.
            return (word(a &+ k) ^ word(b &+ k)) &<< UInt64(64 &- 8 &* (length &- k)) == 0
        }

        // Built in locals (kept in registers), handed back to `self` on every exit.
        var nodes = self.nodes, attributes = self.attributes, texts = self.texts
        defer {
            self.nodes = nodes
            self.attributes = attributes
            self.texts = texts
        }

        var stack = XMLTableBuilder<OpenElement>(capacity: 32)  // the open elements above `open`
        defer { stack.free() }
        var open = OpenElement(index: -1, lastChild: -1, lastText: -1)  // the innermost open element
        var sawRoot = false
        var i = 0
        // Skip a UTF-8 byte-order mark.
        if n >= 3, p[0] == 0xEF, p[1] == 0xBB, p[2] == 0xBF { i = 3 }

        while i < n {
            if p[i] != Self.lt {
                // Character data up to the next '<'. Whitespace between tags (the common case) is skipped.
                let start = i
                i = spaceEnd(i)
                if p[i] == Self.lt || i >= n { continue }
                var refs = false
                while true {
                    // The next '<', '&' or the end (a zero byte), 16 bytes at a time.
                    let v = lanes(i)
                    let stop = (v .== lts) .| (v .== amps) .| (v .== zeros)
                    if !any(stop) {
                        i &+= 16
                        continue
                    }
                    i &+= Self.firstLane(stop)
                    guard p[i] == Self.amp else { break }
                    refs = true
                    try checkReference(buf, at: i)
                    i &+= 1
                }
                guard open.index >= 0 else { throw fail(start, "text outside the document element") }
                Self.addText(&open, &nodes, &texts, Storage.Span(start: Int32(truncatingIfNeeded: start), length: Int32(truncatingIfNeeded: i &- start), hasReferences: refs))
                continue
            }
            // '<'
            let c = p[i &+ 1]
            if isNameStart(c) {
                // Start tag.
                if open.index < 0, sawRoot { throw fail(i, "more than one document element") }
                sawRoot = true
                let nameStart = i &+ 1
                var j = nameEnd(nameStart &+ 1)
                let nameLength = j &- nameStart
                let index = Int32(truncatingIfNeeded: nodes.count)
                let firstAttribute = attributes.count
                // Attributes, up to '>' or '/>'.
                var b = p[j]
                var closed = false
                while true {
                    let beforeSpace = j
                    if isSpace(b) {
                        // Mostly one space between attributes.
                        j &+= 1
                        b = p[j]
                        if isSpace(b) {
                            j = spaceEnd(j)
                            b = p[j]
                        }
                    }
                    if b == Self.gt {
                        j &+= 1
                        break
                    }
                    if b == Self.slash {
                        guard p[j &+ 1] == Self.gt else { throw fail(j, "expected '/>'") }
                        closed = true
                        j &+= 2
                        break
                    }
                    guard j > beforeSpace, isNameStart(b) else {
                        throw fail(j, j >= n ? "document ends inside a start tag" : "expected an attribute name")
                    }
                    let an = j
                    j = nameEnd(j &+ 1)
                    let anEnd = j
                    var q = Self.quote
                    if raw.loadUnaligned(fromByteOffset: j, as: UInt16.self) == UInt16(littleEndian: Self.eqQuote) {
                        j &+= 2  // `="`, the usual spelling
                    } else {
                        if p[j] != Self.eq { j = spaceEnd(j) }
                        guard p[j] == Self.eq else { throw fail(j, "expected '=' after an attribute name") }
                        j &+= 1
                        if isSpace(p[j]) { j = spaceEnd(j) }
                        q = p[j]
                        guard q == Self.quote || q == Self.apos else { throw fail(j, "attribute value must be quoted") }
                        j &+= 1
                    }
                    let qs = q == Self.quote ? quotes : apostrophes
                    let vs = j
                    var refs = false
                    while true {
                        // The closing quote, '<', '&', a control byte or the end, 16 bytes at a time.
                        let v = lanes(j)
                        let stop = (v .== qs) .| (v .== lts) .| (v .== amps) .| (v .< controls)
                        if !any(stop) {
                            j &+= 16
                            continue
                        }
                        j &+= Self.firstLane(stop)
                        let v0 = p[j]
                        if v0 == q { break }
                        if v0 == Self.amp {
                            refs = true
                            try checkReference(buf, at: j)
                        } else if v0 == Self.lt {
                            throw fail(j, "'<' inside an attribute value")
                        } else if v0 == 0x09 || v0 == 0x0A || v0 == 0x0D {
                            refs = true  // tab, line feed, return: normalized to spaces when read
                        } else if j >= n {
                            throw fail(vs, "unterminated attribute value")
                        }
                        j &+= 1
                    }
                    attributes.append(Storage.Attribute(
                        name: .init(start: Int32(truncatingIfNeeded: an), length: Int32(truncatingIfNeeded: anEnd &- an), hasReferences: false),
                        value: .init(start: Int32(truncatingIfNeeded: vs), length: Int32(truncatingIfNeeded: j &- vs), hasReferences: refs, isAttributeValue: true)))
                    j &+= 1
                    b = p[j]
                }
                nodes.append(Storage.Node(
                    nameStart: Int32(truncatingIfNeeded: nameStart), nameLength: Int32(truncatingIfNeeded: nameLength),
                    firstAttribute: Int32(truncatingIfNeeded: firstAttribute),
                    attributeCount: Int32(truncatingIfNeeded: attributes.count &- firstAttribute), parent: open.index,
                    subtreeEnd: closed ? index &+ 1 : 0))
                if open.index >= 0 {
                    if open.lastChild >= 0 { nodes[Int(open.lastChild)].nextSibling = index } else { nodes[Int(open.index)].firstChild = index }
                    open.lastChild = index
                }
                if !closed {
                    stack.append(open)
                    open = OpenElement(index: index, lastChild: -1, lastText: -1)
                }
                i = j
            } else if c == Self.slash {
                // End tag: the open element's name, then optional spaces and '>'.
                let nameStart = i &+ 2
                guard open.index >= 0 else { throw fail(i, "end tag without a start tag") }
                let node = nodes[Int(open.index)]
                let length = Int(node.nameLength)
                var j = nameStart &+ length
                guard j <= n, sameBytes(Int(node.nameStart), nameStart, length), !isNameByte(p[j]) else {
                    let name = String(decoding: UnsafeBufferPointer(rebasing: buf[Int(node.nameStart)..<(Int(node.nameStart) &+ length)]), as: UTF8.self)
                    throw fail(i, "end tag does not match the open element <\(name)>")
                }
                if p[j] != Self.gt {
                    j = spaceEnd(j)
                    guard p[j] == Self.gt else { throw fail(j, "expected '>' to close the end tag") }
                }
                nodes[Int(open.index)].subtreeEnd = Int32(truncatingIfNeeded: nodes.count)
                open = stack.removeLast()
                i = j &+ 1
            } else if c == Self.question {
                i = try skip(buf, from: i + 2, until: "?>", what: "processing instruction")
            } else if c == Self.bang {
                if hasPrefix(buf, i, "<!--") {
                    i = try skip(buf, from: i + 4, until: "-->", what: "comment")
                } else if hasPrefix(buf, i, "<![CDATA[") {
                    let start = i + 9
                    let end = try skip(buf, from: start, until: "]]>", what: "CDATA section")
                    guard open.index >= 0 else { throw fail(i, "CDATA outside the document element") }
                    Self.addText(&open, &nodes, &texts, Storage.Span(start: Int32(truncatingIfNeeded: start), length: Int32(truncatingIfNeeded: end - 3 - start), hasReferences: false))
                    i = end
                } else if hasPrefix(buf, i, "<!DOCTYPE") {
                    guard !sawRoot else { throw fail(i, "DOCTYPE after the document element") }
                    i = try skipDoctype(buf, from: i + 9)
                } else {
                    throw fail(i, "unknown markup declaration")
                }
            } else if i &+ 1 >= n {
                throw fail(i, "document ends inside a tag")
            } else {
                throw fail(i + 1, "expected an element name after '<'")
            }
        }
        if open.index >= 0 {
            let node = nodes[Int(open.index)]
            let name = String(decoding: UnsafeBufferPointer(rebasing: buf[Int(node.nameStart)..<Int(node.nameStart + node.nameLength)]), as: UTF8.self)
            throw fail(n, "document ends with <\(name)> still open")
        }
        guard sawRoot else { throw fail(n, "no document element") }
    }

    /// Appends a run of character data to the open element's texts.
    @inline(__always)
    private static func addText(_ open: inout OpenElement, _ nodes: inout XMLTableBuilder<Storage.Node>,
                                _ texts: inout XMLTableBuilder<Storage.Text>, _ span: Storage.Span) {
        let t = Int32(truncatingIfNeeded: texts.count)
        texts.append(Storage.Text(span: span, next: -1))
        if open.lastText >= 0 { texts[Int(open.lastText)].next = t } else { nodes[Int(open.index)].firstText = t }
        open.lastText = t
    }

    private func checkReference(_ buf: UnsafeBufferPointer<UInt8>, at i: Int) throws(XMLError) {
        var j = i + 1
        while j < buf.count, j - i <= 12, buf[j] != UInt8(ascii: ";") { j += 1 }
        guard j < buf.count, buf[j] == UInt8(ascii: ";"),
              XMLEntities.reference(UnsafeBufferPointer(rebasing: buf[(i + 1)..<j])) != nil
        else { throw fail(i, "unknown or malformed entity reference") }
    }

    private func hasPrefix(_ buf: UnsafeBufferPointer<UInt8>, _ i: Int, _ s: StaticString) -> Bool {
        let len = s.utf8CodeUnitCount
        guard i + len <= buf.count else { return false }
        let p = s.utf8Start
        for k in 0..<len where buf[i + k] != p[k] { return false }
        return true
    }

    /// Index just past the first `terminator` at or after `from`.
    private func skip(_ buf: UnsafeBufferPointer<UInt8>, from: Int, until terminator: StaticString, what: String) throws(XMLError) -> Int {
        var j = from
        let first = terminator.utf8Start[0]
        while j < buf.count {
            if buf[j] == first, hasPrefix(buf, j, terminator) { return j + terminator.utf8CodeUnitCount }
            j += 1
        }
        throw fail(from, "unterminated \(what)")
    }

    private func skipDoctype(_ buf: UnsafeBufferPointer<UInt8>, from: Int) throws(XMLError) -> Int {
        var j = from
        var depth = 0
        var quote: UInt8 = 0
        while j < buf.count {
            let b = buf[j]
            if quote != 0 {
                if b == quote { quote = 0 }
            } else if b == Self.quote || b == Self.apos {
                quote = b
            } else if b == UInt8(ascii: "[") {
                depth += 1
            } else if b == UInt8(ascii: "]") {
                depth -= 1
            } else if b == Self.gt, depth <= 0 {
                return j + 1
            }
            j += 1
        }
        throw fail(from, "unterminated DOCTYPE")
    }

    // MARK: UTF-8

    /// Offset of the first byte that is not part of a valid UTF-8 sequence, or `nil`. Also rejects NUL.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBufferPointer { buf -> Int? in
            let n = buf.count
            var i = 0
            while i < n {
                // Fastest path: 32 bytes at a time while they are ASCII without NUL (a high bit or a zero
                // byte in any of the four words stops it; the paths below then find which byte).
                while i &+ 32 <= n {
                    let p = UnsafeRawPointer(buf.baseAddress! + i)
                    let a = p.loadUnaligned(as: UInt64.self), b = p.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
                    let c = p.loadUnaligned(fromByteOffset: 16, as: UInt64.self)
                    let d = p.loadUnaligned(fromByteOffset: 24, as: UInt64.self)
                    let ones: UInt64 = 0x0101_0101_0101_0101
                    let zeros = ((a &- ones) & ~a) | ((b &- ones) & ~b) | ((c &- ones) & ~c) | ((d &- ones) & ~d)
                    if (a | b | c | d | zeros) & 0x8080_8080_8080_8080 != 0 { break }
                    i &+= 32
                }
                if i == n { break }
                // Fast path: 8 ASCII bytes at a time.
                if i + 8 <= n {
                    let word = UnsafeRawPointer(buf.baseAddress! + i).loadUnaligned(as: UInt64.self)
                    if word & 0x8080_8080_8080_8080 == 0 {
                        // NUL check: a zero byte in the word.
                        if (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080 != 0 {
                            for k in 0..<8 where buf[i + k] == 0 { return i + k }
                        }
                        i += 8
                        continue
                    }
                }
                let b = buf[i]
                if b == 0 { return i }
                if b < 0x80 { i += 1; continue }
                let len: Int
                var minimum: UInt32
                var cp: UInt32
                switch b {
                case 0xC2...0xDF: len = 2; cp = UInt32(b & 0x1F); minimum = 0x80
                case 0xE0...0xEF: len = 3; cp = UInt32(b & 0x0F); minimum = 0x800
                case 0xF0...0xF4: len = 4; cp = UInt32(b & 0x07); minimum = 0x10000
                default: return i
                }
                guard i + len <= n else { return i }
                for k in 1..<len {
                    let c = buf[i + k]
                    guard c & 0xC0 == 0x80 else { return i }
                    cp = (cp << 6) | UInt32(c & 0x3F)
                }
                if cp < minimum || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) { return i }
                i += len
            }
            return nil
        }
    }
}
