import Foundation
import PynqMetadata
import Testing
import TestSupport

/// Every reference HWH file read by `HWH.read` gives what pynq 4.0.0 computed from it.
@Suite struct HWHReferenceTests {
    static let files = Reference.fileNames(withExtension: "hwh")

    @Test func thereAreReferenceFiles() {
        #expect(Self.files.count >= 4)
    }

    @Test(arguments: files)
    func inspectJSONMatchesPynq(name: String) throws {
        let file = try HWH.read(bytes: Reference.bytes(name), source: name)
        let expected = try #require(PynqJSON.hwhView(try PynqJSON.expected(name)))
        let differences = PynqJSON.differences(file.inspectJSON(), expected)
        #expect(differences.isEmpty, "\(name): \(differences.count) differences:\n\(differences.prefix(40).joined(separator: "\n"))")
    }
}
