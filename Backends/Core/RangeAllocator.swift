/// Sub-allocation of one device-address range, as offsets `0 ..< size` (a Mock bank, a u-dma-buf
/// region): blocks are rounded up to `alignment`, a request takes a free block that fits (segregated
/// fit, `FreeBlocks`), free neighbours are merged at once, and every operation costs O(1) in the
/// number of live and free blocks (hash tables and a class bitmap; the only scan is of one size class
/// when the range is nearly full). Not thread-safe by itself: its owner locks it.
package struct RangeAllocator: Sendable {
    /// Allocation granularity and alignment in bytes (a power of two).
    package let alignment: UInt64
    /// Bytes that can be handed out (the range's size rounded down to `alignment`).
    package let capacity: UInt64
    private var free = FreeBlocks()
    private var live = OffsetTable<UInt64>()
    /// Bytes in live blocks (each rounded up to `alignment`).
    package private(set) var used: UInt64 = 0

    package init(size: UInt64, alignment: UInt64 = 4096) {
        precondition(alignment > 0 && alignment & (alignment - 1) == 0, "alignment must be a power of two")
        self.alignment = alignment
        capacity = size & ~(alignment - 1)
        if capacity > 0 { free.insert(start: 0, size: capacity / alignment) }
    }

    /// Number of live blocks.
    package var liveCount: Int { live.count }
    /// Bytes not in live blocks.
    package var freeBytes: UInt64 { capacity - used }
    /// Size of the largest free block.
    package var largestFree: UInt64 { free.largest * alignment }
    /// Number of free blocks (1 when nothing is fragmented).
    package var freeBlockCount: Int { free.count }

    /// `bytes` rounded up to the alignment, or `nil` if that overflows.
    package func reservedSize(for bytes: UInt64) -> UInt64? {
        let (sum, overflow) = bytes.addingReportingOverflow(alignment - 1)
        return overflow ? nil : sum & ~(alignment - 1)
    }

    /// Reserves `bytes` (> 0) and returns the offset of the block, or `nil` if no free block fits.
    package mutating func allocate(_ bytes: UInt64) -> (offset: UInt64, reserved: UInt64)? {
        guard bytes > 0, let need = reservedSize(for: bytes), let block = free.fit(need / alignment) else { return nil }
        let units = need / alignment
        free.remove(start: block.start)
        if block.size > units { free.insert(start: block.start + units, size: block.size - units) }
        let offset = block.start * alignment
        live[offset] = need
        used += need
        return (offset, need)
    }

    /// Returns the block at `offset`; returns its reserved size, or `nil` if no live block starts there.
    @discardableResult
    package mutating func release(offset: UInt64) -> UInt64? {
        guard let size = live.removeValue(forKey: offset) else { return nil }
        used -= size
        var start = offset / alignment
        var length = size / alignment
        if let before = free.block(endingAt: start) {
            free.remove(start: before.start)
            start = before.start
            length += before.size
        }
        if let after = free.block(startingAt: start + length) {
            free.remove(start: after.start)
            length += after.size
        }
        free.insert(start: start, size: length)
        return size
    }

    /// Free blocks in address order (O(n log n); for tests).
    package var freeBlocks: [(start: UInt64, size: UInt64)] {
        free.blocks().map { ($0.start * alignment, $0.size * alignment) }
    }
}
