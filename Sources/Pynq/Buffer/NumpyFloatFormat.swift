#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A finite floating-point number as its shortest round-trip decimal digits (what numpy's Dragon4 in
/// `unique` mode and Swift's `description` both produce): value = ±d₀.d₁d₂… × 10^exponent.
struct DecimalDigits: Equatable {
    var negative: Bool
    /// Significant digits without leading or trailing zeros; `[0]` for zero.
    var digits: [UInt8]
    /// Decimal exponent of the first digit.
    var exponent: Int
    /// The value itself, for exact rounding when fewer digits are wanted.
    var value: Double

    /// Parses Swift's `description` of a finite `Float16`, `Float` or `Double` (`"1.5"`, `"-0.0"`, `"1e-05"`).
    init(description: String, value: Double) {
        var text = Substring(description)
        negative = text.first == "-"
        if negative { text = text.dropFirst() }
        var exponentPart = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponentPart = Int(text[text.index(after: e)...].replacingPlus()) ?? 0
            text = text[..<e]
        }
        let pointIndex = text.firstIndex(of: ".")
        let integerDigits = pointIndex.map { text.distance(from: text.startIndex, to: $0) } ?? text.count
        var all = text.compactMap { $0.asciiValue.flatMap { $0 >= 48 && $0 <= 57 ? $0 - 48 : nil } }
        var leading = 0
        while leading < all.count - 1, all[leading] == 0 { leading += 1 }
        all.removeFirst(leading)
        while all.count > 1, all.last == 0 { all.removeLast() }
        self.value = value
        if all == [0] {
            digits = [0]
            exponent = 0
        } else {
            digits = all
            exponent = integerDigits - 1 - leading + exponentPart
        }
    }

    var isZero: Bool { digits == [0] }

    /// Fraction digits needed to print the value positionally.
    var fractionDigitCount: Int { Swift.max(0, digits.count - 1 - exponent) }

    /// numpy's `dragon4_positional(x, precision:, unique=True, trim='.')` split at the point:
    /// the integer part (with its sign) and the fraction digits (trailing zeros trimmed).
    func positional(precision: Int) -> (integer: String, fraction: String) {
        if fractionDigitCount > precision {
            // More digits than allowed: round the exact binary value (Dragon4 rounds it half-to-even,
            // as the C library's printf does).
            let text = cFormat(value, style: "f", precision: precision)
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            var fraction = parts.count > 1 ? String(parts[1]) : ""
            while fraction.last == "0" { fraction.removeLast() }
            return (String(parts[0]), fraction)
        }
        if fractionDigitCount == 0 {
            // An integer: Dragon4 prints every digit up to the point from the exact value
            // (float16 65504 is `65504.`, though `6.55e+04` would identify it).
            return (cFormat(value, style: "f", precision: 0), "")
        }
        let sign = negative ? "-" : ""
        var integer = ""
        var fraction = ""
        if exponent < 0 {
            integer = "0"
            fraction = String(repeating: "0", count: -exponent - 1) + digits.map(String.init).joined()
        } else {
            for position in 0...exponent { integer += position < digits.count ? String(digits[position]) : "0" }
            if digits.count > exponent + 1 { fraction = digits[(exponent + 1)...].map(String.init).joined() }
        }
        if isZero { fraction = "" }
        return (sign + integer, fraction)
    }

    /// numpy's `dragon4_scientific(x, precision:, unique=True, trim='.')` split into the mantissa's integer
    /// part (with sign), its fraction digits and the exponent (`-05` style: sign and at least two digits).
    func scientific(precision: Int) -> (integer: String, fraction: String, exponent: Int) {
        if digits.count - 1 > precision {
            var parts = scientificExact(precision: precision)
            while parts.fraction.last == "0" { parts.fraction.removeLast() }
            return parts
        }
        let sign = negative ? "-" : ""
        let fraction = digits.count > 1 ? digits[1...].map(String.init).joined() : ""
        return (sign + String(digits[0]), fraction, isZero ? 0 : exponent)
    }

    /// The exact value rounded to `precision` fraction digits in scientific form (trailing zeros kept).
    func scientificExact(precision: Int) -> (integer: String, fraction: String, exponent: Int) {
        let text = cFormat(value, style: "e", precision: precision)
        let mantissaAndExponent = text.split(separator: "e")
        let parts = mantissaAndExponent[0].split(separator: ".", omittingEmptySubsequences: false)
        return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "", Int(mantissaAndExponent[1].replacingPlus()) ?? 0)
    }
}

extension Substring {
    fileprivate func replacingPlus() -> Substring { first == "+" ? dropFirst() : self }
}

/// `value` formatted by the C library's `%.<precision>f` or `%.<precision>e` (exact, round-half-even).
private func cFormat(_ value: Double, style: Character, precision: Int) -> String {
    let format = "%.*" + String(style)
    var buffer = [CChar](repeating: 0, count: 512)
    let written = withVaList([Int32(precision), value]) { arguments in
        buffer.withUnsafeMutableBufferPointer { vsnprintf($0.baseAddress, $0.count, format, arguments) }
    }
    let bytes = buffer.prefix(Swift.max(0, Swift.min(Int(written), buffer.count - 1))).map { UInt8(bitPattern: $0) }
    return String(decoding: bytes, as: UTF8.self)
}

