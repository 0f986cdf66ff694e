import PynqMetadataCore

/// What a backend can do besides allocating buffers (pynq's `Device.capabilities`).
public struct BackendCapabilities: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Registers are reached through a host mapping (`RegisterSpace.mappedAddress` is non-nil):
    /// pynq's `MEMORY_MAPPED` (Zynq, `/dev/mem`).
    public static let memoryMapped = BackendCapabilities(rawValue: 1 << 0)
    /// Registers are reached through read/write calls (`RegisterSpace.read32` / `write32`):
    /// pynq's `REGISTER_RW` (XRT).
    public static let registerReadWrite = BackendCapabilities(rawValue: 1 << 1)
    /// Kernels can be started by the backend itself (`Backend.start(_:)` schedules a run, e.g. through
    /// XRT's run API) rather than only by writing AP_START: pynq's `CALLABLE`.
    public static let callable = BackendCapabilities(rawValue: 1 << 2)
}

/// An overlay as handed to `Backend.download(_:)`: its parsed description plus the file it came from.
public struct OverlayImage: Sendable {
    /// Parsed metadata (memories, streams, IPs, clocks, pynq's dictionaries).
    public var description: OverlayDescription
    /// Absolute path of the file the overlay was read from (`.xclbin`, `.bit`), if it came from a file.
    public var path: String?
    /// The file's bytes (what XRT's `xrtDeviceLoadXclbin` or fpga_manager needs).
    public var bytes: [UInt8]
    /// Identity of the overlay: the xclbin UUID in hex when there is one, otherwise derived from the path
    /// and contents. `Backend.loadedOverlayID` reports it after a successful download.
    public var identity: String

    public init(description: OverlayDescription, path: String?, bytes: [UInt8], identity: String? = nil) {
        self.description = description
        self.path = path
        self.bytes = bytes
        self.identity = identity ?? Self.defaultIdentity(description: description, path: path, bytes: bytes)
    }

    /// The UUID in hex if the description has one, else a 64-bit FNV-1a hash of the bytes with the path.
    public static func defaultIdentity(description: OverlayDescription, path: String?, bytes: [UInt8]) -> String {
        if let uuid = description.uuid, !uuid.isEmpty, uuid.contains(where: { $0 != 0 }) {
            return uuid.map { String($0 >> 4, radix: 16) + String($0 & 0xF, radix: 16) }.joined()
        }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return (path ?? "<memory>") + "#" + String(hash, radix: 16)
    }
}

/// Usage of one memory bank, as pynq's `mem_used` / `num_buffers` report it.
public struct MemoryUsage: Sendable, Hashable {
    /// Where the figures come from.
    public enum Source: Sendable, Hashable {
        /// The device or its driver reports them (e.g. XRT's usage info): they include every process.
        case device
        /// The backend counts the buffers this process allocated through it.
        case accounting
    }
    /// Bytes reserved by live buffers (each buffer counts with its size rounded up to the backend's
    /// allocation granularity).
    public var memUsed: UInt64
    /// Number of live buffers.
    public var numBuffers: Int
    public var source: Source

    public init(memUsed: UInt64, numBuffers: Int, source: Source) {
        self.memUsed = memUsed
        self.numBuffers = numBuffers
        self.source = source
    }
}

/// One device driven by one backend (Mock, Alveo through XRT, Zynq through CMA and `/dev/mem`).
///
/// Requirements every implementation meets:
/// - **Thread safety.** Every method may be called from any thread concurrently; implementations
///   serialise their own state (e.g. with a lock).
/// - **Errors.** Every failure is thrown as a `BackendError` (or another typed error with context); a
///   failed call changes nothing (no half-loaded overlay, no leaked allocation).
/// - **Memory indices** are MEM_TOPOLOGY indices of the loaded overlay's `description.memories`.
/// - **Lifetime.** `close()` releases the device handle and forgets the loaded overlay; a later
///   `download(_:)` opens the device again. The public API refuses `download`/`close` while buffers are
///   live (unless forced), so a backend may assume none are live then — but it must not crash if some
///   are: their `release()` still works after `close()`.
public protocol Backend: AnyObject, Sendable {
    /// Which backend this is (`mock`, `alveo`, `zynq`).
    var kind: BackendKind { get }
    /// Name of the device, e.g. `xilinx_u250_gen3x16_xdma_shell_4_1` or `mock0`.
    var name: String { get }
    /// What the device can do; decides how MMIO and kernel calls are routed.
    var capabilities: BackendCapabilities { get }

