/// A growable array of plain values (no references) that the parser appends to without Array's
/// uniqueness and capacity bookkeeping on every write. Owned by one `XMLParserCore` while parsing, then
/// by the document's `Storage`, which frees it: exactly one owner calls `free()`.
struct XMLTableBuilder<Element: BitwiseCopyable> {
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var count = 0
    private var capacity: Int
    /// `base` is this table's own allocation (else a part of a block that its owner frees: see
    /// `XMLTableBlock`). A table that grows always has its own.
    private(set) var ownsBase = true

    init(capacity: Int) {
        self.capacity = Swift.max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    /// A table that starts in `capacity` elements at `base`, memory someone else frees.
    init(borrowing base: UnsafeMutablePointer<Element>, capacity: Int) {
        self.base = base
        self.capacity = capacity
        ownsBase = false
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
        let bigger = UnsafeMutablePointer<Element>.allocate(capacity: Swift.max(capacity * 2, 16))
        bigger.moveInitialize(from: base, count: count)
        if ownsBase { base.deallocate() }
        base = bigger
        capacity = Swift.max(capacity * 2, 16)
        ownsBase = true
    }

    /// The finished table (the builder must not be used or freed afterwards).
    func finish() -> XMLTable<Element> { XMLTable(base: base, count: count, ownsBase: ownsBase) }

    /// Frees the memory when parsing fails (its own allocation only).
    func free() { if ownsBase { base.deallocate() } }
}

/// One allocation that the parser's three tables (elements, attributes, texts) and its stack of open
/// elements start in, sized from the document's length: most documents never grow a table, so a parse
/// costs one allocation for all four. The `Storage` (or, on error, the parser) frees the block once,
/// after its tables.
struct XMLTableBlock {
    let raw: UnsafeMutableRawPointer

    /// Room for `nodes`, `attributes`, `texts` and `stack` elements, and builders that start there.
    static func make<A: BitwiseCopyable, B: BitwiseCopyable, C: BitwiseCopyable, D: BitwiseCopyable>(
        _ nodes: Int, _ attributes: Int, _ texts: Int, _ stack: Int, _: A.Type, _: B.Type, _: C.Type, _: D.Type
    ) -> (XMLTableBlock, XMLTableBuilder<A>, XMLTableBuilder<B>, XMLTableBuilder<C>, XMLTableBuilder<D>) {
        func aligned(_ offset: Int, _ alignment: Int) -> Int { (offset + alignment - 1) & ~(alignment - 1) }
        let a = 0
        let b = aligned(a + nodes * MemoryLayout<A>.stride, MemoryLayout<B>.alignment)
        let c = aligned(b + attributes * MemoryLayout<B>.stride, MemoryLayout<C>.alignment)
        let d = aligned(c + texts * MemoryLayout<C>.stride, MemoryLayout<D>.alignment)
        let size = d + stack * MemoryLayout<D>.stride
        let alignment = Swift.max(MemoryLayout<A>.alignment, MemoryLayout<B>.alignment, MemoryLayout<C>.alignment,
                                  MemoryLayout<D>.alignment)
        let raw = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(size, 1), alignment: alignment)
        return (XMLTableBlock(raw: raw),
                XMLTableBuilder(borrowing: (raw + a).bindMemory(to: A.self, capacity: nodes), capacity: nodes),
                XMLTableBuilder(borrowing: (raw + b).bindMemory(to: B.self, capacity: attributes), capacity: attributes),
                XMLTableBuilder(borrowing: (raw + c).bindMemory(to: C.self, capacity: texts), capacity: texts),
                XMLTableBuilder(borrowing: (raw + d).bindMemory(to: D.self, capacity: stack), capacity: stack))
    }

    func free() { raw.deallocate() }
}

/// An immutable table made by `XMLTableBuilder`: random access with a bounds check, no reference
/// counting. `Storage` frees it in its `deinit`.
struct XMLTable<Element: BitwiseCopyable>: RandomAccessCollection, @unchecked Sendable {
    let base: UnsafeMutablePointer<Element>
    let count: Int
    /// `base` is this table's own allocation (else part of an `XMLTableBlock`).
    let ownsBase: Bool

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

    func free() { if ownsBase { base.deallocate() } }
}
