import Testing
import TestSupport
@testable import PynqXML

@Suite struct XMLDocumentTests {
    @Test func elementsAttributesAndText() throws {
        let doc = try XMLDocument(string: """
            <?xml version="1.0" encoding="UTF-8"?>
            <!-- a comment -->
            <!DOCTYPE x [ <!ENTITY y "z"> ]>
            <root a="1" b='two &amp; three'>
              <child name="c1">hello &lt;world&gt; &#65;&#x42;</child>
              <child name="c2"/>
              <other><![CDATA[raw <stuff> & more]]></other>
              <child name="c3"><deep k="v"/></child>
            </root>
            """)
        let root = doc.root
        #expect(root.name == "root")
        #expect(root["a"] == "1")
        #expect(root["b"] == "two & three")
        #expect(root["missing"] == nil)
        #expect(root.attribute("a", equals: "1"))
        #expect(!root.attribute("a", equals: "2"))
        let kids = Array(root.children(named: "child"))
        #expect(kids.map { $0["name"] } == ["c1", "c2", "c3"])
        #expect(kids[0].text == "hello <world> AB")
        #expect(root.child(named: "other")?.text == "raw <stuff> & more")
        #expect(root.descendants.map(\.name) == ["child", "child", "other", "child", "deep"])
        #expect(kids[2].descendants.map(\.name) == ["deep"])
        #expect(Array(root.descendants(named: "deep")).first?["k"] == "v")
        #expect(root.path("child", "deep").count == 1)
        let grandchildren: XMLChildren = kids[2].children
        #expect(Array(grandchildren).first?.parent == kids[2])
        #expect(root.attributes.map(\.name) == ["a", "b"])
        #expect(doc.elementCount == 6)
    }

    @Test(arguments: [
        ("<a>", "still open"),
        ("<a></b>", "does not match"),
        ("<a x=1/>", "quoted"),
        ("<a x='1></a>", "'<' inside"),
        ("<a>&bogus;</a>", "entity"),
        ("<a>&#0;</a>", "entity"),
        ("</a>", "without a start"),
        ("<a/><b/>", "more than one"),
        ("text", "outside"),
        ("", "no document element"),
        ("<a><!-- x </a>", "unterminated comment"),
        ("<a x='1'y='2'/>", "attribute name"),
        ("<", "ends inside"),
    ])
    func malformedInputThrowsWithOffset(input: String, fragment: String) {
        do {
            _ = try XMLDocument(string: input, source: "test.xml")
            Issue.record("expected an error for \(input)")
        } catch {
            #expect(error.description.contains(fragment), "\(error)")
            #expect(error.description.hasPrefix("test.xml: malformed XML at byte"))
            #expect(error.offset >= 0 && error.offset <= input.utf8.count)
        }
    }

    @Test func elementsKnowTheirByteOffset() throws {
        let text = "<?xml version=\"1.0\"?>\n<root>\n  <a/><b x='1'>t</b>\n</root>"
        let doc = try XMLDocument(string: text)
        let bytes = Array(text.utf8)
        #expect(doc.root.byteOffset == 22)
        for element in doc.allElements {
            #expect(bytes[element.byteOffset] == UInt8(ascii: "<"))
            #expect(Array(bytes[(element.byteOffset + 1)...].prefix(element.name.utf8.count)) == Array(element.name.utf8))
        }
    }

    @Test func tagNamesAndDocumentIndices() throws {
        let doc = try XMLDocument(string: "<r><a><b/><a x='1'/></a><c><b/></c>\n</r>")
        let (names, ids) = doc.tagNames()
        #expect(names == ["r", "a", "b", "c"])
        #expect(ids == [0, 1, 2, 1, 3, 2])
        #expect(ids.count == doc.elementCount)
        for (i, element) in doc.allElements.enumerated() {
            #expect(element.documentIndex == i)
            #expect(doc.element(at: i) == element)
            #expect(element.name == names[Int(ids[i])])
            #expect(element.descendantIndices.map { doc.element(at: $0) } == Array(element.descendants))
        }
        #expect(doc.element(at: 3)["x"] == "1")
        // Many distinct names grow the name table.
        let many = "<r>" + (0..<300).map { "<n\($0)/>" }.joined() + (0..<300).map { "<n\($0)/>" }.joined() + "</r>"
        let big = try XMLDocument(string: many)
        let table = big.tagNames()
        #expect(table.names.count == 301)
        #expect(table.nameOfElement[1] == table.nameOfElement[301])
        #expect(table.names[Int(table.nameOfElement[300])] == "n299")
    }

    @Test func attributeValuesNormalizeLiteralWhitespace() throws {
        // As Python's ElementTree reads them: literal tab / LF / CR / CR LF become one space each;
        // the same characters written as references stay.
        let doc = try XMLDocument(string: "<a x='1\t2\n3\r\n4\r5' y='p&#10;q&#9;r' z='plain'>t\nu</a>")
        #expect(doc.root["x"] == "1 2 3 4 5")
        #expect(doc.root["y"] == "p\nq\tr")
        #expect(doc.root["z"] == "plain")
        #expect(doc.root.attribute("x", equals: "1 2 3 4 5"))
        #expect(doc.root.attributes.map(\.value) == ["1 2 3 4 5", "p\nq\tr", "plain"])
        #expect(doc.root.text == "t\nu")
    }

