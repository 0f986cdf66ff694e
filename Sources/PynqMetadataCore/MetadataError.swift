/// A metadata file that cannot be read: what was wrong, in which part of the file, and where.
public struct MetadataError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem this is, for code that wants to react to it.
    public enum Kind: Sendable, Hashable {
        /// The file ends before a structure it announces (`needed` bytes at `offset`).
        case truncated(needed: Int, available: Int)
        /// The file does not start with the format's magic.
        case badMagic
        /// A count, offset or size field is impossible (past the end, overflowing, negative).
        case badField
        /// Text that is not valid UTF-8 or not well-formed XML.
        case badText
        /// A value the format allows but this reader cannot interpret.
        case unsupported
        /// The file does not exist or could not be read.
        case unreadable
    }

    public var kind: Kind
    /// The file, or the part of it (e.g. `"xclbin section MEM_TOPOLOGY"`), where the problem is.
    public var part: String
    /// Byte offset of the problem from the start of `part`, when it has one.
    public var offset: Int?
    /// Human-readable explanation, saying what to do where that is not obvious.
    public var reason: String

    public init(_ kind: Kind, part: String, offset: Int? = nil, reason: String) {
        self.kind = kind
        self.part = part
        self.offset = offset
        self.reason = reason
    }

    public var description: String {
        if let offset { return "\(part), offset \(offset) (0x\(String(offset, radix: 16))): \(reason)" }
        return "\(part): \(reason)"
    }
}
