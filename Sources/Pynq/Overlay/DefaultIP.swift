import PynqBackend
import PynqMetadataCore

/// The driver every IP of an overlay gets (pynq's `DefaultIP`, `ol.krnl_vadd_1`): where its registers
/// are, and 32-bit register reads and writes through the device (memory-mapped or through calls,
/// whichever the backend offers).
public final class DefaultIP: Sendable, CustomStringConvertible {
    /// The IP as the overlay describes it.
    public let block: IPBlock
    public let device: Device
    let overlayIdentity: String
    let overlayPath: String
    /// The MMIO, register map and driver, built once while the overlay is loaded (`Sources/Pynq/IP`).
    let access = IPAccessCache()

    init(block: IPBlock, device: Device, overlayIdentity: String, overlayPath: String) {
        self.block = block
        self.device = device
        self.overlayIdentity = overlayIdentity
        self.overlayPath = overlayPath
    }

    /// Name in `ip_dict`.
    public var name: String { block.name }
    /// VLNV, e.g. `xilinx.com:hls:krnl_vadd:1.0`.
    public var type: String { block.type }
    /// Device address of the registers (pynq's `phys_addr`).
    public var baseAddress: UInt64 { block.baseAddress }
    /// Size of the register space in bytes (pynq's `addr_range`).
    public var addressRange: UInt64 { block.addressRange }
    /// The registers the overlay declares for the IP.
    public var registers: [Register] { block.registers }
    /// Stream ports: port name → stream tag and direction.
    public var streamPorts: [String: IPBlock.StreamPort] { block.streams }

    /// Reads the 32-bit register at byte `offset` (a multiple of 4) (pynq's `read`).
    /// - Throws: `MMIOError.outOfRange` / `.misaligned`, or `PynqError.overlayNotLoaded` once the
    ///   overlay is freed.
    public func read(_ offset: Int = 0) throws -> UInt32 {
        try mmio.read(UInt32.self, at: offset)
    }

    /// Writes `value` to the 32-bit register at byte `offset` (a multiple of 4) (pynq's `write`).
    public func write(_ offset: Int, _ value: UInt32) throws {
        try mmio.write(value, at: offset)
    }

    /// Writes `bytes` (a multiple of 4 long) word by word from byte `offset` (pynq's `write(offset, bytes)`).
    public func write(_ offset: Int, _ bytes: [UInt8]) throws {
        try mmio.write(offset, bytes)
    }

    /// The IP's register space on the device (the backend keeps it open while the overlay is loaded).
    public func registerSpace() throws -> any RegisterSpace {
        try checkLoaded()
        return try device.backend.registers(for: block)
    }

    /// Typed register access of every width (pynq's `mmio`); made once while the overlay is loaded.
    /// - Throws: `PynqError.overlayNotLoaded` once the overlay is freed or replaced.
    public var mmio: MMIO {
        get throws { try access.mmio(for: self) }
    }

    /// Throws `PynqError.overlayNotLoaded` unless this IP's overlay is the one on the device.
    func checkLoaded() throws(PynqError) {
        guard device.loadedOverlayID == overlayIdentity else { throw PynqError.overlayNotLoaded(path: overlayPath) }
    }

    /// `<DefaultIP krnl_stream_vadd_1 (xilinx.com:hls:krnl_stream_vadd:1.0) at 0x1800000>`.
    public var description: String {
        "<DefaultIP \(name) (\(type)) at 0x\(String(baseAddress, radix: 16))>"
    }
}
