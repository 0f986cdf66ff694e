import Testing
@testable import PynqXML

/// The byte-level API (`XMLElement+Bytes.swift`) gives what the string API gives.
@Suite struct XMLElementBytesTests {
    static let document = """
        <root plain="just text" refs="a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos;" \
        numeric="&#65;&#x42;&#233;&#x20AC;&#x1F600;!"        spaces="tab\there	line\nfeed cr\r\nlf\rend" \
        long="0123456789abcdefghij&#xA;0123456789abcdefghijklmnopqrstuvwxyz&#xA;&#xA;tail" \
        trailing="abcdefgh&amp;" empty="" NAME="n" VALUE="v"><child NAME="only"/></root>
        """

    @Test func decodedValuesMatchTheSubscript() throws {
        let doc = try XMLDocument(string: Self.document)
        let root = doc.root
        for (name, expected) in root.attributes {
            let value = try #require(root.attribute(name).flatMap { _ in attributeValue(root, name) })
            #expect(value.string == expected, "attribute \(name)")
            #expect(value.needsDecoding == (value.string.utf8.count != value.byteRange.count
                || !doc.bytes[value.byteRange].elementsEqual(value.string.utf8)))
        }
        #expect(attributeValue(root, "refs")?.string == "a & b <c> \"d\" 'e'")
        #expect(attributeValue(root, "numeric")?.string == "AB\u{E9}\u{20AC}\u{1F600}!")
        #expect(attributeValue(root, "spaces")?.string == "tab here line feed cr lf end")
        #expect(root.attributeValue("missing") == nil)
    }

    @Test func decodingLongValuesWordByWord() {
        // Runs longer than 8 bytes, references at every position of a word, and at the very end.
        for prefix in 0..<12 {
            let head = String(repeating: "x", count: prefix)
            let raw = head + "&#xA;" + head + "\t" + head + "&amp;"
            let decoded = raw.utf8.withContiguousStorageIfAvailable { XMLEntities.decode($0, normalizingWhitespace: true) }
            #expect(decoded == head + "\n" + head + " " + head + "&")
            let text = raw.utf8.withContiguousStorageIfAvailable { XMLEntities.decode($0) }
            #expect(text == head + "\n" + head + "\t" + head + "&")
        }
        #expect([UInt8]().withUnsafeBufferPointer { XMLEntities.decode($0, normalizingWhitespace: true) } == "")
        // References the parser refuses are dropped.
        #expect(Array("x&nosuch;y&#0;z".utf8).withUnsafeBufferPointer { XMLEntities.decode($0, normalizingWhitespace: true) } == "xyz")
    }

    @Test func comparingAndPairs() throws {
        let doc = try XMLDocument(string: Self.document)
        let root = doc.root
        #expect(root.attributeValue("plain")?.equals("just text") == true)
        #expect(root.attributeValue("plain")?.equals("just tex") == false)
        #expect(root.attributeValue("refs")?.equals("a & b <c> \"d\" 'e'") == true)
        #expect(root.attributeValue("refs")?.equals("a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos;") == false)
        let (name, value) = root.attributeValues("NAME", "VALUE")
        #expect(name?.string == "n" && value?.string == "v")
        let (reversed, other) = root.attributeValues("VALUE", "NAME")
        #expect(reversed?.string == "v" && other?.string == "n")
        let child = try #require(root.child(named: "child"))
        let (only, none) = child.attributeValues("NAME", "VALUE")
        #expect(only?.string == "only" && none == nil)
        #expect(String(decoding: doc.bytes[doc.tagNameRange(at: 1)], as: UTF8.self) == "child")
        #expect(String(decoding: doc.bytes[doc.tagNameRange(at: 0)], as: UTF8.self) == "root")
    }

    private func attributeValue(_ element: XMLElement, _ name: String) -> XMLAttributeValue? {
        switch name {
        case "plain": element.attributeValue("plain")
        case "refs": element.attributeValue("refs")
        case "numeric": element.attributeValue("numeric")
        case "spaces": element.attributeValue("spaces")
        case "long": element.attributeValue("long")
        case "trailing": element.attributeValue("trailing")
        case "empty": element.attributeValue("empty")
        case "NAME": element.attributeValue("NAME")
        case "VALUE": element.attributeValue("VALUE")
        default: nil
        }
    }
}
