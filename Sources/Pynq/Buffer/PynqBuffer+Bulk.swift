import CPynqFill

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// Whole-buffer operations: fill, copy, assign, read out, and borrowed pointers. Contiguous views take
// memset / memcpy-speed paths; strided views go through their contiguous inner runs.

extension PynqBuffer {
    // MARK: Walking the layout

    /// Calls `body(offset, bytes)` for each maximal run of contiguous bytes of this view, in row-major order.
    func forEachRun(_ body: (_ offset: Int, _ bytes: Int) throws -> Void) rethrows {
        guard count > 0 else { return }
        if isContiguous { return try body(byteOffset, nbytes) }
        // Merge trailing axes that are contiguous into one run.
        var runBytes = dtype.itemSize
        var outer = shape.count
        while outer > 0, strides[outer - 1] == runBytes || shape[outer - 1] == 1 {
            runBytes *= shape[outer - 1]
            outer -= 1
        }
        var index = [Int](repeating: 0, count: outer)
        var offset = byteOffset
        while true {
            try body(offset, runBytes)
            var axis = outer - 1
            while axis >= 0 {
                index[axis] += 1
                offset += strides[axis]
                if index[axis] < shape[axis] { break }
                offset -= index[axis] * strides[axis]
                index[axis] = 0
                axis -= 1
            }
            if axis < 0 { return }
        }
    }

    /// Calls `body(offset)` for each element's byte offset, in row-major order.
    func forEachElementOffset(_ body: (Int) throws -> Void) rethrows {
        let item = dtype.itemSize
        try forEachRun { offset, bytes in
            var position = offset
            let end = offset + bytes
            while position < end {
                try body(position)
                position += item
            }
        }
    }

    // MARK: Fill

    /// Sets every element to `value` converted to the buffer's dtype (`buf.fill(0)`); throws when the
    /// value does not fit exactly (nothing is written then) or the buffer was freed.
    /// Contiguous buffers fill at memset speed.
    public func fill(_ value: PynqValue) throws(PynqBufferError) {
        let bits = try dtype.bitPattern(of: value)
        try pinnedTyped { fillBits(bits) }
    }

    /// Sets every element to `value`, converted numerically to the buffer's dtype (see ``fill(_:)-(PynqValue)``).
    public func fill<T: PynqElement>(_ value: T) throws(PynqBufferError) {
        try fill(value.pynqValue)
    }

    /// Writes the low `itemSize` bytes of `bits` to every element (memory must be pinned).
    func fillBits(_ bits: UInt64) {
        let item = dtype.itemSize
        // Replicate the element to 8 bytes, so any element size fills with one 64-bit pattern.
        var pattern = bits
        var width = item * 8
        while width < 64 {
            pattern |= pattern << UInt64(width)
            width *= 2
        }
        forEachRun { offset, bytes in
            PynqBuffer.fill(base + offset, bytes: bytes, pattern: pattern)
        }
    }

    static func fill(_ start: UnsafeMutableRawPointer, bytes: Int, pattern: UInt64) {
        let byte = UInt8(truncatingIfNeeded: pattern)
        if pattern == UInt64(byte) &* 0x0101_0101_0101_0101 {
            memset(start, Int32(byte), bytes)
            return
        }
        // Elements up to the first 8-byte boundary, then 64-bit stores, then the tail.
        var head = 0
        let misalignment = Int(bitPattern: start) & 7
        if misalignment != 0 { head = Swift.min(bytes, 8 - misalignment) }
        // `head` is a whole number of elements: start is element-aligned and 8 is a multiple of itemSize.
        let rotated = misalignment == 0 ? pattern : (pattern >> UInt64(head * 8)) | (pattern << UInt64(64 - head * 8))
        var position = 0
        while position < head {
            (start + position).storeBytes(of: UInt8(truncatingIfNeeded: pattern >> UInt64(position * 8)), as: UInt8.self)
            position += 1
        }
        let words = (bytes - head) / 8
        if words > 0 {
            let destination = (start + head).bindMemory(to: UInt64.self, capacity: words)
            // Short runs: a store loop; long ones: the fast-string fill (memset's speed, see CPynqFill).
            if words < 256 {
                destination.update(repeating: rotated, count: words)
            } else {
                pynq_fill_words(destination, rotated, words)
            }
        }
        position = head + words * 8
        var shift: UInt64 = 0
        while position < bytes {
            (start + position).storeBytes(of: UInt8(truncatingIfNeeded: rotated >> shift), as: UInt8.self)
            position += 1
            shift += 8
        }
    }

    // MARK: Copy in

