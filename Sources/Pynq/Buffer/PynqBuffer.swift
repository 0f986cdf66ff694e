import PynqBackend
import Synchronization

/// An n-dimensional array of numbers in memory a device can reach: pynq's `PynqBuffer`.
///
/// A buffer views one backend allocation with a `shape`, byte `strides` (numpy's convention) and a byte
/// offset. Slices (`buf[0..<64]`, `buf[row: 3]`, `slice(axis:_:step:)`) are new `PynqBuffer`s over the same
/// memory with their own ``deviceAddress`` and ``byteOffset``; their ``flush()`` / ``invalidate()`` sync
/// only the bytes they cover.
///
/// **Lifetime.** The allocation is returned to the backend exactly once: by ``free()`` (explicit,
/// idempotent, on any view: it frees the memory all views share) or, when nobody called `free()`, as
/// soon as the last view of it is gone. A slice therefore keeps the memory alive after its base buffer
/// is dropped. After `free()`, throwing operations throw ``PynqBufferError/freed`` and subscripts trap.
///
/// **Errors.** Subscripts check their indices and trap on misuse like Swift's `Array` (index out of range,
/// wrong number of indices, a value the dtype cannot hold, use after `free()`); every subscript has a
/// throwing counterpart (``element(at:)``, ``setElement(_:at:)``, ``slice(axis:_:step:)``) for input that
/// is not known to be valid.
///
/// **Concurrency.** `PynqBuffer` is `Sendable`: views can be created, synced and freed from any thread,
/// and `free()` / `deinit` are race-free (a `free()` waits for bulk operations that are in progress on
/// other threads). The elements themselves are plain memory, like device memory: concurrent writes to the
/// same element, or element access through a subscript racing with `free()`, are the caller's to order.
public final class PynqBuffer: Sendable {
    /// The buffer `allocate` made, for a view; `nil` for that buffer itself (see `storage`).
    @usableFromInline let root: PynqBuffer?
    /// The backend's memory, shared by the root and its views; released once (PynqBuffer+Lifetime).
    let allocation: any BackendAllocation
    /// `allocation.hostAddress`, read once so element access does no dynamic dispatch.
    @usableFromInline nonisolated(unsafe) let base: UnsafeMutableRawPointer
    /// `allocation.deviceAddress`.
    let allocationDeviceAddress: UInt64
    /// Whatever created the buffer (the runtime's memory bank), kept alive with the memory: the object
    /// itself, or an `OwnerBox` around a value. Set on the root only.
    let ownerObject: (any AnyObject & Sendable)?
    /// Freed flag and pin count of the allocation; used on the root only.
    @usableFromInline let lifetime = Atomic<Int>(0)
    /// Whether host and device see each other's writes without syncing; then sync calls do nothing.
    public let coherent: Bool
    /// The element type.
    public let dtype: DType
    /// Extent of each axis (numpy's `shape`).
    public let shape: [Int]
    /// Bytes between consecutive elements along each axis (numpy's `strides`).
    public let strides: [Int]
    /// Offset in bytes of this view's first element from the start of the allocation (pynq's `offset`).
    public let byteOffset: Int
    /// Number of elements (numpy's `size`).
    public let count: Int
    /// Whether the elements are laid out in row-major order without gaps (numpy's `C_CONTIGUOUS`).
    public let isContiguous: Bool

    /// A buffer over `allocation` holding `shape` elements of `dtype` in row-major order.
    ///
    /// - Parameters:
    ///   - owner: what allocated it (the runtime's memory bank); kept alive as long as the memory is.
    /// - Throws: ``PynqBufferError/invalidShape(_:reason:)`` for an empty shape or a zero or negative
    ///   extent, ``PynqBufferError/allocationTooSmall(needed:available:)`` when `allocation` is too small.
    ///   On a throw the allocation is not released: it still belongs to the caller.
    public convenience init(allocation: any BackendAllocation, shape: [Int], dtype: DType, owner: (any Sendable)? = nil)
        throws(PynqBufferError)
    {
        let needed = try PynqBuffer.byteCount(shape: shape, dtype: dtype)
        guard allocation.byteCount >= needed else {
            throw .allocationTooSmall(needed: needed, available: allocation.byteCount)
        }
        self.init(allocation: allocation, ownerObject: owner.map(OwnerBox.init), shape: shape, dtype: dtype, byteCount: needed)
    }

    /// A root buffer over all of `allocation`, `byteCount` bytes being `shape` elements of `dtype`
    /// (checked by the caller).
    init(allocation: any BackendAllocation, ownerObject: (any AnyObject & Sendable)?, shape: [Int], dtype: DType,
         byteCount: Int) {
        self.root = nil
        self.allocation = allocation
        self.base = allocation.hostAddress
        self.allocationDeviceAddress = allocation.deviceAddress
        self.coherent = allocation.coherent
        self.ownerObject = ownerObject
        self.dtype = dtype
        self.shape = shape
        self.strides = PynqBuffer.rowMajorStrides(shape: shape, itemSize: dtype.itemSize)
        self.byteOffset = 0
        self.count = byteCount / dtype.itemSize
        self.isContiguous = true
    }

