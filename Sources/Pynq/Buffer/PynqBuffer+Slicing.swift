// Views that share memory: slices along an axis, rows, reshapes and reinterpretations.

extension PynqBuffer {
    /// The view of `range` (with `step`) along `axis`: shares memory, has its own ``deviceAddress``.
    /// Throws for an axis or range outside the shape, or a step below 1.
    public func slice(axis: Int, _ range: Range<Int>, step: Int = 1) throws(PynqBufferError) -> PynqBuffer {
        guard axis >= 0, axis < shape.count else {
            throw .indexOutOfRange(index: [axis], shape: shape)
        }
        guard range.lowerBound >= 0, range.upperBound <= shape[axis], step >= 1 else {
            throw .sliceOutOfRange(axis: axis, lower: range.lowerBound, upper: range.upperBound, extent: shape[axis])
        }
        var newShape = shape
        var newStrides = strides
        newShape[axis] = (range.count + step - 1) / step
        newStrides[axis] = strides[axis] * step
        return PynqBuffer(
            storage: storage, dtype: dtype, shape: newShape, strides: newStrides,
            byteOffset: byteOffset + range.lowerBound * strides[axis])
    }

    /// The (n-1)-d view at `index` along `axis` (numpy's `buf[i]` for axis 0, `buf[:, i]` for axis 1).
    public func index(axis: Int, _ index: Int) throws(PynqBufferError) -> PynqBuffer {
        guard axis >= 0, axis < shape.count, shape.count > 1, index >= 0, index < shape[axis] else {
            throw .indexOutOfRange(index: [index], shape: shape)
        }
        var newShape = shape
        var newStrides = strides
        newShape.remove(at: axis)
        newStrides.remove(at: axis)
        return PynqBuffer(
            storage: storage, dtype: dtype, shape: newShape, strides: newStrides,
            byteOffset: byteOffset + index * strides[axis])
    }

    /// Rows `range` (the first axis): `buf[0..<64]`, `buf[..<64]`, `buf[8...]`. Traps when out of range.
    public subscript<R: RangeExpression<Int>>(_ range: R) -> PynqBuffer {
        let bounds = range.relative(to: 0..<shape[0])
        do {
            return try slice(axis: 0, bounds)
        } catch {
            preconditionFailure("PynqBuffer: \(error)")
        }
    }

    /// The whole buffer as a view (`buf[...]`).
    public subscript(_: UnboundedRange) -> PynqBuffer {
        PynqBuffer(storage: storage, dtype: dtype, shape: shape, strides: strides, byteOffset: byteOffset)
    }

    /// Rows `rows` and columns `columns` of a 2-d (or higher) buffer: `buf[0..<2, 4..<8]`. Traps when out of range.
    public subscript(_ rows: Range<Int>, _ columns: Range<Int>) -> PynqBuffer {
        do {
            return try slice(axis: 0, rows).slice(axis: 1, columns)
        } catch {
            preconditionFailure("PynqBuffer: \(error)")
        }
    }

    /// Row `index` as an (n-1)-d view (numpy's `buf[3]` on a 2-d buffer). Traps when out of range.
    public subscript(row index: Int) -> PynqBuffer {
        do {
            return try self.index(axis: 0, index)
        } catch {
            preconditionFailure("PynqBuffer: \(error)")
        }
    }

    /// The same elements with another shape (numpy's `reshape` on a contiguous array).
    public func reshaped(_ newShape: [Int]) throws(PynqBufferError) -> PynqBuffer {
        guard isContiguous else { throw .notContiguous(shape: shape, strides: strides) }
        let bytes = try PynqBuffer.byteCount(shape: newShape, dtype: dtype)
        guard bytes == nbytes else { throw .countMismatch(expected: count, actual: bytes / dtype.itemSize) }
        return PynqBuffer(
            storage: storage, dtype: dtype, shape: newShape,
            strides: PynqBuffer.rowMajorStrides(shape: newShape, itemSize: dtype.itemSize), byteOffset: byteOffset)
    }

    /// The same bytes viewed as `newType` (numpy's `view(dtype)`): explicit reinterpretation, no conversion.
    /// With a different element size the last axis must be contiguous and its byte length a multiple of
    /// the new size; it is rescaled (a `(4, 8)` `uint8` view becomes `(4, 2)` as `uint32`).
    public func reinterpreted(as newType: DType) throws(PynqBufferError) -> PynqBuffer {
        if newType.itemSize == dtype.itemSize {
            return PynqBuffer(storage: storage, dtype: newType, shape: shape, strides: strides, byteOffset: byteOffset)
        }
        let last = shape.count - 1
        guard strides[last] == dtype.itemSize || shape[last] == 1 else {
            throw .cannotReinterpret(from: dtype, to: newType, reason: "the last axis is strided")
        }
        let lastBytes = shape[last] * dtype.itemSize
        guard lastBytes % newType.itemSize == 0, byteOffset % newType.itemSize == 0 else {
            throw .cannotReinterpret(
                from: dtype, to: newType,
                reason: "the last axis holds \(lastBytes) bytes at offset \(byteOffset), "
                    + "not a multiple of \(newType.itemSize)")
        }
        var newShape = shape
        var newStrides = strides
        newShape[last] = lastBytes / newType.itemSize
        newStrides[last] = newType.itemSize
        return PynqBuffer(storage: storage, dtype: newType, shape: newShape, strides: newStrides, byteOffset: byteOffset)
    }

    /// The same bytes as elements of `type` (see ``reinterpreted(as:)-(DType)``).
    public func reinterpreted<T: PynqElement>(as type: T.Type) throws(PynqBufferError) -> TypedPynqBuffer<T> {
        try TypedPynqBuffer(reinterpreted(as: T.pynqDType))
    }

    /// A typed view; throws ``PynqBufferError/dtypeMismatch(buffer:requested:)`` unless `T` is the dtype.
    public func typed<T: PynqElement>(_ type: T.Type) throws(PynqBufferError) -> TypedPynqBuffer<T> {
        try TypedPynqBuffer(self)
    }
}
