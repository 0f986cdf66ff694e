import CMMIO
import PynqBackend
import PynqMetadataCore

/// Access to the registers of one IP (or any address range of the device): reads and writes of every
/// integer width, `Float` and `Double` at byte offsets, with bounds and natural alignment checked.
///
/// On memory-mapped backends (Mock, Zynq `/dev/mem`) every access is exactly one volatile load or
/// store of its width (no merged, split or reordered accesses); on backends that reach registers
/// through calls (XRT) the same API goes through `RegisterSpace.read32` / `write32` (8- and 16-bit
/// writes there read, modify and write the containing 32-bit word; 64-bit accesses are two 32-bit
/// accesses, low word first).
///
/// ```swift
/// let status: UInt32 = try ip.mmio.read(at: 0x00)
/// try ip.mmio.write(Float(1.5), at: 0x10)
/// let word = try ip.mmio.read(0x04)            // pynq's mmio.read(4)
/// ```
public struct MMIO: @unchecked Sendable {
    /// Device address of offset 0.
    public let baseAddress: UInt64
    /// Size of the range in bytes.
    public let length: Int
    /// Host mapping of offset 0 when the backend is memory-mapped, else `nil`.
    @usableFromInline let mapping: UnsafeMutableRawPointer?
    /// The backend's register space the MMIO reads and writes (it keeps the mapping alive and serves
    /// the call path).
    public let space: any RegisterSpace
    /// Offset of this MMIO's offset 0 inside `space` (non-zero for windows).
    @usableFromInline let spaceOffset: Int

    /// An MMIO over `space` (a backend's register space, or one of your own).
    public init(space: any RegisterSpace) throws {
        guard space.length >= 0 else { throw MMIOError.invalidLength(space.length) }
        self.baseAddress = space.baseAddress
        self.length = space.length
        self.mapping = space.mappedAddress
        self.space = space
        self.spaceOffset = 0
    }

    private init(window parent: MMIO, offset: Int, length: Int) {
        baseAddress = parent.baseAddress &+ UInt64(offset)
        self.length = length
        mapping = parent.mapping.map { $0 + offset }
        space = parent.space
        spaceOffset = parent.spaceOffset + offset
    }

    /// pynq's `MMIO(base_addr, length, device)`: `length` bytes of registers at device address
    /// `baseAddress` of `device` (default: `Device.active`). A range inside an IP of the loaded overlay
    /// is a window on that IP's registers; any other range is asked of the backend (the Zynq backend
    /// maps `/dev/mem`, others refuse addresses outside their IPs).
    /// - Throws: `MMIOError.invalidLength`, `PynqError.noDevice`, or the backend's error.
    public init(baseAddress: UInt64, length: Int, device: Device? = nil) throws {
        guard length >= 0 else { throw MMIOError.invalidLength(length) }
        let device = try device ?? Device.active
        let end = baseAddress.addingReportingOverflow(UInt64(length))
        if !end.overflow, let ip = device.loadedOverlay?.description.ips.first(where: {
            $0.baseAddress <= baseAddress && end.partialValue <= $0.baseAddress &+ $0.addressRange
        }) {
            self = try MMIO(space: device.backend.registers(for: ip))
                .window(offset: Int(baseAddress - ip.baseAddress), length: length)
            return
        }
        let range = IPBlock(name: "MMIO at \(hex(baseAddress))", type: "", baseAddress: baseAddress, addressRange: UInt64(length))
        self = try MMIO(space: device.backend.registers(for: range))
    }

    /// The `length` bytes from `offset` as an MMIO of their own (offsets in it start at 0).
    /// - Throws: `MMIOError.outOfRange`; `.misaligned` for an `offset` that is not a multiple of 4 on a
    ///   backend reached through calls (its accesses are 32-bit words).
    public func window(offset: Int, length: Int) throws -> MMIO {
        try checkRange(offset: offset, width: 1, count: length)
        if mapping == nil && offset % 4 != 0 {
            throw MMIOError.misaligned(offset: offset, width: length, alignment: 4, baseAddress: baseAddress)
        }
        return MMIO(window: self, offset: offset, length: length)
    }

