/// One element of a buffer whose element type is known only at run time (numpy's scalar).
///
/// Untyped subscripts (`buf[0] = 5`, `print(buf[1, 2])`) read and write `PynqValue`s; integer, float and
/// boolean literals convert to it. Equality is numeric: `.unsigned(5) == .signed(5)` and
/// `.float(5) == .signed(5)`. Storing a value into a buffer converts it to the buffer's `DType` and fails
/// (throws, or traps in a subscript setter) when the value is not exactly representable.
public enum PynqValue: Sendable, CustomStringConvertible, Equatable,
    ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral
{
    case bool(Bool)
    case signed(Int64)
    case unsigned(UInt64)
    case float(Double)
    /// A `float32` (or `float16`) element: prints with its own shortest digits (`0.1`, as numpy's `str`).
    case float32(Float)

    @inlinable public init(integerLiteral value: Int64) { self = .signed(value) }
    @inlinable public init(floatLiteral value: Double) { self = .float(value) }
    @inlinable public init(booleanLiteral value: Bool) { self = .bool(value) }

    public var description: String {
        switch self {
        case .bool(let value): return value ? "True" : "False"
        case .signed(let value): return String(value)
        case .unsigned(let value): return String(value)
        case .float(let value): return NumpyFloatFormat.scalarRepr(value, digits: value.description)
        case .float32(let value): return NumpyFloatFormat.scalarRepr(Double(value), digits: value.description)
        }
    }

    /// The value as a Swift `T`, if `T` represents it exactly (`nil` otherwise).
    public func exactly<T: PynqElement>(_ type: T.Type) -> T? { T(exactly: self) }

    /// `.float32` as the `.float` with the same value (exact); other cases unchanged.
    @inlinable
    public var widened: PynqValue {
        if case .float32(let value) = self { return .float(Double(value)) }
        return self
    }

    @inlinable
    public static func == (lhs: PynqValue, rhs: PynqValue) -> Bool {
        switch (lhs.widened, rhs.widened) {
        case (.bool(let a), .bool(let b)): return a == b
        case (.bool(let a), _): return PynqValue.signed(a ? 1 : 0) == rhs
        case (_, .bool(let b)): return lhs == PynqValue.signed(b ? 1 : 0)
        case (.signed(let a), .signed(let b)): return a == b
        case (.unsigned(let a), .unsigned(let b)): return a == b
        case (.signed(let a), .unsigned(let b)), (.unsigned(let b), .signed(let a)): return a >= 0 && UInt64(a) == b
        case (.float(let a), .float(let b)): return a == b
        case (.float(let a), .signed(let b)), (.signed(let b), .float(let a)): return Int64(exactly: a) == b
        case (.float(let a), .unsigned(let b)), (.unsigned(let b), .float(let a)): return UInt64(exactly: a) == b
        case (.float32, _), (_, .float32): return false  // widened away above
        }
    }
}
