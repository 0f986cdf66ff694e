/// Free blocks of a bank, ordered by start offset, in a treap whose nodes also record the largest
/// block in their subtree. Finding the lowest-addressed block that fits, inserting, removing and
/// finding neighbours all cost O(log n) expected in the number of free blocks. Nodes live in one
/// array (no per-node allocation); freed slots are reused.
struct FreeBlockTree {
    private struct Node {
        var start: UInt64
        var size: UInt64
        var maxSize: UInt64
        var left: Int32
        var right: Int32
        var priority: UInt32
    }

    private var nodes: [Node] = []
    private var freeSlots: [Int32] = []
    private var root: Int32 = -1
    private var seed: UInt32 = 0x9E37_79B9
    private(set) var count = 0

    /// Size of the largest free block (0 when there is none).
    var largest: UInt64 { root < 0 ? 0 : nodes[Int(root)].maxSize }

    /// Adds the free block `start ..< start + size`. The caller guarantees it overlaps no other block.
    mutating func insert(start: UInt64, size: UInt64) {
        let node = makeNode(start: start, size: size)
        let (less, greater) = split(root, start)
        root = merge(merge(less, node), greater)
        count += 1
    }

    /// Removes the block that starts at `start`; returns its size, or `nil` if there is none.
    @discardableResult
    mutating func remove(start: UInt64) -> UInt64? {
        let (less, rest) = split(root, start)
        let (match, greater) = split(rest, start &+ 1)
        var size: UInt64?
        if match >= 0 {
            size = nodes[Int(match)].size
            freeSlots.append(match)
            count -= 1
        }
        root = merge(less, greater)
        return size
    }

    /// The lowest-addressed block of at least `size` bytes.
    func firstFit(_ size: UInt64) -> (start: UInt64, size: UInt64)? {
        var t = root
        guard t >= 0, nodes[Int(t)].maxSize >= size else { return nil }
        while t >= 0 {
            let node = nodes[Int(t)]
            if node.left >= 0, nodes[Int(node.left)].maxSize >= size {
                t = node.left
            } else if node.size >= size {
                return (node.start, node.size)
            } else {
                t = node.right
            }
        }
        return nil
    }

    /// The block with the largest start below `key`.
    func predecessor(of key: UInt64) -> (start: UInt64, size: UInt64)? {
        var t = root
        var best: (UInt64, UInt64)?
        while t >= 0 {
            let node = nodes[Int(t)]
            if node.start < key {
                best = (node.start, node.size)
                t = node.right
            } else {
                t = node.left
            }
        }
        return best
    }

    /// The block with the smallest start above `key`.
    func successor(of key: UInt64) -> (start: UInt64, size: UInt64)? {
        var t = root
        var best: (UInt64, UInt64)?
        while t >= 0 {
            let node = nodes[Int(t)]
            if node.start > key {
                best = (node.start, node.size)
                t = node.left
            } else {
                t = node.right
            }
        }
        return best
    }

    /// All blocks in address order (for tests and diagnostics; O(n)).
    func blocks() -> [(start: UInt64, size: UInt64)] {
        var out: [(UInt64, UInt64)] = []
        var stack: [Int32] = []
        var t = root
        while t >= 0 || !stack.isEmpty {
            while t >= 0 {
                stack.append(t)
                t = nodes[Int(t)].left
            }
            let top = stack.removeLast()
            out.append((nodes[Int(top)].start, nodes[Int(top)].size))
            t = nodes[Int(top)].right
        }
        return out
    }

    // MARK: Treap mechanics

    private mutating func makeNode(start: UInt64, size: UInt64) -> Int32 {
        // xorshift32: a deterministic sequence is enough for balance.
        seed ^= seed << 13
        seed ^= seed >> 17
        seed ^= seed << 5
        let node = Node(start: start, size: size, maxSize: size, left: -1, right: -1, priority: seed)
        if let slot = freeSlots.popLast() {
            nodes[Int(slot)] = node
            return slot
        }
        nodes.append(node)
        return Int32(nodes.count - 1)
    }

    private mutating func update(_ t: Int32) {
        let node = nodes[Int(t)]
        var maxSize = node.size
        if node.left >= 0 { maxSize = max(maxSize, nodes[Int(node.left)].maxSize) }
        if node.right >= 0 { maxSize = max(maxSize, nodes[Int(node.right)].maxSize) }
        nodes[Int(t)].maxSize = maxSize
    }

    /// Splits `t` into blocks starting below `key` and blocks starting at or above it.
    private mutating func split(_ t: Int32, _ key: UInt64) -> (Int32, Int32) {
        guard t >= 0 else { return (-1, -1) }
        if nodes[Int(t)].start < key {
            let (less, greater) = split(nodes[Int(t)].right, key)
            nodes[Int(t)].right = less
            update(t)
            return (t, greater)
        } else {
            let (less, greater) = split(nodes[Int(t)].left, key)
            nodes[Int(t)].left = greater
            update(t)
            return (less, t)
        }
    }

    /// Joins `a` and `b`, where every start in `a` is below every start in `b`.
    private mutating func merge(_ a: Int32, _ b: Int32) -> Int32 {
        if a < 0 { return b }
        if b < 0 { return a }
        if nodes[Int(a)].priority > nodes[Int(b)].priority {
            nodes[Int(a)].right = merge(nodes[Int(a)].right, b)
            update(a)
            return a
        } else {
            nodes[Int(b)].left = merge(a, nodes[Int(b)].left)
            update(b)
            return b
        }
    }
}
