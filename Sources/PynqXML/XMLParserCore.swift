/// The one-pass parser behind `XMLDocument`. It validates UTF-8 once up front, then scans the bytes in
/// two parts (`XMLPaddedBytes`: the document, then a zero-padded copy of its last bytes): start tags and
/// their attributes in `startTagEnd`, the rest in `scan`.
struct XMLParserCore {
    /// The bytes that the document is `range` of; positions (in the tables and while scanning) are
    /// positions in `bytes`, and errors give them relative to `range.lowerBound`.
    let bytes: [UInt8]
    let range: Range<Int>
    let source: String
    // Built here, then handed to an immutable `Storage` (reads of immutable storage need no
    // exclusivity checks), which frees them; freed here when parsing fails.
    var nodes: XMLTableBuilder<Storage.Node>
    var attributes: XMLTableBuilder<Storage.Attribute>
    var texts: XMLTableBuilder<Storage.Text>
    /// Where the three tables and the stack start (one allocation).
    let block: XMLTableBlock
    // Scan state (fields rather than locals: kept in memory, they leave the registers to the loops).
    /// The innermost open element (index -1 outside the document element).
    var open = OpenElement(index: -1, lastChild: -1, lastText: -1)
    /// The open elements above `open` (freed when the scan ends if it outgrew its room in `block`).
    var stack: XMLTableBuilder<OpenElement>

    /// A parser of `bytes[range]` (`range` within `bytes`).
    init(bytes: [UInt8], range: Range<Int>, source: String) {
        precondition(range.lowerBound >= 0 && range.upperBound <= bytes.count, "the document's range is not within its bytes")
        self.bytes = bytes
        self.range = range
        self.source = source
        // Room for one element per 40 bytes and one attribute per 16 (the reference files have one per
        // 50–83 and 23–37): a table that grows costs an allocation and a copy, untouched room nothing.
        (block, nodes, attributes, texts, stack) = XMLTableBlock.make(
            Swift.max(range.count / 40, 16), Swift.max(range.count / 16, 16), 16, 32,
            Storage.Node.self, Storage.Attribute.self, Storage.Text.self, OpenElement.self)
    }

    /// An error of this document; the scanning functions leave `source` empty and `parse` fills it in.
    /// `offset` is a position in `bytes`; `parse` makes it relative to the document.
    private static func fail(_ offset: Int, _ reason: String) -> XMLError {
        XMLError(source: "", offset: offset, reason: reason)
    }

    /// Parses the document. Call once: the tables go to the returned `Storage`, or are freed on error.
    consuming func parse() throws(XMLError) -> Storage {
        defer { stack.free() }
        let origin = range.lowerBound, n = range.upperBound
        do throws(XMLError) {
            // Positions are `Int32`s.
            guard n < Int(Int32.max) else { throw Self.fail(origin, "document ends past 2 GiB") }
            guard n > origin else { throw Self.fail(origin, "no document element") }
            try bytes.withUnsafeBufferPointer { (whole) throws(XMLError) in
                // Through the document's end (what comes after it is never read).
                let document = UnsafeBufferPointer(start: whole.baseAddress!, count: n)
                if let bad = Self.firstInvalidUTF8(UnsafeBufferPointer(rebasing: document[origin...])) {
                    throw Self.fail(origin + bad, "invalid UTF-8")
                }
                // Skip a UTF-8 byte-order mark.
                let start = n - origin >= 3 && document[origin] == 0xEF && document[origin + 1] == 0xBB
                    && document[origin + 2] == 0xBF ? origin + 3 : origin
                try XMLPaddedBytes.scan(document, from: start) { (d, i) throws(XMLError) in try scan(d, from: i) }
                if open.index >= 0 {
                    let node = nodes[Int(open.index)]
                    let name = String(decoding: UnsafeBufferPointer(rebasing: document[Int(node.nameStart)..<Int(node.nameStart + node.nameLength)]), as: UTF8.self)
                    throw Self.fail(n, "document ends with <\(name)> still open")
                }
                guard nodes.count > 0 else { throw Self.fail(n, "no document element") }
            }
        } catch {
            nodes.free()
            attributes.free()
            texts.free()
            block.free()
            var located = error
            located.source = source
            located.offset -= origin
            throw located
        }
        return Storage(bytes: bytes, origin: origin, nodes: nodes.finish(), attributes: attributes.finish(),
                       texts: texts.finish(), block: block)
    }

