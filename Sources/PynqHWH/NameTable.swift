import PynqXML

/// Distinct names, each made into a `String` once, found again by their bytes: an open-addressing hash
/// table over attribute values of the document. Looking a name up hashes its bytes with a cheap
/// word-at-a-time hash and compares bytes only on a hash match — no `String` is made for a name the table
/// already has, and none is hashed with `Hasher`.
struct NameTable {
    /// The names in the order they were added; a name's id is its position.
    private(set) var names: ContiguousArray<String> = []
    private var hashes: [UInt64] = []
    /// Ids by slot, `-1` for an empty slot.
    private var slots: [Int32]
    private var mask: Int

    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Int32](repeating: -1, count: size)
        mask = size - 1
        names.reserveCapacity(capacity)
        hashes.reserveCapacity(capacity)
    }

    var count: Int { names.count }

    /// The id of the (decoded) text of attribute value `span`, adding it when it is new. `document` is
    /// the document's bytes.
    mutating func insert(_ span: XMLSpan, in document: UnsafeBufferPointer<UInt8>) -> (id: Int32, inserted: Bool) {
        if span.hasReferences { return insert(span.string(in: document)) }
        let bytes = span.bytes(in: document)
        let hash = Self.hash(bytes)
        if let id = find(bytes, hash: hash) { return (id, false) }
        return (add(String(decoding: bytes, as: UTF8.self), hash: hash), true)
    }

    /// The id of the (decoded) text of attribute value `span`, if the table has it.
    func id(of span: XMLSpan, in document: UnsafeBufferPointer<UInt8>) -> Int32? {
        if span.hasReferences { return id(of: span.string(in: document)) }
        let bytes = span.bytes(in: document)
        return find(bytes, hash: Self.hash(bytes))
    }

    /// The id of `name`, adding it when it is new.
    mutating func insert(_ name: String) -> (id: Int32, inserted: Bool) {
        var copy = name
        let (found, hash) = copy.withUTF8 { bytes in
            let hash = Self.hash(bytes)
            return (find(bytes, hash: hash), hash)
        }
        if let found { return (found, false) }
        return (add(name, hash: hash), true)
    }

    /// The id of `name`, if the table has it.
    func id(of name: String) -> Int32? {
        var name = name
        return name.withUTF8 { find($0, hash: Self.hash($0)) }
    }

    private func find(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Int32? {
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let id = slots[slot]
            if id < 0 { return nil }
            if hashes[Int(id)] == hash, Self.equal(names[Int(id)], bytes) { return id }
            slot = (slot + 1) & mask
        }
    }

    private mutating func add(_ name: consuming String, hash: UInt64) -> Int32 {
        let id = Int32(names.count)
        names.append(name)
        hashes.append(hash)
        if names.count * 2 > slots.count {
            // Keep the table at most half full.
            slots = [Int32](repeating: -1, count: slots.count * 2)
            mask = slots.count - 1
            let m = mask
            hashes.withUnsafeBufferPointer { hashes in
                slots.withUnsafeMutableBufferPointer { slots in
                    for (i, h) in hashes.enumerated() { Self.place(Int32(i), hash: h, in: slots, mask: m) }
                }
            }
        } else {
            let m = mask
            slots.withUnsafeMutableBufferPointer { Self.place(id, hash: hash, in: $0, mask: m) }
        }
        return id
    }

    private static func place(_ id: Int32, hash: UInt64, in slots: UnsafeMutableBufferPointer<Int32>, mask: Int) {
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        slots[slot] = id
    }

    private static func equal(_ name: String, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard name.utf8.count == bytes.count else { return false }
        return name.utf8.withContiguousStorageIfAvailable { stored in
            let a = UnsafeRawBufferPointer(stored), b = UnsafeRawBufferPointer(bytes)
            var i = 0
            while i + 8 <= a.count {
                if a.loadUnaligned(fromByteOffset: i, as: UInt64.self) != b.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
                    return false
                }
                i += 8
            }
            while i < a.count {
                if a[i] != b[i] { return false }
                i += 1
            }
            return true
        } ?? name.utf8.elementsEqual(bytes)
    }

    /// A multiplicative hash over 8 bytes at a time (names are short; this is not a defence against
    /// inputs made to collide, which only make lookups slower).
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let raw = UnsafeRawBufferPointer(bytes)
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        var i = 0
        let n = raw.count
        while i + 8 <= n {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 29
            i += 8
        }
        if i < n {
            // The last 8 bytes (overlapping what was hashed) when there are that many, else byte by byte.
            var tail: UInt64 = 0
            if n >= 8 {
                tail = raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            } else {
                var shift: UInt64 = 0
                while i < n {
                    tail |= UInt64(raw[i]) << shift
                    shift += 8
                    i += 1
                }
            }
            h = (h ^ tail) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 29
        }
        return h
    }
}

extension NameTable {
    /// The id of the name with UTF-8 `bytes`, adding it when it is new.
    mutating func insert(bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        let hash = Self.hash(bytes)
        if let id = find(bytes, hash: hash) { return id }
        return add(String(decoding: bytes, as: UTF8.self), hash: hash)
    }

    /// The id of `name` in lower case (Swift's `lowercased()`, as pynqmetadata's `lower()`), if the table has it.
    func idOfLowercased(_ id: Int32) -> Int32? { self.id(of: names[Int(id)].lowercased()) }
}

/// A hash map from 64-bit keys (ids packed together) to non-negative ids, with open addressing and a
/// multiplicative hash: the design's name lookups (port of a block by name, signal by PORT name, …)
/// without `Hasher`.
struct IDMap {
    private var keys: [UInt64]
    /// Values by slot, `-1` for an empty slot.
    private var values: [Int32]
    private var shift: UInt64
    private(set) var count = 0

    init(capacity: Int = 8) {
        var bits: UInt64 = 4
        while (1 << bits) < capacity * 2 { bits += 1 }
        keys = [UInt64](repeating: 0, count: 1 << bits)
        values = [Int32](repeating: -1, count: 1 << bits)
        shift = 64 - bits
    }

    /// Two 32-bit ids as one key.
    static func key(_ a: Int32, _ b: Int32) -> UInt64 { UInt64(UInt32(bitPattern: a)) << 32 | UInt64(UInt32(bitPattern: b)) }

    private func slot(_ key: UInt64) -> Int { Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift) }

    subscript(key: UInt64) -> Int32? {
        get {
            var s = slot(key)
            let mask = values.count - 1
            while values[s] >= 0 {
                if keys[s] == key { return values[s] }
                s = (s + 1) & mask
            }
            return nil
        }
        set {
            guard let value = newValue else { preconditionFailure("IDMap does not remove keys") }
            precondition(value >= 0, "IDMap values are non-negative ids")
            var s = slot(key)
            let mask = values.count - 1
            while values[s] >= 0 {
                if keys[s] == key {
                    values[s] = value
                    return
                }
                s = (s + 1) & mask
            }
            keys[s] = key
            values[s] = value
            count += 1
            if count * 2 > values.count { grow() }
        }
    }

    private mutating func grow() {
        let oldKeys = keys, oldValues = values
        keys = [UInt64](repeating: 0, count: oldKeys.count * 2)
        values = [Int32](repeating: -1, count: oldKeys.count * 2)
        shift -= 1
        let mask = values.count - 1
        for i in oldValues.indices where oldValues[i] >= 0 {
            var s = slot(oldKeys[i])
            while values[s] >= 0 { s = (s + 1) & mask }
            keys[s] = oldKeys[i]
            values[s] = oldValues[i]
        }
    }
}
