/// Direction of a cache / DMA synchronisation between the host's view of a buffer and the device's.
public enum SyncDirection: Sendable, Hashable {
    /// Make host writes visible to the device (pynq's `flush` / `sync_to_device`).
    case toDevice
    /// Make device writes visible to the host (pynq's `invalidate` / `sync_from_device`).
    case fromDevice
}

/// Memory that a backend handed out for one buffer: host-mapped bytes plus the address the device
/// uses for them. A `PynqBuffer` owns exactly one allocation and calls `release()` exactly once
/// (on `free()` or in its `deinit`); backends may rely on that.
public protocol BackendAllocation: AnyObject, Sendable {
    /// First byte of the host mapping (valid until `release()`).
    var hostAddress: UnsafeMutableRawPointer { get }
    /// Size of the mapping in bytes (at least what was asked for).
    var byteCount: Int { get }
    /// Address of the first byte as the device (DMA engine, kernel) sees it.
    var deviceAddress: UInt64 { get }
    /// Index of the memory bank (MEM_TOPOLOGY index) the allocation lives in.
    var memoryIndex: Int { get }
    /// Whether host and device see each other's writes without `sync` (then `sync` is a no-op).
    var coherent: Bool { get }
    /// Whether the host mapping is cached.
    var cacheable: Bool { get }
    /// Synchronises `length` bytes starting `offset` bytes into the allocation.
    func sync(_ direction: SyncDirection, offset: Int, length: Int) throws
    /// Gives the memory back to the backend. Called exactly once by the owning buffer.
    func release()
}
