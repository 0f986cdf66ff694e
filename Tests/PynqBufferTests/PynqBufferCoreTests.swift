import PynqBackend
import Testing
@testable import Pynq

/// A buffer over a fresh test allocation.
func makeBuffer(_ shape: [Int], _ dtype: DType = .uint32, coherent: Bool = false, deviceAddress: UInt64 = 0x4000_0000)
    throws -> (PynqBuffer, TestAllocation)
{
    let bytes = try PynqBuffer.byteCount(shape: shape, dtype: dtype)
    let allocation = TestAllocation(byteCount: bytes, deviceAddress: deviceAddress, coherent: coherent)
    return (try PynqBuffer(allocation: allocation, shape: shape, dtype: dtype), allocation)
}

@Suite struct PynqBufferCoreTests {
    @Test func shapeStridesAndSizes() throws {
        let (buf, allocation) = try makeBuffer([1024, 1024], .uint32)
        #expect(buf.shape == [1024, 1024])
        #expect(buf.strides == [4096, 4])
        #expect(buf.count == 1_048_576)
        #expect(buf.nbytes == 4_194_304)
        #expect(buf.rank == 2)
        #expect(buf.dtype == .uint32)
        #expect(buf.itemSize == 4)
        #expect(buf.isContiguous)
        #expect(buf.deviceAddress == 0x4000_0000)
        #expect(buf.physicalAddress == buf.deviceAddress)
        #expect(buf.virtualAddress == UInt(bitPattern: allocation.hostAddress))
        #expect(buf.byteOffset == 0)
        #expect(!buf.coherent)
        #expect(buf.cacheable)
        #expect(buf.memoryIndex == 1)
        let (three, _) = try makeBuffer([2, 3, 5], .int16)
        #expect(three.strides == [30, 10, 2])
    }

