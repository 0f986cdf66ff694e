/// Numbers as pynq reads them from metadata text: Python's `int(text, base)` and `float(text)`, so that
/// what pynq accepts (surrounding whitespace, a sign, `_` between digits, a base prefix) we accept, and
/// what makes pynq raise `ValueError` we reject (`nil`).
public enum PythonNumbers {
    /// Python's `int(text, base)` for base 0 (prefix decides: `0x`, `0o`, `0b`, else decimal; a decimal with
    /// a leading zero is refused unless it is all zeros), 2, 8, 10 or 16 (the matching prefix is allowed).
    /// `nil` where Python raises or the value does not fit an `Int`.
    public static func int(_ text: String, base: Int = 10) -> Int? {
        precondition([0, 2, 8, 10, 16].contains(base), "base must be 0, 2, 8, 10 or 16")
        if let v = text.utf8.withContiguousStorageIfAvailable({ int(utf8: $0, base: base) }) { return v }
        return parse(Array(text.utf8)[...], base: base)
    }

    /// `int(text, base:)` for text given as its UTF-8 bytes (already valid UTF-8).
    public static func int(utf8 text: UnsafeBufferPointer<UInt8>, base: Int = 10) -> Int? {
        precondition(base == 0 || base == 2 || base == 8 || base == 10 || base == 16, "base must be 0, 2, 8, 10 or 16")
        if let value = plainNumber(text, base: base) { return value }
        return parse(text[...], base: base)
    }

    /// The common spellings in metadata, read directly: up to 18 decimal digits (base 10, or base 0
    /// without a leading zero), or `0x` and up to 15 hex digits (base 0 or 16). `nil` for anything else
    /// (signs, spaces, `_`, other prefixes), which the full parser then reads.
    private static func plainNumber(_ text: UnsafeBufferPointer<UInt8>, base: Int) -> Int? {
        let n = text.count
        guard n > 0 else { return nil }
        if n > 2, base == 0 || base == 16, text[0] == UInt8(ascii: "0"), text[1] | 0x20 == UInt8(ascii: "x") {
            guard n <= 17 else { return nil }
            var value = 0
            for i in 2..<n {
                let b = text[i]
                let d: Int
                switch b {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): d = Int(b &- UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): d = Int(b &- UInt8(ascii: "a")) &+ 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): d = Int(b &- UInt8(ascii: "A")) &+ 10
                default: return nil
                }
                value = value &<< 4 | d
            }
            return value
        }
        guard base == 10 || (base == 0 && (n == 1 || text[0] != UInt8(ascii: "0"))), n <= 18 else { return nil }
        var value = 0
        for b in text {
            let d = b &- UInt8(ascii: "0")
            guard d < 10 else { return nil }
            value = value &* 10 &+ Int(d)
        }
        return value
    }

    /// Python's `float(text)`, or `nil` where Python raises `ValueError`.
    public static func float(_ text: String) -> Double? {
        var s = Substring(text)
        while let c = s.first, c.isWhitespace { s = s.dropFirst() }
        while let c = s.last, c.isWhitespace { s = s.dropLast() }
        guard !s.isEmpty else { return nil }
        // Python accepts `_` between digits; Swift's parser does not.
        if s.contains("_") {
            var cleaned = ""
            let chars = Array(s)
            for (i, c) in chars.enumerated() {
                if c == "_" {
                    guard i > 0, i + 1 < chars.count, chars[i - 1].isNumber, chars[i + 1].isNumber else { return nil }
                    continue
                }
                cleaned.append(c)
            }
            s = Substring(cleaned)
        }
        let lower = s.lowercased()
        let unsigned = lower.hasPrefix("+") || lower.hasPrefix("-") ? String(lower.dropFirst()) : lower
        if ["inf", "infinity", "nan"].contains(unsigned) {
            let magnitude = unsigned == "nan" ? Double.nan : Double.infinity
            return lower.hasPrefix("-") ? -magnitude : magnitude
        }
        // Reject what Swift accepts but Python does not: hexadecimal floats.
        guard !unsigned.hasPrefix("0x") else { return nil }
        return Double(s)
    }

    private static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || (b >= 0x09 && b <= 0x0D) }

    private static func parse<C: BidirectionalCollection<UInt8>>(_ bytes: C, base requested: Int) -> Int?
    where C.SubSequence == C {
        var utf8 = bytes
        while let f = utf8.first, isSpace(f) { utf8 = utf8.dropFirst() }
        while let l = utf8.last, isSpace(l) { utf8 = utf8.dropLast() }
        var negative = false
        if let f = utf8.first, f == UInt8(ascii: "+") || f == UInt8(ascii: "-") {
            negative = f == UInt8(ascii: "-")
            utf8 = utf8.dropFirst()
        }
        var base = UInt64(requested == 0 ? 10 : requested)
        var prefixed = false
        if requested != 10, utf8.count >= 2, utf8.first == UInt8(ascii: "0") {
            let prefixBase: UInt64?
            switch utf8[utf8.index(after: utf8.startIndex)] | 0x20 {
            case UInt8(ascii: "x"): prefixBase = 16
            case UInt8(ascii: "o"): prefixBase = 8
            case UInt8(ascii: "b"): prefixBase = 2
            default: prefixBase = nil
            }
            if let prefixBase, requested == 0 || UInt64(requested) == prefixBase {
                base = prefixBase
                prefixed = true
                utf8 = utf8.dropFirst(2)
            }
        }
        // Digits, each optionally preceded by one `_` (not the first digit of an unprefixed number).
        var magnitude: UInt64 = 0
        var digits = 0
        var pendingUnderscore = false
        var sawNonZero = false
        for b in utf8 {
            if b == UInt8(ascii: "_") {
                if pendingUnderscore || (digits == 0 && !prefixed) { return nil }
                pendingUnderscore = true
                continue
            }
            let d: UInt64
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt64(b - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt64(b - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt64(b - UInt8(ascii: "A") + 10)
            default: return nil
            }
            guard d < base else { return nil }
            if d != 0 { sawNonZero = true }
            let (m, o1) = magnitude.multipliedReportingOverflow(by: base)
            let (s, o2) = m.addingReportingOverflow(d)
            guard !o1, !o2 else { return nil }
            magnitude = s
            digits += 1
            pendingUnderscore = false
        }
        guard digits > 0, !pendingUnderscore else { return nil }
        // Base 0 refuses "010" (ambiguous octal) but accepts "000".
        if requested == 0, !prefixed, sawNonZero, utf8.first == UInt8(ascii: "0") { return nil }
        if negative {
            guard magnitude <= UInt64(Int.max) + 1 else { return nil }
            return magnitude == UInt64(Int.max) + 1 ? Int.min : -Int(magnitude)
        }
        guard magnitude <= UInt64(Int.max) else { return nil }
        return Int(magnitude)
    }
}
