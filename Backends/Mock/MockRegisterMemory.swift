import PynqBackend
#if canImport(Darwin)
import Darwin
#else
import Glibc
#endif

/// Host memory standing in for the registers of an IP without a control protocol on the Mock device:
/// one anonymous, zero-filled `mmap` of the IP's address range (reserved, committed page by page as
/// registers are touched). `MockRegisterSpace` hands it out as `mappedAddress`, so MMIO on such IPs is
/// a direct load or store, as on a Zynq board's `/dev/mem` mapping.
final class MockRegisterMemory: @unchecked Sendable {
    let address: UnsafeMutableRawPointer
    let length: Int
    private let system: SystemCalls

    /// Maps `length` bytes (at least one page).
    init(length: Int, system: SystemCalls) throws(BackendError) {
        #if canImport(Darwin)
        let flags = MAP_PRIVATE | MAP_ANON | MAP_NORESERVE
        #else
        let flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE
        #endif
        self.length = max(length, 4096)
        self.system = system
        address = try system.mmap(self.length, PROT_READ | PROT_WRITE, flags, -1, 0)
    }

    deinit { try? system.munmap(address, length) }
}
