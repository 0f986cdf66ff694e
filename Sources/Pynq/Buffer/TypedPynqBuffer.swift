import PynqBackend

/// A `PynqBuffer` whose element type `T` was checked once, so element access is a bounds check and a
/// load or store: the fast, typed way in (`let a = try buf.typed(UInt32.self); a[3] = 7`).
///
/// It is a view: it shares memory, lifetime and `free()` with the buffer it was made from (``buffer``).
/// Subscripts trap on misuse like `Array`'s; the throwing methods throw ``PynqBufferError``.
public struct TypedPynqBuffer<T: PynqElement>: Sendable {
    /// The untyped buffer this view reads and writes.
    public let buffer: PynqBuffer

    /// Views `buffer` as `T`s; throws ``PynqBufferError/dtypeMismatch(buffer:requested:)`` unless
    /// `T`'s dtype is the buffer's.
    public init(_ buffer: PynqBuffer) throws(PynqBufferError) {
        guard T.pynqDType == buffer.dtype else {
            throw .dtypeMismatch(buffer: buffer.dtype, requested: T.pynqDType)
        }
        self.buffer = buffer
    }

    init(unchecked buffer: PynqBuffer) { self.buffer = buffer }

    public var shape: [Int] { buffer.shape }
    public var strides: [Int] { buffer.strides }
    public var count: Int { buffer.count }
    public var nbytes: Int { buffer.nbytes }
    public var dtype: DType { buffer.dtype }
    public var deviceAddress: UInt64 { buffer.deviceAddress }
    public var physicalAddress: UInt64 { buffer.deviceAddress }
    public var isContiguous: Bool { buffer.isContiguous }

    public func flush() throws { try buffer.flush() }
    public func invalidate() throws { try buffer.invalidate() }
    public func syncToDevice() throws { try buffer.syncToDevice() }
    public func syncFromDevice() throws { try buffer.syncFromDevice() }
    /// Frees the memory (see ``PynqBuffer/free()``).
    public func free() { buffer.free() }

    @inlinable @inline(__always)
    func load(_ offset: Int) -> T {
        buffer.checkLive()
        return buffer.base.loadUnaligned(fromByteOffset: offset, as: T.self)
    }

    @inlinable @inline(__always)
    func store(_ value: T, _ offset: Int) {
        buffer.checkLive()
        (buffer.base + offset).storeBytes(of: value, as: T.self)
    }

    /// Element `i` of a 1-d buffer.
    @inlinable
    public subscript(_ i: Int) -> T {
        get { load(buffer.checkedOffset(i)) }
        nonmutating set { store(newValue, buffer.checkedOffset(i)) }
    }

    /// Element `[i, j]` of a 2-d buffer.
    @inlinable
    public subscript(_ i: Int, _ j: Int) -> T {
        get { load(buffer.checkedOffset(i, j)) }
        nonmutating set { store(newValue, buffer.checkedOffset(i, j)) }
    }

    /// Element `[i, j, k]` of a 3-d buffer.
    @inlinable
    public subscript(_ i: Int, _ j: Int, _ k: Int) -> T {
        get { load(buffer.checkedOffset(i, j, k)) }
        nonmutating set { store(newValue, buffer.checkedOffset(i, j, k)) }
    }

    /// The element at `index` (one index per axis).
    @inlinable
    public subscript(_ index: [Int]) -> T {
        get { load(buffer.checkedOffset(index)) }
        nonmutating set { store(newValue, buffer.checkedOffset(index)) }
    }

    /// Rows `range` as a view (`a[0..<64]`).
    public subscript<R: RangeExpression<Int>>(_ range: R) -> TypedPynqBuffer<T> {
        TypedPynqBuffer(unchecked: buffer[range])
    }

    /// Row `index` as an (n-1)-d view.
    public subscript(row index: Int) -> TypedPynqBuffer<T> {
        TypedPynqBuffer(unchecked: buffer[row: index])
    }

    /// The element at `index`; throws for a wrong index or a freed buffer.
    public func element(at index: [Int]) throws(PynqBufferError) -> T { try buffer.element(at: index, as: T.self) }

    /// Stores `value` at `index`; throws for a wrong index or a freed buffer.
    public func setElement(_ value: T, at index: [Int]) throws(PynqBufferError) {
        let offset = try buffer.throwingOffset(index)
        (buffer.base + offset).storeBytes(of: value, as: T.self)
    }

    /// Sets every element to `value` (memset speed on contiguous views).
    public func fill(_ value: T) throws(PynqBufferError) { try buffer.fill(value.pynqValue) }

    /// Copies `source` in row-major order (one `memcpy` when contiguous); count must match.
    @inlinable
    public func copy<S: Sequence<T>>(from source: S) throws(PynqBufferError) { try buffer.copy(from: source) }

    /// Assigns `sequence` in row-major order (count must match).
    @inlinable
    public func assign<S: Sequence<T>>(_ sequence: S) throws(PynqBufferError) { try buffer.copy(from: sequence) }

    /// The elements in row-major order.
    public func toArray() throws(PynqBufferError) -> [T] { try buffer.toArray(of: T.self) }

    /// Calls `body` with the elements (contiguous views only).
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<T>) throws -> R) throws -> R {
        try buffer.withUnsafeBufferPointer(as: T.self, body)
    }

    /// Calls `body` with the writable elements (contiguous views only).
    public func withUnsafeMutableBufferPointer<R>(_ body: (UnsafeMutableBufferPointer<T>) throws -> R) throws -> R {
        try buffer.withUnsafeMutableBufferPointer(as: T.self, body)
    }
}

extension TypedPynqBuffer: CustomStringConvertible {
    public var description: String { buffer.description }
}
