import OrderedCollections

/// A value in one of pynq's metadata dictionaries (`ip_dict`, `mem_dict`, …): the JSON-like shape that
/// the Python `pynq` builds, with key order preserved as pynq inserts it.
public enum MetaValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case list([MetaValue])
    case dict(OrderedDictionary<String, MetaValue>)

    /// An empty dictionary.
    public static var emptyDict: MetaValue { .dict(OrderedDictionary()) }

    /// The member `key` of a dictionary value, or `nil` (also for non-dictionaries).
    public subscript(key: String) -> MetaValue? {
        get { if case .dict(let d) = self { return d[key] } else { return nil } }
        set {
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
    public var listValue: [MetaValue]? { if case .list(let l) = self { return l } else { return nil } }
    public var dictValue: OrderedDictionary<String, MetaValue>? {
        if case .dict(let d) = self { return d } else { return nil }
    }
    /// The keys of a dictionary value, in order (empty for other values).
    public var keys: [String] { dictValue.map { Array($0.keys) } ?? [] }
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
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                Self.newline(&out, indent: indent, level: level + 1)
                item.writeJSON(into: &out, indent: indent, level: level + 1)
            }
            Self.newline(&out, indent: indent, level: level)
            out += "]"
        case .dict(let d):
            if d.isEmpty { out += "{}"; return }
            out += "{"
            var first = true
            for (k, v) in d {
                if !first { out += "," }
                first = false
                Self.newline(&out, indent: indent, level: level + 1)
                Self.writeJSONString(k, into: &out)
                out += indent == nil ? ":" : ": "
                v.writeJSON(into: &out, indent: indent, level: level + 1)
            }
            Self.newline(&out, indent: indent, level: level)
            out += "}"
        }
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
