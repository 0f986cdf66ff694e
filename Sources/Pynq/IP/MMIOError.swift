/// Why an `MMIO` access was refused. Nothing is read or written when one of these is thrown.
public enum MMIOError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `offset ..< offset + width` is not inside `0 ..< length`.
    case outOfRange(offset: Int, width: Int, length: Int, baseAddress: UInt64)
    /// `offset` is not a multiple of the access's natural alignment.
    case misaligned(offset: Int, width: Int, alignment: Int, baseAddress: UInt64)
    /// A pynq-style `read(offset, length:)` with a length other than 1, 2, 4 or 8.
    case unsupportedLength(Int)
    /// A pynq-style `write(offset, bytes)` whose byte count is not a multiple of 4.
    case unalignedData(byteCount: Int)
    /// A pynq-style `write(offset, value)` whose value does not fit in 32 bits.
    case valueOutOfRange(value: Int, bits: Int)
    /// An `MMIO` was asked for with a negative length.
    case invalidLength(Int)

    public var description: String {
        switch self {
        case let .outOfRange(offset, width, length, base):
            return "MMIO access of \(width) byte(s) at offset \(hex(offset)) is outside the \(length)-byte range "
                + "at \(hex(base)) (valid offsets 0…\(hex(max(0, length - width)))); use an offset inside the IP's address range"
        case let .misaligned(offset, width, alignment, base):
            return "MMIO access of \(width) byte(s) at offset \(hex(offset)) (range at \(hex(base))) is not "
                + "\(alignment)-byte aligned; use an offset that is a multiple of \(alignment)"
        case let .unsupportedLength(length):
            return "MMIO read length \(length) is not supported; use 1, 2, 4 or 8 bytes"
        case let .unalignedData(count):
            return "MMIO write of \(count) bytes: the data length must be a multiple of 4"
        case let .valueOutOfRange(value, bits):
            return "MMIO write value \(value) does not fit in \(bits) bits; use a typed write (write(UInt64(...), at:)) for wider values"
        case let .invalidLength(length):
            return "MMIO length \(length) is negative; give the size of the register range in bytes"
        }
    }
}

@usableFromInline func hex<T: BinaryInteger>(_ value: T) -> String {
    value < 0 ? "-0x" + String(-Int64(value), radix: 16) : "0x" + String(value, radix: 16)
}
