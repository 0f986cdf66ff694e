import PynqBackend
import Pynq
import Testing

@Suite("MMIO")
struct MMIOTests {
    static let kinds = [true, false]

    @Test("every type round-trips at every aligned offset", arguments: kinds)
    func roundTrip(mapped: Bool) throws {
        let space = TestRegisterSpace(length: 64, mapped: mapped)
        let mmio = try MMIO(space: space)
        #expect(mmio.isMemoryMapped == mapped)
        for offset in stride(from: 0, to: 64, by: 8) {
            try mmio.write(UInt8(0xA5), at: offset + 1)
            #expect(try mmio.read(UInt8.self, at: offset + 1) == 0xA5)
            try mmio.write(Int8(-3), at: offset + 3)
            #expect(try mmio.read(Int8.self, at: offset + 3) == -3)
            try mmio.write(UInt16(0xBEEF), at: offset + 6)
            #expect(try mmio.read(UInt16.self, at: offset + 6) == 0xBEEF)
            try mmio.write(Int16(-1234), at: offset + 4)
            #expect(try mmio.read(Int16.self, at: offset + 4) == -1234)
            // The neighbours written above survive the narrow writes (the call path reads, modifies, writes).
            #expect(try mmio.read(UInt8.self, at: offset + 1) == 0xA5)
            #expect(try mmio.read(UInt16.self, at: offset + 6) == 0xBEEF)
            try mmio.write(UInt32(0xDEAD_BEEF), at: offset)
            #expect(try mmio.read(UInt32.self, at: offset) == 0xDEAD_BEEF)
            try mmio.write(Int32(-7), at: offset + 4)
            #expect(try mmio.read(Int32.self, at: offset + 4) == -7)
            try mmio.write(Float(-2.75), at: offset + 4)
            #expect(try mmio.read(Float.self, at: offset + 4) == -2.75)
            try mmio.write(UInt64(0x0123_4567_89AB_CDEF), at: offset)
            #expect(try mmio.read(UInt64.self, at: offset) == 0x0123_4567_89AB_CDEF)
            try mmio.write(Int64(-99_999_999_999), at: offset)
            #expect(try mmio.read(Int64.self, at: offset) == -99_999_999_999)
            try mmio.write(Double.pi, at: offset)
            #expect(try mmio.read(Double.self, at: offset) == Double.pi)
        }
    }

    @Test("register layout is little-endian, 64-bit values low word first", arguments: kinds)
    func layout(mapped: Bool) throws {
        let space = TestRegisterSpace(length: 16, mapped: mapped)
        let mmio = try MMIO(space: space)
        try mmio.write(UInt32(0x1122_3344), at: 0)
        #expect(space.bytes(0..<4) == [0x44, 0x33, 0x22, 0x11])
        #expect(try mmio.read(UInt8.self, at: 1) == 0x33)
        #expect(try mmio.read(UInt16.self, at: 2) == 0x1122)
        try mmio.write(UInt64(0xAAAA_BBBB_CCCC_DDDD), at: 8)
        #expect(try mmio.read(UInt32.self, at: 8) == 0xCCCC_DDDD)
        #expect(try mmio.read(UInt32.self, at: 12) == 0xAAAA_BBBB)
    }

    @Test("the call path issues 32-bit calls only, 64-bit as low then high word")
    func callPath() throws {
        let space = TestRegisterSpace(length: 16, mapped: false)
        let mmio = try MMIO(space: space)
        try mmio.write(UInt64(0x0000_0002_0000_0001), at: 8)
        #expect(space.takeLog() == ["w8=1", "w12=2"])
        _ = try mmio.read(UInt8.self, at: 5)
        #expect(space.takeLog() == ["r4"])
        try mmio.write(UInt8(0xFF), at: 6)
        #expect(space.takeLog() == ["r4", "w4=\(0xFF << 16)"])
    }

