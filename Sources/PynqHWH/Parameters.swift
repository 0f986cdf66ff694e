import OrderedCollections
import PynqMetadataCore
import PynqXML

extension HWHDesign {
    /// A block's parameters as pynqmetadata collects them: every PARAMETER below the MODULE (its own,
    /// then those of its bus interfaces), the first of a name winning; a PARAMETER without VALUE is `null`.
    /// A Versal processing system also gets the settings packed into its configuration string.
    func parameters(of b: Int32) -> OrderedDictionary<String, MetaValue> {
        let block = blocks[Int(b)]
        let all = tags.positions(.parameter, in: block.element.descendantIndices)
        // Names are told apart by their bytes: a repeated name makes no string and no `Hasher` pass; the
        // dictionary then hashes each distinct name once.
        var firstOfName = FirstOccurrences(capacity: all.count)
        var keys = ContiguousArray<String>()
        keys.reserveCapacity(all.count)
        var values = ContiguousArray<MetaValue>()
        values.reserveCapacity(all.count)
        let bytes = raw.bytes
        for e in all {
            var name: XMLSpan?, value: XMLSpan?
            for attribute in raw.attributes(of: Int(e)) {
                if name == nil, attribute.name.equals("NAME", in: bytes) {
                    name = attribute.value
                } else if value == nil, attribute.name.equals("VALUE", in: bytes) {
                    value = attribute.value
                }
            }
            guard let name, firstOfName.insert(name, in: bytes) else { continue }
            keys.append(name.hasReferences
                ? name.string(in: bytes) : String(decoding: name.bytes(in: bytes), as: UTF8.self))
            guard let value else {
                values.append(.null)
                continue
            }
            values.append(.string(value.hasReferences
                ? value.string(in: bytes) : String(decoding: value.bytes(in: bytes), as: UTF8.self)))
        }
        var result = OrderedDictionary(uncheckedUniqueKeys: keys, values: values)
        if case .processingSystem(.versal) = block.kind {
            for configName in ["PS_PMC_CONFIG_INTERNAL", "PS11_CONFIG_INTERNAL"] {
                guard let config = result[configName] else { continue }
                for (name, value) in Self.unpackCIPSConfig(config.stringValue ?? "") where result[name] == nil {
                    result[name] = .string(value)
                }
            }
        }
        return result
    }

    /// The first PARAMETER named `name` below block `b`: its VALUE (or `nil`) and the element, for errors.
    func parameter(_ name: StaticString, of b: Int32) -> (String?, XMLElement)? {
        for parameter in tags.descendants(.parameter, of: blocks[Int(b)].element) where parameter.attribute("NAME", equals: name) {
            return (parameter["VALUE"], parameter)
        }
        return nil
    }

    /// Versal's packed CIPS configuration: a Tcl-style stream of `KEY VALUE` pairs, where a value with
    /// spaces is wrapped in (possibly nested) braces.
    static func unpackCIPSConfig(_ config: String) -> [(String, String)] {
        let chars = Array(config.unicodeScalars)
        var pairs: [(String, String)] = []
        var seen: Set<String> = []
        var pos = 0
        let end = chars.count
        func isSpace(_ c: Unicode.Scalar) -> Bool { c.properties.isWhitespace }
        func text(_ range: Range<Int>) -> String {
            var s = String.UnicodeScalarView()
            s.append(contentsOf: chars[range])
            return String(s)
        }
        func add(_ key: String, _ value: String) {
            // Python's dict keeps the first position and the last value of a repeated key.
            if seen.insert(key).inserted {
                pairs.append((key, value))
            } else if let i = pairs.firstIndex(where: { $0.0 == key }) {
                pairs[i].1 = value
            }
        }
        while pos < end {
            while pos < end, isSpace(chars[pos]) { pos += 1 }
            if pos >= end { break }
            var start = pos
            while pos < end, !isSpace(chars[pos]) { pos += 1 }
            let key = text(start..<pos)
            while pos < end, isSpace(chars[pos]) { pos += 1 }
            if pos < end, chars[pos] == "{" {
                start = pos
                var depth = 0
                while pos < end {
                    if chars[pos] == "{" {
                        depth += 1
                    } else if chars[pos] == "}" {
                        depth -= 1
                        if depth == 0 {
                            pos += 1
                            break
                        }
                    }
                    pos += 1
                }
                // Python slices config[start + 1 : pos - 1], which is empty when the braces never close
                // on a one-character tail.
                let lower = start + 1, upper = pos - 1
                add(key, lower < upper ? text(lower..<upper) : "")
            } else {
                start = pos
                while pos < end, !isSpace(chars[pos]) { pos += 1 }
                add(key, text(start..<pos))
            }
        }
        return pairs
    }
}

/// Attribute values of one document told apart by their text, keeping the first of each: an
/// open-addressing table of the values' hashes over memory it owns (allocated once, sized for
/// `capacity` values, freed in `deinit`), text compared only when hashes match. Makes no strings.
private final class FirstOccurrencesStorage {
    let slots: UnsafeMutablePointer<Int32>
    let hashes: UnsafeMutablePointer<UInt64>
    let spans: UnsafeMutablePointer<XMLSpan>
    let slotCount: Int
    let capacity: Int

    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slotCount = size
        self.capacity = capacity
        slots = .allocate(capacity: size)
        slots.initialize(repeating: -1, count: size)
        hashes = .allocate(capacity: max(capacity, 1))
        spans = .allocate(capacity: max(capacity, 1))
    }

    deinit {
        slots.deallocate()
        hashes.deallocate()
        spans.deallocate()
    }
}

struct FirstOccurrences {
    private let storage: FirstOccurrencesStorage
    private var count = 0

    /// A set for at most `capacity` values.
    init(capacity: Int) { storage = FirstOccurrencesStorage(capacity: capacity) }

    /// Adds `span` unless a value with the same text was added before; returns whether it was added.
    /// - Precondition: fewer than `capacity` values added so far.
    mutating func insert(_ span: XMLSpan, in document: UnsafeBufferPointer<UInt8>) -> Bool {
        precondition(count < storage.capacity, "more values than the set was made for")
        let hash: UInt64
        if span.hasReferences {
            var text = span.string(in: document)
            hash = text.withUTF8 { NameTable.hash($0) }
        } else {
            hash = NameTable.hash(span.bytes(in: document))
        }
        let s = storage
        let mask = s.slotCount - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let i = Int(s.slots[slot])
            if i < 0 { break }
            if s.hashes[i] == hash, s.spans[i].sameText(as: span, in: document) { return false }
            slot = (slot + 1) & mask
        }
        s.slots[slot] = Int32(count)
        s.hashes[count] = hash
        (s.spans + count).initialize(to: span)
        count += 1
        return true
    }
}
