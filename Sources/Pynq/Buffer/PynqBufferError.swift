/// What went wrong with a buffer operation, with the context needed to fix it.
public enum PynqBufferError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The dtype string is not one numpy (as supported here) knows.
    case unknownDType(String)
    /// A big-endian dtype (`">u4"`); buffers hold elements in the host's little-endian order.
    case unsupportedByteOrder(String)
    /// The shape has no dimensions, a zero or negative extent, or more elements than fit in memory.
    case invalidShape([Int], reason: String)
    /// The backend's allocation is smaller than the shape needs.
    case allocationTooSmall(needed: Int, available: Int)
    /// The buffer (or the buffer it is a view of) was freed with `free()`.
    case freed
    /// Typed access with a Swift type whose dtype is not the buffer's.
    case dtypeMismatch(buffer: DType, requested: DType)
    /// The operation needs C-contiguous memory and this view is strided.
    case notContiguous(shape: [Int], strides: [Int])
    /// A copy or assignment with a different number of elements than the buffer holds.
    case countMismatch(expected: Int, actual: Int)
    /// An element index outside the shape, or with the wrong number of indices.
    case indexOutOfRange(index: [Int], shape: [Int])
    /// A slice outside the extent of the axis it slices.
    case sliceOutOfRange(axis: Int, lower: Int, upper: Int, extent: Int)
    /// A value the buffer's dtype cannot represent exactly (`-1` into `uint32`, `1.5` into `int32`).
    case valueNotRepresentable(PynqValue, DType)
    /// `reinterpreted(as:)` between element sizes the view's layout does not allow.
    case cannotReinterpret(from: DType, to: DType, reason: String)

    public var description: String {
        switch self {
        case .unknownDType(let text):
            return "unknown dtype '\(text)': use one of \(DType.acceptedForms)"
        case .unsupportedByteOrder(let text):
            return "dtype '\(text)' is big-endian: buffers hold little-endian elements; "
                + "use '<\(text.dropFirst())' and swap bytes yourself"
        case .invalidShape(let shape, let reason):
            return "invalid shape \(shape): \(reason)"
        case .allocationTooSmall(let needed, let available):
            return "the allocation holds \(available) bytes but the shape needs \(needed): allocate at least \(needed) bytes"
        case .freed:
            return "the buffer was freed with free(): allocate a new buffer"
        case .dtypeMismatch(let buffer, let requested):
            return "the buffer holds \(buffer) elements, not \(requested): "
                + "use the matching Swift type or reinterpreted(as:) to view the bytes as \(requested)"
        case .notContiguous(let shape, let strides):
            return "the view (shape \(shape), strides \(strides)) is not contiguous: "
                + "copy it with toArray() or use the base buffer"
        case .countMismatch(let expected, let actual):
            return "the buffer has \(expected) elements but \(actual) were given: pass exactly \(expected)"
        case .indexOutOfRange(let index, let shape):
            return "index \(index) is out of range for shape \(shape): each index must be in 0..<extent, one per axis"
        case .sliceOutOfRange(let axis, let lower, let upper, let extent):
            return "slice \(lower)..<\(upper) on axis \(axis) is out of range 0..<\(extent)"
        case .valueNotRepresentable(let value, let dtype):
            return "\(value) cannot be stored exactly as \(dtype): convert it explicitly first"
        case .cannotReinterpret(let from, let to, let reason):
            return "cannot view \(from) elements as \(to): \(reason)"
        }
    }
}