    // MARK: scanning

    private static let lt = UInt8(ascii: "<"), gt = UInt8(ascii: ">"), amp = UInt8(ascii: "&")
    private static let slash = UInt8(ascii: "/"), bang = UInt8(ascii: "!"), question = UInt8(ascii: "?")
    private static let eq = UInt8(ascii: "="), quote = UInt8(ascii: "\""), apos = UInt8(ascii: "'")
    /// `=` then `"`, as one little-endian 16-bit load reads them.
    private static let eqQuote = UInt16(eq) | UInt16(quote) << 8

    /// An open element while its content is scanned: the last child and text appended to it (the next ones
    /// are linked after them).
    struct OpenElement {
        var index: Int32
        var lastChild: Int32
        var lastText: Int32
    }

    /// Scans one part of the document from `start`; returns the position of the first item at or after
    /// `d.end` (the end of the document in the copy).
    private mutating func scan(_ d: XMLPaddedBytes, from start: Int) throws(XMLError) -> Int {
        // Positions, and the counts of nodes and attributes, stay below `n` (< Int32.max, checked in
        // `parse`): they step with `&+=` and narrow to Int32 without a check.
        let n = d.n
        let buf = d.buffer
        var i = start
        // Each turn reads what starts at `i`: character data, then the tag at the '<' it stops at.
        while true {
            if i >= d.end { return i }
            if d[i] != Self.lt {
                // Character data up to the next '<' (or the end). Whitespace between tags (the common case)
                // is skipped.
                let start = i
                i = d.spaceEnd(i)
                if d[i] != Self.lt, i < n {
                    var refs = false
                    while true {
                        i = d.textStop(i)
                        guard d[i] == Self.amp else { break }
                        refs = true
                        try Self.checkReference(buf, at: i)
                        i &+= 1
                    }
                    guard open.index >= 0 else { throw Self.fail(start, "text outside the document element") }
                    Self.addText(&open, &nodes, &texts, Storage.Span(start: Int32(truncatingIfNeeded: start), length: Int32(truncatingIfNeeded: i &- start), hasReferences: refs))
                }
                if i >= d.end { return i }
            }
            // '<'
            let c = d[i &+ 1]
            if d.isNameStart(c) {
                // Start tag. Outside the document element after it (a start tag that fails ends the parse:
                // any element appended is a complete start tag)?
                if open.index < 0, nodes.count > 0 { throw Self.fail(i, "more than one document element") }
                let nameStart = i &+ 1
                let nameEnd = d.nameEnd(nameStart &+ 1)
                let index = Int32(truncatingIfNeeded: nodes.count)
                let firstAttribute = attributes.count
                let (end, closed) = try Self.startTagEnd(d, from: nameEnd, &attributes)
                nodes.append(Storage.Node(
                    nameStart: Int32(truncatingIfNeeded: nameStart), nameLength: Int32(truncatingIfNeeded: nameEnd &- nameStart),
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
                i = end
            } else if c == Self.slash {
                // End tag: the open element's name, then optional spaces and '>'.
                let nameStart = i &+ 2
                guard open.index >= 0 else { throw Self.fail(i, "end tag without a start tag") }
                let node = nodes[Int(open.index)]
                let length = Int(node.nameLength)
                var j = nameStart &+ length
                guard j <= d.end, d.sameBytes(Int(node.nameStart), nameStart, length), !d.isNameByte(d[j]) else {
                    // Past `end` the name would hold the '<' there (or pass the end of the document).
                    let name = String(decoding: UnsafeBufferPointer(start: d.document + Int(node.nameStart), count: length), as: UTF8.self)
                    throw Self.fail(i, "end tag does not match the open element <\(name)>")
                }
                if d[j] != Self.gt {
                    j = d.spaceEnd(j)
                    guard d[j] == Self.gt else { throw Self.fail(j, "expected '>' to close the end tag") }
                }
                nodes[Int(open.index)].subtreeEnd = Int32(truncatingIfNeeded: nodes.count)
                open = stack.removeLast()
                i = j &+ 1
            } else if c == Self.question {
                i = try Self.skip(buf, from: i + 2, until: "?>", what: "processing instruction")
            } else if c == Self.bang {
                if Self.hasPrefix(buf, i, "<!--") {
                    i = try Self.skip(buf, from: i + 4, until: "-->", what: "comment")
                } else if Self.hasPrefix(buf, i, "<![CDATA[") {
                    let start = i + 9
                    let end = try Self.skip(buf, from: start, until: "]]>", what: "CDATA section")
                    guard open.index >= 0 else { throw Self.fail(i, "CDATA outside the document element") }
                    Self.addText(&open, &nodes, &texts, Storage.Span(start: Int32(truncatingIfNeeded: start), length: Int32(truncatingIfNeeded: end - 3 - start), hasReferences: false))
                    i = end
                } else if Self.hasPrefix(buf, i, "<!DOCTYPE") {
                    guard nodes.count == 0 else { throw Self.fail(i, "DOCTYPE after the document element") }
                    i = try Self.skipDoctype(buf, from: i + 9)
                } else {
                    throw Self.fail(i, "unknown markup declaration")
                }
            } else if i &+ 1 >= n {
                throw Self.fail(i, "document ends inside a tag")
            } else {
                throw Self.fail(i + 1, "expected an element name after '<'")
            }
        }
    }

    /// Scans the attributes of a start tag, from `start` just past the element name through the closing
    /// '>' or '/>', into `attributes`. Returns the index after the tag and whether it was '/>'. Not inlined:
    /// its loops get the registers to themselves.
    @inline(never)
    private static func startTagEnd(_ d: XMLPaddedBytes, from start: Int, _ attributes: inout XMLTableBuilder<Storage.Attribute>) throws(XMLError) -> (end: Int, closed: Bool) {
        var j = start
        var b = d[j]
        while true {
            if d.isSpace(b) {
                // Mostly one space, then the next attribute's name.
                j &+= 1
                b = d[j]
                if d.isSpace(b) {
                    j = d.spaceEnd(j)
                    b = d[j]
                }
                if d.isNameStart(b) {
                    j = try attribute(d, at: j, &attributes)
                    b = d[j]
                    continue
                }
            }
            if b == Self.gt { return (j &+ 1, false) }
            if b == Self.slash {
                guard d[j &+ 1] == Self.gt else { throw Self.fail(j, "expected '/>'") }
                return (j &+ 2, true)
            }
            throw Self.fail(j, j >= d.n ? "document ends inside a start tag" : "expected an attribute name")
        }
    }

    /// Scans the attribute whose name starts at `start` into `attributes`; returns the index after its
    /// closing quote.
    @_transparent
    private static func attribute(_ d: XMLPaddedBytes, at start: Int, _ attributes: inout XMLTableBuilder<Storage.Attribute>) throws(XMLError) -> Int {
        let nameStart = start
        var j = d.nameEnd(start &+ 1)
        let nameEnd = j
        var q = Self.quote
        if d.pair(j) == Self.eqQuote {
            j &+= 2  // `="`, the usual spelling
        } else {
            if d[j] != Self.eq { j = d.spaceEnd(j) }
            guard d[j] == Self.eq else { throw Self.fail(j, "expected '=' after an attribute name") }
            j &+= 1
            if d.isSpace(d[j]) { j = d.spaceEnd(j) }
            q = d[j]
            guard q == Self.quote || q == Self.apos else { throw Self.fail(j, "attribute value must be quoted") }
            j &+= 1
        }
        let valueStart = j
        var refs = false
        while true {
            j = d.valueStop(j)
            let v = d[j]
            if v == q { break }
            if v == Self.amp {
                refs = true
                try Self.checkReference(d.buffer, at: j)
            } else if v == Self.lt {
                throw Self.fail(j, "'<' inside an attribute value")
            } else if v == 0x09 || v == 0x0A || v == 0x0D {
                refs = true  // tab, line feed, return: normalized to spaces when read
            } else if j >= d.n {
                throw Self.fail(valueStart, "unterminated attribute value")
            }
            j &+= 1  // the other quote, or a control byte other than tab, line feed, return
        }
        attributes.append(Storage.Attribute(
            name: .init(start: Int32(truncatingIfNeeded: nameStart), length: Int32(truncatingIfNeeded: nameEnd &- nameStart), hasReferences: false),
            value: .init(start: Int32(truncatingIfNeeded: valueStart), length: Int32(truncatingIfNeeded: j &- valueStart), hasReferences: refs, isAttributeValue: true)))
        return j &+ 1
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

    private static func checkReference(_ buf: UnsafeBufferPointer<UInt8>, at i: Int) throws(XMLError) {
        var j = i + 1
        while j < buf.count, j - i <= 12, buf[j] != UInt8(ascii: ";") { j += 1 }
        guard j < buf.count, buf[j] == UInt8(ascii: ";"),
              XMLEntities.reference(UnsafeBufferPointer(rebasing: buf[(i + 1)..<j])) != nil
        else { throw Self.fail(i, "unknown or malformed entity reference") }
    }

    private static func hasPrefix(_ buf: UnsafeBufferPointer<UInt8>, _ i: Int, _ s: StaticString) -> Bool {
        let len = s.utf8CodeUnitCount
        guard i + len <= buf.count else { return false }
        let p = s.utf8Start
        for k in 0..<len where buf[i + k] != p[k] { return false }
        return true
    }

    /// Index just past the first `terminator` at or after `from`.
    private static func skip(_ buf: UnsafeBufferPointer<UInt8>, from: Int, until terminator: StaticString, what: String) throws(XMLError) -> Int {
        var j = from
        let first = terminator.utf8Start[0]
        while j < buf.count {
            if buf[j] == first, Self.hasPrefix(buf, j, terminator) { return j + terminator.utf8CodeUnitCount }
            j += 1
        }
        throw Self.fail(from, "unterminated \(what)")
    }

    private static func skipDoctype(_ buf: UnsafeBufferPointer<UInt8>, from: Int) throws(XMLError) -> Int {
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
        throw Self.fail(from, "unterminated DOCTYPE")
    }

    // MARK: UTF-8

    /// Offset of the first byte that is not part of a valid UTF-8 sequence, or `nil`. Also rejects NUL.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBufferPointer { firstInvalidUTF8($0) }
    }

    /// Offset in `buf` of the first byte that is not part of a valid UTF-8 sequence, or `nil`. Also
    /// rejects NUL.
    static func firstInvalidUTF8(_ buf: UnsafeBufferPointer<UInt8>) -> Int? {
        let n = buf.count
        var i = 0
        while i < n {
            // Fastest path: 64 bytes at a time while they are ASCII without NUL. A lane b is bad when
            // b | (b - 1) has its high bit (b >= 0x80, or b == 0 wrapping to 0xFF); the paths below then
            // find which byte.
            while i &+ 64 <= n {
                let p = UnsafeRawPointer(buf.baseAddress! + i)
                let a = p.loadUnaligned(as: XMLPaddedBytes.Lanes.self)
                let b = p.loadUnaligned(fromByteOffset: 16, as: XMLPaddedBytes.Lanes.self)
                let c = p.loadUnaligned(fromByteOffset: 32, as: XMLPaddedBytes.Lanes.self)
                let d = p.loadUnaligned(fromByteOffset: 48, as: XMLPaddedBytes.Lanes.self)
                let ones = XMLPaddedBytes.Lanes(repeating: 1)
                let bad = unsafeBitCast((a | (a &- ones)) | (b | (b &- ones)) | (c | (c &- ones)) | (d | (d &- ones)), to: SIMD2<UInt64>.self)
                if (bad[0] | bad[1]) & 0x8080_8080_8080_8080 != 0 { break }
                i &+= 64
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
