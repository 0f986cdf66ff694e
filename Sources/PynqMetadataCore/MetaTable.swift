import OrderedCollections

/// A dictionary or a list of pynq's metadata stored flat: every dictionary and list of one reader's
/// result lives in one shared, immutable storage (an array of entries, an array of strings and ranges of
/// the document read), so
/// making a file's dictionaries costs a few allocations instead of one per dictionary, and freeing them
/// costs as few. A `MetaValue.table` behaves like the `.dict` or `.list` it stands for: subscripts,
/// `keys`, `dictValue`, `listValue`, equality, hashing and JSON treat both alike.
public struct MetaTable: Sendable {
    let storage: MetaTableStorage
    /// The container's entries are `storage.entries[first ..< first + count]`.
    let first: Int32
    let entryCount: Int32
    /// A list (entries without keys) rather than a dictionary.
    public let isList: Bool

    /// The number of members (dictionary entries or list items).
    public var count: Int { Int(entryCount) }
    public var isEmpty: Bool { entryCount == 0 }

    /// The member `key` of a dictionary (`nil` if absent, or for a list).
    public subscript(key: String) -> MetaValue? {
        guard !isList else { return nil }
        // Keys are unique within a dictionary (the builder's contract).
        for i in Int(first)..<Int(first + entryCount) {
            let e = storage.entries[i]
            if storage.key(e.key, is: key) { return storage.value(e.value) }
        }
        return nil
    }

    /// The keys of a dictionary, in order (empty for a list).
    public var keys: [String] {
        guard !isList else { return [] }
        return (Int(first)..<Int(first + entryCount)).map { storage.key(storage.entries[$0].key) }
    }

    /// The members' values, in order.
    public var values: [MetaValue] {
        (Int(first)..<Int(first + entryCount)).map { storage.value(storage.entries[$0].value) }
    }

    /// The dictionary as an `OrderedDictionary` whose nested containers stay tables (`nil` for a list).
    public var dictionary: OrderedDictionary<String, MetaValue>? {
        guard !isList else { return nil }
        return OrderedDictionary(uncheckedUniqueKeys: keys, values: values)
    }

    /// Calls `body` with each member's key (`nil` in a list) and value, in order.
    func forEach(_ body: (String?, MetaValue) throws -> Void) rethrows {
        for i in Int(first)..<Int(first + entryCount) {
            let e = storage.entries[i]
            try body(isList ? nil : storage.key(e.key), storage.value(e.value))
        }
    }
}

/// The storage shared by the tables of one result: what a `MetaTableBuilder` filled, never changed
/// again. Frees its buffers once, in `deinit`.
@usableFromInline
final class MetaTableStorage: @unchecked Sendable {  // immutable after init
    /// Names shared between results (a reader's fixed keys and values): `.fixed(k)` is `keys[k]`.
    let keys: [String]
    /// UTF-8 text that `.text` slots are ranges of (the document a reader read), shared, not copied.
    let text: [UInt8]
    /// Strings of this result: `.string(i)` is `strings[i]`.
    let strings: UnsafeMutablePointer<String>
    let stringCount: Int
    let entries: UnsafeMutablePointer<MetaTable.Entry>
    let entryCount: Int

    @usableFromInline
    init(keys: [String], text: [UInt8], strings: UnsafeMutablePointer<String>, stringCount: Int,
         entries: UnsafeMutablePointer<MetaTable.Entry>, entryCount: Int) {
        self.keys = keys
        self.text = text
        self.strings = strings
        self.stringCount = stringCount
        self.entries = entries
        self.entryCount = entryCount
    }

    deinit {
        MetaTableBuilder.release(strings, count: stringCount)
        entries.deallocate()
    }

    /// The key of an entry (`""` in a list).
    func key(_ k: MetaTable.Slot) -> String { string(k) ?? "" }

    /// The string of a `.string`, `.fixed` or `.text` slot (`nil` for other slots), after checking that it
    /// is this storage's (a builder's caller can make any slot).
    func string(_ slot: MetaTable.Slot) -> String? {
        switch slot {
        case .string(let s):
            precondition(s >= 0 && Int(s) < stringCount, "a string slot that its builder did not make")
            return strings[Int(s)]
        case .fixed(let k):
            precondition(k >= 0 && Int(k) < keys.count, "a fixed name that its builder does not have")
            return keys[Int(k)]
        case .text(let start, let length):
            precondition(start >= 0 && length >= 0 && Int(start) + Int(length) <= text.count,
                         "a text range that its builder does not have")
            return text.withUnsafeBufferPointer {
                String(decoding: UnsafeBufferPointer(rebasing: $0[Int(start)..<Int(start) + Int(length)]), as: UTF8.self)
            }
        default: return nil
        }
    }

