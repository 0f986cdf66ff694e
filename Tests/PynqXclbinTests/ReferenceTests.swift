import Foundation
import PynqMetadata
import Testing
import TestSupport

/// Our dictionaries against what pynq 4.0.0 computed from the same real xclbins.
@Suite struct XclbinReferenceTests {
    static let names = Reference.fileNames(withExtension: "xclbin")

    static func expected(_ name: String) throws -> MetaValue { try PynqJSON.expected(name) }

    @Test func referenceFilesArePresent() {
        #expect(Self.names.count >= 3, "reference xclbins not found under \(Reference.filesDirectory.path)")
    }

    @Test(arguments: names) func inspectJSONMatchesPynq(name: String) throws {
        let file = try Xclbin.read(bytes: try Reference.bytes(name), source: name)
        let ref = try #require(PynqJSON.xclbinView(try Self.expected(name)))
        let diffs = PynqJSON.differences(file.inspectJSON(), ref)
        #expect(diffs.isEmpty, "\(name): \(diffs.count) differences:\n\(diffs.joined(separator: "\n"))")
        // The key order is pynq's too (compare.py does not check it).
        #expect(file.inspectJSON().keys == ["uuid", "ip_dict", "mem_dict", "clock_dict"])
        #expect(file.ipDict.keys == ref["ip_dict"]?.keys)
        #expect(file.memDict.keys == ref["mem_dict"]?.keys)
        #expect(file.clockDict.keys == ref["clock_dict"]?.keys)
        for (ip, v) in file.ipDict.dictValue ?? [:] {
            #expect(v.keys == ref["ip_dict"]?[ip]?.keys, "\(ip) key order")
            for (reg, r) in v["registers"]?.dictValue ?? [:] {
                #expect(r.keys == ref["ip_dict"]?[ip]?["registers"]?[reg]?.keys, "\(ip).\(reg) key order")
            }
        }
    }

    @Test(arguments: names) func sectionTableMatchesPynq(name: String) throws {
        let file = try Xclbin.read(bytes: try Reference.bytes(name), source: name)
        let header = try #require(try Self.expected(name)["xclbin_header"]?.listValue)
        #expect(header[1].stringValue == file.header.uuidHex)
        let kinds = try #require(header[0].dictValue)
        #expect(Set(kinds.keys) == Set(file.sections.map { String($0.kind.rawValue) }))
        for (kind, v) in kinds {
            let data = try #require(file.section(XclbinSectionKind(rawValue: UInt32(kind)!))?.data)
            if let len = v["__bytes_len__"]?.intValue { #expect(data.count == len, "section \(kind)") }
            if let hex = v["__bytes_hex__"]?.stringValue {
                #expect(data.map { String(format: "%02x", $0) }.joined() == hex, "section \(kind)")
            }
        }
    }
}
