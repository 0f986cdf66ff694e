import PynqBackend
import PynqMetadataCore

/// A Swift model of a kernel, run by the Mock device when AP_START is written to the kernel's control
/// register. It reads arguments and device memory through the context, may push and pop stream data,
/// and returns when the kernel is done (the device then sets AP_DONE and AP_IDLE). A thrown error is
/// kept by the register space and reported by `MockBackend` as a failed run.
public typealias MockKernelModel = @Sendable (MockKernelContext) throws -> Void

/// What a kernel model sees while it runs.
public struct MockKernelContext: Sendable {
    /// The IP (compute unit) being run.
    public let ip: IPBlock
    /// Its registers.
    public let registers: MockRegisterSpace
    let backend: MockBackend
    let loaded: MockBackend.Loaded

    /// The value of argument register `name` (64 bits for registers of 64 bits, e.g. pointers).
    /// - Throws: `BackendError.kernel` if the IP has no such register.
    public func argument(_ name: String) throws -> UInt64 {
        guard let register = ip.registers.first(where: { $0.name == name }) else {
            throw BackendError.kernel(ip: ip.name, reason: "has no register '\(name)'; it has \(ip.registers.map(\.name))")
        }
        return register.sizeInBits > 32 ? try registers.read64(offset: register.offset)
            : UInt64(try registers.read32(offset: register.offset))
    }

    /// Host view of `byteCount` bytes of device memory at `deviceAddress` (as a kernel's AXI master
    /// would reach them).
    /// - Throws: `BackendError.kernel` if the range is not inside one mapped memory bank.
    public func memory(at deviceAddress: UInt64, byteCount: Int) throws -> UnsafeMutableRawBufferPointer {
        guard let bank = loaded.banks.values.first(where: { $0.contains(deviceAddress: deviceAddress, count: byteCount) }) else {
            throw BackendError.kernel(ip: ip.name, reason: "accessed \(byteCount) bytes at device address 0x\(String(deviceAddress, radix: 16)), which is not in a used memory bank")
        }
        return UnsafeMutableRawBufferPointer(start: bank.host(at: deviceAddress - bank.bank.baseAddress), count: byteCount)
    }

    /// The stream connected to the IP's stream port `port`.
    /// - Throws: `BackendError.kernel` if the port is not connected to a stream of the overlay.
    public func stream(_ port: String) throws -> MockStream {
        guard let tag = ip.streams[port]?.streamTag, let stream = loaded.streams[tag] else {
            throw BackendError.kernel(ip: ip.name, reason: "has no stream port '\(port)' connected to a stream")
        }
        return stream
    }
}
