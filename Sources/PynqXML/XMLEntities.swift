/// Decoding of XML character and entity references.
enum XMLEntities {
    /// Decodes `&lt;` `&gt;` `&amp;` `&quot;` `&apos;` `&#N;` `&#xN;` in text already checked by the parser.
    /// With `normalizingWhitespace` (attribute values), a literal tab, line feed, carriage return or CR LF
    /// pair becomes one space.
    static func decode(_ raw: UnsafeBufferPointer<UInt8>, normalizingWhitespace: Bool = false) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = 0
        while i < raw.count {
            let b = raw[i]
            guard b == UInt8(ascii: "&") else {
                if normalizingWhitespace, b == 0x09 || b == 0x0A || b == 0x0D {
                    out.append(0x20)
                    i += b == 0x0D && i + 1 < raw.count && raw[i + 1] == 0x0A ? 2 : 1
                    continue
                }
                out.append(b)
                i += 1
                continue
            }
            var j = i + 1
            while j < raw.count, raw[j] != UInt8(ascii: ";") { j += 1 }
            let name = UnsafeBufferPointer(rebasing: raw[(i + 1)..<j])
            if let scalar = reference(name) {
                out.append(contentsOf: String(Character(scalar)).utf8)
            }
            i = j + 1
        }
        return String(decoding: out, as: UTF8.self)
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
