import Foundation
import PynqMetadata
import TestSupport
import Testing

@Suite("pynq inspect")
struct InspectTests {
    /// The JSON that `pynq inspect FILE --json` prints, made in-process, agrees with the real pynq.
    @Test(arguments: Reference.fileNames())
    func inspectJSONMatchesPynq(name: String) throws {
        let file = try OverlayFile.load(path: Reference.filesDirectory.appendingPathComponent(name).path)
        let (last, output) = try compareWithPynq(json: file.inspectJSON.jsonString(), file: name)
        #expect(last.hasSuffix(" 0 failed"), "\(name):\n\(output.prefix(4000))")
    }

    @Test func binaryPrintsTheSameJSONAsTheLibrary() throws {
        let pynq = try #require(pynqExecutable, "the pynq executable is built beside the tests by swift test")
        let path = Reference.filesDirectory.appendingPathComponent("pynqz2_resizer.bit").path
        let result = try run(pynq, ["inspect", path, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == (try OverlayFile.load(path: path)).inspectJSON.jsonString() + "\n")
        let (last, output) = try compareWithPynq(json: result.stdout, file: "pynqz2_resizer.bit")
        #expect(last.hasSuffix(" 0 failed"), "\(output)")
    }

    @Test func binaryPrintsTheBitHeaderAsATable() throws {
        let pynq = try #require(pynqExecutable)
        let result = try run(pynq, ["inspect", Reference.filesDirectory.appendingPathComponent("pynqz2_resizer.bit").path])
        #expect(result.status == 0)
        #expect(result.stdout.contains("\ndesign   resizer_wrapper\n"))
        #expect(result.stdout.contains("\npayload  4045564 bytes"))
    }

    @Test func bitWithHWHBesideIt() throws {
        let pynq = try #require(pynqExecutable)
        let bit = Reference.filesDirectory.appendingPathComponent("pynqz2_resizer.bit").path
        let result = try run(pynq, ["inspect", bit, "--hwh", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(Set(json.keys) == ["bit", "hwh"])
        #expect((json["bit"] as? [String: Any])?["design"] as? String == "resizer_wrapper")
        #expect(((json["hwh"] as? [String: Any])?["ip_dict"] as? [String: Any])?["axi_dma_0"] != nil)
        let tables = try run(pynq, ["inspect", bit, "--hwh"])
        #expect(tables.stdout.contains("\ndesign   resizer_wrapper\n"))
        #expect(tables.stdout.contains("pynqz2_resizer.hwh: hwh\nIPs (2)\n"))
        let wrongKind = try run(pynq, ["inspect", Reference.filesDirectory.appendingPathComponent("pynq_default.xclbin").path, "--hwh"])
        #expect(wrongKind.status != 0)
        #expect(wrongKind.stderr.contains("--hwh applies to .bit files only"))
    }

    @Test(arguments: [
        (["inspect", "/nonexistent/overlay.xclbin"], "no such file"),
        (["inspect", "/"], "is a folder"),
        (["inspect", "#PACKAGE"], "not an overlay file"),
    ])
    func binaryFailsCleanly(arguments: [String], message: String) throws {
        let pynq = try #require(pynqExecutable)
        let args = arguments.map { $0 == "#PACKAGE" ? Reference.packageRoot.appendingPathComponent("Package.swift").path : $0 }
        let result = try run(pynq, args)
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("pynq inspect: error: "))
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(!result.stderr.contains("Stack dump") && !result.stderr.contains("Fatal error"))
    }

    /// Every reference file cut in half is an error of one line naming the file, never a crash.
    @Test(arguments: Reference.fileNames())
    func binaryReportsATruncatedFile(name: String) throws {
        let pynq = try #require(pynqExecutable)
        let bytes = try Reference.bytes(name)
        let cut = FileManager.default.temporaryDirectory.appendingPathComponent("cut-\(UUID().uuidString)-\(name)")
        try Data(bytes.prefix(bytes.count / 2)).write(to: cut)
        defer { try? FileManager.default.removeItem(at: cut) }
        let result = try run(pynq, ["inspect", cut.path, "--json"])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("pynq inspect: error: \(cut.path)"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    }

    @Test func binaryRejectsAMisnamedFile() throws {
        let pynq = try #require(pynqExecutable)
        let misnamed = FileManager.default.temporaryDirectory.appendingPathComponent("misnamed-\(UUID().uuidString).hwh")
        try Data(try Reference.bytes("pynq_default.xclbin")).write(to: misnamed)
        defer { try? FileManager.default.removeItem(at: misnamed) }
        let result = try run(pynq, ["inspect", misnamed.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("the name says .hwh but its content is a .xclbin file"), "\(result.stderr)")
    }
}

@Suite("Overlay file kinds")
struct OverlayFileKindTests {
    @Test(arguments: Reference.fileNames())
    func contentAgreesWithExtension(name: String) throws {
        let bytes = try Reference.bytes(name)
        let byName = try #require(OverlayFileKind(fileName: name))
        #expect(OverlayFileKind(content: bytes) == byName)
        #expect(try OverlayFile.detectKind(bytes: bytes, name: "no-extension") == byName)
    }

    @Test func extensionsAreCaseInsensitive() {
        #expect(OverlayFileKind(fileName: "dir/Base.HWH") == .hwh)
        #expect(OverlayFileKind(fileName: "a.b/c") == nil)
        #expect(OverlayFileKind(fileName: "x.xclbin") == .xclbin)
        #expect(OverlayFileKind(fileName: "bit") == nil)
    }

    @Test func hwhRootIsFoundAfterPrologue() {
        let xml = "\u{FEFF}<?xml version=\"1.0\"?>\n<!-- a -- comment -->\n<!DOCTYPE x [<!ENTITY e \"v\">]>\n<EDKSYSTEM A=\"1\"/>"
        #expect(OverlayFileKind(content: Array(xml.utf8)) == .hwh)
        #expect(OverlayFileKind(content: Array("<?xml version=\"1.0\"?><OTHER/>".utf8)) == nil)
        #expect(OverlayFileKind(content: Array("<!-- never closed".utf8)) == nil)
        #expect(OverlayFileKind(content: []) == nil)
    }

    @Test func unknownContentWithoutExtensionThrows() {
        #expect(throws: MetadataError.self) { try OverlayFile.read(bytes: Array("hello".utf8), name: "notes") }
    }

    @Test func companionHWHPath() {
        #expect(OverlayFile.companionHWHPath(forBitstream: "/a/b/base.bit") == "/a/b/base.hwh")
        #expect(OverlayFile.companionHWHPath(forBitstream: "/a/b/BASE.BIT") == "/a/b/BASE.hwh")
    }
}

@Suite("Readable report")
struct ReportTests {
    @Test func overlayTablesAreAligned() {
        let overlay = OverlayDescription(
            format: .xclbin, uuid: [0xab, 0x01],
            ips: [
                IPBlock(name: "krnl_vadd_1", type: "xilinx.com:hls:krnl_vadd:1.0", baseAddress: 0x1800000, addressRange: 0x10000),
                IPBlock(name: "a", type: "t", baseAddress: 0xA0000000, addressRange: 0x1000),
            ],
            memories: [MemoryBank(index: 0, tag: "bank0", type: .ddr4, used: true, baseAddress: 0, size: 16 << 30)],
            streams: [StreamConnection(index: 1, tag: "dc_0", source: "k1.out", sink: "k2.in")],
            clocks: [Clock(index: 0, name: "DATA_CLK", frequencyMHz: 250, kind: .data),
                     Clock(index: 1, name: "KERNEL_CLK", frequencyMHz: 187.5, kind: .kernel)],
            dictionaries: [:])
        let text = overlay.report()
        #expect(text.contains("uuid: ab01\n"))
        #expect(text.contains("""
            IPs (2)
            IP           type                             address       range
            krnl_vadd_1  xilinx.com:hls:krnl_vadd:1.0  0x01800000  0x00010000  64 KiB
            a            t                             0xA0000000  0x00001000   4 KiB

            """))
        #expect(text.contains("memory  type        base    size  used\nbank0   DDR4  0x00000000  16 GiB  yes\n"))
        #expect(text.contains("dc_0    k1.out → k2.in"))
        #expect(text.contains("DATA_CLK      250 MHz\nKERNEL_CLK  187.5 MHz\n"))
    }

    @Test func referenceFilesAsTables() throws {
        let xclbin = try OverlayFile.load(path: Reference.filesDirectory.appendingPathComponent("xup_aws_f1_streaming_lab.xclbin").path)
        let text = xclbin.report()
        #expect(text.contains("uuid: c6695b1bc2da46958a47e73b07c9fd29\n"))
        #expect(text.contains("krnl_mm2s_1  xilinx.com:hls:krnl_mm2s:1.0  0x00000000  0x00001000  4 KiB\n"))
        #expect(text.contains("dc_1    krnl_mm2s_1.m2s → krnl_fir_1.x\n"))
        #expect(text.contains("bank0     DDR4   0x800000000   16 GiB  yes\n"))
        let hwh = try OverlayFile.load(path: Reference.filesDirectory.appendingPathComponent("pynqz2_resizer.hwh").path)
        #expect(hwh.report().contains("axi_dma_0       xilinx.com:ip:axi_dma:7.1        0x40400000  0x00010000  64 KiB\n"))
        #expect(hwh.report().contains("PSDDR   DDR4  0x00000000  256 MiB  yes\n"))
    }

    @Test func emptyOverlaySaysSo() {
        let overlay = OverlayDescription(format: .hwh, ips: [], memories: [], streams: [], clocks: [], dictionaries: [:])
        #expect(overlay.report() == "no IPs, memories, streams or clocks\n")
    }
}

@Suite("JSON output")
struct JSONOutputTests {
    /// `--json` text parses back to the same strings, escaped or not.
    @Test(arguments: ["plain_name", "with \"quotes\"", "back\\slash", "tab\tnew\nline\r", "\u{01}\u{1f}", "µs → Ω 🙂", ""])
    func stringsRoundTrip(text: String) throws {
        let value: MetaValue = [text: .string(text), "list": [.string(text)]]
        for indent in [1, nil] as [Int?] {
            let json = value.jsonString(indent: indent)
            let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            #expect(parsed[text] as? String == text, "\(json)")
            #expect((parsed["list"] as? [Any])?.first as? String == text)
        }
    }

    @Test func controlCharactersAreEscaped() {
        #expect(MetaValue.string("a\u{01}\"\\").jsonString() == #""a\u0001\"\\""#)
        #expect(MetaValue.string("plain").jsonString() == #""plain""#)
    }
}
