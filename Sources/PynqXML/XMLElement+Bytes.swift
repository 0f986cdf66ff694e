// Byte-level access for readers that look at many names and values without keeping them: tag names and
// attribute values as byte ranges of the document (compared, hashed or turned into a `String` by the
// reader, inside one `withUnsafeBufferPointer` over `XMLDocument.bytes`).

/// The value of one attribute, as a reference into the document's bytes.
public struct XMLAttributeValue: Sendable {
    let storage: Storage
    let span: Storage.Span

    /// The value with entities decoded (and attribute whitespace normalized), as `XMLElement[_:]` gives it.
    public var string: String { storage.string(span) }

    /// Whether the raw bytes hold references (or literal tabs and line breaks) that decoding changes: then
    /// the bytes at `byteRange` are not the value's UTF-8, `string` is.
    public var needsDecoding: Bool { span.hasReferences }

    /// Where the raw (undecoded) value is in `XMLDocument.bytes`.
    public var byteRange: Range<Int> { Int(span.start)..<Int(span.start + span.length) }

    /// Whether the decoded value is exactly `value`, without making a string when it needs no decoding.
    public func equals(_ value: StaticString) -> Bool {
        if span.hasReferences { return storage.string(span) == value.description }
        return storage.equals(span, value)
    }
}

extension XMLElement {
    /// The value of attribute `name` as a reference into the document, or `nil`.
    public func attributeValue(_ name: StaticString) -> XMLAttributeValue? {
        let n = node
        var i = Int(n.firstAttribute)
        let end = i + Int(n.attributeCount)
        while i < end {
            let a = storage.attributes[i]
            if storage.equals(a.name, name) { return XMLAttributeValue(storage: storage, span: a.value) }
            i += 1
        }
        return nil
    }

    /// The values of attributes `first` and `second`, found in one pass over the element's attributes.
    public func attributeValues(_ first: StaticString, _ second: StaticString) -> (XMLAttributeValue?, XMLAttributeValue?) {
        let n = node
        var a: Storage.Span?, b: Storage.Span?
        var i = Int(n.firstAttribute)
        let end = i + Int(n.attributeCount)
        while i < end {
            let attribute = storage.attributes[i]
            if a == nil, storage.equals(attribute.name, first) {
                a = attribute.value
                if b != nil { break }
            } else if b == nil, storage.equals(attribute.name, second) {
                b = attribute.value
                if a != nil { break }
            }
            i += 1
        }
        return (a.map { XMLAttributeValue(storage: storage, span: $0) }, b.map { XMLAttributeValue(storage: storage, span: $0) })
    }
}

extension XMLDocument {
    /// The document's bytes (UTF-8), as parsed: what the byte ranges of this file index.
    public var bytes: [UInt8] { storage.bytes }

    /// Where the tag name of the element at document-order position `index` is in `bytes`.
    /// - Precondition: `0 <= index < elementCount`.
    public func tagNameRange(at index: Int) -> Range<Int> {
        let n = storage.nodes[index]
        return Int(n.nameStart)..<Int(n.nameStart + n.nameLength)
    }
}

/// Every element of a document by document position, with its attributes as byte ranges: for readers that
/// visit thousands of elements (no `XMLElement` made, no reference counting, no string). Valid only inside
/// `XMLDocument.withRawElements`.
public struct XMLRawElements {
    /// The document's bytes, which the spans index.
    public let bytes: UnsafeBufferPointer<UInt8>
    let nodes: UnsafeBufferPointer<Storage.Node>
    let allAttributes: UnsafeBufferPointer<XMLRawAttribute>

    /// Number of elements.
    public var count: Int { nodes.count }

    /// The attributes of the element at document position `e`, in document order.
    /// - Precondition: `0 <= e < count`.
    public func attributes(of e: Int) -> UnsafeBufferPointer<XMLRawAttribute> {
        let n = nodes[e]
        let first = Int(n.firstAttribute)
        return UnsafeBufferPointer(rebasing: allAttributes[first..<(first + Int(n.attributeCount))])
    }

    /// The document positions of the descendants of element `e` (every subtree is one contiguous run).
    public func descendantIndices(of e: Int) -> Range<Int> { (e + 1)..<Int(nodes[e].subtreeEnd) }
}

extension XMLDocument {
    /// Calls `body` with the document's elements as `XMLRawElements`.
    public func withRawElements<R>(_ body: (XMLRawElements) throws -> R) rethrows -> R {
        let s = storage
        return try s.bytes.withUnsafeBufferPointer { bytes in
            try s.nodes.withUnsafeBufferPointer { nodes in
                try s.attributes.withUnsafeBufferPointer { attributes in
                    try body(XMLRawElements(bytes: bytes, nodes: nodes, allAttributes: attributes))
                }
            }
        }
    }
}

extension UnsafeBufferPointer where Element == XMLRawAttribute {
    /// The value of the first attribute named `name` in these attributes of a document with `bytes`.
    @inlinable
    public func value(_ name: StaticString, in bytes: UnsafeBufferPointer<UInt8>) -> XMLSpan? {
        for attribute in self where attribute.name.equals(name, in: bytes) { return attribute.value }
        return nil
    }
}

extension XMLRawElements {
    /// The document position of the parent of element `e`, or -1 for the root.
    public func parent(of e: Int) -> Int { Int(nodes[e].parent) }
}
