/// A parsed XML document, stored compactly: elements, attributes and text are byte ranges into the
/// original bytes, and strings are only made when asked for. Built by one pass of a hand-written
/// parser (no recursion, no regular expressions), so multi-megabyte HWH files load in milliseconds.
///
/// Supported: elements, attributes (single or double quoted), character data, CDATA, the five
/// predefined entities and numeric character references; comments, processing instructions and a
/// DOCTYPE (with an internal subset) are skipped. Anything else is an `XMLError` with its byte offset.
public struct XMLDocument: Sendable {
    let storage: Storage

    /// Parses `bytes` (UTF-8). `source` names the document in errors.
    public init(bytes: [UInt8], source: String = "XML") throws(XMLError) {
        try self.init(bytes: bytes, range: bytes.indices, source: source)
    }

    /// Parses the document that is `bytes[range]` in place (no copy): the byte ranges of the document
    /// (`XMLSpan`, `tagNameRange`, `XMLRawElements`) are positions in `bytes`, while byte offsets (of
    /// elements, of errors) count from the start of the document. `source` names the document in errors.
    /// - Precondition: `range` is within `bytes`.
    public init(bytes: [UInt8], range: Range<Int>, source: String = "XML") throws(XMLError) {
        storage = try XMLParserCore(bytes: bytes, range: range, source: source).parse()
    }

    /// Parses a string.
    public init(string: String, source: String = "XML") throws(XMLError) {
        try self.init(bytes: Array(string.utf8), source: source)
    }

    /// The document element.
    public var root: XMLElement { XMLElement(storage: storage, index: 0) }

    /// Number of elements in the document.
    public var elementCount: Int { storage.nodes.count }

    /// Every element in document order.
    public var allElements: LazyMapSequence<Range<Int>, XMLElement> {
        let s = storage
        return (0..<s.nodes.count).lazy.map { XMLElement(storage: s, index: Int32($0)) }
    }
}

final class Storage: @unchecked Sendable {  // immutable after init; frees its tables once, in deinit

    struct Node {
        var nameStart: Int32
        var nameLength: Int32
        var firstAttribute: Int32
        var attributeCount: Int32
        var parent: Int32
        var firstChild: Int32 = -1
        var nextSibling: Int32 = -1
        var firstText: Int32 = -1
        /// One past the index of the last element in this element's subtree.
        var subtreeEnd: Int32 = 0
    }


    typealias Span = XMLSpan
    typealias Attribute = XMLRawAttribute

    struct Text {
        var span: Span
        var next: Int32
    }

    /// The bytes that the document is part of (from `origin`), which the tables' positions index.
    let bytes: [UInt8]
    let origin: Int
    let nodes: XMLTable<Node>
    let attributes: XMLTable<Attribute>
    let texts: XMLTable<Text>

    /// The allocation the tables started in (freed after them).
    let block: XMLTableBlock

    init(bytes: [UInt8], origin: Int, nodes: XMLTable<Node>, attributes: XMLTable<Attribute>, texts: XMLTable<Text>,
         block: XMLTableBlock) {
        self.bytes = bytes
        self.origin = origin
        self.nodes = nodes
        self.attributes = attributes
        self.texts = texts
        self.block = block
    }

    deinit {
        nodes.free()
        attributes.free()
        texts.free()
        block.free()
    }


    func string(_ span: Span) -> String {
        bytes.withUnsafeBufferPointer { buf in
            let raw = UnsafeBufferPointer(rebasing: buf[Int(span.start)..<Int(span.start + span.length)])
            if !span.hasReferences { return String(decoding: raw, as: UTF8.self) }
            return XMLEntities.decode(raw, normalizingWhitespace: span.isAttributeValue)
        }
    }


    func equals(_ span: Span, _ name: StaticString) -> Bool {
        guard span.length == name.utf8CodeUnitCount else { return false }
        return bytes.withUnsafeBufferPointer { buf in
            let p = name.utf8Start
            let s = Int(span.start)
            for i in 0..<Int(span.length) where buf[s + i] != p[i] { return false }
            return true
        }
    }


    func equals(_ span: Span, _ name: String) -> Bool {
        guard span.length == name.utf8.count else { return false }
        var i = Int(span.start)
        for b in name.utf8 {
            if bytes[i] != b { return false }
            i += 1
        }
        return true
    }
}

