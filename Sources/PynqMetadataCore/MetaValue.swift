import OrderedCollections

/// A value in one of pynq's metadata dictionaries (`ip_dict`, `mem_dict`, …): the JSON-like shape that
/// the Python `pynq` builds, with key order preserved as pynq inserts it.
///
/// A dictionary or list is either `.dict` / `.list` (each its own collection) or `.table` (a container in
/// the flat storage a reader makes for a whole file: see `MetaTable`). The two spellings are
/// interchangeable: subscripts, `keys`, `dictValue`, `listValue`, `==`, hashing and `jsonString` give the
/// same results for both; setting a member of a `.table` turns it into a `.dict`.
public enum MetaValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case list([MetaValue])
    case dict(OrderedDictionary<String, MetaValue>)
    /// A dictionary or list in a reader's flat storage.
    case table(MetaTable)

    /// An empty dictionary.
    public static var emptyDict: MetaValue { .dict(OrderedDictionary()) }

    /// The member `key` of a dictionary value, or `nil` (also for non-dictionaries).
    public subscript(key: String) -> MetaValue? {
        get {
            switch self {
            case .dict(let d): return d[key]
            case .table(let t): return t[key]
            default: return nil
            }
        }
        set {
            if case .table(let t) = self, let d = t.dictionary { self = .dict(d) }
            guard case .dict(var d) = self else { return }
            self = .null
            d[key] = newValue
            self = .dict(d)
        }
    }

    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    public var intValue: Int? { if case .int(let i) = self { return i } else { return nil } }
    public var boolValue: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    public var doubleValue: Double? {
        switch self {
        case .double(let d): return d
        case .int(let i): return Double(i)
        default: return nil
        }
    }
    /// The items of a list value (a `.table` list's nested containers stay tables).
    public var listValue: [MetaValue]? {
        switch self {
        case .list(let l): return l
        case .table(let t) where t.isList: return t.values
        default: return nil
        }
    }
    /// The entries of a dictionary value (a `.table` dictionary's nested containers stay tables).
    public var dictValue: OrderedDictionary<String, MetaValue>? {
        switch self {
        case .dict(let d): return d
        case .table(let t): return t.dictionary
        default: return nil
        }
    }
    /// The keys of a dictionary value, in order (empty for other values).
    public var keys: [String] {
        switch self {
        case .dict(let d): return Array(d.keys)
        case .table(let t): return t.keys
        default: return []
        }
    }

    /// This value with `.table` containers at the top level spelled as `.dict` or `.list` (their members
    /// may still be tables); other values as they are.
    var untabled: MetaValue {
        guard case .table(let t) = self else { return self }
        return t.isList ? .list(t.values) : .dict(t.dictionary ?? [:])
    }

    /// The same value with every container spelled `.dict` or `.list`, at every depth.
    public var withoutTables: MetaValue {
        switch self {
        case .list(let items): return .list(items.map(\.withoutTables))
        case .dict(let d): return .dict(d.mapValues(\.withoutTables))
        case .table: return untabled.withoutTables
        default: return self
        }
    }
}

extension MetaValue {
    /// Equal values: the same scalar, or containers with the same members in the same order (`.table`
    /// and `.dict` / `.list` alike).
    public static func == (a: MetaValue, b: MetaValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.int(x), .int(y)): return x == y
        case let (.double(x), .double(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.list(x), .list(y)): return x == y
        case let (.dict(x), .dict(y)): return x == y
        // `untabled` has no table at the top level, so this compares once more, without coming back here.
        case (.table, _), (_, .table): return a.untabled == b.untabled
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch untabled {
        case .null: hasher.combine(0)
        case .bool(let b): hasher.combine(1); hasher.combine(b)
        case .int(let i): hasher.combine(2); hasher.combine(i)
        case .double(let d): hasher.combine(3); hasher.combine(d)
        case .string(let s): hasher.combine(4); hasher.combine(s)
        case .list(let l): hasher.combine(5); hasher.combine(l)
        case .dict(let d): hasher.combine(6); hasher.combine(d)
        case .table: preconditionFailure("untabled has no tables at the top level")
        }
    }
}

extension MetaValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByFloatLiteral, ExpressibleByNilLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(nilLiteral: ()) { self = .null }
    public init(arrayLiteral elements: MetaValue...) { self = .list(elements) }
    public init(dictionaryLiteral elements: (String, MetaValue)...) {
        self = .dict(OrderedDictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

// MARK: JSON

extension MetaValue {
    /// JSON text for this value. Keys keep their order; integers print as integers.
    /// - Parameter indent: spaces per level, or `nil` for one line.
    public func jsonString(indent: Int? = 1) -> String {
        var out = ""
        out.reserveCapacity(256)
        writeJSON(into: &out, indent: indent, level: 0)
        return out
    }

    private func writeJSON(into out: inout String, indent: Int?, level: Int) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d):
            if d.isFinite {
                if d == d.rounded(), abs(d) < 1e15 { out += String(d) } else { out += "\(d)" }
            } else {
                out += "null"
            }
        case .string(let s): Self.writeJSONString(s, into: &out)
        case .list(let items):
            if items.isEmpty { out += "[]"; return }
            out += "["
            var first = true
            for item in items { Self.writeJSONMember(nil, item, first: &first, into: &out, indent: indent, level: level) }
            Self.newline(&out, indent: indent, level: level)
            out += "]"
        case .dict(let d):
            if d.isEmpty { out += "{}"; return }
            out += "{"
            var first = true
            for (k, v) in d { Self.writeJSONMember(k, v, first: &first, into: &out, indent: indent, level: level) }
            Self.newline(&out, indent: indent, level: level)
            out += "}"
        case .table(let t):
            if t.isEmpty { out += t.isList ? "[]" : "{}"; return }
            out += t.isList ? "[" : "{"
            var first = true
            t.forEach { k, v in Self.writeJSONMember(k, v, first: &first, into: &out, indent: indent, level: level) }
            Self.newline(&out, indent: indent, level: level)
            out += t.isList ? "]" : "}"
        }
    }

    /// One member of a container: `key: value` (a dictionary's) or `value` (a list's, `key` nil).
    private static func writeJSONMember(_ key: String?, _ value: MetaValue, first: inout Bool, into out: inout String,
                                        indent: Int?, level: Int) {
        if !first { out += "," }
        first = false
        newline(&out, indent: indent, level: level + 1)
        if let key {
            writeJSONString(key, into: &out)
            out += indent == nil ? ":" : ": "
        }
        value.writeJSON(into: &out, indent: indent, level: level + 1)
    }

    private static func newline(_ out: inout String, indent: Int?, level: Int) {
        guard let indent else { return }
        out += "\n"
        out += String(repeating: " ", count: indent * level)
    }

    static func writeJSONString(_ s: String, into out: inout String) {
        out += "\""
        // Most names and values need no escaping: append them whole.
        if s.utf8.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            out += s
            out += "\""
            return
        }
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
