#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import PynqBackend
import Synchronization

/// CMA buffers carved out of one u-dma-buf region (ikwzm/udmabuf: `/dev/<name>` plus
/// `/sys/class/u-dma-buf/<name>/…`).
///
/// The driver gives one physically contiguous buffer per device node; this allocator sub-allocates it
/// in page-aligned blocks and maps each block on its own (`mmap` of the device at the block's offset),
/// opened with `O_SYNC` for `cacheable: false` so the driver maps it uncached when its `sync_mode`
/// allows. Cache maintenance goes through the driver's `sync_offset` / `sync_size` / `sync_direction`
/// and `sync_for_device` / `sync_for_cpu` files, which work on every architecture.
public final class UDMABufAllocator: CMAAllocator, @unchecked Sendable {
    // @unchecked: all stored properties are immutable or behind a Mutex.

    public static let classPath = "/sys/class/u-dma-buf"
    public let name: String
    /// The device node's name (`udmabuf0`).
    public let deviceName: String
    /// Physical address of the region's first byte (`phys_addr`).
    public let physicalAddress: UInt64
    /// Bytes in the region (`size`).
    public let size: Int
    /// The driver's `sync_mode` (1 when the file is missing, the driver's default).
    public let syncMode: Int
    /// Whether the device is DMA-coherent (`dma_coherent`), so cached buffers need no maintenance.
    public let dmaCoherent: Bool
    private let system: SystemInterface
    private let attributes: String
    private let state: Mutex<(blocks: RangeAllocator, ledger: AllocationLedger)>
    private let syncLock = Mutex(())

    /// Names of the u-dma-buf devices under `/sys/class/u-dma-buf`, sorted.
    public static func deviceNames(system: SystemInterface) -> [String] {
        (try? system.listDirectory(classPath)) ?? []
    }

    /// Opens region `deviceName`, or the first one found when `nil`.
    public init(system: SystemInterface, deviceName: String? = nil) throws {
        guard let device = deviceName ?? Self.deviceNames(system: system).first else {
            throw ZynqError.noCMADevice(searched: [Self.classPath + "/*"])
        }
        let attributes = Self.classPath + "/" + device
        guard system.exists(attributes + "/phys_addr"), system.exists("/dev/" + device) else {
            throw ZynqError.noCMADevice(searched: [attributes + "/phys_addr", "/dev/" + device])
        }
        self.system = system
        self.deviceName = device
        self.attributes = attributes
        name = "u-dma-buf " + device
        physicalAddress = try system.readUnsigned(attributes + "/phys_addr")
        let size = try system.readUnsigned(attributes + "/size")
        guard size <= UInt64(Int.max) else {
            throw ZynqError.badSystemFile(path: attributes + "/size", contents: String(size), expected: "a size this process can map")
        }
        self.size = Int(size)
        syncMode = system.exists(attributes + "/sync_mode") ? Int(try system.readUnsigned(attributes + "/sync_mode")) : 1
        dmaCoherent = system.exists(attributes + "/dma_coherent") ? try system.readUnsigned(attributes + "/dma_coherent") != 0 : false
        state = Mutex((RangeAllocator(size: size, alignment: UInt64(system.pageSize)), AllocationLedger()))
    }

    /// Whether a mapping opened with (`oSync`) or without `O_SYNC` is cached, per `sync_mode`.
    public func mapsCached(oSync: Bool) -> Bool {
        switch syncMode {
        case 0, 4: return true
        case 5, 6, 7: return false
        default: return !oSync
        }
    }

    public var usage: CMAUsage { state.withLock { $0.ledger.usage } }
    public var lastReleaseError: ZynqError? { state.withLock { $0.ledger.lastReleaseError } }
    /// Free bytes in the region, and the largest block that can still be allocated.
    public var free: (bytes: Int, largestBlock: Int) { state.withLock { (Int($0.blocks.freeBytes), Int($0.blocks.largestFree)) } }

    public func allocate(byteCount: Int, cacheable: Bool, memoryIndex: Int) throws -> CMAAllocation {
        guard byteCount > 0 else { throw ZynqError.invalidSize(requested: byteCount) }
        guard let block = state.withLock({ $0.blocks.allocate(UInt64(byteCount)) }) else {
            throw ZynqError.outOfMemory(allocator: name, requested: UInt64(byteCount), free: UInt64(free.bytes))
        }
        let offset = Int(block.offset), length = Int(block.reserved)
        let address: UnsafeMutableRawPointer
        do {
            let fd = try system.open("/dev/" + deviceName, O_RDWR | (cacheable ? 0 : O_SYNC))
            defer { system.close(fd) }
            address = try system.mmap(length: length, protection: PROT_READ | PROT_WRITE, flags: MAP_SHARED,
                                      fd: fd, offset: Int64(offset))
        } catch {
            state.withLock { _ = $0.blocks.release(offset: UInt64(offset)) }
            throw error
        }
        state.withLock { $0.ledger.add(handle: Int64(offset), length: length) }
        let cached = mapsCached(oSync: !cacheable)
        return CMAAllocation(hostAddress: address, byteCount: byteCount, mappedLength: length,
                             deviceAddress: physicalAddress + UInt64(offset), memoryIndex: memoryIndex,
                             coherent: dmaCoherent || !cached, cacheable: cached, handle: Int64(offset), allocator: self)
    }

    public func sync(_ allocation: CMAAllocation, _ direction: SyncDirection, offset: Int, length: Int) throws {
        // The three parameters and the trigger are separate files: one sync at a time.
        try syncLock.withLock { _ in
            try system.writeText(attributes + "/sync_offset", String(Int(allocation.handle) + offset))
            try system.writeText(attributes + "/sync_size", String(length))
            switch direction {
            case .toDevice:
                try system.writeText(attributes + "/sync_direction", "1")
                try system.writeText(attributes + "/sync_for_device", "1")
            case .fromDevice:
                try system.writeText(attributes + "/sync_direction", "2")
                try system.writeText(attributes + "/sync_for_cpu", "1")
            }
        }
    }

    public func free(_ allocation: CMAAllocation) {
        var failure: ZynqError?
        do { try system.munmap(allocation.hostAddress, length: allocation.mappedLength) } catch { failure = error as? ZynqError }
        state.withLock {
            $0.blocks.release(offset: UInt64(allocation.handle))
            $0.ledger.remove(handle: allocation.handle)
            if let failure { $0.ledger.lastReleaseError = failure }
        }
    }

    /// The allocator holds no descriptor between calls: nothing to close.
    public func close() {}
}
