import PynqBackend
import PynqMetadataCore

/// Something buffers can be allocated in: a `Memory` (`ol.bank1`), an `OverlayItem` that is a memory
/// bank, or a `Device` (its default memory: the first used bank of the loaded overlay, as pynq's
/// `Device.default_memory`). Streams are not targets.
public protocol AllocationTarget: Sendable {
    /// The memory bank to allocate in.
    /// - Throws: `PynqError.wrongKind` for a stream or an IP, `PynqError.overlayNotLoaded`, or
    ///   `BackendError.noOverlay` for a device without an overlay.
    func allocationMemory() throws -> Memory
}

extension Memory: AllocationTarget {
    public func allocationMemory() throws -> Memory { self }
}

extension OverlayItem: AllocationTarget {
    public func allocationMemory() throws -> Memory { try asMemory }
}

extension Device: AllocationTarget {
    /// The first used memory bank of the loaded overlay.
    public func allocationMemory() throws -> Memory {
        guard let image = loadedOverlay else { throw BackendError.noOverlay(backend: description) }
        guard let bank = image.description.memories.first(where: {
            $0.used && $0.type != .streaming && $0.type != .streamingConnection
        }) else {
            throw BackendError.notAllocatable(bank: "default memory", reason: "the loaded overlay has no used memory bank")
        }
        return Memory(device: self, bank: bank, overlayIdentity: image.identity,
                      overlayPath: image.path ?? "<overlay \(image.identity)>")
    }
}

extension Memory {
    /// Allocates a buffer of `shape` elements of `dtype` in this bank (pynq's `XrtMemory.allocate`).
    /// The memory returns to the bank when the buffer is freed (`free()`) or goes out of scope.
    /// - Parameter cacheable: map the buffer cached on the host (then `flush()` / `invalidate()` matter).
    /// - Throws: `PynqBufferError.invalidShape` for an empty shape or an extent below 1,
    ///   `PynqError.overlayNotLoaded` after `free()`, `BackendError.outOfMemory` (bank, requested and
    ///   free bytes) when the bank is full, `BackendError.notAllocatable` for an unused bank.
    public func allocate(shape: [Int], dtype: DType, cacheable: Bool = false) throws -> PynqBuffer {
        let byteCount = try PynqBuffer.byteCount(shape: shape, dtype: dtype)
        guard let allocation = try device.backend.allocate(
            byteCount: byteCount, memory: bank.index, cacheable: cacheable, whileLoaded: overlayIdentity)
        else { throw PynqError.overlayNotLoaded(path: overlayPath) }
        guard allocation.byteCount >= byteCount else {
            allocation.release()
            throw PynqBufferError.allocationTooSmall(needed: byteCount, available: allocation.byteCount)
        }
        return PynqBuffer(allocation: allocation, ownerObject: self, shape: shape, dtype: dtype,
                          byteCount: byteCount)
    }

    /// `allocate(shape:dtype:cacheable:)` with a numpy dtype string (`"u4"`, `"float32"`, `"<i2"` …).
    /// - Throws: `PynqBufferError.unknownDType` for a string numpy would not accept, and the errors above.
    public func allocate(shape: [Int], dtype: String = "u4", cacheable: Bool = false) throws -> PynqBuffer {
        try allocate(shape: shape, dtype: DType(dtype), cacheable: cacheable)
    }

    /// A typed buffer of `shape` elements of `T` in this bank.
    public func allocate<T: PynqElement>(shape: [Int], of type: T.Type, cacheable: Bool = false) throws -> TypedPynqBuffer<T> {
        try TypedPynqBuffer<T>(allocate(shape: shape, dtype: DType.of(type), cacheable: cacheable))
    }
}

extension OverlayItem {
    /// `Memory.allocate(shape:dtype:cacheable:)` on the memory bank this item is.
    public func allocate(shape: [Int], dtype: String = "u4", cacheable: Bool = false) throws -> PynqBuffer {
        try asMemory.allocate(shape: shape, dtype: dtype, cacheable: cacheable)
    }
}

/// Allocates a buffer of `shape` elements of `dtype` (pynq's `pynq.allocate`): in `target` (a memory
/// bank such as `ol.bank1`, or a device), or in the active device's default memory when `target` is nil.
///
/// ```swift
/// let input = try allocate(shape: [5], dtype: "u4")
/// try input.copy(from: (0..<5).map(UInt32.init))
/// try input.flush()
/// ```
/// - Throws: `PynqBufferError.unknownDType` / `.invalidShape` for bad arguments, `PynqError.wrongKind`
///   for a stream target, `BackendError.outOfMemory` / `.notAllocatable` from the bank, and
///   `PynqError.noDevice` when no device is found.
public func allocate(shape: [Int], dtype: String = "u4", target: (any AllocationTarget)? = nil,
                     cacheable: Bool = false) throws -> PynqBuffer {
    let dtype = try DType(dtype)
    return try allocate(shape: shape, dtype: dtype, target: target, cacheable: cacheable)
}

/// `allocate(shape:dtype:target:cacheable:)` with a `DType` value.
public func allocate(shape: [Int], dtype: DType, target: (any AllocationTarget)? = nil,
                     cacheable: Bool = false) throws -> PynqBuffer {
    _ = try PynqBuffer.byteCount(shape: shape, dtype: dtype)
    let memory = try (target ?? Device.active).allocationMemory()
    return try memory.allocate(shape: shape, dtype: dtype, cacheable: cacheable)
}

/// `allocate(shape:dtype:target:cacheable:)` in a memory bank (`ol.memory("bank1")`): the same call
/// without an existential target, the cheapest way to allocate.
public func allocate(shape: [Int], dtype: DType, target: Memory, cacheable: Bool = false) throws -> PynqBuffer {
    try target.allocate(shape: shape, dtype: dtype, cacheable: cacheable)
}

/// A typed buffer: `allocate(shape: [1024, 1024], of: UInt32.self, target: ol.bank1)`.
public func allocate<T: PynqElement>(shape: [Int], of type: T.Type, target: (any AllocationTarget)? = nil,
                                     cacheable: Bool = false) throws -> TypedPynqBuffer<T> {
    try TypedPynqBuffer<T>(allocate(shape: shape, dtype: DType.of(type), target: target, cacheable: cacheable))
}
