/// A small open-addressing table from names to indices, hashed with FNV-1a over the UTF-8 bytes.
/// Register and field names are short, so this is several times cheaper than `Dictionary`'s seeded
/// SipHash — it keeps `registerMap.CTRL.AP_START = 1` within a few nanoseconds of the store itself.
@usableFromInline
struct NameTable: Sendable {
    /// `slots[h & mask]` holds 1 + the position in `keys`, or 0 for an empty slot.
    @usableFromInline let slots: [Int32]
    @usableFromInline let keys: [String]
    @usableFromInline let values: [Int]
    @usableFromInline let mask: Int

    /// A table of `entries`; a later duplicate name keeps the first entry.
    init(_ entries: [(name: String, value: Int)]) {
        var size = 8
        while size < entries.count * 2 { size *= 2 }
        var slots = [Int32](repeating: 0, count: size)
        var keys: [String] = []
        var values: [Int] = []
        for (name, value) in entries {
            var slot = Int(Self.hash(name)) & (size - 1)
            var duplicate = false
            while slots[slot] != 0 {
                if keys[Int(slots[slot]) - 1] == name { duplicate = true; break }
                slot = (slot + 1) & (size - 1)
            }
            if duplicate { continue }
            keys.append(name)
            values.append(value)
            slots[slot] = Int32(keys.count)
        }
        self.slots = slots
        self.keys = keys
        self.values = values
        self.mask = size - 1
    }

    @inlinable @inline(__always)
    static func hash(_ name: String) -> UInt32 {
        var hash: UInt32 = 2_166_136_261
        for byte in name.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        return hash
    }

    /// The value stored for `name`, or `nil`.
    @inlinable
    func lookup(_ name: String) -> Int? {
        var slot = Int(Self.hash(name)) & mask
        while true {
            let entry = Int(slots[slot])
            if entry == 0 { return nil }
            if keys[entry - 1] == name { return values[entry - 1] }
            slot = (slot + 1) & mask
        }
    }
}