    @Test func badShapesAreTypedErrors() throws {
        for shape in [[0], [4, 0], [-1], [3, -2], []] {
            #expect(throws: PynqBufferError.self) { try PynqBuffer.byteCount(shape: shape, dtype: .uint32) }
            let allocation = TestAllocation(byteCount: 64)
            #expect(throws: PynqBufferError.self) {
                try PynqBuffer(allocation: allocation, shape: shape, dtype: .uint32)
            }
            // A refused allocation still belongs to the caller: nothing was released.
            #expect(allocation.releases == 0)
        }
        #expect(throws: PynqBufferError.self) { try PynqBuffer.byteCount(shape: [Int.max, 2], dtype: .uint8) }
        do {
            _ = try PynqBuffer.byteCount(shape: [4, 0], dtype: .uint32)
        } catch {
            #expect(error.description.contains("axis 1"))
        }
        let small = TestAllocation(byteCount: 16)
        #expect(throws: PynqBufferError.allocationTooSmall(needed: 20, available: 16)) {
            try PynqBuffer(allocation: small, shape: [5], dtype: .uint32)
        }
        #expect(small.releases == 0)
    }

    @Test func untypedElementAccessConvertsAndChecks() throws {
        let (buf, _) = try makeBuffer([3, 4], .uint32)
        buf[1, 2] = 5
        #expect(buf[1, 2] == 5)
        #expect(buf[1, 2] == .unsigned(5))
        #expect(buf[[1, 2]] == 5)
        #expect(try buf.element(at: [1, 2]) == 5)
        #expect(try buf.element(at: [1, 2], as: UInt32.self) == 5)
        #expect(buf[1, 2, as: UInt32.self] == 5)
        buf[0, 0, as: UInt32.self] = 0xFFFF_FFFF
        #expect(buf[0, 0] == .unsigned(0xFFFF_FFFF))
        #expect(throws: PynqBufferError.valueNotRepresentable(-1, .uint32)) { try buf.setElement(-1, at: [0, 1]) }
        #expect(throws: PynqBufferError.valueNotRepresentable(1.5, .uint32)) { try buf.setElement(1.5, at: [0, 1]) }
        #expect(throws: PynqBufferError.valueNotRepresentable(.signed(1 << 40), .uint32)) {
            try buf.setElement(Int64(1) << 40, at: [0, 1])
        }
        #expect(buf[0, 1] == 0)
        #expect(throws: PynqBufferError.indexOutOfRange(index: [3, 0], shape: [3, 4])) { try buf.element(at: [3, 0]) }
        #expect(throws: PynqBufferError.indexOutOfRange(index: [0, -1], shape: [3, 4])) { try buf.element(at: [0, -1]) }
        #expect(throws: PynqBufferError.indexOutOfRange(index: [1], shape: [3, 4])) { try buf.element(at: [1]) }
        // Reading a u4 buffer as Float is refused; reinterpretation is explicit.
        #expect(throws: PynqBufferError.dtypeMismatch(buffer: .uint32, requested: .float32)) {
            try buf.element(at: [0, 0], as: Float.self)
        }
        try buf.setElement(UInt32(Float(1.5).bitPattern), at: [2, 3])
        #expect(try buf.reinterpreted(as: Float.self)[2, 3] == 1.5)
    }

    @Test func signedFloatAndBoolElements() throws {
        let (ints, _) = try makeBuffer([4], .int8)
        ints[0] = -128
        ints[1] = 127
        #expect(ints[0] == -128)
        #expect(ints[1] == .signed(127))
        #expect(throws: PynqBufferError.self) { try ints.setElement(128, at: [2]) }
        let (floats, _) = try makeBuffer([3], .float32)
        floats[0] = 1.5
        floats[1] = 3
        floats[2] = 0.1
        #expect(floats[0] == 1.5)
        #expect(floats[1] == 3)
        #expect(floats[2, as: Float.self] == Float(0.1))
        let (halves, _) = try makeBuffer([2], .float16)
        halves[0] = 0.5
        halves[1] = -2
        #expect(halves[0] == 0.5)
        #expect(try halves.toArray(of: Float16.self) == [0.5, -2])
        let (flags, _) = try makeBuffer([2], .bool)
        flags[1] = true
        #expect(flags[0] == false)
        #expect(flags[1] == true)
        #expect(flags[1] == 1)
        #expect(throws: PynqBufferError.self) { try flags.setElement(2, at: [0]) }
        let (wide, _) = try makeBuffer([2], .uint64)
        wide[0] = .unsigned(UInt64.max)
        #expect(wide[0] == .unsigned(UInt64.max))
        #expect(wide[0] != -1)
    }

    @Test func typedViewsAreCheckedOnce() throws {
        let (buf, _) = try makeBuffer([4, 8], .uint32)
        #expect(throws: PynqBufferError.dtypeMismatch(buffer: .uint32, requested: .int32)) { try buf.typed(Int32.self) }
        let typed = try buf.typed(UInt32.self)
        for i in 0..<4 { for j in 0..<8 { typed[i, j] = UInt32(i * 8 + j) } }
        #expect(typed[3, 7] == 31)
        #expect(try typed.toArray() == (0..<32).map(UInt32.init))
        #expect(typed[row: 2].shape == [8])
        #expect(typed[row: 2][5] == 21)
        #expect(typed[1..<3].shape == [2, 8])
        #expect(try typed.element(at: [2, 2]) == 18)
        try typed.setElement(99, at: [0, 0])
        #expect(buf[0, 0] == 99)
        #expect(throws: PynqBufferError.self) { try typed.setElement(1, at: [4, 0]) }
        let sum = try typed.withUnsafeBufferPointer { $0.reduce(0, +) }
        #expect(sum == (1..<32).reduce(99, +))
    }

    @Test func fillCopyAndAssign() throws {
        let (buf, _) = try makeBuffer([5], .uint32)
        // pynq: input_buffer[:] = range(5)
        try buf.assign(0..<5)
        #expect(try buf.toArray(of: UInt32.self) == [0, 1, 2, 3, 4])
        try buf.copy(from: [UInt32](repeating: 7, count: 5))
        #expect(try buf.toArray(of: UInt32.self) == [7, 7, 7, 7, 7])
        try buf.fill(0)
        #expect(try buf.toArray() == [0, 0, 0, 0, 0])
        try buf.fill(UInt8(3))
        #expect(try buf.toArray(of: UInt32.self) == [3, 3, 3, 3, 3])
        try buf.assign([10, 20, 30, 40, 50].lazy.map { $0 })
        #expect(try buf.toArray(of: UInt32.self) == [10, 20, 30, 40, 50])
        // Wrong count, or a value that does not fit: typed error and nothing changes.
        #expect(throws: PynqBufferError.countMismatch(expected: 5, actual: 4)) { try buf.assign(0..<4) }
        #expect(throws: PynqBufferError.valueNotRepresentable(-1, .uint32)) { try buf.copy(from: [1, 2, 3, 4, -1]) }
        #expect(throws: PynqBufferError.valueNotRepresentable(-1, .uint32)) { try buf.fill(-1) }
        #expect(try buf.toArray(of: UInt32.self) == [10, 20, 30, 40, 50])
        #expect(throws: PynqBufferError.self) { try buf.toArray(of: Int32.self) }
        // Raw bytes in and out.
        try buf.copyBytes([UInt8](repeating: 1, count: 20))
        #expect(try buf.toArray(of: UInt32.self) == [UInt32](repeating: 0x0101_0101, count: 5))
        #expect(try buf.bytes() == [UInt8](repeating: 1, count: 20))
        #expect(throws: PynqBufferError.countMismatch(expected: 20, actual: 3)) { try buf.copyBytes([1, 2, 3]) }
    }

    @Test(arguments: DType.all)
    func fillWritesEveryElementForEveryDType(_ dtype: DType) throws {
        // Odd lengths and offsets exercise the head, 64-bit body and tail of the fill loop.
        let (buf, allocation) = try makeBuffer([67], dtype)
        let value: PynqValue = dtype == .bool ? true : 5
        let window = try buf.slice(axis: 0, 3..<64)
        try window.fill(value)
        let values = try buf.toArray()
        #expect(values[0..<3].allSatisfy { $0 == 0 })
        #expect(values[3..<64].allSatisfy { $0 == value })
        #expect(values[64...].allSatisfy { $0 == 0 })
        // Patterns whose bytes differ (not a memset).
        if dtype.kind != .bool {
            let other: PynqValue = dtype.kind == .float ? -1.5 : (dtype.kind == .signedInteger ? -2 : 0x7F)
            try window.fill(other)
            #expect(try buf.toArray()[3..<64].allSatisfy { $0 == other })
            #expect(try buf.toArray()[64...].allSatisfy { $0 == 0 })
        }
        _ = allocation
    }

    @Test(arguments: [DType.uint16, .int32, .float64, .uint8])
    func longFillsUseTheFastPathAndStayInsideTheView(_ dtype: DType) throws {
        let (buf, _) = try makeBuffer([9001], dtype)
        let value: PynqValue = dtype == .uint8 ? 0x5A : (dtype.kind == .float ? -0.75 : 0x1234)
        let window = try buf.slice(axis: 0, 1..<9000)
        try window.fill(value)
        let values = try buf.toArray()
        #expect(values.first == 0)
        #expect(values.last == 0)
        #expect(values.dropFirst().dropLast().allSatisfy { $0 == value })
    }

    @Test func copyConvertsNumericallyIntoEveryDType() throws {
        for dtype in DType.all {
            let (buf, _) = try makeBuffer([4], dtype)
            if dtype == .bool {
                try buf.copy(from: [true, false, true, true])
                #expect(try buf.toArray() == [1, 0, 1, 1])
                #expect(throws: PynqBufferError.valueNotRepresentable(2, .bool)) { try buf.copy(from: [0, 1, 2, 1]) }
                continue
            }
            try buf.copy(from: [1, 2, 3, 100])
            #expect(try buf.toArray() == [1, 2, 3, 100])
            try buf.copy(from: [Double(4), 5, 6, 7])
            #expect(try buf.toArray() == [4, 5, 6, 7])
            try buf.copy(from: [UInt8(8), 9, 10, 11])
            #expect(try buf.toArray() == [8, 9, 10, 11])
            if dtype.kind == .float {
                try buf.copy(from: [0.5, -1.25, 2, 3])
                #expect(try buf.toArray() == [0.5, -1.25, 2, 3])
            } else {
                #expect(throws: PynqBufferError.valueNotRepresentable(0.5, dtype)) { try buf.copy(from: [1, 2, 3, 0.5]) }
                #expect(try buf.toArray() == [8, 9, 10, 11])
            }
        }
    }

    @Test func bufferToBufferCopy() throws {
        let (a, _) = try makeBuffer([4, 4], .int32)
        let (b, _) = try makeBuffer([16], .int32)
        try b.assign(Int32(0)..<16)
        try a.copy(from: b)
        #expect(a[3, 3] == 15)
        // Strided source and destination.
        let column = try a.slice(axis: 1, 1..<2)
        let (c, _) = try makeBuffer([4], .int32)
        try c.copy(from: column)
        #expect(try c.toArray(of: Int32.self) == [1, 5, 9, 13])
        try column.copy(from: try b.slice(axis: 0, 12..<16))
        #expect(try a.toArray(of: Int32.self) == [0, 12, 2, 3, 4, 13, 6, 7, 8, 14, 10, 11, 12, 15, 14, 15])
        let (wrongType, _) = try makeBuffer([16], .uint32)
        #expect(throws: PynqBufferError.dtypeMismatch(buffer: .int32, requested: .uint32)) { try a.copy(from: wrongType) }
        #expect(throws: PynqBufferError.countMismatch(expected: 16, actual: 4)) { try a.copy(from: c) }
    }
}