    /// Copies `source` into the buffer in row-major order (pynq's `buf[:] = array`).
    ///
    /// When the elements are of the buffer's dtype and both sides are contiguous this is one `memcpy`;
    /// otherwise each element is converted numerically and must fit exactly. Throws
    /// ``PynqBufferError/countMismatch(expected:actual:)`` unless `source` has exactly ``count`` elements;
    /// on any throw the buffer is left unchanged. Inlined into the caller, so a sequence without
    /// contiguous storage (a range, a lazy map) is gathered at full speed before the copy.
    @inlinable
    public func copy<S: Sequence>(from source: S) throws(PynqBufferError) where S.Element: PynqElement {
        var failure: PynqBufferError?
        let contiguous: Void? = source.withContiguousStorageIfAvailable { elements in
            do throws(PynqBufferError) {
                try copyElements(UnsafeRawBufferPointer(elements), count: elements.count, of: S.Element.pynqDType)
            } catch {
                failure = error
            }
        }
        if contiguous == nil {
            let gathered = ContiguousArray(source)
            gathered.withUnsafeBytes { bytes in
                do throws(PynqBufferError) {
                    try copyElements(bytes, count: gathered.count, of: S.Element.pynqDType)
                } catch {
                    failure = error
                }
            }
        }
        if let failure { throw failure }
    }

    /// Assigns the elements of `sequence` in row-major order: pynq's `input_buffer[:] = range(5)` is
    /// `buf.assign(0..<5)`. Same as ``copy(from:)-(S)``.
    @inlinable
    public func assign<S: Sequence>(_ sequence: S) throws(PynqBufferError) where S.Element: PynqElement {
        try copy(from: sequence)
    }

    /// Copies `count` packed elements of type `source` from `bytes`, converting them to the dtype.
    @usableFromInline
    func copyElements(_ bytes: UnsafeRawBufferPointer, count elements: Int, of source: DType) throws(PynqBufferError) {
        guard elements == count else { throw .countMismatch(expected: count, actual: elements) }
        try pinnedTyped { () throws(PynqBufferError) in
            if source == dtype { return copyBytes(from: bytes) }
            // Convert everything first, so a value that does not fit leaves the buffer untouched.
            let converted = try source.dispatch(SourceConversion(buffer: self, bytes: bytes))
            if converted != true { try convertGeneric(bytes, of: source) }
        }
    }

    /// Converts packed `S` elements (the source's type) to the buffer's element type.
    private struct SourceConversion: DTypeVisitor {
        let buffer: PynqBuffer
        let bytes: UnsafeRawBufferPointer

        func visit<S: PynqElement>(_ type: S.Type) throws(PynqBufferError) -> Bool {
            try buffer.dtype.dispatch(Conversion(buffer: buffer, source: bytes.bindMemory(to: S.self))) == true
        }
    }

    /// Converts `S` elements to `D` (one specialised loop per pair of types) and copies them in.
    private struct Conversion<S: PynqElement>: DTypeVisitor {
        let buffer: PynqBuffer
        let source: UnsafeBufferPointer<S>

        func visit<D: PynqElement>(_ type: D.Type) throws(PynqBufferError) -> Bool {
            let converted = try [D](unsafeUninitializedCapacity: source.count) {
                (destination, initialized) throws(PynqBufferError) in
                for index in source.indices {
                    guard let value = D(exactly: source[index].pynqValue) else {
                        throw .valueNotRepresentable(source[index].pynqValue, buffer.dtype)
                    }
                    (destination.baseAddress! + index).initialize(to: value)
                    initialized = index + 1
                }
            }
            converted.withUnsafeBytes { buffer.copyBytes(from: $0) }
            return true
        }
    }

    /// float16 on either side: through run-time values and bit patterns (Float16 is not on every platform).
    private func convertGeneric(_ bytes: UnsafeRawBufferPointer, of source: DType) throws(PynqBufferError) {
        var patterns = [UInt64]()
        patterns.reserveCapacity(count)
        for index in 0..<count {
            patterns.append(try dtype.bitPattern(of: source.load(from: bytes.baseAddress! + index * source.itemSize)))
        }
        var next = 0
        forEachElementOffset { offset in
            dtype.storeBits(patterns[next], to: base + offset)
            next += 1
        }
    }

    /// Copies the elements of `other` (same dtype and count, any shapes and layouts) into this buffer.
    /// Contiguous to contiguous is one `memmove`.
    public func copy(from other: PynqBuffer) throws(PynqBufferError) {
        guard other.dtype == dtype else { throw .dtypeMismatch(buffer: dtype, requested: other.dtype) }
        guard other.count == count else { throw .countMismatch(expected: count, actual: other.count) }
        try pinnedTyped { () throws(PynqBufferError) in
            try other.pinnedTyped { () throws(PynqBufferError) in
                if isContiguous, other.isContiguous {
                    memmove(base + byteOffset, other.base + other.byteOffset, nbytes)
                    return
                }
                let staging = other.bytesUnchecked()
                copyBytes(from: staging)
            }
        }
    }

