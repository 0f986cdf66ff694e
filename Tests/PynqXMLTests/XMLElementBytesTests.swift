import Testing
@testable import PynqXML

/// The byte-level API (`XMLElement+Bytes.swift`: `XMLRawElements`, tag name ranges) and the entity
/// decoder give what the string API gives.
@Suite struct XMLElementBytesTests {
    static let document = """
        <root plain="just text" refs="a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos;" \
        numeric="&#65;&#x42;&#233;&#x20AC;&#x1F600;!" \
        spaces="tab\there	line\nfeed cr\r\nlf\rend" \
        long="0123456789abcdefghij&#xA;0123456789abcdefghijklmnopqrstuvwxyz&#xA;&#xA;tail" \
        trailing="abcdefgh&amp;" empty="" NAME="n" VALUE="v"><child NAME="only"><deep/></child><next/></root>
        """

    @Test func rawAttributesMatchTheSubscript() throws {
        let doc = try XMLDocument(string: Self.document)
        let root = doc.root
        try doc.withRawElements { raw in
            #expect(raw.count == 4)
            let attributes = raw.attributes(of: 0)
            #expect(attributes.count == root.attributes.count)
            for (attribute, (name, value)) in zip(attributes, root.attributes) {
                #expect(attribute.name.string(in: raw.bytes) == name)
                #expect(attribute.value.string(in: raw.bytes) == value, "attribute \(name)")
                // Spans without references are the text's bytes.
                if !attribute.value.hasReferences {
                    #expect(attribute.value.bytes(in: raw.bytes).elementsEqual(value.utf8))
                }
            }
            #expect(attributes.value("refs", in: raw.bytes)?.string(in: raw.bytes) == "a & b <c> \"d\" 'e'")
            #expect(attributes.value("numeric", in: raw.bytes)?.string(in: raw.bytes) == "AB\u{E9}\u{20AC}\u{1F600}!")
            #expect(attributes.value("spaces", in: raw.bytes)?.string(in: raw.bytes) == "tab here line feed cr lf end")
            #expect(attributes.value("missing", in: raw.bytes) == nil)
            let child = try #require(root.child(named: "child"))
            #expect(raw.attributes(of: child.documentIndex).value("NAME", in: raw.bytes)?.string(in: raw.bytes) == "only")
            #expect(raw.attributes(of: child.documentIndex).value("VALUE", in: raw.bytes) == nil)
            #expect(raw.descendantIndices(of: 0) == 1..<4)
            #expect(raw.descendantIndices(of: child.documentIndex) == 2..<3)
            #expect(raw.parent(of: 2) == child.documentIndex && raw.parent(of: 3) == 0 && raw.parent(of: 0) == -1)
        }
        #expect(String(decoding: doc.bytes[doc.tagNameRange(at: 1)], as: UTF8.self) == "child")
        #expect(String(decoding: doc.bytes[doc.tagNameRange(at: 0)], as: UTF8.self) == "root")
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
}
