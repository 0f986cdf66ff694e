import Foundation
import PynqMetadataCore

/// A small JSON reader to `MetaValue` (integers stay integers) and compare.py's comparison rules, so
/// the tests check our dictionaries against pynq's JSON exactly as the shared script does.
public enum PynqJSON {
    public struct ParseError: Error, CustomStringConvertible {
        public var offset: Int
        public var description: String { "bad JSON at byte \(offset)" }
    }

    public static func parse(_ bytes: [UInt8]) throws -> MetaValue {
        var i = 0
        let v = try value(bytes, &i)
        skipSpace(bytes, &i)
        guard i == bytes.count else { throw ParseError(offset: i) }
        return v
    }

    private static func skipSpace(_ b: [UInt8], _ i: inout Int) {
        while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 }
    }

    private static func literal(_ b: [UInt8], _ i: inout Int, _ word: String) -> Bool {
        let w = Array(word.utf8)
        guard i + w.count <= b.count, Array(b[i..<(i + w.count)]) == w else { return false }
        i += w.count
        return true
    }

    private static func value(_ b: [UInt8], _ i: inout Int) throws -> MetaValue {
        skipSpace(b, &i)
        guard i < b.count else { throw ParseError(offset: i) }
        switch b[i] {
        case UInt8(ascii: "{"):
            i += 1
            var d: MetaValue = .emptyDict
            skipSpace(b, &i)
            if i < b.count, b[i] == UInt8(ascii: "}") { i += 1; return d }
            while true {
                skipSpace(b, &i)
                guard case .string(let k) = try value(b, &i) else { throw ParseError(offset: i) }
                skipSpace(b, &i)
                guard i < b.count, b[i] == UInt8(ascii: ":") else { throw ParseError(offset: i) }
                i += 1
                d[k] = try value(b, &i)
                skipSpace(b, &i)
                guard i < b.count else { throw ParseError(offset: i) }
                if b[i] == UInt8(ascii: ",") { i += 1; continue }
                guard b[i] == UInt8(ascii: "}") else { throw ParseError(offset: i) }
                i += 1
                return d
            }
        case UInt8(ascii: "["):
            i += 1
            var l: [MetaValue] = []
            skipSpace(b, &i)
            if i < b.count, b[i] == UInt8(ascii: "]") { i += 1; return .list(l) }
            while true {
                l.append(try value(b, &i))
                skipSpace(b, &i)
                guard i < b.count else { throw ParseError(offset: i) }
                if b[i] == UInt8(ascii: ",") { i += 1; continue }
                guard b[i] == UInt8(ascii: "]") else { throw ParseError(offset: i) }
                i += 1
                return .list(l)
            }
        case UInt8(ascii: "\""):
            i += 1
            var out: [UInt8] = []
            while i < b.count, b[i] != UInt8(ascii: "\"") {
                if b[i] == UInt8(ascii: "\\") {
                    i += 1
                    guard i < b.count else { throw ParseError(offset: i) }
                    switch b[i] {
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "u"):
                        guard i + 4 < b.count, let u = UInt32(String(decoding: b[(i + 1)...(i + 4)], as: UTF8.self), radix: 16)
                        else { throw ParseError(offset: i) }
                        out.append(contentsOf: Array(String(Character(Unicode.Scalar(u) ?? "?")).utf8))
                        i += 4
                    default: out.append(b[i])
                    }
                } else {
                    out.append(b[i])
                }
                i += 1
            }
            guard i < b.count else { throw ParseError(offset: i) }
            i += 1
            return .string(String(decoding: out, as: UTF8.self))
        default:
            if literal(b, &i, "true") { return true }
            if literal(b, &i, "false") { return false }
            if literal(b, &i, "null") { return .null }
            let start = i
            while i < b.count, "+-0123456789.eE".utf8.contains(b[i]) { i += 1 }
            let text = String(decoding: b[start..<i], as: UTF8.self)
            if let n = Int(text) { return .int(n) }
            if let d = Double(text) { return .double(d) }
            throw ParseError(offset: start)
        }
    }

    /// compare.py's `reference_view` for an xclbin: `XclBin` restricted to the dictionaries, plus the uuid.
    public static func xclbinView(_ ref: MetaValue) -> MetaValue? {
        guard let xclbin = ref["XclBin"] else { return nil }
        var view: MetaValue = .emptyDict
        if let header = ref["xclbin_header"]?.listValue, header.count == 2 { view["uuid"] = header[1] }
        for k in ["ip_dict", "mem_dict", "clock_dict"] { if let v = xclbin[k] { view[k] = v } }
        return view
    }

    /// compare.py's `reference_view` for an HWH file: `RuntimeMetadataParser` when it has an `ip_dict`,
    /// else the legacy parser's view (partial designs).
    public static func hwhView(_ ref: MetaValue) -> MetaValue? {
        if let rmp = ref["RuntimeMetadataParser"], rmp["ip_dict"] != nil { return rmp }
        for key in ref.keys.sorted() where key.hasPrefix("legacy__HWH") {
            if let view = ref[key], view["ip_dict"] != nil { return view }
        }
        return nil
    }

    /// The reference JSON pynq computed for reference file `name`, with keys in pynq's order.
    public static func expected(_ name: String) throws -> MetaValue {
        let data = try Data(contentsOf: Reference.expectedDirectory.appendingPathComponent(name + ".json"))
        return try parse([UInt8](data))
    }

    public static let ignored: Set<String> = ["description", "driver", "device"]
    public static let setLists: Set<String> = ["pins"]

    /// compare.py's `compare`: the differences, one line each (empty when equal).
    public static func differences(_ cand: MetaValue, _ ref: MetaValue, path: String = "") -> [String] {
        var out: [String] = []
        compare(cand, ref, path, &out)
        return out
    }

    private static func compare(_ cand: MetaValue, _ ref: MetaValue, _ path: String, _ out: inout [String]) {
        switch ref {
        case .dict(let r):
            guard let c = cand.dictValue else { out.append("\(path): expected an object"); return }
            for (k, v) in r where !ignored.contains(k) {
                let sub = path.isEmpty ? k : path + "." + k
                guard let cv = c[k] else { out.append("\(sub): missing"); continue }
                compare(cv, v, sub, &out)
            }
            for k in c.keys where r[k] == nil && !ignored.contains(k) && path.filter({ $0 == "." }).count <= 1 {
                out.append("\(path.isEmpty ? k : path + "." + k): not in the reference")
            }
        case .list(let r):
            guard let c = cand.listValue else { out.append("\(path): expected a list"); return }
            let leaf = String(path.split(separator: ".").last ?? "")
            if setLists.contains(leaf) {
                let a = c.map { $0.jsonString(indent: nil) }.sorted(), b = r.map { $0.jsonString(indent: nil) }.sorted()
                if a != b { out.append("\(path): \(a) != \(b)") }
            } else if c.count != r.count {
                out.append("\(path): length \(c.count) != \(r.count)")
            } else {
                for (i, (x, y)) in zip(c, r).enumerated() { compare(x, y, "\(path)[\(i)]", &out) }
            }
        default:
            if !sameScalar(cand, ref) { out.append("\(path): \(cand) != \(ref)") }
        }
    }

    private static func sameScalar(_ a: MetaValue, _ b: MetaValue) -> Bool {
        if case .bool = a { return a == b }
        if case .bool = b { return a == b }
        if case .double = a, let x = a.doubleValue, let y = b.doubleValue { return abs(x - y) <= 1e-6 * max(1, abs(x), abs(y)) }
        if case .double = b, let x = a.doubleValue, let y = b.doubleValue { return abs(x - y) <= 1e-6 * max(1, abs(x), abs(y)) }
        return a == b
    }
}
