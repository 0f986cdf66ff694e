import PynqMetadata
import TestSupport
import Testing

/// A `.bit` file built in the test: the usual preamble, text sections `key → text`, then the payload.
func makeBit(_ sections: [(UInt8, String)], payload: [UInt8], eLength: Int? = nil) -> [UInt8] {
    var out: [UInt8] = [0x00, 0x09, 0x0f, 0xf0, 0x0f, 0xf0, 0x0f, 0xf0, 0x0f, 0xf0, 0x00, 0x00, 0x01]
    for (key, text) in sections {
        let data = Array(text.utf8) + [0]
        out += [key, UInt8(data.count >> 8), UInt8(data.count & 0xff)] + data
    }
    let n = UInt32(eLength ?? payload.count)
    out += [0x65, UInt8(n >> 24), UInt8((n >> 16) & 0xff), UInt8((n >> 8) & 0xff), UInt8(n & 0xff)]
    return out + payload
}

let standardSections: [(UInt8, String)] = [
    (0x61, "top;UserID=0XFFFFFFFF;Version=2023.2"), (0x62, "xczu7ev-ffvc1156-2-e"), (0x63, "2024/01/02"),
    (0x64, "03:04:05"),
]

@Suite("Bitstream (.bit) reader")
struct BitstreamTests {
    @Test func sha256OfKnownInputs() {
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array(repeating: UInt8(ascii: "a"), count: 1000))
            == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }

    @Test func referenceHeaderMatchesPynq() throws {
        let bytes = try Reference.bytes("pynqz2_resizer.bit")
        let bit = try Bitstream.read(bytes: bytes, source: "pynqz2_resizer.bit")
        let expected = try #require((try Reference.expected("pynqz2_resizer.bit") as? [String: Any])?["parse_bit_header"] as? [String: Any])
        #expect(bit.design == expected["design"] as? String)
        #expect(bit.version == expected["version"] as? String)
        #expect(bit.part == expected["part"] as? String)
        #expect(bit.date == expected["date"] as? String)
        #expect(bit.time == expected["time"] as? String)
        #expect(bit.length == expected["data_len"] as? Int)
        #expect(bit.payloadOffset == expected["data_offset"] as? Int)
        #expect(SHA256.hex(bit.payload) == expected["data_sha256"] as? String)
        #expect(bit.inspectJSON() == [
            "design": "resizer_wrapper", "version": "Version=2018.3", "part": "7z020clg400",
            "date": "2019/02/25", "time": "10:27:14", "length": "4045564",
        ])
        #expect(bit.inspectJSON()["length"]?.stringValue == expected["length"] as? String)
    }

    @Test func binSwapsEveryWord() throws {
        let bytes = try Reference.bytes("pynqz2_resizer.bit")
        let bit = try Bitstream.read(bytes: bytes, source: "pynqz2_resizer.bit")
        let bin = try bit.binData()
        #expect(bin.count == bit.length)
        // The sync word 0xAA995566 appears in the .bit as AA 99 55 66 and in the .bin as 66 55 99 AA.
        let sync: [UInt8] = [0xaa, 0x99, 0x55, 0x66]
        let syncAt = try #require((0..<200).first { Array(bit.payload.dropFirst($0).prefix(4)) == sync })
        #expect(syncAt % 4 == 0)
        #expect(Array(bin[syncAt..<syncAt + 4]) == [0x66, 0x55, 0x99, 0xaa])
        // Swapping twice gives the payload back.
        let again = try Bitstream.read(bytes: makeBit(standardSections, payload: bin), source: "swapped").binData()
        #expect(again[...] == bit.payload)
    }

    @Test func binOfSmallPayload() throws {
        let bit = try Bitstream.read(bytes: makeBit(standardSections, payload: [1, 2, 3, 4, 5, 6, 7, 8]), source: "t.bit")
        #expect(try bit.binData() == [4, 3, 2, 1, 8, 7, 6, 5])
        #expect(bit.design == "top")
        #expect(bit.version == "Version=2023.2")
        #expect(bit.part == "xczu7ev-ffvc1156-2-e")
    }

    @Test func binRejectsPartialWord() throws {
        let bit = try Bitstream.read(bytes: makeBit(standardSections, payload: [1, 2, 3, 4, 5, 6]), source: "odd.bit")
        let error = try #require(throws: MetadataError.self) { try bit.binData() }
        #expect(error.kind == .badField)
        #expect(error.offset == bit.payloadOffset)
    }

    @Test func designWithoutSemicolonIsDesignAndVersion() throws {
        let bit = try Bitstream.read(bytes: makeBit([(0x61, "plain")], payload: []), source: "t.bit")
        #expect(bit.design == "plain")
        #expect(bit.version == "plain")
        #expect(bit.part == nil)
        #expect(bit.inspectJSON() == ["design": "plain", "version": "plain", "length": "0"])
    }

    @Test func everyTruncationOfTheHeaderThrows() throws {
        let bytes = try Reference.bytes("pynqz2_resizer.bit")
        for n in 0..<200 {
            #expect(throws: MetadataError.self, "prefix of \(n) bytes") {
                try Bitstream.read(bytes: Array(bytes.prefix(n)), source: "cut.bit")
            }
        }
    }

    @Test(arguments: [-1, 1, 1 << 20])
    func lyingPayloadLengthThrows(delta: Int) throws {
        let payload = [UInt8](repeating: 0xab, count: 64)
        let bytes = makeBit(standardSections, payload: payload, eLength: payload.count + delta)
        let error = try #require(throws: MetadataError.self) { try Bitstream.read(bytes: bytes, source: "lie.bit") }
        #expect(error.kind == .badField)
        #expect(error.offset == bytes.count - payload.count - 4)
        #expect(error.reason.contains("'e' section"))
    }

    @Test func unknownKeyThrowsWithItsOffset() throws {
        var bytes = try Reference.bytes("pynqz2_resizer.bit")
        #expect(bytes[13] == 0x61)
        bytes[13] = 0x7a
        let error = try #require(throws: MetadataError.self) { try Bitstream.read(bytes: bytes, source: "key.bit") }
        #expect(error.offset == 13)
        #expect(error.reason.contains("0x7a"))
    }

    @Test func missingPayloadSectionThrows() throws {
        let full = makeBit(standardSections, payload: [])
        let headerOnly = Array(full.dropLast(5))
        let error = try #require(throws: MetadataError.self) { try Bitstream.read(bytes: headerOnly, source: "noe.bit") }
        #expect(error.offset == headerOnly.count)
        #expect(error.reason.contains("'e' section"))
    }

    @Test func truncatedSectionNamesTheField() throws {
        let full = makeBit(standardSections, payload: [])
        // Cut inside the 'b' section's text.
        let cut = 13 + 3 + 37 + 3 + 4
        let error = try #require(throws: MetadataError.self) { try Bitstream.read(bytes: Array(full.prefix(cut)), source: "t.bit") }
        #expect(error.reason.hasPrefix("'b' section text"))
        #expect(error.offset == 13 + 3 + 37 + 3)
    }

    @Test func invalidUTF8Throws() throws {
        var bytes = makeBit(standardSections, payload: [])
        bytes[17] = 0xff
        let error = try #require(throws: MetadataError.self) { try Bitstream.read(bytes: bytes, source: "t.bit") }
        #expect(error.kind == .badText)
        #expect(error.offset == 16)
    }
}
