/// A hash table from `UInt64` offsets to values, for the range allocator's block indexes: open
/// addressing with linear probing and a multiplicative hash, deletions by backward shift (no
/// tombstones). Several times cheaper per operation than `Dictionary` (no SipHash, no resilience
/// indirection), which is most of an allocate + free when the allocator keeps three indexes.
struct OffsetTable<Value: Sendable>: Sendable {
    private var keys: [UInt64]
    private var values: [Value?]
    private var mask: Int
    private var shift: UInt64
    private(set) var count = 0

    init() {
        keys = [UInt64](repeating: 0, count: 16)
        values = [Value?](repeating: nil, count: 16)
        mask = 15
        shift = 60
    }

    /// Home slot of `key` (Fibonacci hashing: the top bits of the product).
    @inline(__always)
    private func home(_ key: UInt64) -> Int { Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift) }

    /// The slot holding `key`, or the empty slot where it would go.
    @inline(__always)
    private func slot(of key: UInt64) -> (index: Int, found: Bool) {
        var index = home(key)
        while values[index] != nil {
            if keys[index] == key { return (index, true) }
            index = (index + 1) & mask
        }
        return (index, false)
    }

    subscript(key: UInt64) -> Value? {
        get {
            let (index, found) = slot(of: key)
            return found ? values[index] : nil
        }
        set {
            guard let newValue else {
                removeValue(forKey: key)
                return
            }
            let (index, found) = slot(of: key)
            if found {
                values[index] = newValue
                return
            }
            if (count + 1) * 2 > keys.count {
                grow()
                self[key] = newValue
                return
            }
            keys[index] = key
            values[index] = newValue
            count += 1
        }
    }

    /// Removes `key`; returns its value, or `nil` if it was not there.
    @discardableResult
    mutating func removeValue(forKey key: UInt64) -> Value? {
        var (hole, found) = slot(of: key)
        guard found else { return nil }
        let removed = values[hole]
        values[hole] = nil
        count -= 1
        // Backward shift: move later entries of the probe run into the hole when their home allows.
        var index = hole
        while true {
            index = (index + 1) & mask
            guard values[index] != nil else { break }
            let want = home(keys[index])
            // The entry may move to `hole` unless its home lies cyclically in (hole, index].
            let distanceToIndex = (index - want) & mask
            let distanceToHole = (hole - want) & mask
            if distanceToHole < distanceToIndex {
                keys[hole] = keys[index]
                values[hole] = values[index]
                values[index] = nil
                hole = index
            }
        }
        return removed
    }

    private mutating func grow() {
        let oldKeys = keys, oldValues = values
        let capacity = keys.count * 2
        keys = [UInt64](repeating: 0, count: capacity)
        values = [Value?](repeating: nil, count: capacity)
        mask = capacity - 1
        shift = UInt64(64 - capacity.trailingZeroBitCount)
        count = 0
        for index in oldKeys.indices {
            if let value = oldValues[index] { self[oldKeys[index]] = value }
        }
    }

    /// Every entry, in no particular order (for tests and diagnostics).
    var entries: [(key: UInt64, value: Value)] {
        keys.indices.compactMap { index in values[index].map { (keys[index], $0) } }
    }
}
