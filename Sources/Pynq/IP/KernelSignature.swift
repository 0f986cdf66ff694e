import PynqMetadataCore

/// The arguments of a kernel as `call(...)` / `start(...)` take them (pynq's `signature`): the
/// registers that carry an argument index (from the xclbin's kernel arguments), in index order. Stream
/// arguments have no register and are not part of it; `CTRL` is never an argument.
public struct KernelSignature: Sendable, Hashable, CustomStringConvertible {
    /// One argument: its name, C type and where its value goes.
    public struct Parameter: Sendable, Hashable, CustomStringConvertible {
        /// Argument name (`in1`, `size`).
        public var name: String
        /// Argument index (what XRT's `xrtRunSetArg` takes).
        public var index: Int
        /// Declared C type, e.g. `int*`, `unsigned int`, `float`.
        public var cType: String
        /// Register offset of the value.
        public var offset: Int
        /// Register width in bits (64 for pointers).
        public var sizeInBits: Int
        /// Memory bank tag a pointer argument is connected to, when known.
        public var memory: String?
        /// How the value is encoded.
        public var kind: Kind

        /// How a value is encoded into the argument's register.
        public enum Kind: Sendable, Hashable {
            /// A device address (a buffer).
            case pointer
            /// A signed integer of `bytes` bytes.
            case signed(bytes: Int)
            /// An unsigned integer of `bytes` bytes.
            case unsigned(bytes: Int)
            /// An IEEE float of `bytes` bytes (4 or 8).
            case floating(bytes: Int)
        }

        /// `name: type`.
        public var description: String { "\(name): \(cType)" }
    }

    public var parameters: [Parameter]

    /// The signature of a kernel with `registers`, or `nil` if none carries an argument index.
    public init?(registers: [Register]) {
        let arguments = registers.filter { $0.argumentIndex != nil && $0.name != "CTRL" }
            .sorted { ($0.argumentIndex!, $0.offset) < ($1.argumentIndex!, $1.offset) }
        guard !arguments.isEmpty else { return nil }
        parameters = arguments.map { register in
            let type = register.type ?? "unsigned int"
            return Parameter(name: register.name, index: register.argumentIndex!, cType: type, offset: register.offset,
                             sizeInBits: register.sizeInBits, memory: register.memory,
                             kind: Self.kind(cType: type, sizeInBits: register.sizeInBits))
        }
    }

    /// `(in1: int*, in2: int*, out_r: int*, size: unsigned int)`.
    public var description: String { "(" + parameters.map(\.description).joined(separator: ", ") + ")" }

    /// The encoding of C type `cType` (pynq's `_struct_dict`, with `const` and spaces ignored), or of a
    /// register of `sizeInBits` bits when the type is none of those (e.g. `ap_uint<48>`).
    public static func kind(cType: String, sizeInBits: Int) -> Parameter.Kind {
        if cType.contains("*") { return .pointer }
        let words = cType.split(whereSeparator: { $0 == " " || $0 == "\t" }).filter { $0 != "const" && $0 != "volatile" }
        let type = words.joined(separator: " ")
        switch type {
        case "char", "signed char", "int8_t": return .signed(bytes: 1)
        case "unsigned char", "uchar", "uint8_t", "bool": return .unsigned(bytes: 1)
        case "short", "signed short", "short int", "int16_t": return .signed(bytes: 2)
        case "unsigned short", "ushort", "unsigned short int", "uint16_t": return .unsigned(bytes: 2)
        case "int", "signed int", "signed", "int32_t": return .signed(bytes: 4)
        case "unsigned int", "unsigned", "uint", "uint32_t": return .unsigned(bytes: 4)
        case "long", "long int", "long long", "long long int", "signed long", "int64_t": return .signed(bytes: 8)
        case "unsigned long", "unsigned long int", "unsigned long long", "unsigned long long int", "uint64_t", "size_t":
            return .unsigned(bytes: 8)
        case "float": return .floating(bytes: 4)
        case "double": return .floating(bytes: 8)
        default: return .unsigned(bytes: max(1, min(8, (sizeInBits + 7) / 8)))
        }
    }
}
