// Byte-level access for readers that look at many names and values without keeping them: tag names and
// attribute values as byte ranges of the document (compared, hashed or turned into a `String` by the
// reader, inside one `withUnsafeBufferPointer` over `XMLDocument.bytes`).

/// The value of one attribute, as a reference into the document's bytes.
public struct XMLAttributeValue: Sendable {
    let storage: Storage
    let span: Storage.Span

    /// The value with entities decoded (and attribute whitespace normalized), as `XMLElement[_:]` gives it.
    public var string: String {
        guard span.hasReferences else { return storage.string(span) }
        return storage.bytes.withUnsafeBufferPointer { Self.decode(UnsafeBufferPointer(rebasing: $0[byteRange])) }
    }

    /// `XMLEntities.decode(raw, normalizingWhitespace: true)`, copying the runs between references (and
    /// literal tabs and line breaks) whole, found 8 bytes at a time: long descriptions full of `&#xA;`
    /// decode at a few instructions per byte. The result is never longer than `raw`.
    static func decode(_ raw: UnsafeBufferPointer<UInt8>) -> String {
        guard let base = raw.baseAddress, !raw.isEmpty else { return "" }
        return String(unsafeUninitializedCapacity: raw.count) { out in
            var o = 0, i = 0
            let n = raw.count
            while i < n {
                // Skip ahead over bytes that are copied as they are.
                var j = i
                while j + 8 <= n {
                    let w = UnsafeRawPointer(base + j).loadUnaligned(as: UInt64.self)
                    if hasSpecialByte(w) { break }
                    j += 8
                }
                while j < n, !isSpecial(raw[j]) { j += 1 }
                if j > i {
                    UnsafeMutableRawPointer(out.baseAddress! + o).copyMemory(from: base + i, byteCount: j - i)
                    o += j - i
                    i = j
                }
                guard i < n else { break }
                let b = raw[i]
                if b == UInt8(ascii: "&") {
                    var end = i + 1
                    while end < n, raw[end] != UInt8(ascii: ";") { end += 1 }
                    if let scalar = XMLEntities.reference(UnsafeBufferPointer(rebasing: raw[(i + 1)..<end])) {
                        UTF8.encode(scalar) { byte in
                            out[o] = byte
                            o += 1
                        }
                    }
                    i = end + 1
                } else {
                    out[o] = 0x20
                    o += 1
                    i += b == 0x0D && i + 1 < n && raw[i + 1] == 0x0A ? 2 : 1
                }
            }
            return o
        }
    }

    private static func isSpecial(_ b: UInt8) -> Bool {
        b == UInt8(ascii: "&") || b == 0x09 || b == 0x0A || b == 0x0D
    }

    /// Whether any byte of `w` is `&`, tab, line feed or carriage return (the classic "has zero byte" test
    /// on `w` XOR each of them).
    private static func hasSpecialByte(_ w: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        func hasZero(_ v: UInt64) -> Bool { (v &- ones) & ~v & highs != 0 }
        return hasZero(w ^ (ones &* 0x26)) || hasZero(w ^ (ones &* 0x09)) || hasZero(w ^ (ones &* 0x0A))
            || hasZero(w ^ (ones &* 0x0D))
    }

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
