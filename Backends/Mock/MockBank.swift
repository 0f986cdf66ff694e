#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import PynqBackend
import PynqMetadataCore

/// One memory bank of the Mock device: its device address range, a host mapping of the same size
/// (anonymous `mmap`, reserved without committing memory) and the allocator over it. Allocations keep
/// their bank alive, so a bank outlives a forced reload or `close()` until its last buffer is freed;
/// the mapping is unmapped in `deinit`.
final class MockBank: Sendable {
    let bank: MemoryBank
    /// Host address of the mapping, as an integer (`UnsafeMutableRawPointer` is not `Sendable`).
    private let mappingAddress: UInt
    let mappingLength: Int
    private let system: SystemCalls
    let allocator: Locked<RangeAllocator>

    init(bank: MemoryBank, alignment: UInt64, system: SystemCalls) throws(BackendError) {
        guard bank.size > 0, bank.size <= UInt64(Int.max) else {
            throw BackendError.notAllocatable(bank: bank.tag, reason: "its size \(bank.size) cannot be mapped")
        }
        self.bank = bank
        self.system = system
        mappingLength = Int(bank.size)
        #if canImport(Darwin)
        let flags = MAP_PRIVATE | MAP_ANON | MAP_NORESERVE
        #else
        let flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE
        #endif
        let mapping = try system.mmap(mappingLength, PROT_READ | PROT_WRITE, flags, -1, 0)
        mappingAddress = UInt(bitPattern: mapping)
        allocator = Locked(RangeAllocator(size: bank.size, alignment: alignment))
    }

    deinit {
        if let mapping = UnsafeMutableRawPointer(bitPattern: mappingAddress) {
            try? system.munmap(mapping, mappingLength)
        }
    }

    /// Host address of bank offset `offset`.
    func host(at offset: UInt64) -> UnsafeMutableRawPointer {
        UnsafeMutableRawPointer(bitPattern: mappingAddress + UInt(offset))!
    }

    /// Whether `deviceAddress ..< deviceAddress + count` lies in the bank.
    func contains(deviceAddress: UInt64, count: Int) -> Bool {
        deviceAddress >= bank.baseAddress && count >= 0
            && deviceAddress - bank.baseAddress <= bank.size
            && UInt64(count) <= bank.size - (deviceAddress - bank.baseAddress)
    }

    func allocate(byteCount: Int, cacheable: Bool) throws(BackendError) -> MockAllocation {
        let result = allocator.withLock { allocator -> Result<(offset: UInt64, reserved: UInt64), BackendError> in
            if let block = allocator.allocate(UInt64(byteCount)) { return .success(block) }
            return .failure(.outOfMemory(bank: bank.tag, requested: UInt64(byteCount),
                                         free: allocator.freeBytes, largestFree: allocator.largestFree))
        }
        let block = try result.get()
        return MockAllocation(bank: self, offset: block.offset, reserved: block.reserved, byteCount: byteCount, cacheable: cacheable)
    }

    /// Blocks up to this size are zeroed in place when freed; larger ones go back to the system.
    static let zeroInPlaceLimit = 64 << 10

    /// Gives back the block at `offset`. Its bytes read as zero when handed out again, as fresh device
    /// buffers do: small blocks are cleared with `memset` (their pages stay resident for the next
    /// buffer, which keeps allocate+free cheap), larger ones are returned to the system with
    /// `madvise(MADV_DONTNEED)`, so a freed 64 MiB buffer costs no memory.
    func release(offset: UInt64, reserved: UInt64) {
        let pointer = host(at: offset)
        if reserved <= UInt64(Self.zeroInPlaceLimit) {
            memset(pointer, 0, Int(reserved))
        } else {
            do {
                try system.madvise(pointer, Int(reserved), MADV_DONTNEED)
            } catch {
                // The pages keep their contents; clear them so the next buffer still starts zeroed.
                memset(pointer, 0, Int(reserved))
            }
        }
        allocator.withLock { _ = $0.release(offset: offset) }
    }

    var usage: MemoryUsage {
        allocator.withLock { MemoryUsage(memUsed: $0.used, numBuffers: $0.liveCount, source: .accounting) }
    }
}

/// A buffer's memory in a Mock bank. Host and device share the bytes, so a sync only checks its range
/// and is recorded (`syncLog`) so that tests can see which bytes a buffer or slice synchronised.
public final class MockAllocation: BackendAllocation {
    fileprivate let bank: MockBank
    let offset: UInt64
    /// Bytes reserved in the bank (the size rounded up to the bank's alignment).
    public let reservedByteCount: UInt64
    public let byteCount: Int
    public let cacheable: Bool
    private let state = Locked<(released: Bool, syncs: [MockSync])>((false, []))

    fileprivate init(bank: MockBank, offset: UInt64, reserved: UInt64, byteCount: Int, cacheable: Bool) {
        self.bank = bank
        self.offset = offset
        reservedByteCount = reserved
        self.byteCount = byteCount
        self.cacheable = cacheable
    }

    public var hostAddress: UnsafeMutableRawPointer { bank.host(at: offset) }
    public var deviceAddress: UInt64 { bank.bank.baseAddress + offset }
    public var memoryIndex: Int { bank.bank.index }
    /// Uncached host mappings are coherent; cached ones need flush / invalidate (as on Zynq).
    public var coherent: Bool { !cacheable }

    public func sync(_ direction: SyncDirection, offset: Int, length: Int) throws {
        guard offset >= 0, length >= 0, offset <= byteCount - length else {
            throw BackendError.device(backend: "mock", operation: "sync", code: 22,
                                      message: "range \(offset)..<\(offset + length) is outside the \(byteCount)-byte buffer")
        }
        try state.withLock { state throws(BackendError) in
            guard !state.released else {
                throw BackendError.device(backend: "mock", operation: "sync", code: 9, message: "the buffer was freed")
            }
            state.syncs.append(MockSync(direction: direction, offset: offset, length: length))
        }
    }

    /// Every sync made on this allocation, in order.
    public var syncLog: [MockSync] { state.withLock { $0.syncs } }

    public func release() {
        let first = state.withLock { state -> Bool in
            defer { state.released = true }
            return !state.released
        }
        if first { bank.release(offset: offset, reserved: reservedByteCount) }
    }

    /// Whether `release()` was called.
    public var isReleased: Bool { state.withLock { $0.released } }
}

/// One recorded sync of a `MockAllocation`.
public struct MockSync: Sendable, Hashable {
    public var direction: SyncDirection
    public var offset: Int
    public var length: Int

    public init(direction: SyncDirection, offset: Int, length: Int) {
        self.direction = direction
        self.offset = offset
        self.length = length
    }
}