    /// Whether the key of an entry is `name`.
    func key(_ k: MetaTable.Slot, is name: String) -> Bool {
        switch k {
        case .fixed(let f): return keys[Int(f)] == name
        case .string(let s): return strings[Int(s)] == name
        case .text(let start, let length):
            var name = name
            return name.withUTF8 { n in
                text.withUnsafeBufferPointer { $0[Int(start)..<Int(start) + Int(length)].elementsEqual(n) }
            }
        default: return false
        }
    }

    /// The value of `slot`, after checking that its string or entries exist (a builder's caller can
    /// make any slot).
    func value(_ slot: MetaTable.Slot) -> MetaValue {
        switch slot {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        case .string, .fixed, .text: return .string(string(slot)!)
        case .dict(let first, let count), .list(let first, let count):
            precondition(first >= 0 && count >= 0 && Int(first) + Int(count) <= entryCount,
                         "a container slot that its builder did not make")
            var isList = false
            if case .list = slot { isList = true }
            return .table(MetaTable(storage: self, first: first, entryCount: count, isList: isList))
        }
    }
}

extension MetaTable {
    /// One member's value as a `MetaTableBuilder` stores it: scalars in place, strings and containers by
    /// position in the builder's buffers. Make string and container slots with the builder only.
    public enum Slot: BitwiseCopyable, Sendable {
        case null
        case bool(Bool)
        case int(Int)
        case double(Double)
        /// The builder's string number `index`.
        case string(Int32)
        /// The builder's fixed name number `index` (a `MetaTableNames` entry), as a string value.
        case fixed(Int32)
        /// The UTF-8 bytes `start ..< start + length` of the builder's text, as a string value.
        case text(start: Int32, length: Int32)
        /// A dictionary or list whose members are the builder's entries `first ..< first + count`.
        case dict(first: Int32, count: Int32)
        case list(first: Int32, count: Int32)

        /// An empty dictionary.
        public static var emptyDict: Slot { .dict(first: 0, count: 0) }
    }

    /// A member: its key (a `.fixed`, `.string` or `.text` slot; `.null` in lists) and value.
    @usableFromInline
    struct Entry: BitwiseCopyable, Sendable {
        @usableFromInline var key: Slot
        @usableFromInline var value: Slot

        @inlinable init(key: Slot, value: Slot) {
            self.key = key
            self.value = value
        }
    }
}

/// Builds the `MetaValue.table`s of one result (a reader's dictionaries for one file): reserve a
/// dictionary's entries, then set them; containers may be filled in any order. Each reserved entry that
/// is not set stays `null`; the keys of one dictionary must be unique (later ones are not found).
/// All of one builder's tables share two buffers, freed when the last value using them is gone (or
/// with the builder, if it is dropped unfinished).
public struct MetaTableBuilder: ~Copyable {
    /// Retained by `init`; the reference passes to the storage in `finish`, or is released in `deinit`.
    @usableFromInline let keys: Unmanaged<MetaTableNames>
    @usableFromInline let keyCount: Int
    /// The length of the text that `finish(text:)` gets and `.text` slots are ranges of.
    @usableFromInline let textCount: Int
    @usableFromInline var strings: UnsafeMutablePointer<String>
    @usableFromInline var stringCount = 0
    @usableFromInline var stringCapacity: Int
    @usableFromInline var entries: UnsafeMutablePointer<MetaTable.Entry>
    @usableFromInline var entryCount = 0
    @usableFromInline var entryCapacity: Int

    /// `keys`: the fixed names that `reserve(keys:)` and `fixed(_:)` refer to by position (share one
    /// `MetaTableNames` across results). `textCount`: the length of the UTF-8 text that `text(_:)` takes
    /// ranges of, given to `finish(text:)` (the document the values come from). `entries` and `strings`:
    /// expected totals (initial capacities; the buffers grow).
    public init(keys: MetaTableNames, textCount: Int = 0, entries: Int, strings: Int) {
        self.keys = .passRetained(keys)
        keyCount = keys.names.count
        self.textCount = textCount
        stringCapacity = Swift.max(strings, 8)
        self.strings = .allocate(capacity: stringCapacity)
        entryCapacity = Swift.max(entries, 16)
        self.entries = .allocate(capacity: entryCapacity)
    }

