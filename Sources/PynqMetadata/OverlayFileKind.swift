/// The overlay file formats this library reads.
public enum OverlayFileKind: String, Sendable, Hashable, CaseIterable {
    /// An xclbin (`axlf`) container: Alveo and PYNQ 3 overlays.
    case xclbin
    /// A Vivado hardware hand-off: Zynq overlays.
    case hwh
    /// A Xilinx `.bit` bitstream with its header.
    case bit

    /// The kind named by a file's extension (case-insensitive), or `nil`.
    public init?(fileName: String) {
        // Byte-wise from the end (no Character or lowercasing work): the text after the last '.' that
        // comes after the last '/'.
        let found = fileName.utf8.withContiguousStorageIfAvailable(Self.kind(ofFileName:))
            ?? Self.kind(ofFileName: Array(fileName.utf8))
        guard let found else { return nil }
        self = found
    }

    private static func kind<C: BidirectionalCollection<UInt8>>(ofFileName name: C) -> OverlayFileKind? {
        var end = name.endIndex
        var count = 0
        while end != name.startIndex {
            let before = name.index(before: end)
            let b = name[before]
            if b == UInt8(ascii: ".") { break }
            if b == UInt8(ascii: "/") || count == 6 { return nil }
            end = before
            count += 1
        }
        guard end != name.startIndex else { return nil }
        // The extension, lowercased ASCII, packed into an integer.
        var key: UInt64 = 0
        for b in name[end...] {
            let lower = b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") ? b | 0x20 : b
            key = key << 8 | UInt64(lower)
        }
        switch key {
        case packed("xclbin"): return .xclbin
        case packed("hwh"): return .hwh
        case packed("bit"): return .bit
        default: return nil
        }
    }

    private static func packed(_ s: StaticString) -> UInt64 {
        var key: UInt64 = 0
        for i in 0..<s.utf8CodeUnitCount { key = key << 8 | UInt64(s.utf8Start[i]) }
        return key
    }

    /// The kind whose signature `bytes` start with, or `nil` when none matches: the `xclbin2` magic,
    /// an XML document whose root element is `EDKSYSTEM`, or a `.bit` preamble followed by its `a` section.
    public init?(content bytes: [UInt8]) {
        if let kind = OverlayFileKind.allCases.first(where: { $0.matches(bytes) }) { self = kind } else { return nil }
    }

    /// Whether `bytes` start like a file of this kind. Cheap: looks at the first bytes only; the reader
    /// then checks the rest.
    public func matches(_ bytes: [UInt8]) -> Bool {
        switch self {
        case .xclbin:
            return bytes.count >= 8 && bytes.withUnsafeBytes {
                $0.loadUnaligned(as: UInt64.self) == UInt64(littleEndian: 0x0032_6e69_626c_6378)  // "xclbin2\0"
            }
        case .hwh: return Self.firstElementName(bytes) == Self.hwhRoot
        case .bit:
            guard bytes.count >= 2 else { return false }
            let keyOffset = 2 + (Int(bytes[0]) << 8 | Int(bytes[1])) + 2
            return keyOffset < bytes.count && bytes[keyOffset] == UInt8(ascii: "a")
        }
    }

    private static let hwhRoot: ArraySlice<UInt8> = ArraySlice("EDKSYSTEM".utf8)
    private static let commentOpen: [UInt8] = Array("<!--".utf8)

    /// The name of the first element of an XML document (after a BOM, the XML declaration, processing
    /// instructions, comments and a DOCTYPE), looking at no more than the first 64 KiB.
    static func firstElementName(_ bytes: [UInt8]) -> ArraySlice<UInt8>? {
        let end = min(bytes.count, 65_536)
        var i = bytes.starts(with: [0xef, 0xbb, 0xbf]) ? 3 : 0
        while i < end {
            let c = bytes[i]
            if c == 0x20 || c == 0x09 || c == 0x0a || c == 0x0d { i += 1; continue }
            guard c == UInt8(ascii: "<"), i + 1 < end else { return nil }
            let next = bytes[i + 1]
            if next == UInt8(ascii: "?") || next == UInt8(ascii: "!") {
                // Skip `<!--...-->`, or `<?...?>` / `<!DOCTYPE ...>` up to the `>` outside brackets.
                if bytes[i..<end].starts(with: Self.commentOpen) {
                    var j = i + 4
                    while j + 2 < end, !(bytes[j] == UInt8(ascii: "-") && bytes[j + 1] == UInt8(ascii: "-")
                        && bytes[j + 2] == UInt8(ascii: ">")) { j += 1 }
                    i = j + 3
                    continue
                }
                var j = i + 2
                var depth = 0
                while j < end {
                    let b = bytes[j]
                    if b == UInt8(ascii: "[") { depth += 1 }
                    else if b == UInt8(ascii: "]") { depth -= 1 }
                    else if b == UInt8(ascii: ">"), depth <= 0 { break }
                    j += 1
                }
                i = j + 1
                continue
            }
            var j = i + 1
            while j < end, !(bytes[j] == 0x20 || bytes[j] == 0x09 || bytes[j] == 0x0a || bytes[j] == 0x0d
                || bytes[j] == UInt8(ascii: ">") || bytes[j] == UInt8(ascii: "/")) { j += 1 }
            return bytes[(i + 1)..<j]
        }
        return nil
    }
}