    /// Copies raw bytes in row-major element order (`bytes.count` must be ``nbytes``).
    public func copyBytes<B: Collection<UInt8>>(_ bytes: B) throws(PynqBufferError) {
        guard bytes.count == nbytes else {
            throw .countMismatch(expected: nbytes, actual: bytes.count)
        }
        try pinnedTyped { () throws(PynqBufferError) in
            let copied: Void? = bytes.withContiguousStorageIfAvailable { copyBytes(from: UnsafeRawBufferPointer($0)) }
            if copied == nil { copyBytes(from: Array(bytes)) }
        }
    }

    /// Copies `source` (exactly ``nbytes`` bytes, row-major) into the view (memory must be pinned).
    func copyBytes<B: ContiguousBytes>(from source: B) {
        source.withUnsafeBytes { raw in
            guard let from = raw.baseAddress else { return }
            var consumed = 0
            forEachRun { offset, bytes in
                memcpy(base + offset, from + consumed, bytes)
                consumed += bytes
            }
        }
    }

    // MARK: Copy out

    /// The elements as a Swift array in row-major order; throws unless `T` is the buffer's dtype.
    public func toArray<T: PynqElement>(of type: T.Type) throws(PynqBufferError) -> [T] {
        guard T.pynqDType == dtype else { throw .dtypeMismatch(buffer: dtype, requested: T.pynqDType) }
        return try pinnedTyped { () throws(PynqBufferError) in
            [T](unsafeUninitializedCapacity: count) { elements, initialized in
                let destination = UnsafeMutableRawPointer(elements.baseAddress!)
                var written = 0
                forEachRun { offset, bytes in
                    memcpy(destination + written, base + offset, bytes)
                    written += bytes
                }
                initialized = count
            }
        }
    }

    /// The elements as run-time typed values in row-major order.
    public func toArray() throws(PynqBufferError) -> [PynqValue] {
        try pinnedTyped { () throws(PynqBufferError) in
            var values = [PynqValue]()
            values.reserveCapacity(count)
            forEachElementOffset { values.append(dtype.load(from: base + $0)) }
            return values
        }
    }

    /// The view's bytes in row-major element order (``nbytes`` of them).
    public func bytes() throws(PynqBufferError) -> [UInt8] {
        try pinnedTyped { bytesUnchecked() }
    }

    func bytesUnchecked() -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: nbytes) { raw, initialized in
            var written = 0
            if let destination = raw.baseAddress {
                forEachRun { offset, bytes in
                    memcpy(destination + written, base + offset, bytes)
                    written += bytes
                }
            }
            initialized = nbytes
        }
    }

    // MARK: Borrowed pointers (contiguous views only)

    /// Calls `body` with the view's bytes; throws for a freed buffer or a strided view.
    /// The pointer must not escape `body`; `free()` from another thread waits until `body` returns.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        try withUnsafeMutableBytes { try body(UnsafeRawBufferPointer($0)) }
    }

    /// Calls `body` with the view's bytes, writable.
    public func withUnsafeMutableBytes<R>(_ body: (UnsafeMutableRawBufferPointer) throws -> R) throws -> R {
        guard isContiguous else { throw PynqBufferError.notContiguous(shape: shape, strides: strides) }
        return try pinned {
            try body(UnsafeMutableRawBufferPointer(start: base + byteOffset, count: nbytes))
        }
    }

    /// Calls `body` with the elements as `T` (which must be the buffer's dtype), in row-major order.
    public func withUnsafeBufferPointer<T: PynqElement, R>(
        as type: T.Type, _ body: (UnsafeBufferPointer<T>) throws -> R
    ) throws -> R {
        try withUnsafeMutableBufferPointer(as: type) { try body(UnsafeBufferPointer($0)) }
    }

    /// Calls `body` with the elements as writable `T`s (which must be the buffer's dtype).
    public func withUnsafeMutableBufferPointer<T: PynqElement, R>(
        as type: T.Type, _ body: (UnsafeMutableBufferPointer<T>) throws -> R
    ) throws -> R {
        guard T.pynqDType == dtype else { throw PynqBufferError.dtypeMismatch(buffer: dtype, requested: T.pynqDType) }
        return try withUnsafeMutableBytes { raw in
            try body(raw.bindMemory(to: T.self))
        }
    }

    /// Runs `body` with the memory pinned, keeping the error type.
    func pinnedTyped<R>(_ body: () throws(PynqBufferError) -> R) throws(PynqBufferError) -> R {
        try pin()
        defer { unpin() }
        return try body()
    }
}

/// Byte sources for raw copies.
protocol ContiguousBytes {
    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R
}

extension Array: ContiguousBytes where Element == UInt8 {}
extension UnsafeRawBufferPointer: ContiguousBytes {
    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R { try body(self) }
}