    deinit {
        Self.release(strings, count: stringCount)
        entries.deallocate()
        keys.release()
    }

    /// Deinitializes and frees `count` strings. One at a time in specialized code: most are small
    /// (nothing to release), which the generic `deinitialize(count:)` does not know.
    @usableFromInline
    static func release(_ strings: UnsafeMutablePointer<String>, count: Int) {
        for i in 0..<count { _ = (strings + i).move() }
        strings.deallocate()
    }

    /// Appends `count` entries with null values and the fixed keys `firstKey`, `firstKey + 1`, … (or,
    /// without `firstKey`, null keys to be set); returns the first one's position.
    @inlinable @inline(__always)
    mutating func appendEntries(_ count: Int, firstKey: Int32?) -> Int32 {
        if entryCount &+ count > entryCapacity { growEntries(to: entryCount &+ count) }
        let first = entryCount
        for i in 0..<count {
            let key: MetaTable.Slot = firstKey.map { .fixed($0 &+ Int32(truncatingIfNeeded: i)) } ?? .null
            (entries + (first &+ i)).initialize(to: MetaTable.Entry(key: key, value: .null))
        }
        entryCount = first &+ count
        return Int32(truncatingIfNeeded: first)
    }

    @usableFromInline @inline(never)
    mutating func growEntries(to needed: Int) { Self.grow(&entries, count: entryCount, capacity: &entryCapacity, to: needed) }

    @usableFromInline @inline(never)
    mutating func growStrings() { Self.grow(&strings, count: stringCount, capacity: &stringCapacity, to: stringCount + 1) }

    /// Moves the `count` elements at `buffer` to a new buffer of at least twice `capacity` and `needed`.
    @usableFromInline
    static func grow<T>(_ buffer: inout UnsafeMutablePointer<T>, count: Int, capacity: inout Int, to needed: Int) {
        let newCapacity = Swift.max(capacity * 2, needed)
        let bigger = UnsafeMutablePointer<T>.allocate(capacity: newCapacity)
        bigger.moveInitialize(from: buffer, count: count)
        buffer.deallocate()
        buffer = bigger
        capacity = newCapacity
    }

    /// Reserves a dictionary whose keys are `keys[k]` for each `k` in `keyRange`; returns its slot.
    @inlinable @inline(__always)
    public mutating func reserve(keys keyRange: Range<Int32>) -> MetaTable.Slot {
        precondition(keyRange.lowerBound >= 0 && Int(keyRange.upperBound) <= keyCount, "no such fixed keys")
        let first = appendEntries(keyRange.count, firstKey: keyRange.lowerBound)
        return .dict(first: first, count: Int32(truncatingIfNeeded: keyRange.count))
    }

    /// A dictionary whose keys are `keys[k]` for each `k` in `keyRange`, in order, and whose values are
    /// `values` (as many).
    @inlinable @inline(__always)
    public mutating func dict(keys keyRange: Range<Int32>, _ values: MetaTable.Slot...) -> MetaTable.Slot {
        precondition(keyRange.lowerBound >= 0 && Int(keyRange.upperBound) <= keyCount && keyRange.count == values.count,
                     "one value per fixed key")
        if entryCount &+ values.count > entryCapacity { growEntries(to: entryCount &+ values.count) }
        let first = entryCount
        var key = keyRange.lowerBound
        for v in values {
            (entries + entryCount).initialize(to: MetaTable.Entry(key: .fixed(key), value: v))
            key &+= 1
            entryCount &+= 1
        }
        return .dict(first: Int32(truncatingIfNeeded: first), count: Int32(truncatingIfNeeded: values.count))
    }

    /// Reserves a dictionary of `count` entries whose keys are set with `set(_:_:key:_:)`.
    @inlinable @inline(__always)
    public mutating func reserveDict(count: Int) -> MetaTable.Slot {
        let first = appendEntries(count, firstKey: nil)
        return .dict(first: first, count: Int32(truncatingIfNeeded: count))
    }

    /// Reserves a list of `count` members, set with `set(_:_:_:)`.
    @inlinable @inline(__always)
    public mutating func reserveList(count: Int) -> MetaTable.Slot {
        let first = appendEntries(count, firstKey: nil)
        return .list(first: first, count: Int32(truncatingIfNeeded: count))
    }

    /// A list of the strings `items`.
    public mutating func list(of items: [String]) -> MetaTable.Slot {
        let list = reserveList(count: items.count)
        for (i, s) in items.enumerated() { set(list, i, string(s)) }
        return list
    }

