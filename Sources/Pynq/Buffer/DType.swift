/// A numpy element type: what one element of a `PynqBuffer` is (kind and size in bytes).
///
/// Build one from a numpy dtype string with ``init(_:)`` (`"u4"`, `"<u4"`, `"=u4"`, `"|u1"`, `"uint32"`,
/// `"f8"`, `"float64"`, `"bool"`, `"?"` …) or use the constants (``uint32``, ``float32`` …) or
/// ``of(_:)`` for a Swift element type. Elements are stored in the host's (little-endian) byte order;
/// big-endian strings (`">u4"`) are refused with ``PynqBufferError/unsupportedByteOrder(_:)``.
public struct DType: Sendable, Hashable, CustomStringConvertible {
    /// numpy's kind character: `b` bool, `i` signed integer, `u` unsigned integer, `f` floating point.
    public enum Kind: Character, Sendable, Hashable, CaseIterable {
        case bool = "b"
        case signedInteger = "i"
        case unsignedInteger = "u"
        case float = "f"
    }

    /// What kind of number an element is.
    public let kind: Kind
    /// Size of one element in bytes (numpy's `itemsize`).
    public let itemSize: Int

    private init(_ kind: Kind, _ itemSize: Int) {
        self.kind = kind
        self.itemSize = itemSize
    }

    public static let bool = DType(.bool, 1)
    public static let int8 = DType(.signedInteger, 1)
    public static let int16 = DType(.signedInteger, 2)
    public static let int32 = DType(.signedInteger, 4)
    public static let int64 = DType(.signedInteger, 8)
    public static let uint8 = DType(.unsignedInteger, 1)
    public static let uint16 = DType(.unsignedInteger, 2)
    public static let uint32 = DType(.unsignedInteger, 4)
    public static let uint64 = DType(.unsignedInteger, 8)
    public static let float16 = DType(.float, 2)
    public static let float32 = DType(.float, 4)
    public static let float64 = DType(.float, 8)

    /// Every supported element type, in numpy's order of kinds and sizes.
    public static let all: [DType] = [
        .bool, .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64, .float16, .float32, .float64,
    ]

    /// The element type of Swift type `T` (`DType.of(UInt32.self) == .uint32`).
    public static func of<T: PynqElement>(_ type: T.Type) -> DType { T.pynqDType }

    /// numpy's name: `uint32`, `int8`, `float64`, `bool`.
    public var name: String {
        switch kind {
        case .bool: return "bool"
        case .signedInteger: return "int\(itemSize * 8)"
        case .unsignedInteger: return "uint\(itemSize * 8)"
        case .float: return "float\(itemSize * 8)"
        }
    }

    /// numpy's short string (`dtype.str`): `<u4`, `<f8`, `|u1`, `|b1`.
    public var typeString: String {
        let order = itemSize == 1 ? "|" : "<"
        return "\(order)\(kind.rawValue)\(itemSize)"
    }

    /// Whether numpy leaves `dtype=` out of an array's repr for this type (its defaults: int64, float64, bool).
    public var isNumpyReprDefault: Bool { self == .int64 || self == .float64 || self == .bool }

    public var description: String { name }

    /// The accepted spellings, for error messages.
    public static let acceptedForms =
        "u1 u2 u4 u8, i1 i2 i4 i8, f2 f4 f8, b1 (optionally prefixed by '<', '=' or '|'), "
        + "uint8 uint16 uint32 uint64, int8 int16 int32 int64, float16 float32 float64, "
        + "bool, ?, B H I L Q b h i l q e f d, uint, int, float, double, half, byte, ubyte, short, ushort, "
        + "intc, uintc, longlong, ulonglong"

    /// Parses a numpy dtype string; throws ``PynqBufferError/unknownDType(_:)`` (listing the accepted
    /// forms) or ``PynqBufferError/unsupportedByteOrder(_:)`` for `">u4"`.
    public init(_ string: String) throws(PynqBufferError) {
        if let common = DType.parseCommon(string) {
            self = common
            return
        }
        let text = string.trimmingSpaces()
        var body = Substring(text)
        if let first = body.first, "<>=|!".contains(first) {
            if first == ">" || first == "!" {
                let rest = body.dropFirst()
                // One-byte types have no byte order; numpy accepts '>u1' as u1.
                if let parsed = DType.parse(rest), parsed.itemSize == 1 {
                    self = parsed
                    return
                }
                throw .unsupportedByteOrder(string)
            }
            body = body.dropFirst()
        }
        guard let parsed = DType.parse(body) else { throw .unknownDType(string) }
        self = parsed
    }

    /// The forms programs pass most (`u4`, `<f8`, `|u1`, `uint32`, `?`), read without allocating; `nil`
    /// for anything else (spaces, `>`, unknown strings), which ``init(_:)`` then parses in full.
    private static func parseCommon(_ string: String) -> DType? {
        var bytes = string.utf8.makeIterator()
        guard var kind = bytes.next() else { return nil }
        if kind == UInt8(ascii: "<") || kind == UInt8(ascii: "=") || kind == UInt8(ascii: "|") {
            guard let next = bytes.next() else { return nil }
            kind = next
        }
        guard let size = bytes.next() else { return named[string] }
        guard bytes.next() == nil else { return named[string] }
        switch (kind, size) {
        case (UInt8(ascii: "u"), UInt8(ascii: "1")): return .uint8
        case (UInt8(ascii: "u"), UInt8(ascii: "2")): return .uint16
        case (UInt8(ascii: "u"), UInt8(ascii: "4")): return .uint32
        case (UInt8(ascii: "u"), UInt8(ascii: "8")): return .uint64
        case (UInt8(ascii: "i"), UInt8(ascii: "1")): return .int8
        case (UInt8(ascii: "i"), UInt8(ascii: "2")): return .int16
        case (UInt8(ascii: "i"), UInt8(ascii: "4")): return .int32
        case (UInt8(ascii: "i"), UInt8(ascii: "8")): return .int64
        case (UInt8(ascii: "f"), UInt8(ascii: "2")): return .float16
        case (UInt8(ascii: "f"), UInt8(ascii: "4")): return .float32
        case (UInt8(ascii: "f"), UInt8(ascii: "8")): return .float64
        case (UInt8(ascii: "b"), UInt8(ascii: "1")): return .bool
        default: return nil
        }
    }

    private static func parse(_ body: Substring) -> DType? {
        if let named = named[String(body)] { return named }
        guard let kindChar = body.first, let size = Int(body.dropFirst()) else { return nil }
        let kind: Kind
        switch kindChar {
        case "u": kind = .unsignedInteger
        case "i": kind = .signedInteger
        case "f": kind = .float
        case "b": kind = .bool
        default: return nil
        }
        let candidate = DType(kind, size)
        return all.contains(candidate) ? candidate : nil
    }

    private static let named: [String: DType] = {
        var table: [String: DType] = [
            "bool": .bool, "?": .bool, "bool_": .bool,
            "b": .int8, "h": .int16, "i": .int32, "l": .int64, "q": .int64,
            "B": .uint8, "H": .uint16, "I": .uint32, "L": .uint64, "Q": .uint64,
            "e": .float16, "f": .float32, "d": .float64,
            "int": .int64, "uint": .uint64, "float": .float64, "double": .float64, "half": .float16,
            "single": .float32, "byte": .int8, "ubyte": .uint8, "short": .int16, "ushort": .uint16,
            "intc": .int32, "uintc": .uint32, "longlong": .int64, "ulonglong": .uint64,
            "intp": .int64, "uintp": .uint64,
        ]
        for dtype in all { table[dtype.name] = dtype }
        return table
    }()
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
