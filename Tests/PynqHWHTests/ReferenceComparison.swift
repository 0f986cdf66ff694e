import Foundation
import PynqMetadata

/// The rules of `../shared/reference/compare.py`, in Swift: compares what we compute (`MetaValue`) with
/// what pynq computed (a `JSONSerialization` object) and lists every difference.
enum ReferenceComparison {
    static let ignored: Set<String> = ["description", "driver", "device"]
    static let setLists: Set<String> = ["pins"]

    /// The view of a reference JSON that is the truth for an HWH file: `RuntimeMetadataParser` when it has
    /// an `ip_dict`, else the legacy parser's view.
    static func hwhView(_ reference: Any) -> Any? {
        guard let ref = reference as? [String: Any] else { return nil }
        if let rmp = ref["RuntimeMetadataParser"] as? [String: Any], rmp["ip_dict"] != nil { return rmp }
        for key in ref.keys.sorted() where key.hasPrefix("legacy__HWH") {
            if let view = ref[key] as? [String: Any], view["ip_dict"] != nil { return view }
        }
        return nil
    }

    /// Every difference, as `path: why` lines (empty when the candidate matches).
    static func differences(_ candidate: MetaValue, _ reference: Any) -> [String] {
        var out: [String] = []
        compare(candidate, reference, path: "", into: &out)
        return out
    }

    private enum Scalar: Equatable {
        case null, bool(Bool), int(Int), double(Double), string(String), other
    }

    private static func scalar(_ any: Any) -> Scalar {
        if any is NSNull { return .null }
        if let s = any as? String { return .string(s) }
        if let n = any as? NSNumber {
            switch String(cString: n.objCType) {
            case "c", "B": return .bool(n.boolValue)
            case "d", "f": return .double(n.doubleValue)
            default: return .int(n.intValue)
            }
        }
        return .other
    }

    private static func scalar(_ value: MetaValue) -> Scalar {
        switch value {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        case .string(let s): return .string(s)
        case .list, .dict: return .other
        }
    }

    private static func same(_ a: Scalar, _ b: Scalar) -> Bool {
        switch (a, b) {
        case (.bool, _), (_, .bool): return a == b
        case (.double(let x), .double(let y)): return close(x, y)
        case (.double(let x), .int(let y)), (.int(let y), .double(let x)): return close(x, Double(y))
        default: return a == b
        }
    }

    private static func close(_ a: Double, _ b: Double) -> Bool {
        abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))
    }

    private static func compare(_ candidate: MetaValue, _ reference: Any, path: String, into out: inout [String]) {
        if let ref = reference as? [String: Any] {
            guard case .dict(let cand) = candidate else {
                out.append("\(path): expected an object, got \(candidate)")
                return
            }
            for (key, value) in ref where !ignored.contains(key) {
                let sub = path.isEmpty ? key : "\(path).\(key)"
                guard let c = cand[key] else {
                    out.append("\(sub): missing")
                    continue
                }
                compare(c, value, path: sub, into: &out)
            }
            for key in cand.keys where ref[key] == nil && !ignored.contains(key)
                && path.filter({ $0 == "." }).count <= 1
            {
                out.append("\(path.isEmpty ? key : "\(path).\(key)"): not in the reference")
            }
            return
        }
        if let ref = reference as? [Any] {
            let leaf = path.split(separator: ".").last.map(String.init) ?? path
            guard case .list(let cand) = candidate else {
                out.append("\(path): expected a list, got \(candidate)")
                return
            }
            if setLists.contains(leaf) {
                let a = cand.map { $0.jsonString(indent: nil) }.sorted()
                let b = ref.map { item -> String in
                    if let s = item as? String { return MetaValue.string(s).jsonString(indent: nil) }
                    return "\(item)"
                }.sorted()
                if a != b { out.append("\(path): \(a) != \(b)") }
            } else if cand.count != ref.count {
                out.append("\(path): length \(cand.count) != \(ref.count)")
            } else {
                for (i, (c, r)) in zip(cand, ref).enumerated() {
                    compare(c, r, path: "\(path)[\(i)]", into: &out)
                }
            }
            return
        }
        if !same(scalar(candidate), scalar(reference)) {
            out.append("\(path): \(candidate) != \(reference)")
        }
    }
}