/// An element of an `XMLDocument`. Cheap to copy (a reference and an index).
public struct XMLElement: Sendable, Hashable {
    let storage: Storage
    let index: Int32


    init(storage: Storage, index: Int32) {
        self.storage = storage
        self.index = index
    }

    public static func == (a: XMLElement, b: XMLElement) -> Bool { a.storage === b.storage && a.index == b.index }
    public func hash(into h: inout Hasher) { h.combine(index) }

    var node: Storage.Node { storage.nodes[Int(index)] }

    /// The element's tag name.
    public var name: String {
        let n = node
        return storage.string(.init(start: n.nameStart, length: n.nameLength, hasReferences: false))
    }

    /// Byte offset of the element's start tag (`<`) in the document, for error messages.
    public var byteOffset: Int { Int(node.nameStart) - 1 - storage.origin }

    /// Whether the tag name is `name`, without making a string.

    public func isNamed(_ name: StaticString) -> Bool {
        let n = node
        return storage.equals(.init(start: n.nameStart, length: n.nameLength, hasReferences: false), name)
    }

    /// The value of attribute `name` (entities decoded), or `nil`.
    public subscript(attribute: StaticString) -> String? {
        let n = node
        var i = Int(n.firstAttribute)
        let end = i + Int(n.attributeCount)
        while i < end {
            let a = storage.attributes[i]
            if storage.equals(a.name, attribute) { return storage.string(a.value) }
            i += 1
        }
        return nil
    }

    /// The value of attribute `name` given as a run-time string.
    public func attribute(_ name: String) -> String? {
        let n = node
        for i in Int(n.firstAttribute)..<Int(n.firstAttribute + n.attributeCount) {
            let a = storage.attributes[i]
            if storage.equals(a.name, name) { return storage.string(a.value) }
        }
        return nil
    }

    /// Whether attribute `name` has exactly `value`, without making strings when it has no entities.
    public func attribute(_ name: StaticString, equals value: StaticString) -> Bool {
        let n = node
        for i in Int(n.firstAttribute)..<Int(n.firstAttribute + n.attributeCount) {
            let a = storage.attributes[i]
            if storage.equals(a.name, name) {
                if a.value.hasReferences { return storage.string(a.value) == value.description }
                return storage.equals(a.value, value)
            }
        }
        return false
    }

    /// All attributes in document order.
    public var attributes: [(name: String, value: String)] {
        let n = node
        return (Int(n.firstAttribute)..<Int(n.firstAttribute + n.attributeCount)).map { i in
            let a = storage.attributes[i]
            return (storage.string(a.name), storage.string(a.value))
        }
    }

    /// The character data directly inside this element (entities decoded, CDATA included), joined.
    public var text: String {
        var t = node.firstText
        var out = ""
        while t >= 0 {
            let seg = storage.texts[Int(t)]
            out += storage.string(seg.span)
            t = seg.next
        }
        return out
    }

    public var parent: XMLElement? {
        let p = node.parent
        return p < 0 ? nil : XMLElement(storage: storage, index: p)
    }

    /// Child elements in document order.
    public var children: XMLChildren { XMLChildren(storage: storage, head: node.firstChild) }

    /// Child elements named `name`.
    public func children(named name: StaticString) -> LazyFilterSequence<XMLChildren> {
        children.lazy.filter { $0.isNamed(name) }
    }

    /// The first child element named `name`.
    public func child(named name: StaticString) -> XMLElement? {
        children.first { $0.isNamed(name) }
    }

    /// Every element below this one (not itself) in document order.
    public var descendants: XMLDescendants { XMLDescendants(storage: storage, root: index) }

    /// Every element below this one named `name`, in document order (XPath `.//name`).
    public func descendants(named name: StaticString) -> LazyFilterSequence<XMLDescendants> {
        descendants.lazy.filter { $0.isNamed(name) }
    }

    /// Follows a path of child names (`element.path("PARAMETERS", "PARAMETER")` is XPath
    /// `PARAMETERS/PARAMETER`) and returns every match in document order.
    public func path(_ names: StaticString...) -> [XMLElement] {
        // Walks the sibling links directly: no lazy filter, no intermediate sequences.
        let s = storage
        var current = [self]
        for name in names {
            var next: [XMLElement] = []
            for e in current {
                var c = s.nodes[Int(e.index)].firstChild
                while c >= 0 {
                    let n = s.nodes[Int(c)]
                    if s.equals(.init(start: n.nameStart, length: n.nameLength, hasReferences: false), name) {
                        next.append(XMLElement(storage: s, index: c))
                    }
                    c = n.nextSibling
                }
            }
            current = next
        }
        return current
    }
}

