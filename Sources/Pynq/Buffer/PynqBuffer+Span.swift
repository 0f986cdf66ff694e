// Safe borrowed views of contiguous buffers: Span, MutableSpan, RawSpan (Swift 6.2 standard library).

extension PynqBuffer {
    /// Calls `body` with the elements as a `Span<T>` (`T` must be the buffer's dtype; contiguous views
    /// only). The span cannot escape `body`; `free()` from another thread waits until `body` returns.
    @available(macOS 26, *)
    public func withSpan<T: PynqElement, R>(of type: T.Type, _ body: (Span<T>) throws -> R) throws -> R {
        try withUnsafeBufferPointer(as: type) { try body($0.span) }
    }

    /// Calls `body` with the elements as a `MutableSpan<T>`.
    @available(macOS 26, *)
    public func withMutableSpan<T: PynqElement, R>(of type: T.Type, _ body: (inout MutableSpan<T>) throws -> R) throws -> R {
        try withUnsafeMutableBufferPointer(as: type) { pointer in
            var span = pointer.mutableSpan
            return try body(&span)
        }
    }

    /// Calls `body` with the view's bytes as a `RawSpan` (contiguous views only).
    @available(macOS 26, *)
    public func withBytes<R>(_ body: (RawSpan) throws -> R) throws -> R {
        try withUnsafeBytes { try body($0.bytes) }
    }

    /// Calls `body` with the view's bytes as a `MutableRawSpan` (contiguous views only).
    @available(macOS 26, *)
    public func withMutableBytes<R>(_ body: (inout MutableRawSpan) throws -> R) throws -> R {
        try withUnsafeMutableBytes { pointer in
            var span = pointer.mutableBytes
            return try body(&span)
        }
    }
}

extension TypedPynqBuffer {
    /// Calls `body` with the elements as a `Span<T>` (contiguous views only).
    @available(macOS 26, *)
    public func withSpan<R>(_ body: (Span<T>) throws -> R) throws -> R { try buffer.withSpan(of: T.self, body) }

    /// Calls `body` with the elements as a `MutableSpan<T>` (contiguous views only).
    @available(macOS 26, *)
    public func withMutableSpan<R>(_ body: (inout MutableSpan<T>) throws -> R) throws -> R {
        try buffer.withMutableSpan(of: T.self, body)
    }
}