/// numpy's `FloatingFormat` for array reprs (default print options: precision 8, `floatmode='maxprec'`,
/// `suppress=False`, `sign='-'`, `nanstr='nan'`, `infstr='inf'`).
struct NumpyFloatFormat {
    private enum Entry {
        case finite(DecimalDigits)
        case nan
        case infinity(negative: Bool)
    }

    private var scientific = false
    private var precision = 8
    private var exponentDigits = 0
    private var padLeft = 0
    private var padRight = 0
    private var fixedFraction = false

    /// Chooses the layout from the elements that will be shown (as numpy does: only those).
    /// `values` are (value, shortest digits of the element in its own precision).
    init(_ elements: [(value: Double, description: String)], exponentialThreshold: (Double, Double) -> Bool) {
        let finite = elements.filter { $0.value.isFinite }.map { DecimalDigits(description: $0.description, value: $0.value) }
        let magnitudes = finite.filter { !$0.isZero }.map { Swift.abs($0.value) }
        if let maximum = magnitudes.max(), let minimum = magnitudes.min() {
            scientific = exponentialThreshold(maximum, minimum)
        }
        if finite.isEmpty {
            padLeft = 0
            padRight = 0
        } else if scientific {
            let parts = finite.map { $0.scientific(precision: 8) }
            exponentDigits = Swift.max(2, parts.map { String(Swift.abs($0.exponent)).count }.max() ?? 2)
            precision = parts.map(\.fraction.count).max() ?? 0
            fixedFraction = true
            padLeft = parts.map(\.integer.count).max() ?? 0
            padRight = exponentDigits + 2 + precision
        } else {
            let parts = finite.map { $0.positional(precision: 8) }
            padLeft = parts.map(\.integer.count).max() ?? 0
            padRight = parts.map(\.fraction.count).max() ?? 0
        }
        let nonFinite = elements.filter { !$0.value.isFinite }
        if !nonFinite.isEmpty {
            let negativeInfinity = nonFinite.contains { $0.value.isInfinite && $0.value < 0 } ? 1 : 0
            let offset = padRight + 1
            padLeft = Swift.max(padLeft, 3 - offset, 3 + negativeInfinity - offset)
        }
    }

    /// numpy's exponential-format rule for `float64` (`float32` and `float16` compare in their own precision).
    static func needsExponential(maximum: Double, minimum: Double) -> Bool {
        maximum >= 1e8 || minimum < 0.0001 || maximum / minimum > 1000
    }

    func format(value: Double, description: String) -> String {
        if !value.isFinite {
            let text = value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf")
            return String(repeating: " ", count: Swift.max(0, padLeft + padRight + 1 - text.count)) + text
        }
        let decimal = DecimalDigits(description: description, value: value)
        if scientific {
            var parts = decimal.scientific(precision: precision)
            if fixedFraction, parts.fraction.count < precision {
                // numpy's min_digits: further digits of the exact value (not zeros) up to `precision`.
                parts = decimal.scientificExact(precision: precision)
            }
            let exponentText = String(Swift.abs(parts.exponent))
            let exponent = (parts.exponent < 0 ? "-" : "+")
                + String(repeating: "0", count: Swift.max(0, exponentDigits - exponentText.count)) + exponentText
            return pad(parts.integer, left: padLeft) + "." + parts.fraction + "e" + exponent
        }
        let parts = decimal.positional(precision: precision)
        return pad(parts.integer, left: padLeft) + "." + parts.fraction
            + String(repeating: " ", count: Swift.max(0, padRight - parts.fraction.count))
    }

    private func pad(_ text: String, left width: Int) -> String {
        String(repeating: " ", count: Swift.max(0, width - text.count)) + text
    }

    #if !((os(macOS) || targetEnvironment(macCatalyst)) && arch(x86_64))
    /// The shortest decimal digits that read back as `value` (Swift's `Float16.description` prints large
    /// values as exact integers, `65504.0`, where numpy's Dragon4 prints `6.55e+04`).
    static func shortestDescription(_ value: Float16) -> String {
        guard value.isFinite, value != 0 else { return value.description }
        for significant in 1...5 {
            let text = cFormat(Double(value), style: "e", precision: significant - 1)
            if Float16(text) == value { return text }
        }
        return value.description
    }
    #endif

    /// Python's `repr(float)` (and numpy's `str` of a float64 scalar): shortest digits, positional for
    /// decimal exponents -4…15, otherwise `1e-05` / `1.5e+16`; `nan`, `inf`, `-inf`.
    static func scalarRepr(_ value: Double, digits: String) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        let decimal = DecimalDigits(description: digits, value: value)
        if decimal.isZero || (decimal.exponent >= -4 && decimal.exponent < 16) {
            let parts = decimal.positional(precision: 40)
            return parts.integer + "." + (parts.fraction.isEmpty ? "0" : parts.fraction)
        }
        let parts = decimal.scientific(precision: 40)
        let exponentText = String(Swift.abs(parts.exponent))
        return parts.integer + (parts.fraction.isEmpty ? "" : "." + parts.fraction) + "e"
            + (parts.exponent < 0 ? "-" : "+") + (exponentText.count < 2 ? "0" : "") + exponentText
    }
}
