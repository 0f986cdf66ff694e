/// The free blocks of a `RangeAllocator`, in a two-level segregated fit (TLSF-style) index: blocks are grouped in
/// size classes (exact for 1–15 units, then 16 classes per power of two), a bitmap says which classes
/// hold blocks, and hash tables find a block by its start and by its end. Finding a block that fits,
/// inserting, removing, and finding the free neighbours of a freed block are O(1), whatever the
/// number of blocks. Sizes and offsets are in allocation units (the range's alignment).
struct FreeBlocks: Sendable {
    /// Blocks of each class, as start offsets (unordered).
    private var classes: [[UInt64]] = Array(repeating: [], count: FreeBlocks.classCount)
    /// Non-empty classes, one bit each.
    private var bitmap = [UInt64](repeating: 0, count: (FreeBlocks.classCount + 63) / 64)
    /// start → (size, position in its class).
    private var byStart = OffsetTable<(size: UInt64, slot: Int)>()
    /// end (start + size) → start.
    private var byEnd = OffsetTable<UInt64>()

    private static let exactClasses = 16
    private static let classCount = exactClasses + 60 * 16

    var count: Int { byStart.count }

    /// The class of a block of `size` units.
    private static func classIndex(_ size: UInt64) -> Int {
        if size < UInt64(exactClasses) { return Int(size) }
        let top = 63 - size.leadingZeroBitCount
        let sub = Int((size >> UInt64(top - 4)) & 15)
        return exactClasses + (top - 4) * 16 + sub
    }

    /// The first class whose every block holds at least `size` units.
    private static func searchIndex(_ size: UInt64) -> Int {
        if size < UInt64(exactClasses) { return Int(size) }
        let top = 63 - size.leadingZeroBitCount
        let (rounded, overflow) = size.addingReportingOverflow((1 << UInt64(top - 4)) - 1)
        return overflow ? classCount : classIndex(rounded)
    }

    /// The first non-empty class at or above `index`.
    private func firstNonEmpty(from index: Int) -> Int? {
        var word = index / 64
        guard word < bitmap.count else { return nil }
        var bits = bitmap[word] & (~0 << UInt64(index % 64))
        while bits == 0 {
            word += 1
            guard word < bitmap.count else { return nil }
            bits = bitmap[word]
        }
        return word * 64 + bits.trailingZeroBitCount
    }

    /// Adds the free block `start ..< start + size` (it overlaps no other block).
    mutating func insert(start: UInt64, size: UInt64) {
        let index = Self.classIndex(size)
        byStart[start] = (size, classes[index].count)
        byEnd[start + size] = start
        classes[index].append(start)
        bitmap[index / 64] |= 1 << UInt64(index % 64)
    }

    /// Removes the block starting at `start`; returns its size, or `nil` if there is none.
    @discardableResult
    mutating func remove(start: UInt64) -> UInt64? {
        guard let (size, slot) = byStart.removeValue(forKey: start) else { return nil }
        byEnd.removeValue(forKey: start + size)
        let index = Self.classIndex(size)
        let last = classes[index].removeLast()
        if last != start {
            classes[index][slot] = last
            byStart[last]?.slot = slot
        }
        if classes[index].isEmpty { bitmap[index / 64] &= ~(1 << UInt64(index % 64)) }
        return size
    }

    /// A block of at least `size` units, or `nil` if none is that large.
    func fit(_ size: UInt64) -> (start: UInt64, size: UInt64)? {
        if let index = firstNonEmpty(from: Self.searchIndex(size)), let start = classes[index].last,
           let block = byStart[start] {
            return (start, block.size)
        }
        // Blocks of `size`'s own class may still fit (its larger members): look at them.
        let own = Self.classIndex(size)
        guard own < Self.classCount else { return nil }
        for start in classes[own] {
            if let block = byStart[start], block.size >= size { return (start, block.size) }
        }
        return nil
    }

    /// The free block that ends at `end`.
    func block(endingAt end: UInt64) -> (start: UInt64, size: UInt64)? {
        guard let start = byEnd[end], let block = byStart[start] else { return nil }
        return (start, block.size)
    }

    /// The free block that starts at `start`.
    func block(startingAt start: UInt64) -> (start: UInt64, size: UInt64)? {
        byStart[start].map { (start, $0.size) }
    }

    /// Size of the largest block (0 when there is none).
    var largest: UInt64 {
        guard let top = (0..<Self.classCount).reversed().first(where: { bitmap[$0 / 64] & (1 << UInt64($0 % 64)) != 0 })
        else { return 0 }
        return classes[top].compactMap { byStart[$0]?.size }.max() ?? 0
    }

    /// All blocks in address order (O(n log n); for tests and diagnostics).
    func blocks() -> [(start: UInt64, size: UInt64)] {
        byStart.entries.map { ($0.key, $0.value.size) }.sorted { $0.0 < $1.0 }
    }
}