/// The child elements of an element.
public struct XMLChildren: Sequence, Sendable {
    let storage: Storage
    let head: Int32

    public struct Iterator: IteratorProtocol {
        let storage: Storage
        var current: Int32
        public mutating func next() -> XMLElement? {
            guard current >= 0 else { return nil }
            let e = XMLElement(storage: storage, index: current)
            current = storage.nodes[Int(current)].nextSibling
            return e
        }
    }

    public func makeIterator() -> Iterator { Iterator(storage: storage, current: head) }
}

/// The descendants of an element. Elements are stored in document order and every subtree is a
/// contiguous run of indices, so this walks an index range.
public struct XMLDescendants: Sequence, Sendable {
    let storage: Storage
    let root: Int32

    public struct Iterator: IteratorProtocol {
        let storage: Storage
        var current: Int32
        let end: Int32
        public mutating func next() -> XMLElement? {
            guard current < end else { return nil }
            defer { current += 1 }
            return XMLElement(storage: storage, index: current)
        }
    }

    public func makeIterator() -> Iterator {
        Iterator(storage: storage, current: root + 1, end: storage.nodes[Int(root)].subtreeEnd)
    }
}

// MARK: Document-order positions and tag names

extension XMLDocument {
    /// The element at document-order position `index` (0 is the root element).
    /// - Precondition: `0 <= index < elementCount`.
    public func element(at index: Int) -> XMLElement {
        precondition(index >= 0 && index < storage.nodes.count, "element index \(index) out of range")
        return XMLElement(storage: storage, index: Int32(index))
    }

    /// Every distinct tag name of the document (`names`, in order of first use) and, for each element in
    /// document order, the position of its tag name in `names`. One pass without making a string per
    /// element: readers that look for several kinds of element sort the whole document by tag at once.
    public func tagNames() -> (names: [String], nameOfElement: [Int32]) {
        let s = storage
        var names: [String] = []
        var firstSpan: [(start: Int32, length: Int32)] = []
        var ids = [Int32](repeating: 0, count: s.nodes.count)
        var capacity = 64
        while capacity < s.nodes.count / 4 + 64 { capacity <<= 1 }
        var table = [Int32](repeating: -1, count: capacity)  // open addressing: name ids
        s.bytes.withUnsafeBufferPointer { buf in
            for (e, node) in s.nodes.enumerated() {
                let start = Int(node.nameStart), length = Int(node.nameLength)
                var hash: UInt64 = 0xcbf2_9ce4_8422_2325
                for k in start..<(start + length) { hash = (hash ^ UInt64(buf[k])) &* 0x100_0000_01b3 }
                var slot = Int(hash & UInt64(capacity - 1))
                while true {
                    let id = table[slot]
                    if id < 0 {
                        let new = Int32(names.count)
                        names.append(String(decoding: UnsafeBufferPointer(rebasing: buf[start..<(start + length)]), as: UTF8.self))
                        firstSpan.append((node.nameStart, node.nameLength))
                        table[slot] = new
                        ids[e] = new
                        break
                    }
                    let span = firstSpan[Int(id)]
                    if Int(span.length) == length,
                       (0..<length).allSatisfy({ buf[Int(span.start) + $0] == buf[start + $0] })
                    {
                        ids[e] = id
                        break
                    }
                    slot = (slot + 1) & (capacity - 1)
                }
                // Keep the table at most half full.
                if names.count * 2 > capacity {
                    capacity <<= 1
                    table = [Int32](repeating: -1, count: capacity)
                    for (id, span) in firstSpan.enumerated() {
                        var h: UInt64 = 0xcbf2_9ce4_8422_2325
                        for k in Int(span.start)..<Int(span.start + span.length) { h = (h ^ UInt64(buf[k])) &* 0x100_0000_01b3 }
                        var slot = Int(h & UInt64(capacity - 1))
                        while table[slot] >= 0 { slot = (slot + 1) & (capacity - 1) }
                        table[slot] = Int32(id)
                    }
                }
            }
        }
        return (names, ids)
    }
}

