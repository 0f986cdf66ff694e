import Testing
@testable import Pynq

@Suite struct DTypeTests {
    @Test(arguments: [
        ("u1", DType.uint8), ("u2", .uint16), ("u4", .uint32), ("u8", .uint64),
        ("i1", .int8), ("i2", .int16), ("i4", .int32), ("i8", .int64),
        ("f2", .float16), ("f4", .float32), ("f8", .float64),
        ("uint8", .uint8), ("uint16", .uint16), ("uint32", .uint32), ("uint64", .uint64),
        ("int8", .int8), ("int16", .int16), ("int32", .int32), ("int64", .int64),
        ("float16", .float16), ("float32", .float32), ("float64", .float64),
        ("<u4", .uint32), ("=u4", .uint32), ("|u1", .uint8), (">u1", .uint8), ("<f8", .float64),
        ("bool", .bool), ("?", .bool), ("b1", .bool), ("|b1", .bool),
        ("I", .uint32), ("f", .float32), ("d", .float64), ("B", .uint8),
        (" u4 ", .uint32), ("=f4", .float32), ("<b", .int8), ("|i8", .int64),
    ])
    func parses(_ text: String, _ expected: DType) throws {
        #expect(try DType(text) == expected)
    }

    @Test func properties() {
        #expect(DType.uint32.name == "uint32")
        #expect(DType.uint32.itemSize == 4)
        #expect(DType.uint32.kind == .unsignedInteger)
        #expect(DType.uint32.typeString == "<u4")
        #expect(DType.uint8.typeString == "|u1")
        #expect(DType.bool.typeString == "|b1")
        #expect(DType.int16.name == "int16")
        #expect(DType.float64.name == "float64")
        #expect(DType.bool.name == "bool")
        #expect(DType.float16.kind == .float)
        #expect(DType.all.count == 12)
        #expect(Set(DType.all.map(\.name)).count == 12)
        #expect(DType.of(UInt32.self) == .uint32)
        #expect(DType.of(Int.self) == .int64)
        #expect(DType.of(Double.self) == .float64)
        #expect(DType.of(Bool.self) == .bool)
        #expect(DType.of(Float16.self) == .float16)
    }

    @Test(arguments: ["u3", "x4", "", "uint31", "complex64", "U8", "f16", "<", "object"])
    func unknownIsATypedErrorListingTheForms(_ text: String) {
        #expect(throws: PynqBufferError.unknownDType(text)) { try DType(text) }
        let message = PynqBufferError.unknownDType(text).description
        #expect(message.contains("u4"))
        #expect(message.contains("float32"))
    }

    @Test(arguments: [">u4", ">f8", "!i2"])
    func bigEndianIsRefused(_ text: String) {
        #expect(throws: PynqBufferError.unsupportedByteOrder(text)) { try DType(text) }
    }
}
