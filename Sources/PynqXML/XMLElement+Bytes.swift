// Byte-level access for readers that look at many names and values without keeping them: tag names and
// attributes as byte ranges of the document (compared, hashed or turned into a `String` by the reader),
// elements by document position (`XMLRawElements`).

extension XMLDocument {
    /// The bytes given to `init` (UTF-8), which the byte ranges of this file index: the document, or
    /// bytes that the document is a range of.
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
    /// Where the document starts in `bytes`.
    let origin: Int
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

extension Storage {
    /// Calls `body` with this document's elements as `XMLRawElements`.
    func withRawElements<R>(_ body: (XMLRawElements) throws -> R) rethrows -> R {
        try bytes.withUnsafeBufferPointer { bytes in
            try nodes.withUnsafeBufferPointer { nodes in
                try attributes.withUnsafeBufferPointer { attributes in
                    try body(XMLRawElements(bytes: bytes, origin: origin, nodes: nodes, allAttributes: attributes))
                }
            }
        }
    }
}

extension XMLDocument {
    /// Calls `body` with the document's elements as `XMLRawElements`.
    public func withRawElements<R>(_ body: (XMLRawElements) throws -> R) rethrows -> R {
        try storage.withRawElements(body)
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