    /// Whether accesses are direct volatile loads and stores on a host mapping (pynq's
    /// `MEMORY_MAPPED`) rather than register calls (`REGISTER_RW`).
    public var isMemoryMapped: Bool { mapping != nil }

    // MARK: Typed access

    /// Reads a `T` at byte `offset` (a multiple of `T`'s size).
    /// - Throws: `MMIOError.outOfRange` / `.misaligned`, or the backend's error on the call path.
    @inlinable @inline(__always)
    public func read<T: MMIOValue>(_ type: T.Type = T.self, at offset: Int) throws -> T {
        let width = MemoryLayout<T>.size
        guard offset >= 0, offset <= length &- width, offset & (width &- 1) == 0 else {
            throw accessError(offset: offset, width: width)
        }
        if let mapping { return T._mmioLoad(UnsafeRawPointer(mapping + offset)) }
        return T(_mmioBits: try readBits(offset: offset, width: width))
    }

    /// Writes `value` at byte `offset` (a multiple of `T`'s size).
    /// - Throws: `MMIOError.outOfRange` / `.misaligned`, or the backend's error on the call path.
    @inlinable @inline(__always)
    public func write<T: MMIOValue>(_ value: T, at offset: Int) throws {
        let width = MemoryLayout<T>.size
        guard offset >= 0, offset <= length &- width, offset & (width &- 1) == 0 else {
            throw accessError(offset: offset, width: width)
        }
        if let mapping { return T._mmioStore(value, mapping + offset) }
        try writeBits(value._mmioBits, offset: offset, width: width)
    }

    // MARK: Bulk access

    /// Reads `buffer.count` consecutive `T`s starting at `offset`, one volatile access each.
    @inlinable
    public func read<T: MMIOValue>(into buffer: UnsafeMutableBufferPointer<T>, at offset: Int) throws {
        let width = MemoryLayout<T>.size
        try checkRange(offset: offset, width: width, count: buffer.count)
        for i in 0..<buffer.count {
            let at = offset + i * width
            if let mapping {
                buffer[i] = T._mmioLoad(UnsafeRawPointer(mapping + at))
            } else {
                buffer[i] = T(_mmioBits: try readBits(offset: at, width: width))
            }
        }
    }

    /// Reads `count` consecutive `T`s starting at `offset`.
    @inlinable
    public func read<T: MMIOValue>(_ type: T.Type = T.self, count: Int, at offset: Int) throws -> [T] {
        let width = MemoryLayout<T>.size
        try checkRange(offset: offset, width: width, count: count)
        return try [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            try read(into: UnsafeMutableBufferPointer(rebasing: buffer[0..<count]), at: offset)
            initialized = count
        }
    }

    /// Writes `values` to consecutive `T`s starting at `offset`, one volatile access each, in order.
    /// Nothing is written if the range is out of bounds or misaligned.
    @inlinable
    public func write<T: MMIOValue, C: Collection<T>>(contentsOf values: C, at offset: Int) throws {
        let width = MemoryLayout<T>.size
        try checkRange(offset: offset, width: width, count: values.count)
        var at = offset
        for value in values {
            if let mapping {
                T._mmioStore(value, mapping + at)
            } else {
                try writeBits(value._mmioBits, offset: at, width: width)
            }
            at += width
        }
    }

    // MARK: pynq-compatible access

    /// Word order of pynq's 8-byte reads.
    public enum WordOrder: Sendable, Hashable {
        /// The word at `offset` is the low half (pynq's default).
        case little
        /// The word at `offset` is the high half.
        case big
    }

    /// pynq's `mmio.read(offset, length, word_order)`: an unsigned integer of `length` bytes
    /// (1, 2, 4 or 8). Unlike pynq, 1- and 2-byte reads honour the byte offset (pynq always reads
    /// the aligned word and masks it). 8-byte reads are two 32-bit reads at a 4-aligned offset.
    public func read(_ offset: Int = 0, length: Int = 4, wordOrder: WordOrder = .little) throws -> UInt64 {
        switch length {
        case 1: return UInt64(try read(UInt8.self, at: offset))
        case 2: return UInt64(try read(UInt16.self, at: offset))
        case 4: return UInt64(try read(UInt32.self, at: offset))
        case 8:
            try checkRange(offset: offset, width: 4, count: 2)
            let first = UInt64(try read(UInt32.self, at: offset))
            let second = UInt64(try read(UInt32.self, at: offset + 4))
            return wordOrder == .little ? second << 32 | first : first << 32 | second
        default: throw MMIOError.unsupportedLength(length)
        }
    }

