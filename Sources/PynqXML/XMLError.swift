/// XML that is not well-formed (or not UTF-8): where and why.
public struct XMLError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Name of the document (file or section) for the message.
    public var source: String
    /// Byte offset of the problem.
    public var offset: Int
    public var reason: String

    public init(source: String, offset: Int, reason: String) {
        self.source = source
        self.offset = offset
        self.reason = reason
    }

    public var description: String { "\(source): malformed XML at byte \(offset): \(reason)" }
}
