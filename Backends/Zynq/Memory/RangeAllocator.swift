/// First-fit sub-allocation of one contiguous region (a u-dma-buf buffer) into aligned blocks.
/// Free neighbours are merged when a block comes back. Not thread-safe: its owner locks it.
struct RangeAllocator: Sendable {
    /// Bytes in the region.
    let capacity: Int
    /// Every block starts at a multiple of this and its length is rounded up to it (a power of two).
    let alignment: Int
    /// Free blocks as (offset, length), sorted by offset, never adjacent.
    private(set) var freeBlocks: [(offset: Int, length: Int)]

    init(capacity: Int, alignment: Int) {
        precondition(alignment > 0 && alignment & (alignment - 1) == 0, "alignment must be a power of two")
        self.capacity = capacity - capacity % alignment
        self.alignment = alignment
        freeBlocks = self.capacity > 0 ? [(0, self.capacity)] : []
    }

    /// Total free bytes.
    var freeBytes: Int { freeBlocks.reduce(0) { $0 + $1.length } }
    /// The largest block `allocate` could return.
    var largestFree: Int { freeBlocks.map(\.length).max() ?? 0 }

    /// `length` rounded up to the alignment.
    func blockLength(for length: Int) -> Int { (length + alignment - 1) & ~(alignment - 1) }

    /// Reserves `blockLength(for: length)` bytes and returns their offset, or `nil` if no free block is
    /// large enough.
    mutating func allocate(_ length: Int) -> Int? {
        guard length > 0, length <= capacity else { return nil }
        let needed = blockLength(for: length)
        guard let index = freeBlocks.firstIndex(where: { $0.length >= needed }) else { return nil }
        let block = freeBlocks[index]
        if block.length == needed {
            freeBlocks.remove(at: index)
        } else {
            freeBlocks[index] = (block.offset + needed, block.length - needed)
        }
        return block.offset
    }

    /// Returns the block at `offset` of `blockLength(for: length)` bytes.
    mutating func free(offset: Int, length: Int) {
        var block = (offset: offset, length: blockLength(for: length))
        let index = freeBlocks.firstIndex(where: { $0.offset > offset }) ?? freeBlocks.endIndex
        var insertAt = index
        if index > freeBlocks.startIndex, freeBlocks[index - 1].offset + freeBlocks[index - 1].length == block.offset {
            block = (freeBlocks[index - 1].offset, freeBlocks[index - 1].length + block.length)
            freeBlocks.remove(at: index - 1)
            insertAt -= 1
        }
        if insertAt < freeBlocks.endIndex, block.offset + block.length == freeBlocks[insertAt].offset {
            block.length += freeBlocks[insertAt].length
            freeBlocks.remove(at: insertAt)
        }
        freeBlocks.insert(block, at: insertAt)
    }
}
