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
    }
}