@Suite struct PynqBufferSpanTests {
    @available(macOS 26, *)
    @Test func spansBorrowContiguousViews() throws {
        let (buf, _) = try makeBuffer([2, 8], .uint32)
        try buf.assign(UInt32(0)..<16)
        let total = try buf.withSpan(of: UInt32.self) { span in
            var sum: UInt32 = 0
            for i in span.indices { sum += span[i] }
            return sum
        }
        #expect(total == 120)
        try buf[row: 1].withMutableSpan(of: UInt32.self) { span in span[0] = 100 }
        #expect(buf[1, 0] == 100)
        #expect(try buf.withBytes { $0.byteCount } == 64)
        try buf.withMutableBytes { bytes in bytes.storeBytes(of: 7, toByteOffset: 4, as: UInt32.self) }
        #expect(buf[0, 1] == 7)
        let typed = try buf.typed(UInt32.self)
        #expect(try typed.withSpan { $0.count } == 16)
        try typed.withMutableSpan { $0[15] = 1 }
        #expect(typed[1, 7] == 1)
        #expect(throws: PynqBufferError.dtypeMismatch(buffer: .uint32, requested: .float32)) {
            try buf.withSpan(of: Float.self) { $0.count }
        }
        #expect(throws: PynqBufferError.self) { try buf.slice(axis: 1, 0..<4).withSpan(of: UInt32.self) { $0.count } }
        buf.free()
        #expect(throws: PynqBufferError.freed) { try buf.withBytes { $0.byteCount } }
    }
}
