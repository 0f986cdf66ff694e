import Testing
import TestSupport
@testable import PynqXML

/// The scanner's word-at-a-time paths against `XMLReferenceParser` (one byte at a time): the same
/// elements, attributes, texts, reference flags and tree links, or the same error at the same offset.
@Suite struct XMLScannerTests {
    static func check(_ bytes: [UInt8], _ comment: @autoclosure () -> String = "", sourceLocation: SourceLocation = #_sourceLocation) {
        let fast = XMLParseOutcome(parsing: bytes)
        let plain = XMLReferenceParser.parse(bytes)
        #expect(fast == plain, "\(comment()) \(String(decoding: bytes, as: UTF8.self).debugDescription): \(fast) / \(plain)",
                sourceLocation: sourceLocation)
    }

    static func check(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        check(Array(text.utf8), sourceLocation: sourceLocation)
    }

    /// A name of `length` bytes (letters, digits and the other name bytes, some non-ASCII).
    static func name(_ length: Int, seed: Int) -> String {
        let pool = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_:".utf8)
        let later = pool + Array("0123456789-.".utf8)
        var bytes: [UInt8] = []
        for k in 0..<length { bytes.append(k == 0 ? pool[(seed + k) % pool.count] : later[(seed &* 7 + k * 13) % later.count]) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The part scanned in a padded copy is long when the document's last '<' near its end comes after a
    /// long run without one (text, a comment, an attribute value): the copy is then not a small stack
    /// buffer.
    @Test(arguments: [40, 1_000, 70_000]) func longTailsWithoutATag(length: Int) {
        let run = String(repeating: "x", count: length)
        Self.check("<a>\(run)</a>")
        Self.check("<a><!--\(run)--></a>")
        Self.check("<a b=\"\(run)\"/>")
        Self.check("<a>\(run)")  // unterminated: the same error at the same offset
        Self.check("<a>\(run)&amp;\(run)</a>")
    }

    @Test func byteClassTableMatchesTheRules() {
        for v in 0...255 {
            let b = UInt8(v), c = XMLPaddedBytes.byteClasses[v]
            #expect((c & XMLPaddedBytes.nameByte != 0) == XMLReferenceParser.isNameByte(b), "\(v)")
            #expect((c & XMLPaddedBytes.nameStartByte != 0) == XMLReferenceParser.isNameStart(b), "\(v)")
            #expect((c & XMLPaddedBytes.spaceByte != 0) == XMLReferenceParser.isSpace(b), "\(v)")
            let stopsAValue = b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") || b == UInt8(ascii: "<")
                || b == UInt8(ascii: "&")
            #expect((c & XMLPaddedBytes.valueStopByte != 0) == stopsAValue, "\(v)")
            #expect(XMLPaddedBytes.isNameByte(b) == XMLReferenceParser.isNameByte(b), "\(v)")
            #expect(XMLPaddedBytes.isNameStart(b) == XMLReferenceParser.isNameStart(b), "\(v)")
            #expect(XMLPaddedBytes.isSpace(b) == XMLReferenceParser.isSpace(b), "\(v)")
        }
    }

    @Test func attributeNamesAndValuesOfEveryLengthAtEveryAlignment() {
        // Every token ends at every position relative to 8- and 16-byte steps and to the end of the buffer.
        for shift in 0..<17 {
            let pad = String(repeating: " ", count: shift)
            for length in 0..<35 {
                let value = String(repeating: "v", count: length)
                let name = Self.name(max(length, 1), seed: length)
                for doc in [
                    "<r\(pad) a=\"\(value)\"/>", "<r\(pad) a='\(value)'/>", "<r\(pad) \(name)=\"x\"/>",
                    "<r\(pad) \(name)='\(value)' b=\"\(value)\"></r>", "<\(name)\(pad)></\(name)>", "<\(name)\(pad)/>",
                    "<r\(pad) a=\"\(value)", "<r\(pad) a=\"\(value)\"", "<r\(pad) \(name)", "<r\(pad) \(name)=",
                    "<r\(pad)>\(value)</r>", "<r\(pad)>\(value)", "<r\(pad)><\(name)/></r\(pad)>",
                    "<r\(pad) a=\"\(value)&amp;\(value)\"/>", "<r\(pad) a=\"\(value)\t\(value)\"/>",
                    "<r\(pad) a=\"\(value)<\"/>", "<r\(pad) a=\"\(value)'\(value)\"/>", "<r\(pad) a='\(value)\"\(value)'/>",
                    "<r\(pad) a=\"\(value)\n\"/>", "<r\(pad) a=\"\(value)\r\n\"/>", "<r\(pad) a=\"\(value)é\"/>",
                    "<r\(pad) a=\"\(value)&bogus;\"/>", "<r>\(pad)\(value)&lt;\(value)</r>", "<r>\(value)&#65\(pad)</r>",
                ] {
                    Self.check(doc)
                }
            }
        }
    }

    @Test func namesWithNonASCIIAndEveryNameByte() {
        for doc in [
            "<é a='1'/>", "<ré ü='1' ñame='2'></ré>", "<r xé=\"1\"/>", "<r 😀=\"1\"/>", "<a.b-c:d_e f.g-h:i_j='1'/>",
            "<r a0123456789='1'/>", "<r _='1' :='2'/>", "<r -a='1'/>", "<r .a='1'/>", "<r 1a='1'/>", "<1r/>", "<-r/>",
            "<r a$b='1'/>", "<r a@='1'/>", "<r a[='1'/>", "<r a`='1'/>", "<r a{='1'/>", "<r a~='1'/>", "<r a\u{7F}='1'/>",
            "<ab\u{1}/>", "<ab/c/>", "<abcdefgh;/>", "<abcdefg\u{60}/>", "<abcdefghijklmnopqrstu!/>",
        ] {
            Self.check(doc)
        }
    }

    @Test func startTagEndingsAndSpacing() {
        for doc in [
            "<r/>", "<r />", "<r\t/>", "<r\n/>", "<r/ >", "<r/", "<r>", "<r></r>", "<r ></r >", "<r></r\t\n>", "<r></r x>",
            "<r a='1'/>", "<r a='1' />", "<r a='1'\n/>", "<r a = '1'/>", "<r a\t=\n'1'/>", "<r a=\"1\"b='2'/>",
            "<r  a='1'   b='2'/>", "<r\ta='1'\tb='2'/>", "<r a='1'/ >", "<r a='1'>", "<r a/>", "<r a=/>", "<r a=1/>",
            "<r a='1'></r><r/>", "<r/> ", " <r/>", "<r/>x", "\u{FEFF}<r/>", "\u{FEFF}", "<r><!-- c --></r>", "<r><?p x?></r>",
            "<r><![CDATA[a<b&c]]></r>", "<!DOCTYPE r [<!ENTITY x 'y'>]><r/>", "<r/><!DOCTYPE r>", "<!x>", "<r><!x></r>",
            "<r>&amp;&lt;&gt;&quot;&apos;&#65;&#x41;</r>", "<r>&;</r>", "<r>&#;</r>", "<r>&ampamp;</r>", "<r>&amp</r>",
            "<r>a</r>b", "<r>\n</r>\n", "</r>", "<", "<r", "<r ", "<r a", "<r a=", "<r a='", "<r a='1", "<r a='1'", "<r>", "<r><",
            "<r></", "<r></r", "<r></r ", "<r></ r>", "<r><a></r></a>", "<?x", "<!--", "<![CDATA[", "<!DOCTYPE",
        ] {
            Self.check(doc)
        }
    }

    @Test func controlBytesOtherThanTabAndLineBreaks() {
        // Valid UTF-8 but neither spaces nor name bytes: a value or text keeps them without marking a
        // reference; between attributes or in a name they are errors.
        for control in ["\u{1}", "\u{B}", "\u{C}", "\u{1F}", "\u{7F}"] {
            for doc in [
                "<r a='x\(control)y'/>", "<r a=\"\(control)\"/>", "<r a='0123456789abcdef\(control)'/>", "<r>t\(control)u</r>",
                "<r>\(control)</r>", "<r\(control)a='1'/>", "<r a='1'\(control)/>", "<r a\(control)='1'/>", "<r\(control)/>",
                "<r></r\(control)>", "\(control)<r/>", "<r/>\(control)",
            ] {
                Self.check(doc)
            }
        }
    }

    @Test func theInPlacePartEndsAnywhere() {
        // The document is scanned in place up to its last '<' at least 32 bytes before the end, the rest in
        // a padded copy: that '<' falls in a comment, a PI, CDATA, a DOCTYPE, an end tag closing an element
        // opened before it (names compared across the two parts), a value or text (errors), or a tag.
        let names = [1, 7, 8, 9, 15, 16, 17, 24].map { Self.name($0, seed: $0) }
        let bodies = names.map { "<\($0) x='1'><b/></\($0)>" } + names.map { "<\($0)><b/></\($0.dropLast())>" } + [
            "<r a='1'><!-- x < y --><b/></r>", "<r><?p <q ?><b c='d'/></r>", "<r><![CDATA[<<]]>t</r>",
            "<!DOCTYPE r [<!ENTITY x '<'>]><r/>", "<abcdefghijk x='1'><b/></abcdefghijk>", "<abcdefghijk><b/></abcdefghijX>",
            "<r a='x<y'/>", "<r>t<u</r>", "<r><é ü='ö'>text &amp; more</é></r>", "<r a='1'\n b='2'/>",
        ]
        for body in bodies {
            for pad in 0..<48 {
                for filler in [" ", "\n", "x", "<a/>"] {
                    let tail = String(repeating: filler == "<a/>" ? " " : filler, count: pad)
                    Self.check(body + tail)
                    Self.check(body.dropLast(1) + tail)
                    Self.check(String(repeating: " ", count: pad) + body)
                    if filler == "<a/>" { Self.check("<w>" + String(repeating: "<a/>", count: pad / 4) + body + "</w>" + tail) }
                }
            }
        }
    }

    @Test func tablesAndTheOpenElementStackGrow() {
        // More elements, attributes and texts than the first capacities (bytes / 64, bytes / 24, 16) and
        // deeper than the first stack (32), also with text between the levels.
        Self.check("<r>" + String(repeating: "<a b='' c=\"\"/>", count: 3000) + "</r>")
        Self.check("<r>" + String(repeating: "t<a/>", count: 3000) + "</r>")
        Self.check(String(repeating: "<e x='1'>", count: 300) + String(repeating: "u</e>", count: 300))
        Self.check(String(repeating: "<e>", count: 300) + String(repeating: "</e>", count: 299))
    }

    @Test func endTagsWhoseNamesShareAPrefix() {
        let names = ["abcdefgh", "abcdefghi", "abcdefgX", "abcdefghijklmnop", "abcdefghijklmnoX", "abcdefghijklmnopq",
                     "abcdefghijklmno", "a", "b", "ab", "abcdefghijklmnopqrstuvwxyz0123", "abcdefghijklmnopqrstuvwxyz012X"]
        for open in names {
            for close in names {
                Self.check("<\(open)></\(close)>")
                Self.check("<r><\(open) x='1'></\(close) ></r>")
            }
        }
    }

    @Test func everyTruncationOfASmallDocument() {
        let doc = Array("""
            \u{FEFF}<?xml version="1.0"?><!-- c --><root a="1" bb='two &amp; three' c="t\tu">
              <child name="c1">hello &lt;world&gt; &#65;</child><x/>
              <other><![CDATA[raw <stuff>]]></other><é ü="ö"/>
            </root >
            """.utf8)
        #expect(XMLReferenceParser.parse(doc).error == nil)
        for cut in 0...doc.count {
            let prefix = Array(doc[..<cut])
            Self.check(prefix, "cut at \(cut)")
            if cut < doc.count - 1 { #expect(XMLReferenceParser.parse(prefix).error != nil, "cut at \(cut)") }
        }
    }

    @Test func randomDocumentsAndMutations() {
        var rng = SplitMix(seed: 0x584D_4C53_4341_4E)
        var accepted = 0, reasons: Set<String> = []
        for round in 0..<6000 {
            var doc = Self.randomDocument(&rng)
            if round % 3 != 0 { Self.mutate(&doc, &rng) }
            Self.check(doc, "round \(round)")
            let outcome = XMLReferenceParser.parse(doc)
            if let error = outcome.error { reasons.insert(String(error.reason.prefix(20))) } else { accepted += 1 }
        }
        // The generator reaches both sides: most unmutated documents parse, mutations hit most errors.
        #expect(accepted > 2000 && accepted < 5000, "\(accepted) accepted")
        #expect(reasons.count >= 12, "\(reasons.sorted())")
    }

    @Test func referenceFilesAgree() throws {
        for name in Reference.fileNames(withExtension: "hwh") {
            let bytes = try Reference.bytes(name)
            Self.check(bytes, name)
        }
    }

    // MARK: random documents

    static func randomDocument(_ rng: inout SplitMix) -> [UInt8] {
        var out: [UInt8] = []
        func pick<T>(_ xs: [T]) -> T { xs[Int.random(in: 0..<xs.count, using: &rng)] }
        func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }
        func emit(_ s: String) { out += Array(s.utf8) }
        func space() -> String { pick([" ", " ", " ", "  ", "\t", "\n", "\r\n", "\n    ", "        "]) }
        func name() -> String {
            let length = pick([1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 23, 24, 31, 33])
            return chance(0.1) ? Self.name(length, seed: Int.random(in: 0..<1000, using: &rng)) + "é"
                : Self.name(length, seed: Int.random(in: 0..<1000, using: &rng))
        }
        func valueText(quote: Character) -> String {
            var s = ""
            let length = pick([0, 1, 3, 7, 8, 9, 15, 16, 17, 30, 60])
            while s.utf8.count < length {
                s += pick(["a", "b", "Z", "0", "9", " ", ".", "-", "_", ":", "/", ">", "é", "😀", "&amp;", "&#10;", "&#x41;",
                           "\t", "\n", "\r", quote == "\"" ? "'" : "\"", "abcdefgh", "0x4000"])
            }
            return s
        }
        func element(depth: Int) {
            let tag = name()
            emit("<" + tag)
            for _ in 0..<pick([0, 0, 1, 1, 2, 3, 5]) {
                let q: Character = chance(0.7) ? "\"" : "'"
                emit(space() + name() + (chance(0.9) ? "=" : space() + "=" + space()) + String(q) + valueText(quote: q) + String(q))
            }
            if chance(0.2) { emit(space()) }
            if depth > 3 || chance(0.35) {
                emit("/>")
                return
            }
            emit(">")
            for _ in 0..<pick([0, 1, 2, 3]) {
                switch Int.random(in: 0..<6, using: &rng) {
                case 0: emit(space())
                case 1: emit(pick(["text", "a &lt; b", "x&#65;y", "long text run with words ", "ü"]))
                case 2: emit("<!-- note -->")
                case 3: emit("<![CDATA[a<b]]>")
                default: element(depth: depth + 1)
                }
            }
            emit("</" + tag + (chance(0.2) ? space() : "") + ">")
        }
        if chance(0.3) { emit("<?xml version=\"1.0\"?>\n") }
        element(depth: 0)
        if chance(0.3) { emit("\n") }
        return out
    }

    static func mutate(_ doc: inout [UInt8], _ rng: inout SplitMix) {
        let interesting = Array("<>/=\"'& \t\n\r;#xa0!?-[]".utf8) + [0xC3, 0xA9, 0x80, 0xFF, 0x00, 0x7F, 0x01, 0x0B, 0x1F]
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
            guard !doc.isEmpty else { return }
            let at = Int.random(in: 0..<doc.count, using: &rng)
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: doc.remove(at: at)
            case 1: doc.insert(interesting[Int.random(in: 0..<interesting.count, using: &rng)], at: at)
            case 2: doc[at] = interesting[Int.random(in: 0..<interesting.count, using: &rng)]
            default: doc.removeSubrange(at...)
            }
        }
    }
}
