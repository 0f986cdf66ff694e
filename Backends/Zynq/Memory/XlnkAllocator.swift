#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CZynq
import PynqBackend
import Synchronization

/// Which `union xlnk_args` the running kernel's `/dev/xlnk` expects.
public enum XlnkABI: Sendable, Hashable {
    /// linux-xlnx ≥ 2017: packed structs, the driver writes id and 64-bit physical address back into
    /// the argument block; buffers are mapped at `id << 16`.
    case packed
    /// ≈2016: the driver stores id and 32-bit physical address through user pointers; buffers are
    /// mapped at `id << 24`.
    case legacyPointers

    /// Bit position of the buffer id in the mmap offset.
    var mmapShift: Int64 { self == .packed ? 16 : 24 }
}

/// How cached xlnk buffers are cleaned and invalidated.
public enum CacheMaintenanceMethod: Sendable, Hashable {
    /// User-space instructions where the CPU allows it (aarch64), the kernel otherwise.
    case automatic
    /// aarch64 `dc cvac` / `dc civac` by virtual address (pynq's libcma on ZynqMP).
    case userSpace
    /// The xlnk `CACHECTRL` ioctl by physical address (pynq's libcma on Zynq-7000).
    case kernel

    /// `automatic` decided for this CPU.
    var resolved: CacheMaintenanceMethod {
        guard self == .automatic else { return self }
        return czynq_dcache_line_size() > 0 ? .userSpace : .kernel
    }
}

/// CMA buffers from the Xilinx APF driver, `/dev/xlnk` (PYNQ ≤ 2.6's allocator).
///
/// `ALLOCBUF` returns an id and a physical address; the buffer is mapped with `mmap` at `id << 16`;
/// `FREEBUF` frees it; `CACHECTRL` cleans or invalidates by physical address; `RECRES` frees every
/// buffer of the driver. Uncached buffers (`cacheable: false`, the kernel maps them `pgprot_noncached`)
/// are coherent; cached ones need `sync`.
public final class XlnkAllocator: CMAAllocator, @unchecked Sendable {
    // @unchecked: `fd`, `system`, `abi`, `cacheMethod` are immutable; the ledger sits behind a Mutex.

    public static let devicePath = "/dev/xlnk"
    public let name = "xlnk"
    public let abi: XlnkABI
    /// The maintenance method in use (never `.automatic`).
    public let cacheMethod: CacheMaintenanceMethod
    private let system: SystemInterface
    private let fd: Mutex<Int32?>
    private let ledger = Mutex(AllocationLedger())

    /// Opens `/dev/xlnk`.
    public init(system: SystemInterface, abi: XlnkABI = .packed, cacheMethod: CacheMaintenanceMethod = .automatic) throws {
        self.system = system
        self.abi = abi
        self.cacheMethod = cacheMethod.resolved
        fd = Mutex(try system.open(Self.devicePath, O_RDWR))
    }

    deinit { close() }

    private func descriptor() throws -> Int32 {
        guard let fd = fd.withLock({ $0 }) else { throw ZynqError.closed(what: "the xlnk allocator") }
        return fd
    }

    public var usage: CMAUsage { ledger.withLock { $0.usage } }
    public var lastReleaseError: ZynqError? { ledger.withLock { $0.lastReleaseError } }

    public func allocate(byteCount: Int, cacheable: Bool, memoryIndex: Int) throws -> CMAAllocation {
        guard byteCount > 0, byteCount <= Int(UInt32.max) else { throw ZynqError.invalidSize(requested: byteCount) }
        let fd = try descriptor()
        let (id, physical): (Int32, UInt64)
        do {
            (id, physical) = try allocateBuffer(fd: fd, length: UInt32(byteCount), cacheable: cacheable)
        } catch ZynqError.systemCall(_, _, ENOMEM) {
            throw ZynqError.outOfMemory(allocator: name, requested: UInt64(byteCount), free: CMAPool.read(system).freeBytes)
        }
        let length = roundUpToPage(byteCount, system.pageSize)
        let address: UnsafeMutableRawPointer
        do {
            address = try system.mmap(length: length, protection: PROT_READ | PROT_WRITE, flags: MAP_SHARED,
                                      fd: fd, offset: Int64(id) << abi.mmapShift)
        } catch {
            try? freeBuffer(fd: fd, id: id, address: 0)
            throw error
        }
        ledger.withLock { $0.add(handle: Int64(id), length: length) }
        return CMAAllocation(hostAddress: address, byteCount: byteCount, mappedLength: length, deviceAddress: physical,
                             memoryIndex: memoryIndex, coherent: !cacheable, cacheable: cacheable,
                             handle: Int64(id), allocator: self)
    }

    public func sync(_ allocation: CMAAllocation, _ direction: SyncDirection, offset: Int, length: Int) throws {
        let op = direction == .toDevice ? CZYNQ_CACHE_CLEAN : CZYNQ_CACHE_CLEAN_INVALIDATE
        switch cacheMethod {
        case .userSpace:
            if czynq_dcache_maintain(allocation.hostAddress + offset, length, op) != CZYNQ_CACHE_DONE {
                throw ZynqError.cacheMaintenanceUnsupported(
                    reason: "this CPU cannot clean or invalidate caches from user space; use CacheMaintenanceMethod.kernel")
            }
        case .kernel, .automatic:
            try cacheControl(fd: try descriptor(), physical: allocation.deviceAddress + UInt64(offset),
                             length: UInt32(length), invalidate: direction == .fromDevice)
        }
    }

