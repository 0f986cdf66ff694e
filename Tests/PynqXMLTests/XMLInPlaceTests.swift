import Testing
@testable import PynqXML

/// `XMLDocument(bytes:range:)`: a document that is part of larger bytes (EMBEDDED_METADATA in an xclbin)
/// parses in place as its copy does. Byte ranges are positions in the whole bytes; offsets (of elements
/// and errors) count from the document's start; nothing outside the range is read as the document.
@Suite struct XMLInPlaceTests {
    /// What a parse gives, with positions made relative to the document.
    struct Parsed: Equatable {
        var elements: [String] = []
        var attributes: [[String]] = []
        var texts: [String] = []
        var offsets: [Int] = []
        var nameRanges: [Range<Int>] = []
    }

    static func parsed(_ doc: XMLDocument, origin: Int) -> Parsed {
        var p = Parsed()
        for (i, e) in doc.allElements.enumerated() {
            p.elements.append(e.name)
            p.attributes.append(e.attributes.map { "\($0.name)=\($0.value)" })
            p.texts.append(e.text)
            p.offsets.append(e.byteOffset)
            let r = doc.tagNameRange(at: i)
            p.nameRanges.append((r.lowerBound - origin)..<(r.upperBound - origin))
            doc.withRawElements { raw in #expect(raw.byteOffset(of: i) == e.byteOffset) }
        }
        return p
    }

    /// Bytes around the document: markup-like text, invalid UTF-8 and NUL, which the document must not see.
    static let before: [UInt8] = Array("<x a='1'>junk</x> <".utf8) + [0xFF, 0x00, 0xC3] + Array("<".utf8)
    static let after: [UInt8] = [0x00, 0xFE] + Array("</root><more/>".utf8)

    static let documents = [
        "<root/>",
        "\u{FEFF}<?xml version=\"1.0\"?><root a=\"1\">t &amp; u<k b='2'/></root>",
        "<root>" + String(repeating: "<item name=\"n\" value=\"v &lt; w\">text</item>\n", count: 40) + "</root>",
        "<?xml version=\"1.0\"?>\n<!-- c --><root><![CDATA[<raw>]]><a x=\"é😀\"/></root>\n  ",
    ]

    @Test(arguments: documents)
    func aRangeParsesAsItsCopy(text: String) throws {
        let document = Array(text.utf8)
        let copy = try XMLDocument(bytes: document)
        for (prefix, suffix) in [(Self.before, Self.after), ([], Self.after), (Self.before, []), ([], [])] {
            let bytes = prefix + document + suffix
            let inPlace = try XMLDocument(bytes: bytes, range: prefix.count..<(prefix.count + document.count))
            #expect(Self.parsed(inPlace, origin: prefix.count) == Self.parsed(copy, origin: 0))
            #expect(inPlace.bytes == bytes)
        }
    }

    @Test(arguments: [
        "<root>", "<root></other>", "<root a=\"1></root>", "<root/><second/>", "", "   ", "<root x=1/>", "<root>\u{0}</root>",
        "<root>&bogus;</root>", "text", "<root><a></root>",
    ])
    func errorsCountFromTheDocumentsStart(text: String) throws {
        let document = Array(text.utf8)
        var expected: XMLError?
        do { _ = try XMLDocument(bytes: document, source: "d") } catch { expected = error }
        let wanted = try #require(expected, "'\(text)' should not parse")
        for (prefix, suffix) in [(Self.before, Self.after), (Self.before, []), ([], Self.after)] {
            let bytes = prefix + document + suffix
            #expect(throws: wanted) {
                try XMLDocument(bytes: bytes, range: prefix.count..<(prefix.count + document.count), source: "d")
            }
        }
    }

    /// The stack of open elements starts with room for 32 in the parser's block and grows past it.
    @Test(arguments: [31, 32, 33, 200])
    func deepNesting(depth: Int) throws {
        let text = (0..<depth).map { "<e\($0) d=\"\($0)\">" }.joined() + "x" + (0..<depth).reversed().map { "</e\($0)>" }.joined()
        let bytes = Self.before + Array(text.utf8)
        let doc = try XMLDocument(bytes: bytes, range: Self.before.count..<bytes.count)
        #expect(doc.elementCount == depth)
        var e = doc.root
        for level in 1..<depth {
            e = try #require(Array(e.children).first)
            #expect(e.name == "e\(level)" && e["d"] == "\(level)" && e.parent?.name == "e\(level - 1)")
        }
        #expect(e.text == "x")
        // Unclosed at the deepest level: an error, the grown stack freed.
        #expect(throws: XMLError.self) { try XMLDocument(bytes: Array(text.utf8.dropLast(5))) }
    }

    @Test func invalidUTF8IsFoundOnlyInTheRange() throws {
        let bytes = [0xFF] + Array("<r>".utf8) + [0xC3, 0x28] + Array("</r>".utf8) + [0xFF]
        #expect(throws: XMLError(source: "d", offset: 3, reason: "invalid UTF-8")) {
            try XMLDocument(bytes: bytes, range: 1..<(bytes.count - 1), source: "d")
        }
    }
}
