import PynqBackend
import PynqMetadataCore

/// A memory bank of a loaded overlay (pynq's `XrtMemory`, `ol.bank1`): a target for `allocate` and
/// the bank's usage figures.
public final class Memory: Sendable, Hashable, CustomStringConvertible {
    /// The device the bank belongs to.
    public let device: Device
    /// The bank as the overlay describes it.
    public let bank: MemoryBank
    /// Identity of the overlay the bank belongs to; the bank is usable while that overlay is loaded.
    let overlayIdentity: String
    let overlayPath: String

    init(device: Device, bank: MemoryBank, overlayIdentity: String, overlayPath: String) {
        self.device = device
        self.bank = bank
        self.overlayIdentity = overlayIdentity
        self.overlayPath = overlayPath
    }

    /// MEM_TOPOLOGY index (pynq's `idx`).
    public var index: Int { bank.index }
    /// The bank's name in the design, e.g. `bank1`, `DDR[0]`, `PLRAM[2]`.
    public var tag: String { bank.tag }
    /// The memory type as pynq names it (`DDR4`, `HBM`, `PLRAM` …).
    public var type: String { bank.type.pynqName }
    /// Size in bytes.
    public var size: UInt64 { bank.size }
    /// Device address of the first byte (pynq's `base_address`).
    public var baseAddress: UInt64 { bank.baseAddress }
    /// Whether a kernel of the design is connected to the bank (only used banks hold buffers).
    public var isUsed: Bool { bank.used }

    /// Bytes used by live buffers in the bank (pynq's `mem_used`).
    /// - Throws: `PynqError.overlayNotLoaded` once the overlay is freed or replaced.
    public var memUsed: Int {
        get throws { Int(try usage.memUsed) }
    }

    /// Number of live buffers in the bank (pynq's `num_buffers`).
    public var numBuffers: Int {
        get throws { try usage.numBuffers }
    }

    /// Both figures, and whether they are the device's or this process's own count.
    public var usage: MemoryUsage {
        get throws {
            try checkLoaded()
            return try device.backend.usage(memory: bank.index)
        }
    }

    func checkLoaded() throws(PynqError) {
        guard device.loadedOverlayID == overlayIdentity else { throw PynqError.overlayNotLoaded(path: overlayPath) }
    }

    public var description: String {
        "Memory(\(tag), \(type), base 0x\(String(baseAddress, radix: 16)), \(size) bytes)"
    }

    public static func == (a: Memory, b: Memory) -> Bool {
        a.device === b.device && a.bank.index == b.bank.index && a.overlayIdentity == b.overlayIdentity
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(ObjectIdentifier(device))
        hasher.combine(bank.index)
    }
}
