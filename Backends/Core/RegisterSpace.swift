/// The registers of one IP: `length` bytes starting at device address `baseAddress`.
/// Offsets are relative to `baseAddress`; accesses are 32-bit words at 4-byte aligned offsets
/// (as pynq's MMIO). Implementations check bounds and alignment and throw
/// `BackendError.registerOutOfRange` / `.unalignedRegister` instead of touching anything.
public protocol RegisterSpace: AnyObject, Sendable {
    /// Name of the IP the space belongs to (for error messages).
    var ipName: String { get }
    var baseAddress: UInt64 { get }
    var length: Int { get }
    /// Host mapping of the registers for memory-mapped backends (`/dev/mem`), else `nil`.
    /// Valid while the space is alive.
    var mappedAddress: UnsafeMutableRawPointer? { get }
    /// Reads the 32-bit register at `offset`.
    func read32(offset: Int) throws -> UInt32
    /// Writes the 32-bit register at `offset`.
    func write32(offset: Int, _ value: UInt32) throws
}

extension RegisterSpace {
    /// Throws unless `offset ..< offset + byteCount` lies inside the space and `offset` is 4-byte aligned.
    public func checkAccess(offset: Int, byteCount: Int = 4) throws {
        guard offset >= 0, byteCount >= 0, offset <= length - byteCount else {
            throw BackendError.registerOutOfRange(ip: ipName, offset: offset, byteCount: byteCount, length: length)
        }
        guard offset % 4 == 0 else { throw BackendError.unalignedRegister(ip: ipName, offset: offset) }
    }

    /// Reads the 64-bit value at `offset` (low word first, as HLS lays out 64-bit arguments).
    public func read64(offset: Int) throws -> UInt64 {
        let low = try read32(offset: offset)
        let high = try read32(offset: offset + 4)
        return UInt64(high) << 32 | UInt64(low)
    }

    /// Writes the 64-bit value at `offset` (low word first).
    public func write64(offset: Int, _ value: UInt64) throws {
        try checkAccess(offset: offset, byteCount: 8)
        try write32(offset: offset, UInt32(truncatingIfNeeded: value))
        try write32(offset: offset + 4, UInt32(truncatingIfNeeded: value >> 32))
    }
}