    /// The fixed name number `index` as a string value (nothing is stored).
    @inlinable @inline(__always)
    public func fixed(_ index: Int32) -> MetaTable.Slot {
        precondition(index >= 0 && Int(index) < keyCount, "no such fixed name")
        return .fixed(index)
    }

    /// The text `range` (UTF-8 bytes of the text given to `finish(text:)`) as a string value or key:
    /// nothing is copied.
    @inlinable @inline(__always)
    public func text(_ range: Range<Int>) -> MetaTable.Slot {
        precondition(range.lowerBound >= 0 && range.upperBound <= textCount && range.upperBound <= Int32.max,
                     "a range outside the text, or past 2 GiB")
        return .text(start: Int32(truncatingIfNeeded: range.lowerBound), length: Int32(truncatingIfNeeded: range.count))
    }

    /// A string value (stored once per call).
    @inlinable @inline(__always)
    public mutating func string(_ s: String) -> MetaTable.Slot {
        if stringCount == stringCapacity { growStrings() }
        (strings + stringCount).initialize(to: s)
        stringCount &+= 1
        return .string(Int32(truncatingIfNeeded: stringCount &- 1))
    }

    /// Sets member `index` of the reserved dictionary or list `container` to `value` (keeping its key).
    @inlinable @inline(__always)
    public mutating func set(_ container: MetaTable.Slot, _ index: Int, _ value: MetaTable.Slot) {
        entries[position(container, index)].value = value
    }

    /// Sets member `index` of the reserved `container` to `key: value`, the key given as a string.
    @inlinable
    public mutating func set(_ container: MetaTable.Slot, _ index: Int, key: String, _ value: MetaTable.Slot) {
        set(container, index, key: string(key), value)
    }

    /// Sets member `index` of the reserved `container` to `key: value`, the key given as a `fixed(_:)`,
    /// `string(_:)` or `text(_:)` slot of this builder.
    @inlinable @inline(__always)
    public mutating func set(_ container: MetaTable.Slot, _ index: Int, key: MetaTable.Slot, _ value: MetaTable.Slot) {
        switch key {
        case .fixed(let f): precondition(f >= 0 && Int(f) < keyCount, "no such fixed name")
        case .string(let s): precondition(s >= 0 && Int(s) < stringCount, "not a string of this builder")
        case .text(let start, let length):
            precondition(start >= 0 && length >= 0 && Int(start) &+ Int(length) <= textCount, "a range outside the text")
        default: preconditionFailure("a key is a fixed name, a string or a text range")
        }
        entries[position(container, index, keyed: true)] = MetaTable.Entry(key: key, value: value)
    }

    /// The entry position of member `index` of `container` (a dictionary, or a list unless keyed), after
    /// checking that it exists.
    @inlinable @inline(__always)
    func position(_ container: MetaTable.Slot, _ index: Int, keyed: Bool = false) -> Int {
        let first: Int32, count: Int32
        switch container {
        case .dict(let f, let c): (first, count) = (f, c)
        case .list(let f, let c) where !keyed: (first, count) = (f, c)
        default: preconditionFailure(keyed ? "not a dictionary" : "not a dictionary or a list")
        }
        guard first >= 0, index >= 0, index < Int(count), Int(first) &+ Int(count) <= entryCount
        else { preconditionFailure("not a member of a container this builder reserved") }
        return Int(first) &+ index
    }

    /// The finished tables: `value(of:)` turns the slots this builder returned into values. `text`: the
    /// text of `textCount` bytes that `.text` slots are ranges of (kept, not copied).
    public consuming func finish(text: [UInt8] = []) -> MetaTableResult {
        precondition(text.count == textCount, "the text is not the length given to init")
        let storage = MetaTableStorage(keys: keys.takeRetainedValue().names, text: text, strings: strings,
                                       stringCount: stringCount, entries: entries, entryCount: entryCount)
        discard self
        return MetaTableResult(storage: storage)
    }
}

/// The fixed names of a reader's dictionaries (their keys, and string values that never change), shared
/// by every result it makes: a `MetaTableBuilder` refers to them by position, so they cost nothing per
/// dictionary.
public final class MetaTableNames: Sendable {
    public let names: [String]
    public init(_ names: [String]) { self.names = names }
}

/// The tables a `MetaTableBuilder` made.
public struct MetaTableResult: Sendable {
    let storage: MetaTableStorage

    /// The value of a slot the builder returned (a container it reserved, a string it stored, or a scalar).
    public func value(of slot: MetaTable.Slot) -> MetaValue { storage.value(slot) }
}