    /// `OverlayImage.identity` of the overlay on the device, or `nil` if none was loaded (or after `close()`).
    var loadedOverlayID: String? { get }

    /// Programs the device with `image` (xclbin load, bitstream download, or for Mock: build the banks
    /// and register spaces from `image.description`). On success `loadedOverlayID == image.identity`.
    func download(_ image: OverlayImage) throws

    /// Allocates `byteCount` bytes in memory bank `memory` of the loaded overlay, mapped into the host.
    /// - Throws: `BackendError.invalidSize` if `byteCount <= 0`; `.noOverlay` if nothing is loaded;
    ///   `.noSuchMemory` for an index outside the topology; `.notAllocatable` for a stream or an
    ///   unused bank; `.outOfMemory` (bank, requested, free bytes) when the bank is full.
    func allocate(byteCount: Int, memory: Int, cacheable: Bool) throws -> any BackendAllocation

    /// `allocate(byteCount:memory:cacheable:)` provided the loaded overlay is the one whose
    /// `OverlayImage.identity` is `overlay`; `nil` (nothing allocated) when another overlay or none is
    /// loaded. This is the public API's allocation path: one check of the loaded overlay instead of two.
    /// The default implementation compares `loadedOverlayID` first; backends that keep the loaded
    /// overlay under a lock override it to check and allocate under one acquisition.
    func allocate(byteCount: Int, memory: Int, cacheable: Bool, whileLoaded overlay: String) throws
        -> (any BackendAllocation)?

    /// Usage of bank `memory` (see `MemoryUsage.source` for whether it is device-wide or ours).
    func usage(memory: Int) throws -> MemoryUsage

    /// The banks holding live buffers, with their counts: what the public API checks before a download
    /// or a close. The default asks `usage(memory:)` of each memory of `overlay` (the loaded one);
    /// backends whose buffers live outside the overlay's memories (Zynq's CMA) override it.
    func liveBuffers(of overlay: OverlayDescription) -> [(bank: String, count: Int)]

    /// Register access for `ip` (its `baseAddress` ..< `baseAddress + addressRange`) of the loaded overlay.
    /// Memory-mapped backends return a space whose `mappedAddress` is set; others route reads and writes
    /// through calls (XRT's register API).
    func registers(for ip: IPBlock) throws -> any RegisterSpace

    /// Starts compute unit `ip` with `arguments` (argument index → value). Backends without their own
    /// scheduler implement this with `startThroughRegisters(_:arguments:)`, which writes the argument
    /// registers and AP_START and returns a run that polls AP_DONE.
    func start(_ ip: IPBlock, arguments: [Int: KernelArgumentValue]) throws -> any KernelRun

    /// Releases the device (pynq's `Device.close()`, `Overlay.free()`).
    func close()
}

extension Backend {
    public func liveBuffers(of overlay: OverlayDescription) -> [(bank: String, count: Int)] {
        overlay.memories.compactMap { bank in
            guard let usage = try? usage(memory: bank.index), usage.numBuffers > 0 else { return nil }
            return (bank.tag, usage.numBuffers)
        }
    }

    public func allocate(byteCount: Int, memory: Int, cacheable: Bool, whileLoaded overlay: String) throws
        -> (any BackendAllocation)?
    {
        guard loadedOverlayID == overlay else { return nil }
        return try allocate(byteCount: byteCount, memory: memory, cacheable: cacheable)
    }
}
