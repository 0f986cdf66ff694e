/// A growable array of plain values (no references) that the parser appends to without Array's
/// uniqueness and capacity bookkeeping on every write. Owned by one `XMLParserCore` while parsing, then
/// by the document's `Storage`, which frees it: exactly one owner calls `free()`.
struct XMLTableBuilder<Element: BitwiseCopyable> {
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = Swift.max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    @inline(__always)
    mutating func append(_ value: Element) {
        if count == capacity { grow() }
        (base + count).initialize(to: value)
        count &+= 1
    }

    /// Removes and returns the last element (`count > 0`).
    @inline(__always)
    mutating func removeLast() -> Element {
        count &-= 1
        return base[count]
    }

    /// The element at `i`, which the caller has appended (`0 <= i < count`).
    @inline(__always)
    subscript(i: Int) -> Element {
        get { base[i] }
        nonmutating set { base[i] = newValue }
    }

    @inline(never)
    private mutating func grow() {
        let bigger = UnsafeMutablePointer<Element>.allocate(capacity: capacity * 2)
        bigger.moveInitialize(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity *= 2
    }

    /// The finished table (the builder must not be used or freed afterwards).
    func finish() -> XMLTable<Element> { XMLTable(base: base, count: count) }

    /// Frees the memory when parsing fails.
    func free() { base.deallocate() }
}

/// An immutable table made by `XMLTableBuilder`: random access with a bounds check, no reference
/// counting. `Storage` frees it in its `deinit`.
struct XMLTable<Element: BitwiseCopyable>: RandomAccessCollection, @unchecked Sendable {
    let base: UnsafeMutablePointer<Element>
    let count: Int

    var startIndex: Int { 0 }
    var endIndex: Int { count }

    @inline(__always)
    subscript(i: Int) -> Element {
        precondition(i >= 0 && i < count, "XML table index out of range")
        return base[i]
    }

    func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Element>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: base, count: count))
    }

    func free() { base.deallocate() }
}
