import PynqBackend
import Synchronization

// The allocation's lifetime, kept by the root buffer (the one `allocate` made; views point to it).
//
// `lifetime` packs a freed flag (bit 0) and a count of operations in progress (`pin`s, the other bits).
// `free()` sets the flag; the allocation is released exactly once: by `free()` when nothing is pinned,
// by the last `unpin()` after a `free()`, or by the root's `deinit` when `free()` was never called (no
// view outlives the root: each holds a reference to it). Bulk operations (sync, fill, copy,
// `withUnsafe…`) pin, so a `free()` from another thread waits for them to finish before the memory
// goes back to the backend. The root being the buffer itself, a buffer costs one Swift object.
extension PynqBuffer {
    /// The buffer that owns the allocation: this one, or the root of a view.
    @inlinable @inline(__always)
    var storage: PynqBuffer { root ?? self }

    /// Whether ``free()`` was called on this buffer or any view sharing its memory.
    public var isFreed: Bool { storage.lifetime.load(ordering: .acquiring) & 1 != 0 }

    /// Traps when freed: the check behind subscripts, which cannot throw.
    @inlinable @inline(__always)
    func checkLive() {
        precondition(storage.lifetime.load(ordering: .acquiring) & 1 == 0, "PynqBuffer used after free()")
    }

    /// Keeps the memory mapped until the matching `unpin()`; throws if already freed.
    func pin() throws(PynqBufferError) {
        let root = storage
        var current = root.lifetime.load(ordering: .relaxed)
        while true {
            if current & 1 != 0 { throw .freed }
            let (exchanged, original) = root.lifetime.compareExchange(
                expected: current, desired: current + 2, successOrdering: .acquiring, failureOrdering: .relaxed)
            if exchanged { return }
            current = original
        }
    }

    func unpin() {
        let after = storage.lifetime.wrappingSubtract(2, ordering: .acquiringAndReleasing).newValue
        if after == 1 { allocation.release() }
    }

    /// Runs `body` with the memory pinned.
    @inline(__always)
    func pinned<R>(_ body: () throws -> R) throws -> R {
        try pin()
        defer { unpin() }
        return try body()
    }

    /// Returns the memory to the backend now, or as soon as the bulk operations in progress on other
    /// threads finish. Idempotent; frees the memory every view of it shares.
    public func free() {
        let before = storage.lifetime.bitwiseOr(1, ordering: .acquiringAndReleasing).oldValue
        if before == 0 { allocation.release() }
    }

    /// Called by `deinit`: a root nobody freed releases its allocation (no pins can exist then: each
    /// holds a reference).
    func releaseIfRoot() {
        if root == nil, lifetime.load(ordering: .acquiring) & 1 == 0 { allocation.release() }
    }

    /// The object passed as `owner` when the buffer was made (the runtime's memory bank).
    public var owner: (any Sendable)? {
        let object = storage.ownerObject
        if let box = object as? OwnerBox { return box.value }
        return object
    }
}

/// A value (not an object) given as a buffer's owner.
final class OwnerBox: Sendable {
    let value: any Sendable
    init(_ value: any Sendable) { self.value = value }
}
