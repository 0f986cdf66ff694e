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

    /// Parses the document. Call once: the tables go to the returned `Storage`, or are freed on error.
    consuming func parse() throws(XMLError) -> Storage {
        do throws(XMLError) {
            guard bytes.count < Int(Int32.max) else { throw fail(0, "document larger than 2 GiB") }
            if let bad = Self.firstInvalidUTF8(bytes) { throw fail(bad, "invalid UTF-8") }
            try Self.byteClasses.withUnsafeBufferPointer { (classes) throws(XMLError) in
                try bytes.withUnsafeBufferPointer { (buf) throws(XMLError) in try scan(buf, classes.baseAddress!) }
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
    /// Bits of `byteClasses`: one table load per byte instead of a chain of comparisons in the loops.
    private static let nameByte: UInt8 = 1, nameStartByte: UInt8 = 2, spaceByte: UInt8 = 4
    /// Bytes that end or need care in an attribute value: both quotes, `<`, `&`, tab, line feed, return.
    private static let attributeStop: UInt8 = 8
    /// Bytes that end or need care in character data: `<`, `&`.
    private static let textStop: UInt8 = 16
    private static let byteClasses: [UInt8] = (0...255).map { (v: Int) -> UInt8 in
        let b = UInt8(v)
        var c: UInt8 = 0
        if isNameByte(b) { c |= nameByte }
        if isNameStart(b) { c |= nameStartByte }
        if isSpace(b) { c |= spaceByte }
        if b == quote || b == apos || b == lt || b == amp || b == 0x09 || b == 0x0A || b == 0x0D { c |= attributeStop }
        if b == lt || b == amp { c |= textStop }
        return c
    }

    @inline(__always) private static func isNameStart(_ b: UInt8) -> Bool {
        (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || b == 0x5F || b == 0x3A || b >= 0x80
    }

    // MARK: word-at-a-time helpers (8 bytes per step, little-endian: the first byte is the lowest)

    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// High bit set in each byte of `v` that is zero. Only the lowest flagged byte is exact (a borrow can
    /// flag bytes above it), which is all the scans use.
    @inline(__always) private static func zeroBytes(_ v: UInt64) -> UInt64 { (v &- ones) & ~v & highs }
    /// High bit set in (at least the lowest) byte of `v` that equals the byte broadcast in `b`.
    @inline(__always) private static func equalBytes(_ v: UInt64, _ b: UInt64) -> UInt64 { zeroBytes(v ^ b) }
    /// High bit set in (at least the lowest) byte of `v` below 0x20 (tab, line feed, return, other controls).
    @inline(__always) private static func controlBytes(_ v: UInt64) -> UInt64 { (v &- ones &* 0x20) & ~v & highs }

    private static let ltWord = ones &* UInt64(lt), ampWord = ones &* UInt64(amp)
    private static let quoteWord = ones &* UInt64(quote), aposWord = ones &* UInt64(apos)
    private static let spaceWord = ones &* 0x20

    private mutating func scan(_ buf: UnsafeBufferPointer<UInt8>, _ classes: UnsafePointer<UInt8>) throws(XMLError) {
        // Positions, and the counts of nodes and attributes, stay below `n` (< Int32.max, checked in
        // `parse`): they step with `&+=` and narrow to Int32 without a check.
        @inline(__always) func isSpace(_ b: UInt8) -> Bool { classes[Int(b)] & Self.spaceByte != 0 }
        @inline(__always) func isNameByte(_ b: UInt8) -> Bool { classes[Int(b)] & Self.nameByte != 0 }
        @inline(__always) func isNameStart(_ b: UInt8) -> Bool { classes[Int(b)] & Self.nameStartByte != 0 }
        let n = buf.count
        guard let p = buf.baseAddress, n > 0 else { throw fail(0, "no document element") }
        let raw = UnsafeRawPointer(p)
        @inline(__always) func word(_ at: Int) -> UInt64 { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self)) }
        /// The end of the name that starts at `from`: eight bytes per step without a bounds check on each
        /// (while eight are left), then one at a time.
        @inline(__always) func nameEnd(_ from: Int) -> Int {
            var j = from
            while j &+ 8 <= n {
                if !isNameByte(p[j]) { return j }
                if !isNameByte(p[j &+ 1]) { return j &+ 1 }
                if !isNameByte(p[j &+ 2]) { return j &+ 2 }
                if !isNameByte(p[j &+ 3]) { return j &+ 3 }
                if !isNameByte(p[j &+ 4]) { return j &+ 4 }
                if !isNameByte(p[j &+ 5]) { return j &+ 5 }
                if !isNameByte(p[j &+ 6]) { return j &+ 6 }
                if !isNameByte(p[j &+ 7]) { return j &+ 7 }
                j &+= 8
            }
            while j < n, isNameByte(p[j]) { j &+= 1 }
            return j
        }
        /// Index of the first byte at or after `from` that is not a space, a tab, a line feed or a return.
        @inline(__always) func spaceEnd(_ from: Int) -> Int {
            var j = from
            while true {
                // Runs of spaces (indentation) eight at a time.
                while j &+ 8 <= n {
                    let other = word(j) ^ Self.spaceWord
                    if other != 0 { j &+= other.trailingZeroBitCount &>> 3; break }
                    j &+= 8
                }
                guard j < n, isSpace(p[j]) else { return j }
                j &+= 1
            }
        }
        var i = 0
        var stack = XMLTableBuilder<Int32>(capacity: 32)  // open elements
        defer { stack.free() }
        var sawRoot = false
        // Skip a UTF-8 byte-order mark.
        if n >= 3, p[0] == 0xEF, p[1] == 0xBB, p[2] == 0xBF { i = 3 }

        while i < n {
            if p[i] != Self.lt {
                // Character data up to the next '<'. Whitespace between tags (the common case) is skipped.
                let start = i
                i = spaceEnd(i)
                if i >= n || p[i] == Self.lt { continue }
                var refs = false
                while true {
                    // Find the next '<' or '&', eight bytes at a time.
                    while i &+ 8 <= n {
                        let v = word(i)
                        let stop = Self.equalBytes(v, Self.ltWord) | Self.equalBytes(v, Self.ampWord)
                        if stop != 0 { i &+= stop.trailingZeroBitCount &>> 3; break }
                        i &+= 8
                    }
                    while i < n, classes[Int(p[i])] & Self.textStop == 0 { i &+= 1 }
                    guard i < n, p[i] == Self.amp else { break }
                    refs = true
                    try checkReference(buf, at: i)
                    i &+= 1
                }
                guard stack.count > 0 else { throw fail(start, "text outside the document element") }
                let top = stack[stack.count &- 1]
                addText(to: top, Storage.Span(start: Int32(truncatingIfNeeded: start), length: Int32(truncatingIfNeeded: i &- start), hasReferences: refs))
                continue
            }
            // '<'
            guard i + 1 < n else { throw fail(i, "document ends inside a tag") }
            let c = p[i &+ 1]
            if c == Self.slash {
                // End tag.
                let nameStart = i &+ 2
                var j = nameEnd(nameStart)
                guard stack.count > 0 else { throw fail(i, "end tag without a start tag") }
                let top = stack.removeLast()
                let node = nodes[Int(top)]
                let len = j &- nameStart
                guard len == Int(node.nameLength),
                      memcmpEqual(buf, nameStart, Int(node.nameStart), len)
                else {
                    let open = String(decoding: UnsafeBufferPointer(rebasing: buf[Int(node.nameStart)..<Int(node.nameStart + node.nameLength)]), as: UTF8.self)
                    throw fail(i, "end tag does not match the open element <\(open)>")
                }
                if j < n, p[j] != Self.gt { j = spaceEnd(j) }
                guard j < n, p[j] == Self.gt else { throw fail(j, "expected '>' to close the end tag") }
                nodes[Int(top)].subtreeEnd = Int32(truncatingIfNeeded: nodes.count)
                i = j &+ 1
            } else if c == Self.question {
                i = try skip(buf, from: i + 2, until: "?>", what: "processing instruction")
            } else if c == Self.bang {
                if hasPrefix(buf, i, "<!--") {
                    i = try skip(buf, from: i + 4, until: "-->", what: "comment")
                } else if hasPrefix(buf, i, "<![CDATA[") {
                    let start = i + 9
                    let end = try skip(buf, from: start, until: "]]>", what: "CDATA section")
                    guard stack.count > 0 else { throw fail(i, "CDATA outside the document element") }
                    let top = stack[stack.count &- 1]
                    addText(to: top, Storage.Span(start: Int32(truncatingIfNeeded: start), length: Int32(truncatingIfNeeded: end - 3 - start), hasReferences: false))
                    i = end
                } else if hasPrefix(buf, i, "<!DOCTYPE") {
                    guard !sawRoot else { throw fail(i, "DOCTYPE after the document element") }
                    i = try skipDoctype(buf, from: i + 9)
                } else {
                    throw fail(i, "unknown markup declaration")
                }
            } else {
                // Start tag.
                guard isNameStart(c) else { throw fail(i + 1, "expected an element name after '<'") }
                if stack.count == 0, sawRoot { throw fail(i, "more than one document element") }
                sawRoot = true
                let nameStart = i &+ 1
                var j = nameEnd(nameStart &+ 1)
                let index = Int32(truncatingIfNeeded: nodes.count)
                let parent = stack.count > 0 ? stack[stack.count &- 1] : -1
                nodes.append(Storage.Node(
                    nameStart: Int32(truncatingIfNeeded: nameStart), nameLength: Int32(truncatingIfNeeded: j &- nameStart),
                    firstAttribute: Int32(truncatingIfNeeded: attributes.count), attributeCount: 0, parent: parent))
                if parent >= 0 {
                    let last = nodes[Int(parent)].lastChild
                    if last >= 0 { nodes[Int(last)].nextSibling = index } else { nodes[Int(parent)].firstChild = index }
                    nodes[Int(parent)].lastChild = index
                }
                // Attributes.
                var count: Int32 = 0
                while true {
                    let beforeSpace = j
                    if j < n, isSpace(p[j]) {
                        // Mostly one space between attributes.
                        j &+= 1
                        if j < n, isSpace(p[j]) { j = spaceEnd(j) }
                    }
                    guard j < n else { throw fail(j, "document ends inside a start tag") }
                    let b = p[j]
                    if b == Self.gt {
                        stack.append(index)
                        j &+= 1
                        break
                    }
                    if b == Self.slash {
                        guard j + 1 < n, p[j &+ 1] == Self.gt else { throw fail(j, "expected '/>'") }
                        nodes[Int(index)].subtreeEnd = index &+ 1
                        j &+= 2
                        break
                    }
                    guard j > beforeSpace, isNameStart(b) else { throw fail(j, "expected an attribute name") }
                    let an = j
                    j = nameEnd(j &+ 1)
                    let anEnd = j
                    if j < n, p[j] != Self.eq { j = spaceEnd(j) }
                    guard j < n, p[j] == Self.eq else { throw fail(j, "expected '=' after an attribute name") }
                    j &+= 1
                    if j < n, isSpace(p[j]) { j = spaceEnd(j) }
                    guard j < n, p[j] == Self.quote || p[j] == Self.apos else {
                        throw fail(j, "attribute value must be quoted")
                    }
                    let q = p[j]
                    let quoteWord = q == Self.quote ? Self.quoteWord : Self.aposWord
                    j &+= 1
                    let vs = j
                    var refs = false
                    while true {
                        // Find the closing quote, '<', '&' or a control byte, eight bytes at a time.
                        while j &+ 8 <= n {
                            let v = word(j)
                            let stop = Self.equalBytes(v, quoteWord) | Self.equalBytes(v, Self.ltWord)
                                | Self.equalBytes(v, Self.ampWord) | Self.controlBytes(v)
                            if stop != 0 { j &+= stop.trailingZeroBitCount &>> 3; break }
                            j &+= 8
                        }
                        while j < n, classes[Int(p[j])] & Self.attributeStop == 0 { j &+= 1 }
                        guard j < n else { throw fail(vs, "unterminated attribute value") }
                        let v = p[j]
                        if v == q { break }
                        if v == Self.lt { throw fail(j, "'<' inside an attribute value") }
                        if v == Self.amp {
                            refs = true
                            try checkReference(buf, at: j)
                        } else if v == 0x09 || v == 0x0A || v == 0x0D {
                            refs = true  // tab, line feed, return: normalized to spaces when read
                        }
                        j &+= 1
                    }
                    attributes.append(Storage.Attribute(
                        name: .init(start: Int32(truncatingIfNeeded: an), length: Int32(truncatingIfNeeded: anEnd &- an), hasReferences: false),
                        value: .init(start: Int32(truncatingIfNeeded: vs), length: Int32(truncatingIfNeeded: j &- vs), hasReferences: refs, isAttributeValue: true)))
                    count &+= 1
                    j &+= 1
                }
                nodes[Int(index)].attributeCount = count
                i = j
            }
        }
        if stack.count > 0 {
            let open = stack[stack.count &- 1]
            let node = nodes[Int(open)]
            let name = String(decoding: UnsafeBufferPointer(rebasing: buf[Int(node.nameStart)..<Int(node.nameStart + node.nameLength)]), as: UTF8.self)
            throw fail(n, "document ends with <\(name)> still open")
        }
        guard sawRoot else { throw fail(n, "no document element") }
    }

    private mutating func addText(to element: Int32, _ span: Storage.Span) {
        let t = Int32(texts.count)
        texts.append(Storage.Text(span: span, next: -1))
        let last = nodes[Int(element)].lastText
        if last >= 0 { texts[Int(last)].next = t } else { nodes[Int(element)].firstText = t }
        nodes[Int(element)].lastText = t
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

    private func memcmpEqual(_ buf: UnsafeBufferPointer<UInt8>, _ a: Int, _ b: Int, _ len: Int) -> Bool {
        for k in 0..<len where buf[a + k] != buf[b + k] { return false }
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
