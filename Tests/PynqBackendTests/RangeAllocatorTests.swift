import Testing
import TestSupport
import PynqBackend

@Suite("RangeAllocator")
struct RangeAllocatorTests {
    @Test func roundsUpAndAligns() throws {
        var allocator = RangeAllocator(size: 1 << 20, alignment: 4096)
        let a = try unwrap(allocator.allocate(20))
        let b = try unwrap(allocator.allocate(4097))
        #expect(a.offset == 0 && a.reserved == 4096)
        #expect(b.offset == 4096 && b.reserved == 8192)
        #expect(allocator.used == 12288)
        #expect(allocator.liveCount == 2)
        #expect(allocator.release(offset: a.offset) == 4096)
        #expect(allocator.release(offset: b.offset) == 8192)
        #expect(allocator.used == 0)
        #expect(allocator.freeBlockCount == 1)
        #expect(allocator.largestFree == 1 << 20)
    }

    @Test func capacityIsBankSizeRoundedDown() {
        let allocator = RangeAllocator(size: 10_000, alignment: 4096)
        #expect(allocator.capacity == 8192)
        #expect(allocator.freeBytes == 8192)
    }

    @Test func exhaustionAndReuse() throws {
        var allocator = RangeAllocator(size: 16 * 4096, alignment: 4096)
        var offsets: [UInt64] = []
        while let block = allocator.allocate(4096) { offsets.append(block.offset) }
        #expect(offsets.count == 16)
        #expect(allocator.freeBytes == 0)
        #expect(allocator.allocate(1) == nil)
        allocator.release(offset: offsets[3])
        #expect(allocator.allocate(4096)?.offset == offsets[3])
    }

    @Test func fragmentationNeedsContiguousSpace() throws {
        var allocator = RangeAllocator(size: 8 * 4096, alignment: 4096)
        let blocks = (0..<8).map { _ in allocator.allocate(4096)! }
        // Free every other block: 4 pages free, but none contiguous.
        for block in blocks where block.offset / 4096 % 2 == 0 { allocator.release(offset: block.offset) }
        #expect(allocator.freeBytes == 4 * 4096)
        #expect(allocator.largestFree == 4096)
        #expect(allocator.allocate(8192) == nil)
        // Freeing a neighbour merges three pages into one block.
        allocator.release(offset: 4096)
        #expect(allocator.largestFree == 3 * 4096)
        #expect(allocator.allocate(3 * 4096)?.offset == 0)
    }

    @Test func coalescesInAnyOrder() {
        var allocator = RangeAllocator(size: 64 * 4096, alignment: 4096)
        var blocks = (0..<64).map { _ in allocator.allocate(4096)!.offset }
        var rng = SplitMix(seed: 7)
        blocks.shuffle(using: &rng)
        for offset in blocks { allocator.release(offset: offset) }
        #expect(allocator.freeBlockCount == 1)
        #expect(allocator.freeBlocks.first?.size == 64 * 4096)
    }

    @Test func releaseOfUnknownOffsetChangesNothing() throws {
        var allocator = RangeAllocator(size: 4 * 4096, alignment: 4096)
        let block = try unwrap(allocator.allocate(4096))
        #expect(allocator.release(offset: 123) == nil)
        #expect(allocator.release(offset: block.offset) == 4096)
        #expect(allocator.release(offset: block.offset) == nil)
        #expect(allocator.used == 0)
    }

    @Test func zeroAndHugeRequestsFail() {
        var allocator = RangeAllocator(size: 4 * 4096, alignment: 4096)
        #expect(allocator.allocate(0) == nil)
        #expect(allocator.allocate(UInt64.max) == nil)
        #expect(allocator.used == 0)
    }

    /// A region whose size is not a multiple of the alignment (a u-dma-buf region): blocks are laid
    /// out in order and freed neighbours merge from either side.
    @Test func mergesNeighboursInARegion() throws {
        var r = RangeAllocator(size: 10 * 4096 + 100, alignment: 4096)
        #expect(r.capacity == 40960)
        let a = r.allocate(1)?.offset, b = r.allocate(4097)?.offset, c = r.allocate(4096)?.offset
        #expect([a, b, c] == [0, 4096, 12288])
        #expect(r.allocate(0) == nil && r.allocate(40961) == nil)
        r.release(offset: 4096)
        r.release(offset: 0)
        #expect(r.freeBlocks.map(\.start) == [0, 16384] && r.freeBlocks.map(\.size) == [12288, 24576])
        r.release(offset: 12288)
        #expect(r.freeBlocks.count == 1 && r.freeBytes == 40960)
    }

    /// Random allocate/free against a simple model: live blocks never overlap, accounting matches, and
    /// a request fails only when no free block is large enough (small sizes use the exact classes,
    /// large ones the logarithmic classes and the scan of a request's own class).
    @Test(arguments: [(256, 6), (40_000, 600)])
    func randomAgainstModel(pages: Int, maxPages: Int) throws {
        var allocator = RangeAllocator(size: UInt64(pages) * 4096, alignment: 4096)
        var live: [UInt64: UInt64] = [:]
        var rng = SplitMix(seed: 42)
        for _ in 0..<5000 {
            if live.isEmpty || rng.next() % 3 != 0 {
                let size = rng.next() % (UInt64(maxPages) * 4096) + 1
                if let block = allocator.allocate(size) {
                    for (start, length) in live {
                        #expect(block.offset + block.reserved <= start || start + length <= block.offset)
                    }
                    live[block.offset] = block.reserved
                } else {
                    #expect(allocator.largestFree < (size + 4095) & ~4095)
                }
            } else {
                let key = live.keys.sorted()[Int(rng.next() % UInt64(live.count))]
                #expect(allocator.release(offset: key) == live.removeValue(forKey: key))
            }
            #expect(allocator.used == live.values.reduce(0, +))
            #expect(allocator.freeBytes == allocator.freeBlocks.reduce(0) { $0 + $1.size })
        }
        for key in live.keys { allocator.release(offset: key) }
        #expect(allocator.freeBlockCount == 1)
    }
}


/// The value, or a recorded issue and a throw.
func unwrap<T>(_ value: T?, sourceLocation: SourceLocation = #_sourceLocation) throws -> T {
    try #require(value, sourceLocation: sourceLocation)
}
