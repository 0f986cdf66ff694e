/// A small open-addressing table from (scope, name) to indices, hashed with FNV-1a over the UTF-8
/// bytes. Register and field names are short, so this is several times cheaper than `Dictionary`'s
/// seeded SipHash — it keeps `registerMap.CTRL.AP_START = 1` within a few nanoseconds of the accesses
/// themselves. A scope lets one table hold the fields of every register (scope = register index).
///
/// The table lives in memory it allocates itself, so that lookups copy no reference-counted
/// storage; its owner (`RegisterMap`) calls `deallocate()` exactly once, in its `deinit`.
@usableFromInline
struct NameTable: @unchecked Sendable {
    /// `slots[h & mask]` holds the position in `keys` + 1, or 0 for an empty slot.
    @usableFromInline let slots: UnsafeMutablePointer<Int32>
    @usableFromInline let keys: UnsafeMutablePointer<String>
    @usableFromInline let scopes: UnsafeMutablePointer<Int>
    @usableFromInline let values: UnsafeMutablePointer<Int>
    @usableFromInline let mask: Int
    let count: Int

    /// A table of `entries`; a later duplicate (scope, name) keeps the first entry.
    init(_ entries: [(scope: Int, name: String, value: Int)]) {
        var size = 8
        while size < entries.count * 2 { size *= 2 }
        var slots = [Int32](repeating: 0, count: size)
        var keys: [String] = []
        var scopes: [Int] = []
        var values: [Int] = []
        for (scope, name, value) in entries {
            var slot = Int(Self.hash(name, scope: scope)) & (size - 1)
            var duplicate = false
            while slots[slot] != 0 {
                let existing = Int(slots[slot]) - 1
                if scopes[existing] == scope && keys[existing] == name { duplicate = true; break }
                slot = (slot + 1) & (size - 1)
            }
            if duplicate { continue }
            keys.append(name)
            scopes.append(scope)
            values.append(value)
            slots[slot] = Int32(keys.count)
        }
        self.slots = .allocate(capacity: size)
        self.slots.initialize(from: slots, count: size)
        self.keys = .allocate(capacity: max(keys.count, 1))
        self.keys.initialize(from: keys, count: keys.count)
        self.scopes = .allocate(capacity: max(scopes.count, 1))
        self.scopes.initialize(from: scopes, count: scopes.count)
        self.values = .allocate(capacity: max(values.count, 1))
        self.values.initialize(from: values, count: values.count)
        self.mask = size - 1
        self.count = keys.count
    }

    /// Frees the table's memory. Called once by the owner.
    func deallocate() {
        slots.deallocate()
        keys.deinitialize(count: count)
        keys.deallocate()
        scopes.deallocate()
        values.deallocate()
    }

    @inlinable @inline(__always)
    static func hash(_ name: String, scope: Int) -> UInt32 {
        var hash: UInt32 = 2_166_136_261 ^ (UInt32(truncatingIfNeeded: scope) &* 0x9E37_79B1)
        for byte in name.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        return hash
    }

    /// The value stored for `name` in `scope`, or `nil`.
    @inlinable @inline(__always)
    func lookup(_ name: String, scope: Int = 0) -> Int? {
        var slot = Int(Self.hash(name, scope: scope)) & mask
        while true {
            let entry = Int(slots[slot]) - 1
            if entry < 0 { return nil }
            if scopes[entry] == scope && keys[entry] == name { return values[entry] }
            slot = (slot + 1) & mask
        }
    }
}
