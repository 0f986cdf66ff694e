/// A Swift type that can be an element of a `PynqBuffer`: fixed-size, trivially copyable, with a numpy dtype.
///
/// `UInt8`…`UInt64`, `Int8`…`Int64`, `Int`, `UInt`, `Float16` (where Swift has it), `Float`, `Double` and
/// `Bool` conform. Typed access (`buf.typed(UInt32.self)`, `buf[0, as: UInt32.self]`) requires the
/// buffer's dtype to be exactly `pynqDType`; use `reinterpreted(as:)` to view bytes as another type.
public protocol PynqElement: BitwiseCopyable, Sendable, Equatable {
    /// The numpy dtype with this type's layout.
    static var pynqDType: DType { get }
    /// The value as a run-time typed scalar.
    var pynqValue: PynqValue { get }
    /// The value of `value` if this type represents it exactly.
    init?(exactly value: PynqValue)
}

/// Integer element types share their conversions.
public protocol PynqIntegerElement: PynqElement, FixedWidthInteger {}

extension PynqIntegerElement {
    public var pynqValue: PynqValue {
        Self.isSigned ? .signed(Int64(truncatingIfNeeded: self)) : .unsigned(UInt64(truncatingIfNeeded: self))
    }

    public init?(exactly value: PynqValue) {
        switch value.widened {
        case .float32: return nil  // widened away
        case .bool(let flag): self = flag ? 1 : 0
        case .signed(let number): guard let converted = Self(exactly: number) else { return nil }; self = converted
        case .unsigned(let number): guard let converted = Self(exactly: number) else { return nil }; self = converted
        case .float(let number): guard let converted = Self(exactly: number) else { return nil }; self = converted
        }
    }
}

extension UInt8: PynqIntegerElement { public static var pynqDType: DType { .uint8 } }
extension UInt16: PynqIntegerElement { public static var pynqDType: DType { .uint16 } }
extension UInt32: PynqIntegerElement { public static var pynqDType: DType { .uint32 } }
extension UInt64: PynqIntegerElement { public static var pynqDType: DType { .uint64 } }
extension UInt: PynqIntegerElement { public static var pynqDType: DType { MemoryLayout<UInt>.size == 8 ? .uint64 : .uint32 } }
extension Int8: PynqIntegerElement { public static var pynqDType: DType { .int8 } }
extension Int16: PynqIntegerElement { public static var pynqDType: DType { .int16 } }
extension Int32: PynqIntegerElement { public static var pynqDType: DType { .int32 } }
extension Int64: PynqIntegerElement { public static var pynqDType: DType { .int64 } }
extension Int: PynqIntegerElement { public static var pynqDType: DType { MemoryLayout<Int>.size == 8 ? .int64 : .int32 } }

/// Floating-point element types share their conversions.
public protocol PynqFloatElement: PynqElement, BinaryFloatingPoint {}

extension PynqFloatElement {
    public var pynqValue: PynqValue { Self.significandBitCount > 23 ? .float(Double(self)) : .float32(Float(self)) }

    /// Numbers convert to the nearest representable value (floating-point rounding, as numpy does).
    public init?(exactly value: PynqValue) {
        switch value {
        case .bool(let flag): self = flag ? 1 : 0
        case .signed(let number): self = Self(number)
        case .unsigned(let number): self = Self(number)
        case .float(let number): self = Self(number)
        case .float32(let number): self = Self(number)
        }
    }
}

extension Float: PynqFloatElement { public static var pynqDType: DType { .float32 } }
extension Double: PynqFloatElement { public static var pynqDType: DType { .float64 } }
#if !((os(macOS) || targetEnvironment(macCatalyst)) && arch(x86_64))
extension Float16: PynqFloatElement { public static var pynqDType: DType { .float16 } }
#endif

extension Bool: PynqElement {
    public static var pynqDType: DType { .bool }
    public var pynqValue: PynqValue { .bool(self) }

    public init?(exactly value: PynqValue) {
        switch value.widened {
        case .bool(let flag): self = flag
        case .signed(let number) where number == 0 || number == 1: self = number == 1
        case .unsigned(let number) where number == 0 || number == 1: self = number == 1
        case .float(let number) where number == 0 || number == 1: self = number == 1
        default: return nil
        }
    }
}
