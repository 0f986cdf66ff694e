import Foundation
import PynqMetadata
import Testing
import TestSupport

/// Bad input never crashes the HWH reader: it throws a `MetadataError` that names the file, the element
/// and (for malformed text) the byte offset.
@Suite struct HWHErrorTests {
    func error(_ text: String) -> MetadataError? {
        error(Array(text.utf8))
    }

    func error(_ bytes: [UInt8]) -> MetadataError? {
        do {
            _ = try HWH.read(bytes: bytes, source: "bad.hwh")
            return nil
        } catch {
            return error
        }
    }

    @Test func invalidUTF8IsBadTextWithItsOffset() throws {
        var bytes = Array(SyntheticDesigns.zynq.utf8)
        bytes[200] = 0xFF
        let e = try #require(error(bytes))
        #expect(e.kind == .badText && e.offset == 200 && e.part == "bad.hwh")
        #expect(e.description.contains("UTF-8"))
    }

    @Test func malformedXMLIsBadTextWithItsOffset() throws {
        let e = try #require(error("<EDKSYSTEM><MODULES></EDKSYSTEM>"))
        #expect(e.kind == .badText && e.offset == 20)
        #expect(e.description.hasPrefix("bad.hwh, offset 20"))
    }

    @Test func otherXMLIsNotAnHWH() throws {
        let e = try #require(error("<root/>"))
        #expect(e.kind == .badMagic)
        #expect(e.reason.contains("EDKSYSTEM"))
    }

    @Test func moduleWithoutInstance() throws {
        let text = SyntheticDesigns.zynq.replacingOccurrences(of: "INSTANCE=\"intc\" MODTYPE", with: "MODTYPE")
        let e = try #require(error(text))
        #expect(e.kind == .badField && e.part == "bad.hwh: MODULE" && e.reason.contains("INSTANCE"))
        #expect(Array(text.utf8)[e.offset!] == UInt8(ascii: "<"))
    }

    @Test func duplicateInstance() throws {
        let text = SyntheticDesigns.zynq.replacingOccurrences(of: "INSTANCE=\"ip_b\"", with: "INSTANCE=\"intc\"")
        let e = try #require(error(text))
        #expect(e.part == "bad.hwh: MODULE intc" && e.reason.contains("unique"))
    }

    @Test(arguments: [
        ("BASEVALUE=\"0x40000000\"", "BASEVALUE=\"0x4000_zz\"", "BASEVALUE"),
        ("HIGHVALUE=\"0x4000FFFF\"", "HIGHVALUE=\"banana\"", "HIGHVALUE"),
        ("HIGHVALUE=\"0x4000FFFF\"", "HIGHVALUE=\"0x3FFFFFFF\"", "empty"),
        ("HIGHVALUE=\"0x4000FFFF\"", "HIGHVALUE=\"0x1FFFFFFFFFFFFFFFFFF\"", "HIGHVALUE"),
    ])
    func badAddressesNameTheMemoryRange(original: String, replacement: String, fragment: String) throws {
        let text = SyntheticDesigns.zynq.replacingOccurrences(of: original, with: replacement)
        #expect(text != SyntheticDesigns.zynq)
        let e = try #require(error(text))
        #expect(e.kind == .badField && e.part == "bad.hwh: MEMRANGE for grp_ip_a")
        #expect(e.reason.contains(fragment), "\(e)")
    }

    @Test func missingClockParameter() throws {
        let text = SyntheticDesigns.zynq.replacingOccurrences(of: "PCW_FCLK2_PERIPHERAL_DIVISOR1", with: "X")
        let e = try #require(error(text))
        #expect(e.part == "bad.hwh: MODULE ps7" && e.reason.contains("PCW_FCLK2_PERIPHERAL_DIVISOR1"))
    }

    @Test func nonNumericClockParameter() throws {
        let text = SyntheticDesigns.zynq.replacingOccurrences(
            of: "\"PCW_FPGA_FCLK1_ENABLE\" VALUE=\"0\"", with: "\"PCW_FPGA_FCLK1_ENABLE\" VALUE=\"yes\"")
        let e = try #require(error(text))
        #expect(e.reason.contains("PCW_FPGA_FCLK1_ENABLE") && e.reason.contains("yes"))
    }