    @Test func invalidUTF8IsRejected() {
        for bad: [UInt8] in [[0xC3], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xFF], [0]] {
            let bytes = Array("<a>".utf8) + bad + Array("</a>".utf8)
            #expect(throws: XMLError.self) { try XMLDocument(bytes: bytes) }
        }
        #expect(XMLParserCore.firstInvalidUTF8(Array("ok ünïcödé 😀 plus more ascii text".utf8)) == nil)
    }

    @Test func invalidUTF8IsFoundAtEveryPositionOfALongDocument() {
        // Long runs of ASCII are checked 64 and 8 bytes at a time; a bad byte anywhere must still be found
        // at its exact offset, also right after multi-byte characters.
        for count in [8, 31, 32, 33, 63, 64, 65, 72, 127, 128, 129] {  // ends exactly at, and just past, a 64- or 8-byte step
            #expect(XMLParserCore.firstInvalidUTF8([UInt8](repeating: UInt8(ascii: "a"), count: count)) == nil)
        }
        let ascii = Array(String(repeating: "abcdefghij", count: 20).utf8)
        let mixed = Array(String(repeating: "abcdéfghij", count: 20).utf8)
        for text in [ascii, mixed] {
            #expect(XMLParserCore.firstInvalidUTF8(text) == nil)
            for position in 0..<text.count where text[position] < 0x80 {
                for bad: UInt8 in [0, 0xFF, 0x80] {
                    var bytes = text
                    bytes[position] = bad
                    #expect(XMLParserCore.firstInvalidUTF8(bytes) == position, "byte \(bad) at \(position)")
                }
            }
        }
    }

    @Test func parsesEveryReferenceHWH() throws {
        for name in Reference.fileNames(withExtension: "hwh") {
            let doc = try XMLDocument(bytes: Reference.bytes(name), source: name)
            #expect(doc.root.name == "EDKSYSTEM", "\(name)")
            #expect(doc.root.descendants(named: "MODULE").contains { _ in true }, "\(name)")
        }
    }

    @Test func everyTruncationOfARealFileFailsCleanly() throws {
        let bytes = Array(try Reference.bytes("pynqz2_resizer.hwh").prefix(4000))
        for cut in stride(from: 0, to: bytes.count, by: 37) {
            #expect(throws: XMLError.self) { try XMLDocument(bytes: Array(bytes[..<cut])) }
        }
    }

    @Test func rawAttributesAreTheDecodedValues() throws {
        let doc = try XMLDocument(string: "<r><e a='1' b=\"x&amp;y\" c='t\tu' d='x&amp;y' e='abc'/></r>")
        let e = try #require(doc.root.child(named: "e"))
        var seen: [(name: String, value: String, plain: Bool)] = []
        var checks: [Bool] = []
        e.withRawAttributes { bytes, attributes in
            for a in attributes {
                seen.append((a.name.string(in: bytes), a.value.string(in: bytes), !a.value.hasReferences))
            }
            // `equals` and `sameText` compare text, decoding where a value has references.
            checks = [
                attributes[0].value.equals("1", in: bytes), !attributes[0].value.equals("2", in: bytes),
                attributes[1].value.equals("x&y", in: bytes), attributes[1].value.sameText(as: attributes[3].value, in: bytes),
                !attributes[1].value.sameText(as: attributes[4].value, in: bytes),
                attributes[2].value.equals("t u", in: bytes), attributes[4].name.equals("e", in: bytes),
                Array(attributes[4].value.bytes(in: bytes)) == Array("abc".utf8),
            ]
        }
        #expect(seen.map(\.name) == e.attributes.map(\.name))
        #expect(seen.map(\.value) == e.attributes.map(\.value))
        #expect(seen.map(\.plain) == [true, false, false, false, true])
        #expect(checks == Array(repeating: true, count: 8))
        let bytes = doc.root.withDocumentBytes { Array($0) }
        #expect(bytes == Array("<r><e a='1' b=\"x&amp;y\" c='t\tu' d='x&amp;y' e='abc'/></r>".utf8))
    }

    @Test func rawTreeWalkMatchesTheElements() throws {
        let doc = try XMLDocument(string: "<r><a x='1'><b/><c/></a>\n<d/><a/></r>")
        let a = try #require(doc.root.child(named: "a"))
        let walked: [(name: String, offset: Int, children: Int)] = a.withRawElements { raw in
            var out: [(String, Int, Int)] = []
            var e = raw.firstChild(of: doc.root.documentIndex)
            while e >= 0 {
                var children = 0
                var c = raw.firstChild(of: e)
                while c >= 0 { children += 1; c = raw.nextSibling(of: c) }
                out.append((raw.name(of: e).string(in: raw.bytes), raw.byteOffset(of: e), children))
                e = raw.nextSibling(of: e)
            }
            return out
        }
        let expected = doc.root.children.map { ($0.name, $0.byteOffset, Array($0.children).count) }
        #expect(walked.map(\.name) == expected.map(\.0) && walked.map(\.name) == ["a", "d", "a"])
        #expect(walked.map(\.offset) == expected.map(\.1))
        #expect(walked.map(\.children) == [2, 0, 0])
    }
}


