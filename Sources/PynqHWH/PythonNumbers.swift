// Numbers as pynq reads them from HWH attributes: Python's `int(text, base)` and `float(text)`, so that
// what pynq accepts (surrounding whitespace, a sign, `_` between digits, a `0x` prefix in base 16) we
// accept, and what makes pynq raise we reject.

enum PythonNumbers {
    /// Python's `int(text, base)` for base 10 or 16, or `nil` where Python raises `ValueError` (or the
    /// value does not fit an `Int`).
    static func int(_ text: String, base: Int = 10) -> Int? {
        var utf8 = Substring(text).utf8[...]
        while let b = utf8.first, isSpace(b) { utf8 = utf8.dropFirst() }
        while let b = utf8.last, isSpace(b) { utf8 = utf8.dropLast() }
        var negative = false
        if let b = utf8.first, b == UInt8(ascii: "+") || b == UInt8(ascii: "-") {
            negative = b == UInt8(ascii: "-")
            utf8 = utf8.dropFirst()
        }
        if base == 16, utf8.count >= 2, utf8.first == UInt8(ascii: "0"),
           let x = utf8.dropFirst().first, x == UInt8(ascii: "x") || x == UInt8(ascii: "X")
        {
            utf8 = utf8.dropFirst(2)
            // Python allows one `_` right after the prefix: int("0x_1f", 16).
            if utf8.first == UInt8(ascii: "_") { utf8 = utf8.dropFirst() }
        }
        guard !utf8.isEmpty else { return nil }
        var value = 0
        var previousWasDigit = false
        for b in utf8 {
            if b == UInt8(ascii: "_") {
                guard previousWasDigit else { return nil }
                previousWasDigit = false
                continue
            }
            guard let digit = digitValue(b), digit < base else { return nil }
            let (m, o1) = value.multipliedReportingOverflow(by: base)
            let (s, o2) = m.addingReportingOverflow(digit)
            guard !o1, !o2 else { return nil }
            value = s
            previousWasDigit = true
        }
        guard previousWasDigit else { return nil }
        return negative ? -value : value
    }

    /// pynq's `string2int`: hexadecimal when the text starts with `0x`, decimal otherwise.
    static func string2int(_ text: String) -> Int? {
        int(text, base: text.hasPrefix("0x") ? 16 : 10)
    }

    /// Python's `float(text)`, or `nil` where Python raises `ValueError`.
    static func float(_ text: String) -> Double? {
        var s = Substring(text)
        while let c = s.first, c.isWhitespace { s = s.dropFirst() }
        while let c = s.last, c.isWhitespace { s = s.dropLast() }
        guard !s.isEmpty else { return nil }
        // Python accepts `_` between digits; Swift's parser does not.
        var cleaned = ""
        if s.contains("_") {
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

    @inline(__always) private static func isSpace(_ b: UInt8) -> Bool {
        b == 0x20 || (b >= 0x09 && b <= 0x0D)
    }

    @inline(__always) private static func digitValue(_ b: UInt8) -> Int? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(b - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return Int(b - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return Int(b - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }
}