    /// pynq's `mmio.write(offset, int)`: writes the 32-bit word at `offset` (4-aligned). `value` may be
    /// anything from `Int32.min` to `UInt32.max`; negative values are written as two's complement.
    public func write(_ offset: Int, _ value: Int) throws {
        guard value >= Int(Int32.min), value <= Int(UInt32.max) else {
            throw MMIOError.valueOutOfRange(value: value, bits: 32)
        }
        try write(UInt32(truncatingIfNeeded: value), at: offset)
    }

    /// pynq's `mmio.write(offset, bytes)`: writes `bytes` (a multiple of 4 long) word by word, little-endian,
    /// starting at the 4-aligned `offset`.
    public func write(_ offset: Int, _ bytes: [UInt8]) throws {
        guard bytes.count % 4 == 0 else { throw MMIOError.unalignedData(byteCount: bytes.count) }
        try checkRange(offset: offset, width: 4, count: bytes.count / 4)
        let words = stride(from: 0, to: bytes.count, by: 4).map { i in
            UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24
        }
        try write(contentsOf: words, at: offset)
    }

    // MARK: Checks and the call path

    /// The error for an access that failed the bounds or alignment check.
    @usableFromInline @inline(never)
    func accessError(offset: Int, width: Int) -> MMIOError {
        if offset < 0 || offset > length - width {
            return .outOfRange(offset: offset, width: width, length: length, baseAddress: baseAddress)
        }
        return .misaligned(offset: offset, width: width, alignment: width, baseAddress: baseAddress)
    }

    /// Throws unless `count` accesses of `width` bytes from `offset` are all in range and aligned.
    @usableFromInline
    func checkRange(offset: Int, width: Int, count: Int) throws {
        guard count >= 0 else { throw MMIOError.outOfRange(offset: offset, width: width * count, length: length, baseAddress: baseAddress) }
        guard offset >= 0, count <= (Int.max - offset) / max(width, 1), offset + width * count <= length else {
            throw MMIOError.outOfRange(offset: offset, width: width * count, length: length, baseAddress: baseAddress)
        }
        guard offset % width == 0 else {
            throw MMIOError.misaligned(offset: offset, width: width, alignment: width, baseAddress: baseAddress)
        }
    }

    /// Reads `width` bytes at the checked `offset` through register calls.
    @usableFromInline
    func readBits(offset windowOffset: Int, width: Int) throws -> UInt64 {
        let offset = spaceOffset + windowOffset
        switch width {
        case 8:
            let low = UInt64(try space.read32(offset: offset))
            return UInt64(try space.read32(offset: offset + 4)) << 32 | low
        case 4:
            return UInt64(try space.read32(offset: offset))
        default:
            let word = try space.read32(offset: offset & ~3)
            let shift = UInt32((offset & 3) * 8)
            return UInt64((word >> shift) & (width == 1 ? 0xFF : 0xFFFF))
        }
    }

    /// Writes the low `width` bytes of `bits` at the checked `offset` through register calls.
    @usableFromInline
    func writeBits(_ bits: UInt64, offset windowOffset: Int, width: Int) throws {
        let offset = spaceOffset + windowOffset
        switch width {
        case 8:
            try space.write32(offset: offset, UInt32(truncatingIfNeeded: bits))
            try space.write32(offset: offset + 4, UInt32(truncatingIfNeeded: bits >> 32))
        case 4:
            try space.write32(offset: offset, UInt32(truncatingIfNeeded: bits))
        default:
            let wordOffset = offset & ~3
            let shift = UInt32((offset & 3) * 8)
            let mask: UInt32 = (width == 1 ? 0xFF : 0xFFFF) << shift
            let word = try space.read32(offset: wordOffset)
            try space.write32(offset: wordOffset, (word & ~mask) | (UInt32(truncatingIfNeeded: bits) << shift & mask))
        }
    }
}
