/// Python's `int(text)` and `int(text, 0)`, which pynq applies to the XML's numbers: surrounding
/// whitespace, a sign, `_` between digits, and (with base 0) `0x`/`0o`/`0b` prefixes; a decimal with a
/// leading zero is refused unless it is all zeros. `nil` when Python would raise or the value does not
/// fit in 64 bits.
enum PythonInt {
    /// `int(text, 0)`.
    static func parseAutoBase(_ text: String) -> Int? { parse(text, autoBase: true) }
    /// `int(text)` (base 10).
    static func parseDecimal(_ text: String) -> Int? { parse(text, autoBase: false) }

    private static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || (b >= 0x09 && b <= 0x0D) }

    private static func parse(_ text: String, autoBase: Bool) -> Int? {
        if let v = text.utf8.withContiguousStorageIfAvailable({ parse($0[...], autoBase: autoBase) }) { return v }
        return parse(Array(text.utf8)[...], autoBase: autoBase)
    }

    private static func parse<C: BidirectionalCollection<UInt8>>(_ bytes: C, autoBase: Bool) -> Int?
    where C.SubSequence == C {
        var utf8 = bytes
        while let f = utf8.first, isSpace(f) { utf8 = utf8.dropFirst() }
        while let l = utf8.last, isSpace(l) { utf8 = utf8.dropLast() }
        var negative = false
        if let f = utf8.first, f == UInt8(ascii: "+") || f == UInt8(ascii: "-") {
            negative = f == UInt8(ascii: "-")
            utf8 = utf8.dropFirst()
        }
        var base: UInt64 = 10
        var prefixed = false
        if autoBase, utf8.count >= 2, utf8.first == UInt8(ascii: "0") {
            switch utf8[utf8.index(after: utf8.startIndex)] | 0x20 {
            case UInt8(ascii: "x"): base = 16
            case UInt8(ascii: "o"): base = 8
            case UInt8(ascii: "b"): base = 2
            default: break
            }
            if base != 10 {
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
        if autoBase, base == 10, sawNonZero, utf8.first == UInt8(ascii: "0") { return nil }
        if negative {
            guard magnitude <= UInt64(Int.max) + 1 else { return nil }
            return magnitude == UInt64(Int.max) + 1 ? Int.min : -Int(magnitude)
        }
        guard magnitude <= UInt64(Int.max) else { return nil }
        return Int(magnitude)
    }
}
