@testable import PynqXML

/// What a parse gives, field by field: every element, attribute and text run as the parser's tables
/// hold them (byte ranges, tree links, reference flags), or the error's offset and reason.
struct XMLParseOutcome: Equatable, CustomStringConvertible {
    struct Node: Equatable {
        var nameStart = 0, nameLength = 0, firstAttribute = 0, attributeCount = 0, parent = -1
        var firstChild = -1, nextSibling = -1, firstText = -1, subtreeEnd = 0
    }
    struct Attribute: Equatable {
        var nameStart = 0, nameLength = 0, valueStart = 0, valueLength = 0, valueHasReferences = false
        /// The span flags that are the same for every attribute: name without references, value normalized.
        var nameHasReferences = false, nameIsValue = false, valueIsValue = true
    }
    struct Text: Equatable {
        var start = 0, length = 0, hasReferences = false, next = -1, isValue = false
    }
    var nodes: [Node] = []
    var attributes: [Attribute] = []
    var texts: [Text] = []
    var error: (offset: Int, reason: String)?

    static func == (a: XMLParseOutcome, b: XMLParseOutcome) -> Bool {
        a.nodes == b.nodes && a.attributes == b.attributes && a.texts == b.texts
            && a.error?.offset == b.error?.offset && a.error?.reason == b.error?.reason
    }

    var description: String {
        if let error { return "error at \(error.offset): \(error.reason)" }
        return "\(nodes.count) elements, \(attributes.count) attributes, \(texts.count) texts"
    }

    /// What `XMLDocument(bytes:)` gives for `bytes`.
    init(parsing bytes: [UInt8]) {
        do {
            let s = try XMLDocument(bytes: bytes).storage
            nodes = s.nodes.map {
                Node(nameStart: Int($0.nameStart), nameLength: Int($0.nameLength), firstAttribute: Int($0.firstAttribute),
                     attributeCount: Int($0.attributeCount), parent: Int($0.parent), firstChild: Int($0.firstChild),
                     nextSibling: Int($0.nextSibling), firstText: Int($0.firstText), subtreeEnd: Int($0.subtreeEnd))
            }
            attributes = s.attributes.map {
                Attribute(nameStart: Int($0.name.start), nameLength: Int($0.name.length), valueStart: Int($0.value.start),
                          valueLength: Int($0.value.length), valueHasReferences: $0.value.hasReferences,
                          nameHasReferences: $0.name.hasReferences, nameIsValue: $0.name.isAttributeValue,
                          valueIsValue: $0.value.isAttributeValue)
            }
            texts = s.texts.map {
                Text(start: Int($0.span.start), length: Int($0.span.length), hasReferences: $0.span.hasReferences,
                     next: Int($0.next), isValue: $0.span.isAttributeValue)
            }
        } catch {
            self.error = (error.offset, error.reason)
        }
    }

    init() {}
}

/// A deliberately plain parser of the XML that `XMLDocument` accepts: one byte at a time, every read
/// bounds-checked, no tables or word tricks. It states the scanner's rules (what is accepted, which error
/// comes first and at which offset) so that tests can compare the fast scanner with it on any input.
struct XMLReferenceParser {
    struct Failure: Error {
        let offset: Int
        let reason: String
    }

    let b: [UInt8]
    var n: Int { b.count }
    var out = XMLParseOutcome()
    var lastChild: [Int] = []
    var lastText: [Int] = []

    static func parse(_ bytes: [UInt8]) -> XMLParseOutcome {
        var parser = XMLReferenceParser(b: bytes)
        do {
            try parser.run()
            return parser.out
        } catch {
            var failed = XMLParseOutcome()
            failed.error = (error.offset, error.reason)
            return failed
        }
    }