    @Test("misaligned accesses throw and touch nothing", arguments: kinds)
    func misaligned(mapped: Bool) throws {
        let space = TestRegisterSpace(length: 32, mapped: mapped)
        let mmio = try MMIO(space: space)
        _ = space.takeLog()
        #expect(throws: MMIOError.misaligned(offset: 2, width: 4, alignment: 4, baseAddress: 0x4000_0000)) {
            try mmio.write(UInt32(1), at: 2)
        }
        #expect(throws: MMIOError.misaligned(offset: 4, width: 8, alignment: 8, baseAddress: 0x4000_0000)) {
            _ = try mmio.read(Double.self, at: 4)
        }
        #expect(throws: MMIOError.misaligned(offset: 1, width: 2, alignment: 2, baseAddress: 0x4000_0000)) {
            _ = try mmio.read(Int16.self, at: 1)
        }
        #expect(space.takeLog().isEmpty)
        #expect(space.bytes(0..<32).allSatisfy { $0 == 0 })
    }

    @Test("out-of-range accesses throw with offset, width and range", arguments: kinds)
    func outOfRange(mapped: Bool) throws {
        let mmio = try MMIO(space: TestRegisterSpace(length: 16, mapped: mapped))
        #expect(throws: MMIOError.outOfRange(offset: 16, width: 4, length: 16, baseAddress: 0x4000_0000)) {
            _ = try mmio.read(UInt32.self, at: 16)
        }
        #expect(throws: MMIOError.outOfRange(offset: -4, width: 4, length: 16, baseAddress: 0x4000_0000)) {
            try mmio.write(UInt32(1), at: -4)
        }
        #expect(throws: MMIOError.outOfRange(offset: 12, width: 8, length: 16, baseAddress: 0x4000_0000)) {
            _ = try mmio.read(UInt64.self, at: 12)
        }
        #expect(throws: MMIOError.outOfRange(offset: Int.max, width: 1, length: 16, baseAddress: 0x4000_0000)) {
            _ = try mmio.read(UInt8.self, at: Int.max)
        }
        let error = #expect(throws: MMIOError.self) { _ = try mmio.read(UInt32.self, at: 0x40) }
        #expect(error?.description.contains("0x40") == true)
        #expect(error?.description.contains("0x40000000") == true)
    }

    @Test("bulk reads and writes", arguments: kinds)
    func bulk(mapped: Bool) throws {
        let space = TestRegisterSpace(length: 64, mapped: mapped)
        let mmio = try MMIO(space: space)
        try mmio.write(contentsOf: [UInt32](1...8), at: 16)
        #expect(try mmio.read(UInt32.self, count: 8, at: 16) == [UInt32](1...8))
        try mmio.write(contentsOf: [Float(1.5), -0.25], at: 4)
        var floats = [Float](repeating: 0, count: 2)
        try floats.withUnsafeMutableBufferPointer { try mmio.read(into: $0, at: 4) }
        #expect(floats == [1.5, -0.25])
        // A range that does not fit throws before anything is written.
        #expect(throws: MMIOError.outOfRange(offset: 48, width: 20, length: 64, baseAddress: 0x4000_0000)) {
            try mmio.write(contentsOf: [UInt32](repeating: 9, count: 5), at: 48)
        }
        #expect(try mmio.read(UInt32.self, count: 4, at: 48) == [0, 0, 0, 0])
        #expect(throws: MMIOError.misaligned(offset: 2, width: 4, alignment: 4, baseAddress: 0x4000_0000)) {
            _ = try mmio.read(UInt32.self, count: 2, at: 2)
        }
        #expect(try mmio.read(UInt16.self, count: 0, at: 64) == [])
    }

    @Test("pynq-compatible read(offset, length) honours byte offsets", arguments: kinds)
    func pynqRead(mapped: Bool) throws {
        let mmio = try MMIO(space: TestRegisterSpace(length: 16, mapped: mapped))
        try mmio.write(0, 0x1122_3344)
        try mmio.write(4, 0x5566_7788)
        #expect(try mmio.read() == 0x1122_3344)
        #expect(try mmio.read(4) == 0x5566_7788)
        #expect(try mmio.read(1, length: 1) == 0x33)
        #expect(try mmio.read(2, length: 2) == 0x1122)
        #expect(try mmio.read(0, length: 8) == 0x5566_7788_1122_3344)
        #expect(try mmio.read(0, length: 8, wordOrder: .big) == 0x1122_3344_5566_7788)
        #expect(throws: MMIOError.unsupportedLength(3)) { _ = try mmio.read(0, length: 3) }
        #expect(throws: MMIOError.misaligned(offset: 2, width: 4, alignment: 4, baseAddress: 0x4000_0000)) {
            _ = try mmio.read(2, length: 8)
        }
        #expect(throws: MMIOError.outOfRange(offset: 12, width: 8, length: 16, baseAddress: 0x4000_0000)) {
            _ = try mmio.read(12, length: 8)
        }
    }

    @Test("pynq-compatible write(offset, value) and write(offset, bytes)", arguments: kinds)
    func pynqWrite(mapped: Bool) throws {
        let space = TestRegisterSpace(length: 16, mapped: mapped)
        let mmio = try MMIO(space: space)
        try mmio.write(8, -1)
        #expect(try mmio.read(8) == 0xFFFF_FFFF)
        try mmio.write(0, [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(space.bytes(0..<8) == [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(try mmio.read(4) == 0x0807_0605)
        #expect(throws: MMIOError.valueOutOfRange(value: 1 << 32, bits: 32)) { try mmio.write(0, 1 << 32) }
        #expect(throws: MMIOError.unalignedData(byteCount: 3)) { try mmio.write(0, [1, 2, 3]) }
        #expect(throws: MMIOError.misaligned(offset: 2, width: 4, alignment: 4, baseAddress: 0x4000_0000)) {
            try mmio.write(2, [1, 2, 3, 4])
        }
        #expect(throws: MMIOError.outOfRange(offset: 12, width: 8, length: 16, baseAddress: 0x4000_0000)) {
            try mmio.write(12, [UInt8](repeating: 0, count: 8))
        }
        #expect(space.bytes(12..<16) == [0, 0, 0, 0])
    }

    @Test("the backend's errors pass through the call path")
    func backendErrors() throws {
        // A space whose own bounds are smaller than it claims: the MMIO check passes, the backend refuses.
        final class Refusing: RegisterSpace {
            let ipName = "refusing"
            let baseAddress: UInt64 = 0
            let length = 8
            var mappedAddress: UnsafeMutableRawPointer? { nil }
            func read32(offset: Int) throws -> UInt32 { throw BackendError.unknownIP(name: ipName) }
            func write32(offset: Int, _ value: UInt32) throws { throw BackendError.unknownIP(name: ipName) }
        }
        let mmio = try MMIO(space: Refusing())
        #expect(throws: BackendError.unknownIP(name: "refusing")) { _ = try mmio.read(UInt32.self, at: 0) }
        #expect(throws: BackendError.unknownIP(name: "refusing")) { try mmio.write(UInt16(1), at: 2) }
    }
}

@Suite("MMIO windows")
struct MMIOWindowTests {
    @Test("a window is a sub-range with its own offsets and bounds", arguments: [true, false])
    func window(mapped: Bool) throws {
        let space = TestRegisterSpace(length: 64, mapped: mapped)
        let mmio = try MMIO(space: space)
        let window = try mmio.window(offset: 16, length: 16)
        #expect(window.baseAddress == 0x4000_0010 && window.length == 16)
        try window.write(UInt32(7), at: 4)
        try window.write(UInt8(9), at: 1)
        #expect(try mmio.read(UInt32.self, at: 20) == 7)
        #expect(try mmio.read(UInt8.self, at: 17) == 9)
        #expect(throws: MMIOError.outOfRange(offset: 16, width: 4, length: 16, baseAddress: 0x4000_0010)) {
            _ = try window.read(UInt32.self, at: 16)
        }
        #expect(throws: MMIOError.outOfRange(offset: 60, width: 8, length: 64, baseAddress: 0x4000_0000)) {
            _ = try mmio.window(offset: 60, length: 8)
        }
        if mapped {
            #expect(try mmio.window(offset: 2, length: 4).read(UInt16.self, at: 0) == 0)
        } else {
            #expect(throws: MMIOError.misaligned(offset: 2, width: 4, alignment: 4, baseAddress: 0x4000_0000)) {
                _ = try mmio.window(offset: 2, length: 4)
            }
        }
    }
}
