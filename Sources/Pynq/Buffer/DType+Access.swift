// Reading and writing one element of a run-time dtype at a raw address.

extension DType {
    /// The element at `address` (any alignment).
    @inlinable @inline(__always)
    func load(from address: UnsafeRawPointer) -> PynqValue {
        switch (kind, itemSize) {
        case (.bool, _): return .bool(address.load(as: UInt8.self) != 0)
        case (.unsignedInteger, 1): return .unsigned(UInt64(address.load(as: UInt8.self)))
        case (.unsignedInteger, 2): return .unsigned(UInt64(address.loadUnaligned(as: UInt16.self)))
        case (.unsignedInteger, 4): return .unsigned(UInt64(address.loadUnaligned(as: UInt32.self)))
        case (.unsignedInteger, _): return .unsigned(address.loadUnaligned(as: UInt64.self))
        case (.signedInteger, 1): return .signed(Int64(address.load(as: Int8.self)))
        case (.signedInteger, 2): return .signed(Int64(address.loadUnaligned(as: Int16.self)))
        case (.signedInteger, 4): return .signed(Int64(address.loadUnaligned(as: Int32.self)))
        case (.signedInteger, _): return .signed(address.loadUnaligned(as: Int64.self))
        case (.float, 2): return .float32(DType.loadHalf(from: address))
        case (.float, 4): return .float32(address.loadUnaligned(as: Float.self))
        case (.float, _): return .float(address.loadUnaligned(as: Double.self))
        }
    }

    /// The little-endian bit pattern of `value` as this dtype (in the low `itemSize` bytes).
    func bitPattern(of value: PynqValue) throws(PynqBufferError) -> UInt64 {
        func exact<T: PynqElement>(_ type: T.Type) throws(PynqBufferError) -> T {
            guard let converted = T(exactly: value) else { throw .valueNotRepresentable(value, self) }
            return converted
        }
        switch (kind, itemSize) {
        case (.bool, _): return try exact(Bool.self) ? 1 : 0
        case (.unsignedInteger, 1): return UInt64(try exact(UInt8.self))
        case (.unsignedInteger, 2): return UInt64(try exact(UInt16.self))
        case (.unsignedInteger, 4): return UInt64(try exact(UInt32.self))
        case (.unsignedInteger, _): return try exact(UInt64.self)
        case (.signedInteger, 1): return UInt64(UInt8(bitPattern: try exact(Int8.self)))
        case (.signedInteger, 2): return UInt64(UInt16(bitPattern: try exact(Int16.self)))
        case (.signedInteger, 4): return UInt64(UInt32(bitPattern: try exact(Int32.self)))
        case (.signedInteger, _): return UInt64(bitPattern: try exact(Int64.self))
        case (.float, 2): return UInt64(try DType.halfBits(of: value, self))
        case (.float, 4): return UInt64(try exact(Float.self).bitPattern)
        case (.float, _): return try exact(Double.self).bitPattern
        }
    }

    /// Calls `visitor` with the Swift type of this dtype's elements; nil for `float16` (Swift's `Float16`
    /// is not on every platform, so callers take a run-time path for it).
    func dispatch<V: DTypeVisitor>(_ visitor: V) throws(PynqBufferError) -> V.Result? {
        switch (kind, itemSize) {
        case (.bool, _): return try visitor.visit(Bool.self)
        case (.unsignedInteger, 1): return try visitor.visit(UInt8.self)
        case (.unsignedInteger, 2): return try visitor.visit(UInt16.self)
        case (.unsignedInteger, 4): return try visitor.visit(UInt32.self)
        case (.unsignedInteger, _): return try visitor.visit(UInt64.self)
        case (.signedInteger, 1): return try visitor.visit(Int8.self)
        case (.signedInteger, 2): return try visitor.visit(Int16.self)
        case (.signedInteger, 4): return try visitor.visit(Int32.self)
        case (.signedInteger, _): return try visitor.visit(Int64.self)
        case (.float, 2): return nil
        case (.float, 4): return try visitor.visit(Float.self)
        case (.float, _): return try visitor.visit(Double.self)
        }
    }

    /// Stores `value` converted to this dtype at `address`; throws when it is not representable.
    @inline(__always)
    func store(_ value: PynqValue, to address: UnsafeMutableRawPointer) throws(PynqBufferError) {
        storeBits(try bitPattern(of: value), to: address)
    }

    /// Stores the low `itemSize` bytes of `bits` at `address`.
    @inline(__always)
    func storeBits(_ bits: UInt64, to address: UnsafeMutableRawPointer) {
        switch itemSize {
        case 1: address.storeBytes(of: UInt8(truncatingIfNeeded: bits), as: UInt8.self)
        case 2: address.storeBytes(of: UInt16(truncatingIfNeeded: bits), as: UInt16.self)
        case 4: address.storeBytes(of: UInt32(truncatingIfNeeded: bits), as: UInt32.self)
        default: address.storeBytes(of: bits, as: UInt64.self)
        }
    }

    #if !((os(macOS) || targetEnvironment(macCatalyst)) && arch(x86_64))
    @usableFromInline
    static func loadHalf(from address: UnsafeRawPointer) -> Float { Float(address.loadUnaligned(as: Float16.self)) }
    static func halfBits(of value: PynqValue, _ dtype: DType) throws(PynqBufferError) -> UInt16 {
        guard let half = Float16(exactly: value) else { throw .valueNotRepresentable(value, dtype) }
        return half.bitPattern
    }
    #else
    @usableFromInline
    static func loadHalf(from address: UnsafeRawPointer) -> Float {
        let bits = address.loadUnaligned(as: UInt16.self)
        let sign: Float = bits & 0x8000 != 0 ? -1 : 1
        let exponent = Int(bits >> 10) & 0x1F, mantissa = Float(bits & 0x3FF)
        if exponent == 0 { return sign * mantissa * 0x1p-24 }
        if exponent == 31 { return mantissa == 0 ? sign * .infinity : .nan }
        return sign * (1 + mantissa / 1024) * Float(sign: .plus, exponent: exponent - 15, significand: 1)
    }
    static func halfBits(of value: PynqValue, _ dtype: DType) throws(PynqBufferError) -> UInt16 {
        throw .unknownDType("f2 (Float16 is not available on this platform)")
    }
    #endif
}

/// Something done with the Swift element type of a run-time dtype (see `DType.dispatch`).
protocol DTypeVisitor {
    associatedtype Result
    func visit<T: PynqElement>(_ type: T.Type) throws(PynqBufferError) -> Result
}