    static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }
    static func isNameStart(_ c: UInt8) -> Bool {
        (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F || c == 0x3A || c >= 0x80
    }
    static func isNameByte(_ c: UInt8) -> Bool { isNameStart(c) || (c >= 0x30 && c <= 0x39) || c == 0x2D || c == 0x2E }

    /// Offset of the first byte that does not start a valid UTF-8 sequence (or is NUL), by the standard
    /// library's decoder.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var offset = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                if scalar.value == 0 { return offset }
                offset += UTF8.width(scalar)
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }

    func byte(_ i: Int) -> UInt8? { i < n ? b[i] : nil }
    func nameEnd(_ from: Int) -> Int {
        var j = from
        while j < n, Self.isNameByte(b[j]) { j += 1 }
        return j
    }
    func spaceEnd(_ from: Int) -> Int {
        var j = from
        while j < n, Self.isSpace(b[j]) { j += 1 }
        return j
    }
    func hasPrefix(_ i: Int, _ s: String) -> Bool { i + s.utf8.count <= n && Array(b[i..<(i + s.utf8.count)]) == Array(s.utf8) }
    func name(_ node: Int) -> String {
        let e = out.nodes[node]
        return String(decoding: b[e.nameStart..<(e.nameStart + e.nameLength)], as: UTF8.self)
    }

    func checkReference(_ i: Int) throws(Failure) {
        var j = i + 1
        while j < n, j - i <= 12, b[j] != UInt8(ascii: ";") { j += 1 }
        let known = j < n && b[j] == UInt8(ascii: ";")
            && b[(i + 1)..<j].withUnsafeBufferPointer { XMLEntities.reference($0) != nil }
        if !known { throw Failure(offset: i, reason: "unknown or malformed entity reference") }
    }

    func skip(from: Int, until terminator: String, what: String) throws(Failure) -> Int {
        var j = from
        while j < n {
            if hasPrefix(j, terminator) { return j + terminator.utf8.count }
            j += 1
        }
        throw Failure(offset: from, reason: "unterminated \(what)")
    }

    func skipDoctype(from: Int) throws(Failure) -> Int {
        var depth = 0
        var quote: UInt8?
        for j in from..<max(from, n) {
            let c = b[j]
            if let q = quote {
                if c == q { quote = nil }
            } else if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                quote = c
            } else if c == UInt8(ascii: "[") {
                depth += 1
            } else if c == UInt8(ascii: "]") {
                depth -= 1
            } else if c == UInt8(ascii: ">"), depth <= 0 {
                return j + 1
            }
        }
        throw Failure(offset: from, reason: "unterminated DOCTYPE")
    }

    mutating func addText(to element: Int, start: Int, length: Int, references: Bool) {
        let t = out.texts.count
        out.texts.append(.init(start: start, length: length, hasReferences: references))
        if lastText[element] >= 0 { out.texts[lastText[element]].next = t } else { out.nodes[element].firstText = t }
        lastText[element] = t
    }

    mutating func run() throws(Failure) {
        if let bad = Self.firstInvalidUTF8(b) { throw Failure(offset: bad, reason: "invalid UTF-8") }
        if n == 0 { throw Failure(offset: 0, reason: "no document element") }
        var stack: [Int] = []
        var sawRoot = false
        var i = hasPrefix(0, "\u{FEFF}") ? 3 : 0
        while i < n {
            if b[i] != UInt8(ascii: "<") {
                let start = i
                i = spaceEnd(i)
                if i == n || b[i] == UInt8(ascii: "<") { continue }
                var references = false
                while i < n, b[i] != UInt8(ascii: "<") {
                    if b[i] == UInt8(ascii: "&") {
                        references = true
                        try checkReference(i)
                    }
                    i += 1
                }
                guard let top = stack.last else { throw Failure(offset: start, reason: "text outside the document element") }
                addText(to: top, start: start, length: i - start, references: references)
                continue
            }
            guard let c = byte(i + 1) else { throw Failure(offset: i, reason: "document ends inside a tag") }
            if c == UInt8(ascii: "/") {
                var j = nameEnd(i + 2)
                guard let top = stack.popLast() else { throw Failure(offset: i, reason: "end tag without a start tag") }
                let open = out.nodes[top]
                guard b[(i + 2)..<j].elementsEqual(b[open.nameStart..<(open.nameStart + open.nameLength)]) else {
                    throw Failure(offset: i, reason: "end tag does not match the open element <\(name(top))>")
                }
                j = spaceEnd(j)
                guard byte(j) == UInt8(ascii: ">") else { throw Failure(offset: j, reason: "expected '>' to close the end tag") }
                out.nodes[top].subtreeEnd = out.nodes.count
                i = j + 1
            } else if c == UInt8(ascii: "?") {
                i = try skip(from: i + 2, until: "?>", what: "processing instruction")
            } else if c == UInt8(ascii: "!") {
                if hasPrefix(i, "<!--") {
                    i = try skip(from: i + 4, until: "-->", what: "comment")
                } else if hasPrefix(i, "<![CDATA[") {
                    let end = try skip(from: i + 9, until: "]]>", what: "CDATA section")
                    guard let top = stack.last else { throw Failure(offset: i, reason: "CDATA outside the document element") }
                    addText(to: top, start: i + 9, length: end - 3 - (i + 9), references: false)
                    i = end
                } else if hasPrefix(i, "<!DOCTYPE") {
                    if sawRoot { throw Failure(offset: i, reason: "DOCTYPE after the document element") }
                    i = try skipDoctype(from: i + 9)
                } else {
                    throw Failure(offset: i, reason: "unknown markup declaration")
                }
            } else {
                guard Self.isNameStart(c) else { throw Failure(offset: i + 1, reason: "expected an element name after '<'") }
                if stack.isEmpty, sawRoot { throw Failure(offset: i, reason: "more than one document element") }
                sawRoot = true
                var j = nameEnd(i + 1)
                let index = out.nodes.count
                out.nodes.append(.init(nameStart: i + 1, nameLength: j - (i + 1), firstAttribute: out.attributes.count, parent: stack.last ?? -1))
                lastChild.append(-1)
                lastText.append(-1)
                if let parent = stack.last {
                    if lastChild[parent] >= 0 { out.nodes[lastChild[parent]].nextSibling = index } else { out.nodes[parent].firstChild = index }
                    lastChild[parent] = index
                }
                while true {
                    let afterName = j
                    j = spaceEnd(j)
                    guard let c = byte(j) else { throw Failure(offset: j, reason: "document ends inside a start tag") }
                    if c == UInt8(ascii: ">") {
                        stack.append(index)
                        j += 1
                        break
                    }
                    if c == UInt8(ascii: "/") {
                        guard byte(j + 1) == UInt8(ascii: ">") else { throw Failure(offset: j, reason: "expected '/>'") }
                        out.nodes[index].subtreeEnd = index + 1
                        j += 2
                        break
                    }
                    guard j > afterName, Self.isNameStart(c) else { throw Failure(offset: j, reason: "expected an attribute name") }
                    let nameStart = j
                    j = nameEnd(j)
                    let nameLength = j - nameStart
                    j = spaceEnd(j)
                    guard byte(j) == UInt8(ascii: "=") else { throw Failure(offset: j, reason: "expected '=' after an attribute name") }
                    j = spaceEnd(j + 1)
                    guard let q = byte(j), q == UInt8(ascii: "\"") || q == UInt8(ascii: "'") else {
                        throw Failure(offset: j, reason: "attribute value must be quoted")
                    }
                    j += 1
                    let valueStart = j
                    var references = false
                    while true {
                        guard let v = byte(j) else { throw Failure(offset: valueStart, reason: "unterminated attribute value") }
                        if v == q { break }
                        if v == UInt8(ascii: "<") { throw Failure(offset: j, reason: "'<' inside an attribute value") }
                        if v == UInt8(ascii: "&") {
                            references = true
                            try checkReference(j)
                        }
                        if v == 0x09 || v == 0x0A || v == 0x0D { references = true }
                        j += 1
                    }
                    out.attributes.append(.init(nameStart: nameStart, nameLength: nameLength, valueStart: valueStart,
                                                valueLength: j - valueStart, valueHasReferences: references))
                    out.nodes[index].attributeCount += 1
                    j += 1
                }
                i = j
            }
        }
        if let open = stack.last { throw Failure(offset: n, reason: "document ends with <\(name(open))> still open") }
        if !sawRoot { throw Failure(offset: n, reason: "no document element") }
    }
}
