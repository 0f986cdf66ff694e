// Element access: untyped (`PynqValue`) and typed (`as: UInt32.self`), trapping subscripts and throwing methods.

extension PynqBuffer {
    // MARK: Offsets

    /// Byte offset (from the allocation's start) of the element at `index`, or nil when out of range.
    @inlinable
    func elementOffset(_ index: [Int]) -> Int? {
        guard index.count == shape.count else { return nil }
        var offset = byteOffset
        for axis in index.indices {
            guard index[axis] >= 0, index[axis] < shape[axis] else { return nil }
            offset += index[axis] * strides[axis]
        }
        return offset
    }

    @inlinable @inline(__always)
    func checkedOffset(_ i: Int) -> Int {
        precondition(shape.count == 1, "PynqBuffer: 1 index for a \(shape.count)-d buffer of shape \(shape)")
        precondition(i >= 0 && i < shape[0], "PynqBuffer: index \(i) out of range for shape \(shape)")
        return byteOffset + i * strides[0]
    }

    @inlinable @inline(__always)
    func checkedOffset(_ i: Int, _ j: Int) -> Int {
        precondition(shape.count == 2, "PynqBuffer: 2 indices for a \(shape.count)-d buffer of shape \(shape)")
        precondition(i >= 0 && i < shape[0] && j >= 0 && j < shape[1],
            "PynqBuffer: index [\(i), \(j)] out of range for shape \(shape)")
        return byteOffset + i * strides[0] + j * strides[1]
    }

    @inlinable @inline(__always)
    func checkedOffset(_ i: Int, _ j: Int, _ k: Int) -> Int {
        precondition(shape.count == 3, "PynqBuffer: 3 indices for a \(shape.count)-d buffer of shape \(shape)")
        precondition(i >= 0 && i < shape[0] && j >= 0 && j < shape[1] && k >= 0 && k < shape[2],
            "PynqBuffer: index [\(i), \(j), \(k)] out of range for shape \(shape)")
        return byteOffset + i * strides[0] + j * strides[1] + k * strides[2]
    }

    @inlinable @inline(__always)
    func checkedOffset(_ index: [Int]) -> Int {
        guard let offset = elementOffset(index) else {
            preconditionFailure("PynqBuffer: index \(index) out of range for shape \(shape)")
        }
        return offset
    }

    @inlinable @inline(__always)
    func checkType<T: PynqElement>(_ type: T.Type) {
        precondition(T.pynqDType == dtype, "PynqBuffer: \(T.self) access to a buffer of \(dtype)")
    }

    func throwingOffset(_ index: [Int]) throws(PynqBufferError) -> Int {
        guard !isFreed else { throw .freed }
        guard let offset = elementOffset(index) else { throw .indexOutOfRange(index: index, shape: shape) }
        return offset
    }

    @inlinable @inline(__always)
    func read(at offset: Int) -> PynqValue {
        checkLive()
        return dtype.load(from: base + offset)
    }

    @usableFromInline
    func write(_ value: PynqValue, at offset: Int) {
        checkLive()
        do {
            try dtype.store(value, to: base + offset)
        } catch {
            preconditionFailure("PynqBuffer: \(error)")
        }
    }

    @inlinable @inline(__always)
    func read<T: PynqElement>(_ type: T.Type, at offset: Int) -> T {
        checkType(type)
        checkLive()
        return base.loadUnaligned(fromByteOffset: offset, as: T.self)
    }

    @inlinable @inline(__always)
    func write<T: PynqElement>(_ value: T, at offset: Int) {
        checkType(T.self)
        checkLive()
        (base + offset).storeBytes(of: value, as: T.self)
    }

    // MARK: Untyped subscripts (trap on misuse, like Array)

    /// The element at `i` of a 1-d buffer, converted to and from the buffer's dtype.
    @inlinable
    public subscript(_ i: Int) -> PynqValue {
        get { read(at: checkedOffset(i)) }
        set { write(newValue, at: checkedOffset(i)) }
    }

    /// The element at `[i, j]` of a 2-d buffer.
    @inlinable
    public subscript(_ i: Int, _ j: Int) -> PynqValue {
        get { read(at: checkedOffset(i, j)) }
        set { write(newValue, at: checkedOffset(i, j)) }
    }

    /// The element at `[i, j, k]` of a 3-d buffer.
    @inlinable
    public subscript(_ i: Int, _ j: Int, _ k: Int) -> PynqValue {
        get { read(at: checkedOffset(i, j, k)) }
        set { write(newValue, at: checkedOffset(i, j, k)) }
    }

    /// The element at `index` (one index per axis).
    @inlinable
    public subscript(_ index: [Int]) -> PynqValue {
        get { read(at: checkedOffset(index)) }
        set { write(newValue, at: checkedOffset(index)) }
    }

    // MARK: Typed subscripts (`T` must be the buffer's dtype)

    /// The element at `i` of a 1-d buffer as `T`; traps unless `T`'s dtype is the buffer's.
    @inlinable
    public subscript<T: PynqElement>(_ i: Int, as type: T.Type) -> T {
        get { read(type, at: checkedOffset(i)) }
        set { write(newValue, at: checkedOffset(i)) }
    }

    /// The element at `[i, j]` of a 2-d buffer as `T`.
    @inlinable
    public subscript<T: PynqElement>(_ i: Int, _ j: Int, as type: T.Type) -> T {
        get { read(type, at: checkedOffset(i, j)) }
        set { write(newValue, at: checkedOffset(i, j)) }
    }

    /// The element at `index` as `T`.
    @inlinable
    public subscript<T: PynqElement>(_ index: [Int], as type: T.Type) -> T {
        get { read(type, at: checkedOffset(index)) }
        set { write(newValue, at: checkedOffset(index)) }
    }

    // MARK: Throwing access

    /// The element at `index`; throws for a wrong index or a freed buffer.
    public func element(at index: [Int]) throws(PynqBufferError) -> PynqValue {
        let offset = try throwingOffset(index)
        return dtype.load(from: base + offset)
    }

    /// The element at `index` as `T`; throws ``PynqBufferError/dtypeMismatch(buffer:requested:)`` unless
    /// `T`'s dtype is the buffer's (a `u4` buffer does not read as `Float`: use `reinterpreted(as:)`).
    public func element<T: PynqElement>(at index: [Int], as type: T.Type) throws(PynqBufferError) -> T {
        guard T.pynqDType == dtype else { throw .dtypeMismatch(buffer: dtype, requested: T.pynqDType) }
        let offset = try throwingOffset(index)
        return base.loadUnaligned(fromByteOffset: offset, as: T.self)
    }

    /// Stores `value` at `index`, converted to the buffer's dtype; throws when the value does not fit
    /// exactly (`-1` into `uint32`), for a wrong index or a freed buffer. Nothing is written on a throw.
    public func setElement(_ value: PynqValue, at index: [Int]) throws(PynqBufferError) {
        let offset = try throwingOffset(index)
        try dtype.store(value, to: base + offset)
    }

    /// Stores `value` at `index`, converted numerically to the buffer's dtype (see ``setElement(_:at:)``).
    public func setElement<T: PynqElement>(_ value: T, at index: [Int]) throws(PynqBufferError) {
        try setElement(value.pynqValue, at: index)
    }
}