    public func free(_ allocation: CMAAllocation) {
        var failure: ZynqError?
        do { try system.munmap(allocation.hostAddress, length: allocation.mappedLength) } catch { failure = error as? ZynqError }
        if let fd = fd.withLock({ $0 }) {
            do {
                try freeBuffer(fd: fd, id: Int32(allocation.handle), address: UInt64(UInt(bitPattern: allocation.hostAddress)))
            } catch { failure = error as? ZynqError }
        }
        ledger.withLock {
            $0.remove(handle: allocation.handle)
            if let failure { $0.lastReleaseError = failure }
        }
    }

    /// Frees every buffer the driver holds, of every process (`XLNK_IOCRECRES`, pynq's `xlnk_reset()`).
    /// Refused while this allocator has live buffers.
    public func resetDriver() throws {
        let live = usage.numBuffers
        if live > 0 { throw ZynqError.buffersLive(count: live) }
        var args = czynq_xlnk_args()
        try withUnsafeMutableBytes(of: &args) { (raw) throws in
            _ = try system.ioctl(try descriptor(), czynq_xlnk_ioc_recres(), raw.baseAddress!, name: "XLNK_IOCRECRES")
        }
    }

    public func close() {
        if let fd = fd.withLock({ fd in defer { fd = nil }; return fd }) { system.close(fd) }
    }

    // MARK: requests

    private func allocateBuffer(fd: Int32, length: UInt32, cacheable: Bool) throws -> (Int32, UInt64) {
        switch abi {
        case .packed:
            var args = czynq_xlnk_args()
            args.allocbuf.len = length
            args.allocbuf.cacheable = cacheable ? 1 : 0
            try withUnsafeMutableBytes(of: &args) { (raw) throws in
                _ = try system.ioctl(fd, czynq_xlnk_ioc_allocbuf(), raw.baseAddress!, name: "XLNK_IOCALLOCBUF")
            }
            return (args.allocbuf.id, args.allocbuf.phyaddr)
        case .legacyPointers:
            var id: UInt32 = 0
            var physical: UInt32 = 0
            try withUnsafeMutablePointer(to: &id) { (idPointer) throws in
                try withUnsafeMutablePointer(to: &physical) { (physicalPointer) throws in
                    var args = czynq_xlnk_legacy_args()
                    args.allocbuf.len = length
                    args.allocbuf.idptr = idPointer
                    args.allocbuf.phyaddrptr = physicalPointer
                    args.allocbuf.cacheable = cacheable ? 1 : 0
                    try withUnsafeMutableBytes(of: &args) { (raw) throws in
                        _ = try system.ioctl(fd, czynq_xlnk_ioc_allocbuf(), raw.baseAddress!, name: "XLNK_IOCALLOCBUF")
                    }
                }
            }
            return (Int32(bitPattern: id), UInt64(physical))
        }
    }

    private func freeBuffer(fd: Int32, id: Int32, address: UInt64) throws {
        switch abi {
        case .packed:
            var args = czynq_xlnk_args()
            args.freebuf.id = UInt32(bitPattern: id)
            args.freebuf.buf = address
            try withUnsafeMutableBytes(of: &args) { (raw) throws in
                _ = try system.ioctl(fd, czynq_xlnk_ioc_freebuf(), raw.baseAddress!, name: "XLNK_IOCFREEBUF")
            }
        case .legacyPointers:
            var args = czynq_xlnk_legacy_args()
            args.freebuf.id = UInt32(bitPattern: id)
            args.freebuf.buf = UnsafeMutableRawPointer(bitPattern: UInt(address))
            try withUnsafeMutableBytes(of: &args) { (raw) throws in
                _ = try system.ioctl(fd, czynq_xlnk_ioc_freebuf(), raw.baseAddress!, name: "XLNK_IOCFREEBUF")
            }
        }
    }

    private func cacheControl(fd: Int32, physical: UInt64, length: UInt32, invalidate: Bool) throws {
        let action: Int32 = invalidate ? 1 : 0
        switch abi {
        case .packed:
            var args = czynq_xlnk_args()
            args.cachecontrol.phys_addr = physical
            args.cachecontrol.size = length
            args.cachecontrol.action = action
            try withUnsafeMutableBytes(of: &args) { (raw) throws in
                _ = try system.ioctl(fd, czynq_xlnk_ioc_cachectrl(), raw.baseAddress!, name: "XLNK_IOCCACHECTRL")
            }
        case .legacyPointers:
            var args = czynq_xlnk_legacy_args()
            args.cachecontrol.phys_addr = UnsafeMutableRawPointer(bitPattern: UInt(physical))
            args.cachecontrol.size = Int32(bitPattern: length)
            args.cachecontrol.action = action
            try withUnsafeMutableBytes(of: &args) { (raw) throws in
                _ = try system.ioctl(fd, czynq_xlnk_ioc_cachectrl(), raw.baseAddress!, name: "XLNK_IOCCACHECTRL")
            }
        }
    }
}
