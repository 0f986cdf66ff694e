import PynqBackend
import Synchronization

/// The allocation shared by a buffer and all its views, and the one place that decides when it is released.
///
/// `state` packs a freed flag (bit 0) and a count of operations in progress (`pin`s, the other bits).
/// `free()` sets the flag; the allocation is released exactly once: by `free()` when nothing is pinned,
/// by the last `unpin()` after a `free()`, or by `deinit` when `free()` was never called. Bulk operations
/// (sync, fill, copy, `withUnsafe…`) pin, so a `free()` from another thread waits for them to finish
/// before the memory goes back to the backend.
@usableFromInline
final class BufferStorage: Sendable {
    let allocation: any BackendAllocation
    /// `allocation.hostAddress`, read once so element access does no dynamic dispatch.
    @usableFromInline nonisolated(unsafe) let base: UnsafeMutableRawPointer
    let deviceAddress: UInt64
    let coherent: Bool
    /// Whatever created the buffer (the runtime's memory bank), kept alive with the storage: the object
    /// itself, or an `OwnerBox` around a value. A plain reference rather than an existential, so
    /// that `allocate` and `deinit` do not go through value witnesses.
    let ownerObject: (any AnyObject & Sendable)?
    @usableFromInline let state = Atomic<Int>(0)

    init(allocation: any BackendAllocation, ownerObject: (any AnyObject & Sendable)?) {
        self.allocation = allocation
        self.base = allocation.hostAddress
        self.deviceAddress = allocation.deviceAddress
        self.coherent = allocation.coherent
        self.ownerObject = ownerObject
    }

    convenience init(allocation: any BackendAllocation, owner: (any Sendable)?) {
        self.init(allocation: allocation, ownerObject: owner.map(OwnerBox.init))
    }

    /// The owner as it was passed.
    var owner: (any Sendable)? {
        if let box = ownerObject as? OwnerBox { return box.value }
        return ownerObject
    }

    var isFreed: Bool { state.load(ordering: .acquiring) & 1 != 0 }

    /// Traps when freed: the check behind subscripts, which cannot throw.
    @inlinable @inline(__always)
    func checkLive() {
        precondition(state.load(ordering: .acquiring) & 1 == 0, "PynqBuffer used after free()")
    }

    /// Keeps the memory mapped until the matching `unpin()`; throws if already freed.
    func pin() throws(PynqBufferError) {
        var current = state.load(ordering: .relaxed)
        while true {
            if current & 1 != 0 { throw .freed }
            let (exchanged, original) = state.compareExchange(
                expected: current, desired: current + 2, successOrdering: .acquiring, failureOrdering: .relaxed)
            if exchanged { return }
            current = original
        }
    }

    func unpin() {
        let after = state.wrappingSubtract(2, ordering: .acquiringAndReleasing).newValue
        if after == 1 { allocation.release() }
    }

    /// Runs `body` with the memory pinned.
    @inline(__always)
    func pinned<R>(_ body: () throws -> R) throws -> R {
        try pin()
        defer { unpin() }
        return try body()
    }

    /// Marks the storage freed; releases now unless an operation is in progress. Idempotent.
    func free() {
        let before = state.bitwiseOr(1, ordering: .acquiringAndReleasing).oldValue
        if before == 0 { allocation.release() }
    }

    deinit {
        // No pins can exist here (each holds a reference); release unless free() already did or will.
        if state.load(ordering: .acquiring) & 1 == 0 { allocation.release() }
    }
}

/// A value (not an object) given as a buffer's owner.
final class OwnerBox: Sendable {
    let value: any Sendable
    init(_ value: any Sendable) { self.value = value }
}