    @Test func nonNumericRegisterOffset() throws {
        let text = SyntheticDesigns.zynq.replacingOccurrences(of: "VALUE=\"0x10\"", with: "VALUE=\"0xZ\"")
        let e = try #require(error(text))
        #expect(e.part == "bad.hwh: MODULE grp_ip_a REGISTER CTRL" && e.reason.contains("ADDRESS_OFFSET"))
    }

    @Test func nonNumericGPIOIndex() throws {
        let text = SyntheticDesigns.zynq.replacingOccurrences(of: "\"DIN_FROM\" VALUE=\"3\"", with: "\"DIN_FROM\" VALUE=\"x\"")
        let e = try #require(error(text))
        #expect(e.part == "bad.hwh: MODULE slice_0 PARAMETER DIN_FROM")
    }

    @Test func interruptWiringThatLoopsIsAnError() throws {
        // pynq recurses through xlconcat blocks until Python's recursion limit; found by FuzzHWH.
        let text = SyntheticDesigns.zynq.replacingOccurrences(
            of: "<PORT DIR=\"I\" NAME=\"In1\" SIGIS=\"undef\"><CONNECTIONS><CONNECTION INSTANCE=\"ip_b\" PORT=\"irq\"/></CONNECTIONS></PORT><PORT DIR=\"O\" NAME=\"dout\" SIGIS=\"undef\"><CONNECTIONS><CONNECTION INSTANCE=\"intc\"",
            with: "<PORT DIR=\"I\" NAME=\"In1\" SIGIS=\"undef\"><CONNECTIONS><CONNECTION INSTANCE=\"concat_irq\" PORT=\"dout\"/></CONNECTIONS></PORT><PORT DIR=\"O\" NAME=\"dout\" SIGIS=\"undef\"><CONNECTIONS><CONNECTION INSTANCE=\"intc\"")
        #expect(text != SyntheticDesigns.zynq)
        let e = try #require(error(text))
        #expect(e.part == "bad.hwh: MODULE concat_irq" && e.reason.contains("loops"))
    }

    @Test func twoProcessingSystems() throws {
        let text = SyntheticDesigns.zynq.replacingOccurrences(
            of: "MODTYPE=\"other_ip\"", with: "MODTYPE=\"zynq_ultra_ps_e\"")
        let e = try #require(error(text))
        #expect(e.kind == .unsupported && e.reason.contains("second processing system"))
    }

    @Test func partialWithoutFullName() throws {
        let text = SyntheticDesigns.partial.replacingOccurrences(of: "FULLNAME=\"/mem\" ", with: "")
        let e = try #require(error(text))
        #expect(e.part == "bad.hwh: MODULE mem" && e.reason.contains("FULLNAME"))
    }

    @Test func danglingConnectionsAreLeftOut() throws {
        // A CONNECTION to an instance or port the design does not have is ignored, not fatal.
        let text = SyntheticDesigns.zynq
            .replacingOccurrences(of: "INSTANCE=\"concat_irq\" PORT=\"In1\"", with: "INSTANCE=\"nowhere\" PORT=\"x\"")
            .replacingOccurrences(of: "INSTANCE=\"grp_ip_a\" PORT=\"reset\"", with: "INSTANCE=\"grp_ip_a\" PORT=\"nothing\"")
        let file = try HWH.read(bytes: Array(text.utf8), source: "ok.hwh")
        #expect(file.gpioDict["slice_0"]?["pins"] == ["None/led", "slice_0/Dout"])
        #expect(file.interruptPins.keys.count == 4)
    }

    /// Cuts a real file short, and flips bytes in it, at many places: every result reads or throws.
    @Test func truncatedAndCorruptedRealFilesNeverCrash() throws {
        let bytes = try Reference.bytes("ultra96_resizer.hwh")
        var thrown = 0
        for cut in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 150)) {
            if error(Array(bytes[..<cut])) != nil { thrown += 1 }
        }
        #expect(thrown >= 150)
        var generator = SplitMix64(seed: 0x5eed)
        var read = 0
        for _ in 0..<150 {
            var copy = bytes
            for _ in 0..<4 {
                let at = Int(generator.next() % UInt64(copy.count))
                copy[at] = UInt8(truncatingIfNeeded: generator.next())
            }
            if error(copy) == nil { read += 1 }
        }
        // Some corruptions land in text that does not matter; the rest throw.
        #expect(read > 0 && read < 150)
    }
}

/// A small deterministic random generator for the corruption test.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
