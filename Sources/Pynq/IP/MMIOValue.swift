import CMMIO

/// A value type that `MMIO` can read and write at a register offset: `UInt8`…`UInt64`, `Int8`…`Int64`,
/// `Float` and `Double`. Its width (`MemoryLayout<Self>.size`) is the access width, and offsets must be
/// a multiple of it.
///
/// `Int` and `UInt` deliberately do not conform, so that `mmio.write(5, at: 0)` does not silently become
/// a 64-bit access: spell the width (`UInt32(5)`).
public protocol MMIOValue: BitwiseCopyable, Sendable {
    /// One volatile load of exactly this width from a mapped register.
    static func _mmioLoad(_ address: UnsafeRawPointer) -> Self
    /// One volatile store of exactly this width to a mapped register.
    static func _mmioStore(_ value: Self, _ address: UnsafeMutableRawPointer)
    /// The value from the low `MemoryLayout<Self>.size` bytes of `bits` (little-endian register layout).
    init(_mmioBits bits: UInt64)
    /// The value's bytes as the low bytes of a `UInt64`.
    var _mmioBits: UInt64 { get }
}

extension MMIOValue where Self: FixedWidthInteger {
    @inlinable public init(_mmioBits bits: UInt64) { self.init(truncatingIfNeeded: bits) }
    /// Signed values are sign-extended; only the low `MemoryLayout<Self>.size` bytes are ever stored.
    @inlinable public var _mmioBits: UInt64 { UInt64(truncatingIfNeeded: self) }
}

extension UInt8: MMIOValue {
    @inlinable @inline(__always) public static func _mmioLoad(_ address: UnsafeRawPointer) -> UInt8 { cmmio_load8(address) }
    @inlinable @inline(__always) public static func _mmioStore(_ value: UInt8, _ address: UnsafeMutableRawPointer) { cmmio_store8(address, value) }
}

extension UInt16: MMIOValue {
    @inlinable @inline(__always) public static func _mmioLoad(_ address: UnsafeRawPointer) -> UInt16 { cmmio_load16(address) }
    @inlinable @inline(__always) public static func _mmioStore(_ value: UInt16, _ address: UnsafeMutableRawPointer) { cmmio_store16(address, value) }
}

extension UInt32: MMIOValue {
    @inlinable @inline(__always) public static func _mmioLoad(_ address: UnsafeRawPointer) -> UInt32 { cmmio_load32(address) }
    @inlinable @inline(__always) public static func _mmioStore(_ value: UInt32, _ address: UnsafeMutableRawPointer) { cmmio_store32(address, value) }
}

extension UInt64: MMIOValue {
    @inlinable @inline(__always) public static func _mmioLoad(_ address: UnsafeRawPointer) -> UInt64 { cmmio_load64(address) }
    @inlinable @inline(__always) public static func _mmioStore(_ value: UInt64, _ address: UnsafeMutableRawPointer) { cmmio_store64(address, value) }
}

extension Int8: MMIOValue {
    @inlinable @inline(__always) public static func _mmioLoad(_ address: UnsafeRawPointer) -> Int8 { Int8(bitPattern: cmmio_load8(address)) }
    @inlinable @inline(__always) public static func _mmioStore(_ value: Int8, _ address: UnsafeMutableRawPointer) { cmmio_store8(address, UInt8(bitPattern: value)) }
}

extension Int16: MMIOValue {
    @inlinable @inline(__always) public static func _mmioLoad(_ address: UnsafeRawPointer) -> Int16 { Int16(bitPattern: cmmio_load16(address)) }
    @inlinable @inline(__always) public static func _mmioStore(_ value: Int16, _ address: UnsafeMutableRawPointer) { cmmio_store16(address, UInt16(bitPattern: value)) }
}

extension Int32: MMIOValue {
    @inlinable @inline(__always) public static func _mmioLoad(_ address: UnsafeRawPointer) -> Int32 { Int32(bitPattern: cmmio_load32(address)) }
    @inlinable @inline(__always) public static func _mmioStore(_ value: Int32, _ address: UnsafeMutableRawPointer) { cmmio_store32(address, UInt32(bitPattern: value)) }
}

extension Int64: MMIOValue {
    @inlinable @inline(__always) public static func _mmioLoad(_ address: UnsafeRawPointer) -> Int64 { Int64(bitPattern: cmmio_load64(address)) }
    @inlinable @inline(__always) public static func _mmioStore(_ value: Int64, _ address: UnsafeMutableRawPointer) { cmmio_store64(address, UInt64(bitPattern: value)) }
}

extension Float: MMIOValue {
    @inlinable @inline(__always) public static func _mmioLoad(_ address: UnsafeRawPointer) -> Float { cmmio_load_float(address) }
    @inlinable @inline(__always) public static func _mmioStore(_ value: Float, _ address: UnsafeMutableRawPointer) { cmmio_store_float(address, value) }
    @inlinable public init(_mmioBits bits: UInt64) { self.init(bitPattern: UInt32(truncatingIfNeeded: bits)) }
    @inlinable public var _mmioBits: UInt64 { UInt64(bitPattern) }
}

extension Double: MMIOValue {
    @inlinable @inline(__always) public static func _mmioLoad(_ address: UnsafeRawPointer) -> Double { cmmio_load_double(address) }
    @inlinable @inline(__always) public static func _mmioStore(_ value: Double, _ address: UnsafeMutableRawPointer) { cmmio_store_double(address, value) }
    @inlinable public init(_mmioBits bits: UInt64) { self.init(bitPattern: bits) }
    @inlinable public var _mmioBits: UInt64 { bitPattern }
}
