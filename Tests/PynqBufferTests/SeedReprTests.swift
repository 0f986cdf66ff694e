import Testing
@testable import Pynq

@Suite struct SeedReprTests {
    /// `000_0532201c712837c7.txt`, cell 5: a (1024, 1024) `u4` buffer printed by Jupyter.
    @Test func seedBufferPrintsExactly() throws {
        let (buf, _) = try makeBuffer([1024, 1024], try DType("u4"))
        #expect(buf.description == """
            PynqBuffer([[0, 0, 0, ..., 0, 0, 0],
                        [0, 0, 0, ..., 0, 0, 0],
                        [0, 0, 0, ..., 0, 0, 0],
                        ...,
                        [0, 0, 0, ..., 0, 0, 0],
                        [0, 0, 0, ..., 0, 0, 0],
                        [0, 0, 0, ..., 0, 0, 0]], dtype=uint32)
            """)
        #expect("\(buf)" == buf.description)
    }

    /// `002_9497abcbea7f4996.txt`: `input_buffer[:] = range(5)`.
    @Test func allocateDocumentExample() throws {
        let (buf, _) = try makeBuffer([5], try DType("u4"))
        try buf.assign(0..<5)
        #expect(buf.description == "PynqBuffer([0, 1, 2, 3, 4], dtype=uint32)")
        #expect(buf.arrayDescription == "[0 1 2 3 4]")
    }
}

@Suite struct ScalarTests {
    @Test func valuesPrintLikePythonScalars() {
        #expect(PynqValue.signed(-3).description == "-3")
        #expect(PynqValue.unsigned(UInt64.max).description == "18446744073709551615")
        #expect(PynqValue.bool(true).description == "True")
        #expect(PynqValue.float(1).description == "1.0")
        #expect(PynqValue.float(1.5).description == "1.5")
        #expect(PynqValue.float(-0.0).description == "-0.0")
        #expect(PynqValue.float(1e-5).description == "1e-05")
        #expect(PynqValue.float(0.0001).description == "0.0001")
        #expect(PynqValue.float(1e16).description == "1e+16")
        #expect(PynqValue.float(1e15).description == "1000000000000000.0")
        #expect(PynqValue.float(1.2345e-7).description == "1.2345e-07")
        #expect(PynqValue.float(0.1).description == "0.1")
        #expect(PynqValue.float(.nan).description == "nan")
        #expect(PynqValue.float(-.infinity).description == "-inf")
        // float32 elements print their own shortest digits, as numpy's str(np.float32(0.1)).
        #expect(PynqValue.float32(0.1).description == "0.1")
        #expect(PynqValue.float32(1e-5).description == "1e-05")
        #expect(PynqValue.float32(16_777_216).description == "16777216.0")
        #expect(PynqValue.float32(0.1) == .float(Double(Float(0.1))))
        #expect(PynqValue.float32(0.1) != .float(0.1))
        #expect(PynqValue.float32(3) == .unsigned(3))
    }

    @Test func floatElementsReadAsTheirOwnPrecision() throws {
        let (buf, _) = try makeBuffer([3], .float32)
        try buf.copy(from: [Float(0.1), 2.5, -1e-5])
        #expect(buf[0].description == "0.1")
        #expect(buf[1] == 2.5)
        #expect(buf[2].description == "-1e-05")
        #expect(Float(exactly: buf[0]) == Float(0.1))
        #expect(Int(exactly: buf[1]) == nil)
        let (halves, _) = try makeBuffer([1], .float16)
        halves[0] = 0.5
        #expect(halves[0] == .float32(0.5))
    }

    @Test func equalityIsNumeric() {
        #expect(PynqValue.signed(5) == .unsigned(5))
        #expect(PynqValue.float(5) == .signed(5))
        #expect(PynqValue.float(5.5) != .signed(5))
        #expect(PynqValue.signed(-1) != .unsigned(UInt64.max))
        #expect(PynqValue.bool(true) == .unsigned(1))
        #expect(PynqValue.float(.nan) != .float(.nan))
        #expect(PynqValue.unsigned(3).exactly(UInt8.self) == 3)
        #expect(PynqValue.signed(-3).exactly(UInt8.self) == nil)
        #expect(PynqValue.float(0.5).exactly(Int.self) == nil)
    }
}

@Suite struct ReadmeExampleTests {
    @Test func readmeBufferExampleWorks() throws {
        let (buf, allocation) = try makeBuffer([1024, 1024], try DType("u4"))
        buf[3, 4] = 7
        let a = try buf.typed(UInt32.self)
        a[3, 5] = a[3, 4] + 1
        #expect(buf[3, 5] == 8)
        try buf[0..<64].flush()
        #expect(allocation.syncs == [.init(direction: .toDevice, offset: 0, length: 256 * 1024)])
        try buf.fill(0); try buf[row: 0].assign(0..<1024)
        #expect("\(buf)".hasPrefix("PynqBuffer([[   0,    1,    2, ..., 1021, 1022, 1023],\n            [   0,    0,"))
        buf.free()
        #expect(allocation.releases == 1)
    }
}
