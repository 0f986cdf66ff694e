import PynqBackend
import Synchronization

/// A host-memory allocation for buffer tests: records every sync and release.
final class TestAllocation: BackendAllocation {
    struct SyncCall: Equatable, Sendable {
        var direction: SyncDirection
        var offset: Int
        var length: Int
    }

    nonisolated(unsafe) let hostAddress: UnsafeMutableRawPointer
    let byteCount: Int
    let deviceAddress: UInt64
    let memoryIndex: Int
    let coherent: Bool
    let cacheable: Bool
    private let record = Mutex<(syncs: [SyncCall], releases: Int)>(([], 0))

    init(byteCount: Int, deviceAddress: UInt64 = 0x4000_0000, memoryIndex: Int = 1, coherent: Bool = false) {
        self.hostAddress = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(byteCount, 1), alignment: 4096)
        self.hostAddress.initializeMemory(as: UInt8.self, repeating: 0, count: Swift.max(byteCount, 1))
        self.byteCount = byteCount
        self.deviceAddress = deviceAddress
        self.memoryIndex = memoryIndex
        self.coherent = coherent
        self.cacheable = !coherent
    }

    var syncs: [SyncCall] { record.withLock { $0.syncs } }
    var releases: Int { record.withLock { $0.releases } }

    func sync(_ direction: SyncDirection, offset: Int, length: Int) throws {
        precondition(offset >= 0 && length >= 0 && offset + length <= byteCount, "sync outside the allocation")
        record.withLock { state in
            precondition(state.releases == 0, "sync after release")
            state.syncs.append(SyncCall(direction: direction, offset: offset, length: length))
        }
    }

    func release() {
        let count = record.withLock { state -> Int in
            state.releases += 1
            return state.releases
        }
        // Freed memory is poisoned first, so a read after release shows up in tests.
        if count == 1 { hostAddress.initializeMemory(as: UInt8.self, repeating: 0xA5, count: byteCount) }
    }

    deinit { hostAddress.deallocate() }
}