extension XMLElement {
    /// The element's position in document order (the root is 0; see `XMLDocument.element(at:)`).
    public var documentIndex: Int { Int(index) }

    /// The document-order positions of the element's descendants: every subtree is one contiguous run.
    public var descendantIndices: Range<Int> { (Int(index) + 1)..<Int(node.subtreeEnd) }
}

// MARK: Raw access (byte ranges, no strings)

/// A byte range of an `XMLDocument`'s bytes: a name, an attribute value or a run of character data,
/// as the parser found it (entity references not yet decoded).
public struct XMLSpan: Sendable, Hashable, BitwiseCopyable {
    /// Position of the first byte in the bytes the document was parsed from (its offset in the document
    /// when those bytes are the document alone).
    public let start: Int32
    /// Number of bytes.
    public let length: Int32
    /// The span holds `&` references (or, in an attribute value, literal tabs and line breaks) that must
    /// be decoded: its bytes are not its text. Without them the bytes are the text (valid UTF-8).
    public let hasReferences: Bool
    /// An attribute value: literal tabs and line breaks read as spaces (XML's attribute-value
    /// normalization, as Python's ElementTree applies it); those from character references stay.
    public let isAttributeValue: Bool

    init(start: Int32, length: Int32, hasReferences: Bool, isAttributeValue: Bool = false) {
        self.start = start
        self.length = length
        self.hasReferences = hasReferences
        self.isAttributeValue = isAttributeValue
    }

    /// The span's bytes in `document` (the buffer `XMLElement.withRawAttributes` passes).
    @inlinable @inline(__always)
    public func bytes(in document: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: document[Int(start)..<Int(start) + Int(length)])
    }

    /// Whether the span's text is `text`. Compares bytes when there is nothing to decode.
    @inlinable
    public func equals(_ text: StaticString, in document: UnsafeBufferPointer<UInt8>) -> Bool {
        if hasReferences { return string(in: document) == text.description }
        guard Int(length) == text.utf8CodeUnitCount else { return false }
        let p = text.utf8Start
        let s = Int(start)
        for i in 0..<Int(length) where document[s + i] != p[i] { return false }
        return true
    }

    /// Whether two spans of the same document have the same text.
    public func sameText(as other: XMLSpan, in document: UnsafeBufferPointer<UInt8>) -> Bool {
        if hasReferences || other.hasReferences {
            return XMLSpan.text(of: self, in: document) == XMLSpan.text(of: other, in: document)
        }
        guard length == other.length else { return false }
        let a = Int(start), b = Int(other.start)
        for i in 0..<Int(length) where document[a + i] != document[b + i] { return false }
        return true
    }

    /// The span's text, entities decoded.
    public func string(in document: UnsafeBufferPointer<UInt8>) -> String { XMLSpan.text(of: self, in: document) }

    static func text(of span: XMLSpan, in document: UnsafeBufferPointer<UInt8>) -> String {
        let raw = span.bytes(in: document)
        if !span.hasReferences { return String(decoding: raw, as: UTF8.self) }
        return XMLEntities.decode(raw, normalizingWhitespace: span.isAttributeValue)
    }
}

/// An attribute as byte ranges of its document: `name` (never with references) and `value`.
public struct XMLRawAttribute: Sendable, Hashable, BitwiseCopyable {
    public let name: XMLSpan
    public let value: XMLSpan
}

extension XMLElement {
    /// Calls `body` with the document's bytes and this element's attributes as byte ranges, in document
    /// order: for readers that look at many attributes without making a string for each.
    public func withRawAttributes(
        _ body: (_ document: UnsafeBufferPointer<UInt8>, _ attributes: UnsafeBufferPointer<XMLRawAttribute>) -> Void
    ) {
        let n = node
        let s = storage
        s.bytes.withUnsafeBufferPointer { bytes in
            s.attributes.withUnsafeBufferPointer { all in
                let first = Int(n.firstAttribute)
                body(bytes, UnsafeBufferPointer(rebasing: all[first..<(first + Int(n.attributeCount))]))
            }
        }
    }

    /// Calls `body` with the bytes of the element's document (for `XMLSpan`s taken from it).
    public func withDocumentBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try storage.bytes.withUnsafeBufferPointer(body)
    }
}