    /// A view of `storage`'s memory (slices, reshapes, reinterpretations).
    init(storage: PynqBuffer, dtype: DType, shape: [Int], strides: [Int], byteOffset: Int) {
        let root = storage.storage
        self.root = root
        self.allocation = root.allocation
        self.base = root.base
        self.allocationDeviceAddress = root.allocationDeviceAddress
        self.coherent = root.coherent
        self.ownerObject = nil
        self.dtype = dtype
        self.shape = shape
        self.strides = strides
        self.byteOffset = byteOffset
        self.count = shape.reduce(1, *)
        self.isContiguous = PynqBuffer.isRowMajor(shape: shape, strides: strides, itemSize: dtype.itemSize)
    }

    deinit { releaseIfRoot() }

    /// Bytes needed for `shape` elements of `dtype`: what `allocate` asks the backend for.
    ///
    /// - Throws: ``PynqBufferError/invalidShape(_:reason:)`` when `shape` is empty, has an extent below 1
    ///   (numpy allows 0, a device buffer cannot be empty) or more bytes than an `Int` can count.
    public static func byteCount(shape: [Int], dtype: DType) throws(PynqBufferError) -> Int {
        guard !shape.isEmpty else {
            throw .invalidShape(shape, reason: "a buffer needs at least one dimension: use [1] for a single element")
        }
        var bytes = dtype.itemSize
        for (axis, extent) in shape.enumerated() {
            guard extent > 0 else {
                throw .invalidShape(shape, reason: "extent \(extent) on axis \(axis): every extent must be at least 1")
            }
            let (product, overflow) = bytes.multipliedReportingOverflow(by: extent)
            guard !overflow else { throw .invalidShape(shape, reason: "more bytes than fit in memory") }
            bytes = product
        }
        return bytes
    }

    static func rowMajorStrides(shape: [Int], itemSize: Int) -> [Int] {
        // One axis (what most buffers have): a shared array, no allocation.
        if shape.count == 1, itemSize < oneAxisStrides.count { return oneAxisStrides[itemSize] }
        var strides = [Int](repeating: itemSize, count: shape.count)
        var step = itemSize
        for axis in shape.indices.reversed() {
            strides[axis] = step
            step *= Swift.max(shape[axis], 1)
        }
        return strides
    }

    /// `[n]` for each item size `n` up to 8: the strides of every one-axis buffer.
    private static let oneAxisStrides: [[Int]] = (0...8).map { [$0] }

    static func isRowMajor(shape: [Int], strides: [Int], itemSize: Int) -> Bool {
        var step = itemSize
        for axis in shape.indices.reversed() where shape[axis] != 1 {
            if shape[axis] == 0 { return true }
            if strides[axis] != step { return false }
            step *= shape[axis]
        }
        return true
    }

    // MARK: Properties (pynq's names in the doc comments)

    /// Number of axes (numpy's `ndim`).
    public var rank: Int { shape.count }
    /// Size of this view's elements in bytes (numpy's `nbytes`).
    public var nbytes: Int { count * dtype.itemSize }
    /// Size of one element in bytes (numpy's `itemsize`).
    public var itemSize: Int { dtype.itemSize }
    /// Address of this view's first element as the device sees it (pynq's `device_address`).
    public var deviceAddress: UInt64 { allocationDeviceAddress &+ UInt64(byteOffset) }
    /// Alias of ``deviceAddress`` (pynq's `physical_address`).
    public var physicalAddress: UInt64 { deviceAddress }
    /// Host address of this view's first element (pynq's `virtual_address`).
    public var virtualAddress: UInt { UInt(bitPattern: base + byteOffset) }
    /// Whether the host mapping is cached (pynq's `cacheable`).
    public var cacheable: Bool { allocation.cacheable }
    /// Index of the memory bank the buffer lives in.
    public var memoryIndex: Int { allocation.memoryIndex }
    /// Whether `other` views the same allocation.
    public func sharesMemory(with other: PynqBuffer) -> Bool { storage === other.storage }

    // Freeing: `free()`, `isFreed` (PynqBuffer+Lifetime).

    // MARK: Cache synchronisation

    /// The bytes this view covers, relative to the allocation: from its first element to the end of its
    /// last (for a strided view this includes the gaps between its elements). Empty for an empty view.
    public var coveredByteRange: Range<Int> {
        guard count > 0 else { return byteOffset..<byteOffset }
        var end = byteOffset + dtype.itemSize
        for axis in shape.indices { end += (shape[axis] - 1) * strides[axis] }
        return byteOffset..<end
    }

    /// Makes host writes to this view visible to the device (pynq's `flush`). Does nothing for a
    /// coherent buffer; syncs only ``coveredByteRange``.
    public func flush() throws { try sync(.toDevice) }
    /// Makes device writes to this view visible to the host (pynq's `invalidate`).
    public func invalidate() throws { try sync(.fromDevice) }
    /// Alias of ``flush()`` (pynq's `sync_to_device`).
    public func syncToDevice() throws { try sync(.toDevice) }
    /// Alias of ``invalidate()`` (pynq's `sync_from_device`).
    public func syncFromDevice() throws { try sync(.fromDevice) }

    /// Syncs ``coveredByteRange`` in `direction`; throws ``PynqBufferError/freed`` or the backend's error.
    public func sync(_ direction: SyncDirection) throws {
        try pinned {
            let range = coveredByteRange
            guard !coherent, !range.isEmpty else { return }
            try allocation.sync(direction, offset: range.lowerBound, length: range.count)
        }
    }
}
