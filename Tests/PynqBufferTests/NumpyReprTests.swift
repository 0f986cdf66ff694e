import Foundation
import Testing
@testable import Pynq

/// One array and numpy's repr of it, from `Resources/repr_expectations.json`
/// (written by `Resources/make_repr_expectations.py` with real numpy; see that script).
struct NumpyReprCase: Sendable, Decodable, CustomTestStringConvertible {
    struct Make: Sendable, Decodable {
        var hex: String?
        var arange: [Double]?
    }

    var name: String
    var dtype: String
    var shape: [Int]
    var make: Make
    var slices: [[Int]]
    var repr: String
    var str: String

    var testDescription: String { name }

    static let all: [NumpyReprCase] = {
        struct File: Decodable { var cases: [NumpyReprCase] }
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Resources/repr_expectations.json")
        guard let data = try? Data(contentsOf: url), let file = try? JSONDecoder().decode(File.self, from: data) else {
            return []
        }
        return file.cases
    }()

    /// The buffer (or view) the case describes, with its test allocation.
    func build() throws -> (PynqBuffer, TestAllocation) {
        let (base, allocation) = try makeBuffer(shape, try DType(dtype))
        if let hex = make.hex {
            var bytes = [UInt8]()
            var index = hex.startIndex
            while index < hex.endIndex {
                let next = hex.index(index, offsetBy: 2)
                bytes.append(UInt8(hex[index..<next], radix: 16)!)
                index = next
            }
            try base.copyBytes(bytes)
        } else if let arange = make.arange {
            let bits = try (0..<base.count).map { i in
                try base.dtype.bitPattern(of: .float(arange[0] + Double(i) * arange[1]))
            }
            try base.withUnsafeMutableBytes { raw in
                for (i, pattern) in bits.enumerated() { base.dtype.storeBits(pattern, to: raw.baseAddress! + i * base.itemSize) }
            }
        }
        var view = base
        for slice in slices {
            view = try view.slice(axis: slice[0], slice[1]..<Swift.max(slice[1], Swift.min(slice[2], view.shape[slice[0]])), step: slice[3])
        }
        return (view, allocation)
    }
}

@Suite struct NumpyReprTests {
    @Test func expectationsAreThere() {
        #expect(NumpyReprCase.all.count > 100)
    }

    @Test(arguments: NumpyReprCase.all)
    func printsLikeNumpy(_ testCase: NumpyReprCase) throws {
        let (buffer, _) = try testCase.build()
        #expect(buffer.description == testCase.repr)
        #expect(buffer.arrayDescription == testCase.str)
    }
}
