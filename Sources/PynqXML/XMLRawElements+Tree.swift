/// Walking the element tree through `XMLRawElements`: child and sibling links, tag names and offsets by
/// document position, so that a reader can visit a few hundred elements without making an `XMLElement`
/// (and its reference counting) for each.
extension XMLRawElements {
    /// The document position of the first child element of `e`, or -1 when it has none.
    public func firstChild(of e: Int) -> Int { Int(nodes[e].firstChild) }

    /// The document position of the next sibling element of `e`, or -1 when it is the last.
    public func nextSibling(of e: Int) -> Int { Int(nodes[e].nextSibling) }

    /// The document position of the parent of element `e`, or -1 for the root.
    public func parent(of e: Int) -> Int { Int(nodes[e].parent) }

    /// The tag name of `e` as a byte range of `bytes`.
    public func name(of e: Int) -> XMLSpan {
        let n = nodes[e]
        return XMLSpan(start: n.nameStart, length: n.nameLength, hasReferences: false)
    }

    /// Byte offset of the start tag (`<`) of `e` in the document, for error messages.
    public func byteOffset(of e: Int) -> Int { Int(nodes[e].nameStart) - 1 - origin }
}

extension XMLElement {
    /// Calls `body` with this element's document as `XMLRawElements` (this element is at
    /// `documentIndex`).
    public func withRawElements<R>(_ body: (XMLRawElements) throws -> R) rethrows -> R {
        try storage.withRawElements(body)
    }
}
