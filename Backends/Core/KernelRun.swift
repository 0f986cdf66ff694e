import PynqMetadataCore

/// A value for one kernel argument.
public enum KernelArgumentValue: Sendable {
    /// A buffer: its device address (plus `offset` bytes) goes into a pointer argument.
    case buffer(any BackendAllocation, offset: Int)
    /// A scalar's bytes in the device's (little-endian) layout, at most 8 bytes.
    case scalar([UInt8])

    /// A scalar from any fixed-width integer or floating-point value.
    public static func value<T: BitwiseCopyable>(_ value: T) -> KernelArgumentValue {
        withUnsafeBytes(of: value) { .scalar(Array($0)) }
    }
}

/// A started kernel run.
public protocol KernelRun: AnyObject, Sendable {
    /// Blocks until the run completes; throws if it failed or did not finish in time.
    func wait() throws
    /// Whether the run has completed (does not block).
    var isDone: Bool { get }
}

/// Bits of an HLS kernel's control register (offset 0), `ap_ctrl_hs` / `ap_ctrl_chain`.
public enum KernelControl {
    public static let apStart: UInt32 = 1 << 0
    public static let apDone: UInt32 = 1 << 1
    public static let apIdle: UInt32 = 1 << 2
    public static let apReady: UInt32 = 1 << 3
    public static let apContinue: UInt32 = 1 << 4
}

extension Backend {
    /// Starts `ip` by writing its argument registers (from `ip.registers`, matched by `argumentIndex`)
    /// and then AP_START at offset 0. The returned run polls AP_DONE (or AP_IDLE) at offset 0.
    /// Stream arguments have no register and take no value.
    public func startThroughRegisters(_ ip: IPBlock, arguments: [Int: KernelArgumentValue]) throws -> any KernelRun {
        let space = try registers(for: ip)
        let status = try space.read32(offset: 0)
        guard status & KernelControl.apStart == 0 else {
            throw BackendError.kernel(ip: ip.name, reason: "still running (AP_START is set); wait for the previous run first")
        }
        var writes: [(offset: Int, value: UInt64, byteCount: Int)] = []
        for (index, value) in arguments.sorted(by: { $0.key < $1.key }) {
            guard let register = ip.registers.first(where: { $0.argumentIndex == index }) else {
                throw BackendError.kernel(ip: ip.name, reason: "has no register for argument \(index)")
            }
            switch value {
            case .buffer(let allocation, let offset):
                writes.append((register.offset, allocation.deviceAddress &+ UInt64(offset), 8))
            case .scalar(let bytes):
                guard bytes.count <= 8 else {
                    throw BackendError.kernel(ip: ip.name, reason: "argument \(register.name) is \(bytes.count) bytes; at most 8 fit a register pair")
                }
                var raw: UInt64 = 0
                for (i, byte) in bytes.enumerated() { raw |= UInt64(byte) << (8 * UInt64(i)) }
                writes.append((register.offset, raw, bytes.count > 4 ? 8 : 4))
            }
        }
        for write in writes {
            if write.byteCount == 8 {
                try space.write64(offset: write.offset, write.value)
            } else {
                try space.write32(offset: write.offset, UInt32(truncatingIfNeeded: write.value))
            }
        }
        try space.write32(offset: 0, KernelControl.apStart)
        return RegisterPolledRun(space: space)
    }
}

/// A run whose completion is read from the control register.
final class RegisterPolledRun: KernelRun {
    let space: any RegisterSpace
    init(space: any RegisterSpace) { self.space = space }

    var isDone: Bool {
        guard let status = try? space.read32(offset: 0) else { return true }
        return status & (KernelControl.apDone | KernelControl.apIdle) != 0
    }

    func wait() throws {
        var spins = 0
        while true {
            let status = try space.read32(offset: 0)
            if status & (KernelControl.apDone | KernelControl.apIdle) != 0 { return }
            spins += 1
            if spins > 100_000_000 {
                throw BackendError.kernel(ip: space.ipName, reason: "did not finish (AP_DONE never set)")
            }
        }
    }
}
