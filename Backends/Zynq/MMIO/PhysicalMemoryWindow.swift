#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CMMIO
import PynqBackend

/// `length` bytes of physical address space mapped through `/dev/mem` (pynq's `MMIO` on Zynq).
///
/// Opens `/dev/mem` with `O_RDWR | O_SYNC` (uncached), maps the whole pages that hold
/// `baseAddress ..< baseAddress + length` and addresses registers at their offset within the first page.
/// The descriptor is closed at once; the mapping lives until `unmap()` or deinit. Accesses are 32-bit
/// volatile loads and stores at 4-byte aligned offsets, bounds-checked.
public final class PhysicalMemoryWindow: RegisterSpace, @unchecked Sendable {
    // @unchecked: the mapping pointer is owned by the window; the mutable `mapping` is only changed by
    // `unmap()`, which callers must not race with accesses (like munmap itself).

    public static let devicePath = "/dev/mem"
    public let ipName: String
    public let baseAddress: UInt64
    public let length: Int
    /// Offset of `baseAddress` within its page.
    public let offsetInPage: Int
    private let mappingLength: Int
    private var mapping: UnsafeMutableRawPointer?
    private let system: SystemInterface

    /// Maps `length` bytes at physical `baseAddress`; `name` labels errors (an IP's name).
    public init(system: SystemInterface, name: String, baseAddress: UInt64, length: Int) throws {
        guard length > 0, baseAddress <= UInt64.max - UInt64(length), baseAddress <= UInt64(Int64.max) else {
            throw ZynqError.invalidRange(address: baseAddress, length: length)
        }
        let page = UInt64(system.pageSize)
        let pageBase = baseAddress & ~(page - 1)
        self.system = system
        ipName = name
        self.baseAddress = baseAddress
        self.length = length
        offsetInPage = Int(baseAddress - pageBase)
        mappingLength = roundUpToPage(length + offsetInPage, Int(page))
        let fd = try system.open(Self.devicePath, O_RDWR | O_SYNC)
        defer { system.close(fd) }
        mapping = try system.mmap(length: mappingLength, protection: PROT_READ | PROT_WRITE, flags: MAP_SHARED,
                                  fd: fd, offset: Int64(pageBase))
    }

    deinit { unmap() }

    /// First byte of the window in this process, while mapped.
    public var mappedAddress: UnsafeMutableRawPointer? { mapping.map { $0 + offsetInPage } }

    private func address() throws -> UnsafeMutableRawPointer {
        guard let mapped = mappedAddress else { throw ZynqError.closed(what: "MMIO window of \(ipName)") }
        return mapped
    }

    public func read32(offset: Int) throws -> UInt32 {
        try checkAccess(offset: offset)
        return cmmio_load32(try address() + offset)
    }

    public func write32(offset: Int, _ value: UInt32) throws {
        try checkAccess(offset: offset)
        cmmio_store32(try address() + offset, value)
    }

    /// Unmaps the window (also done by deinit); later accesses through the window throw. Code that
    /// kept `mappedAddress` (the public API's `MMIO` does) must not use it afterwards: leave unmapping
    /// to deinit while such users hold the window.
    public func unmap() {
        guard let mapping else { return }
        self.mapping = nil
        try? system.munmap(mapping, length: mappingLength)
    }
}
