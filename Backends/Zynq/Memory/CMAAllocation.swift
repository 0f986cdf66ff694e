import PynqBackend
import Synchronization

/// A physically contiguous buffer from a CMA allocator, mapped into this process.
///
/// Owned by exactly one `PynqBuffer`, which calls `release()` once; a second `release()` does nothing.
public final class CMAAllocation: BackendAllocation, @unchecked Sendable {
    // @unchecked: every stored property is immutable except `released`, which sits behind a Mutex;
    // `hostAddress` is a raw pointer the allocation owns.

    public let hostAddress: UnsafeMutableRawPointer
    /// Bytes asked for.
    public let byteCount: Int
    /// Bytes mapped (`byteCount` rounded up to whole pages): what the allocation reserves.
    public let mappedLength: Int
    /// Physical address of the first byte.
    public let deviceAddress: UInt64
    public let memoryIndex: Int
    public let coherent: Bool
    public let cacheable: Bool
    /// The allocator's name for the buffer: the xlnk buffer id, or the byte offset in a u-dma-buf region.
    public let handle: Int64
    /// The allocator it came from (kept alive by the allocation).
    public let allocator: any CMAAllocator
    private let released = Mutex(false)

    init(hostAddress: UnsafeMutableRawPointer, byteCount: Int, mappedLength: Int, deviceAddress: UInt64,
         memoryIndex: Int, coherent: Bool, cacheable: Bool, handle: Int64, allocator: any CMAAllocator) {
        self.hostAddress = hostAddress
        self.byteCount = byteCount
        self.mappedLength = mappedLength
        self.deviceAddress = deviceAddress
        self.memoryIndex = memoryIndex
        self.coherent = coherent
        self.cacheable = cacheable
        self.handle = handle
        self.allocator = allocator
    }

    /// Whether `release()` has run.
    public var isReleased: Bool { released.withLock { $0 } }

    /// Cleans (`.toDevice`) or invalidates (`.fromDevice`) the caches over `length` bytes at `offset`.
    /// A no-op for coherent buffers.
    public func sync(_ direction: SyncDirection, offset: Int, length: Int) throws {
        guard offset >= 0, length >= 0, offset <= byteCount - length else {
            throw ZynqError.syncOutOfRange(offset: offset, length: length, byteCount: byteCount)
        }
        if isReleased { throw ZynqError.closed(what: "buffer at 0x\(String(deviceAddress, radix: 16))") }
        if coherent || length == 0 { return }
        try allocator.sync(self, direction, offset: offset, length: length)
    }

    /// Unmaps the buffer and gives it back to its allocator (once).
    public func release() {
        let first = released.withLock { wasReleased in
            defer { wasReleased = true }
            return !wasReleased
        }
        if first { allocator.free(self) }
    }
}

/// Buffers of this process in one allocator: pynq's `mem_used` / `num_buffers` (per process, like
/// pynq 2.x `Xlnk.cma_stats()`'s "CMA Memory Usage" and "Buffer Count").
public struct CMAUsage: Sendable, Hashable {
    /// Bytes reserved by live buffers (each counted with its mapped, page-rounded length).
    public var memUsed: UInt64
    public var numBuffers: Int
}

/// A source of physically contiguous, host-mapped buffers: the xlnk driver or a u-dma-buf region.
public protocol CMAAllocator: AnyObject, Sendable {
    /// Which allocator this is, for messages (`xlnk`, `u-dma-buf udmabuf0`).
    var name: String { get }
    /// Allocates `byteCount` bytes; `cacheable: false` maps them uncached where the driver can.
    func allocate(byteCount: Int, cacheable: Bool, memoryIndex: Int) throws -> CMAAllocation
    /// Cache maintenance for `length` bytes at `offset` of a non-coherent allocation (range already checked).
    func sync(_ allocation: CMAAllocation, _ direction: SyncDirection, offset: Int, length: Int) throws
    /// Unmaps and frees `allocation` (called once, by `CMAAllocation.release()`).
    func free(_ allocation: CMAAllocation)
    /// This process's live buffers.
    var usage: CMAUsage { get }
    /// The last error met while freeing a buffer (freeing cannot throw), if any.
    var lastReleaseError: ZynqError? { get }
    /// Releases the allocator's own descriptors. Live allocations stay valid and can still be released.
    func close()
}

/// Live allocations of one allocator, keyed by handle.
struct AllocationLedger {
    private(set) var lengths: [Int64: Int] = [:]
    var lastReleaseError: ZynqError?

    var usage: CMAUsage {
        CMAUsage(memUsed: lengths.values.reduce(0) { $0 + UInt64($1) }, numBuffers: lengths.count)
    }

    mutating func add(handle: Int64, length: Int) { lengths[handle] = length }
    mutating func remove(handle: Int64) { lengths.removeValue(forKey: handle) }
}

/// `length` rounded up to a multiple of `pageSize` (a power of two).
func roundUpToPage(_ length: Int, _ pageSize: Int) -> Int {
    (length + pageSize - 1) & ~(pageSize - 1)
}
