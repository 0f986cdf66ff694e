/// Decoding of XML character and entity references.
enum XMLEntities {
    /// Decodes `&lt;` `&gt;` `&amp;` `&quot;` `&apos;` `&#N;` `&#xN;` in text already checked by the parser.
    /// With `normalizingWhitespace` (attribute values), a literal tab, line feed, carriage return or CR LF
    /// pair becomes one space. The runs between references (and, when normalizing, those characters) are
    /// found 8 bytes at a time and copied whole: long descriptions full of `&#xA;` decode at a few
    /// instructions per byte. The result is never longer than `raw` (every reference is longer than the
    /// UTF-8 of its character).
    static func decode(_ raw: UnsafeBufferPointer<UInt8>, normalizingWhitespace: Bool = false) -> String {
        guard let base = raw.baseAddress, !raw.isEmpty else { return "" }
        return String(unsafeUninitializedCapacity: raw.count) { out in
            var o = 0, i = 0
            let n = raw.count
            while i < n {
                // Skip ahead over bytes that are copied as they are.
                var j = i
                while j + 8 <= n {
                    let word = UnsafeRawPointer(base + j).loadUnaligned(as: UInt64.self)
                    if hasSpecialByte(word, whitespace: normalizingWhitespace) { break }
                    j += 8
                }
                while j < n, !isSpecial(raw[j], whitespace: normalizingWhitespace) { j += 1 }
                if j > i {
                    UnsafeMutableRawPointer(out.baseAddress! + o).copyMemory(from: base + i, byteCount: j - i)
                    o += j - i
                    i = j
                }
                guard i < n else { break }
                let b = raw[i]
                if b == UInt8(ascii: "&") {
                    var end = i + 1
                    while end < n, raw[end] != UInt8(ascii: ";") { end += 1 }
                    if let scalar = reference(UnsafeBufferPointer(rebasing: raw[(i + 1)..<end])) {
                        UTF8.encode(scalar) { byte in
                            out[o] = byte
                            o += 1
                        }
                    }
                    i = end + 1
                } else {
                    out[o] = 0x20
                    o += 1
                    i += b == 0x0D && i + 1 < n && raw[i + 1] == 0x0A ? 2 : 1
                }
            }
            return o
        }
    }

    private static func isSpecial(_ b: UInt8, whitespace: Bool) -> Bool {
        b == UInt8(ascii: "&") || (whitespace && (b == 0x09 || b == 0x0A || b == 0x0D))
    }

    /// Whether any byte of `word` is `&` (or, with `whitespace`, a tab, line feed or carriage return): the
    /// "has a zero byte" test on `word` XOR each of them.
    private static func hasSpecialByte(_ word: UInt64, whitespace: Bool) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        func hasZero(_ v: UInt64) -> Bool { (v &- ones) & ~v & highs != 0 }
        if hasZero(word ^ (ones &* 0x26)) { return true }
        guard whitespace else { return false }
        return hasZero(word ^ (ones &* 0x09)) || hasZero(word ^ (ones &* 0x0A)) || hasZero(word ^ (ones &* 0x0D))
    }

    /// The character that reference `name` (between `&` and `;`) stands for, or `nil` if unknown.
    static func reference(_ name: UnsafeBufferPointer<UInt8>) -> Unicode.Scalar? {
        // Compared byte by byte: this runs for every reference in the document.
        func named(_ s: StaticString) -> Bool {
            name.count == s.utf8CodeUnitCount && (0..<name.count).allSatisfy { name[$0] == s.utf8Start[$0] }
        }
        if named("lt") { return "<" }
        if named("gt") { return ">" }
        if named("amp") { return "&" }
        if named("quot") { return "\"" }
        if named("apos") { return "'" }
        guard name.count >= 2, name[0] == UInt8(ascii: "#") else { return nil }
        var value: UInt32 = 0
        let hex = name[1] == UInt8(ascii: "x")
        let digits = name[(hex ? 2 : 1)...]
        guard !digits.isEmpty, digits.count <= 8 else { return nil }
        for d in digits {
            let v: UInt32
            switch d {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = UInt32(d - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f") where hex: v = UInt32(d - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F") where hex: v = UInt32(d - UInt8(ascii: "A") + 10)
            default: return nil
            }
            value = value * (hex ? 16 : 10) + v
        }
        guard value != 0, let scalar = Unicode.Scalar(value) else { return nil }
        return scalar
    }
}
