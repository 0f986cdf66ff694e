import Foundation
import PynqBackend
import PynqMetadataCore
import Synchronization

/// An Alveo card (or XRT's no-op / emulated device) driven through XRT's C API.
///
/// - **Download** loads the overlay's xclbin bytes on the device (`xrtXclbinAllocRawData` +
///   `xrtDeviceLoadXclbinHandle`). Refusing a reload while buffers are live is the public API's rule
///   (`Overlay`); should it happen anyway, those buffers stay valid (they keep XRT's device open).
/// - **Memory**: `allocate(byteCount:memory:cacheable:)` allocates an XRT buffer object in memory
///   group `memory` (the MEM_TOPOLOGY index, i.e. what `xrtKernelArgGroupId` gives for a kernel
///   argument) with `XRT_BO_FLAGS_CACHEABLE` when asked, maps it, and reports XRT's `xrtBOAddress` as
///   the device address. Buffers are not coherent: `sync` is `xrtBOSync` of exactly the requested
///   byte range and direction.
/// - **Usage**: `usage(memory:)` reports XRT's device-wide figures (`xclGetUsageInfo`, banks 0–7) when
///   XRT's device layer has them (`MemoryUsage.Source.device`: the PCIe layer of a card), otherwise
///   this process's own accounting of live buffers (`.accounting`: XRT's no-op and emulation layers).
/// - **Kernels** open each compute unit once (`xrtPLKernelOpenExclusive`, so the same handle serves
///   XRT runs and register reads/writes; no other process can use the CU meanwhile) and run them
///   through XRT runs (`start(_:arguments:)`: `xrtRunOpen`, `xrtRunSetArg`, `xrtRunStart`).
/// - **Registers** are read and written through `xrtKernelReadRegister`/`WriteRegister` (XRT's no-op
///   layer refuses them: the error says so).
///
/// All methods are thread-safe.
public final class AlveoBackend: Backend {
    /// Registry entry: every device XRT can open; rejected with the precise reason otherwise
    /// ("XRT not found (searched: …)", no card, card without driver …).
    public static let probe = BackendProbe(kind: .alveo) {
        do {
            let devices = try AlveoDiscovery.devices()
            let xrt = try XRTLibrary.shared.get()
            return .found(devices.map { AlveoBackend(xrt: xrt, device: $0) })
        } catch {
            return .rejected(reason: "\(error)")
        }
    }

    public let kind = BackendKind.alveo
    public var name: String { deviceDescription.name }
    public let capabilities: BackendCapabilities = [.registerReadWrite, .callable]
    /// What discovery found about the device.
    public let deviceDescription: AlveoDeviceDescription
    let xrt: XRTLibrary
    private let state = Mutex(State())

    struct State: @unchecked Sendable {
        var device: XRTDevice?
        var loaded: Loaded?
        var kernels: [String: XRTKernel] = [:]
    }

    /// What a download loaded (a reference: the allocation path reads it under the lock).
    final class Loaded: @unchecked Sendable {
        let identity: String
        let uuid: [UInt8]
        let description: OverlayDescription
        let device: XRTDevice
        /// Whether MEM_TOPOLOGY index `i` can hold buffers (used, not a stream).
        let allocatable: [Bool]

        init(identity: String, uuid: [UInt8], description: OverlayDescription, device: XRTDevice) {
            self.identity = identity
            self.uuid = uuid
            self.description = description
            self.device = device
            var allocatable = [Bool](repeating: false, count: (description.memories.map(\.index).max() ?? -1) + 1)
            for bank in description.memories
            where bank.index >= 0 && bank.used && bank.type != .streaming && bank.type != .streamingConnection {
                allocatable[bank.index] = true
            }
            self.allocatable = allocatable
        }
    }

    init(xrt: XRTLibrary, device: AlveoDeviceDescription) {
        self.xrt = xrt
        self.deviceDescription = device
    }

    /// Device `index` of the process's XRT (for tests and tools; programs use the device registry).
    public convenience init(index: Int = 0) throws(AlveoError) {
        let devices = try AlveoDiscovery.devices()
        guard let device = devices.first(where: { $0.index == index }) else {
            throw .noDevice(index: index, count: devices.count, detail: "Valid indices: 0 ..< \(devices.count).")
        }
        self.init(xrt: try XRTLibrary.shared.get(), device: device)
    }

    public var loadedOverlayID: String? { state.withLock { $0.loaded?.identity } }

    // MARK: Download

    public func download(_ image: OverlayImage) throws {
        try state.withLock { state in
            let device = try state.device ?? XRTDevice(xrt: xrt, index: deviceDescription.index)
            state.device = device
            state.kernels = [:]  // XRT refuses to load over open compute-unit contexts
            state.loaded = nil
            let uuid: [UInt8]
            if !image.bytes.isEmpty {
                uuid = try device.loadXclbin(bytes: image.bytes)
            } else if let path = image.path {
                uuid = try device.loadXclbin(path: path)
            } else {
                throw AlveoError.invalidArgument(context: "download to \(name)", reason: "the overlay has neither bytes nor a path")
            }
            state.loaded = Loaded(identity: image.identity, uuid: uuid, description: image.description, device: device)
        }
    }

    public func close() {
        state.withLock { state in
            state.kernels = [:]
            state.loaded = nil
            state.device = nil
        }
    }

    private func loaded() throws -> Loaded {
        guard let loaded = state.withLock({ $0.loaded }) else { throw BackendError.noOverlay(backend: name) }
        return loaded
    }

    // MARK: Memory

    public func allocate(byteCount: Int, memory: Int, cacheable: Bool) throws -> any BackendAllocation {
        try allocate(byteCount: byteCount, memory: memory, cacheable: cacheable, in: try loaded())
    }

    public func allocate(byteCount: Int, memory: Int, cacheable: Bool, whileLoaded overlay: String) throws
        -> (any BackendAllocation)?
    {
        guard let loaded = state.withLock({ $0.loaded }), loaded.identity == overlay else { return nil }
        return try allocate(byteCount: byteCount, memory: memory, cacheable: cacheable, in: loaded)
    }

    private func allocate(byteCount: Int, memory: Int, cacheable: Bool, in loaded: Loaded) throws -> any BackendAllocation {
        guard byteCount > 0 else { throw BackendError.invalidSize(requested: byteCount) }
        guard memory >= 0, memory < loaded.allocatable.count, loaded.allocatable[memory] else {
            throw unallocatable(memory, in: loaded)
        }
        do {
            return try AlveoAllocation(device: loaded.device, byteCount: byteCount, memoryIndex: memory, cacheable: cacheable)
        } catch {
            guard case .xrtCall(_, _, _, ENOMEM, _) = error,
                let bank = loaded.description.memories.first(where: { $0.index == memory })
            else { throw error }
            let used = UInt64(loaded.device.accountedUsage[UInt32(memory)]?.bytes ?? 0)
            let free = bank.size > used ? bank.size - used : 0
            throw BackendError.outOfMemory(bank: bank.tag, requested: UInt64(byteCount), free: free, largestFree: free)
        }
    }

    private func unallocatable(_ memory: Int, in loaded: Loaded) -> BackendError {
        guard let bank = loaded.description.memories.first(where: { $0.index == memory }) else {
            return .noSuchMemory(index: memory, count: loaded.description.memories.count)
        }
        return .notAllocatable(bank: bank.tag, reason: bank.used ? "it is a stream, not memory" : "it is unused in this overlay")
    }

    public func usage(memory: Int) throws -> MemoryUsage {
        let loaded = try loaded()
        guard loaded.description.memories.contains(where: { $0.index == memory }) else {
            throw BackendError.noSuchMemory(index: memory, count: loaded.description.memories.count)
        }
        if let report = loaded.device.usageReport(), memory < report.count {
            return MemoryUsage(memUsed: UInt64(report[memory].bytes), numBuffers: report[memory].buffers, source: .device)
        }
        let ours = loaded.device.accountedUsage[UInt32(memory)] ?? XRTDevice.BankUsage()
        return MemoryUsage(memUsed: UInt64(ours.bytes), numBuffers: ours.buffers, source: .accounting)
    }

    // MARK: Kernels and registers

    /// The compute unit `ip`, opened once per download (exclusive access, see the type's docs).
    func kernel(for ip: IPBlock) throws -> XRTKernel {
        try state.withLock { state in
            guard let loaded = state.loaded else { throw BackendError.noOverlay(backend: name) }
            if let kernel = state.kernels[ip.name] { return kernel }
            guard let cu = ip.cuName else {
                throw BackendError.kernel(ip: ip.name, reason: "is not a compute unit of the xclbin (no kernel name)")
            }
            let kernel = try XRTKernel(
                device: loaded.device, xclbinUUID: loaded.uuid, name: Self.xrtKernelName(cu: cu), exclusive: true)
            state.kernels[ip.name] = kernel
            return kernel
        }
    }

    /// XRT's name for one compute unit: `kernel:{instance}` from the xclbin's `kernel:instance`.
    static func xrtKernelName(cu: String) -> String {
        guard let colon = cu.firstIndex(of: ":") else { return cu }
        return String(cu[..<colon]) + ":{" + String(cu[cu.index(after: colon)...]) + "}"
    }

    public func registers(for ip: IPBlock) throws -> any RegisterSpace {
        _ = try loaded()
        return AlveoRegisterSpace(backend: self, ip: ip)
    }

    public func start(_ ip: IPBlock, arguments: [Int: KernelArgumentValue]) throws -> any KernelRun {
        let run = try kernel(for: ip).makeRun()
        for (index, value) in arguments.sorted(by: { $0.key < $1.key }) {
            guard let register = ip.registers.first(where: { $0.argumentIndex == index }) else {
                throw BackendError.kernel(ip: ip.name, reason: "has no register for argument \(index)")
            }
            try run.setArgument(index, Self.xrtValue(value, for: register, ip: ip.name))
        }
        try run.start()
        return AlveoRun(ipName: ip.name, run: run)
    }

    /// The value in the C type XRT reads for `register`'s argument (see CXRT.h).
    static func xrtValue(_ value: KernelArgumentValue, for register: Register, ip: String) throws -> XRTArgumentValue {
        switch value {
        case .buffer(let allocation, let offset):
            guard let alveo = allocation as? AlveoAllocation else {
                throw BackendError.kernel(ip: ip, reason: "argument \(register.name) got a buffer of another backend")
            }
            let buffer = offset == 0 ? alveo : try alveo.subBuffer(offset: offset, length: alveo.byteCount - offset)
            return .buffer(XRTBufferReference(buffer: buffer))
        case .scalar(let bytes):
            let declared = register.sizeInBits / 8
            let type = (register.type ?? "").trimmingCharacters(in: .whitespaces)
            guard bytes.count == declared || (type == "float" && bytes.count == 4) else {
                throw BackendError.kernel(
                    ip: ip, reason: "argument \(register.name) (\(type), \(declared) bytes) got a \(bytes.count)-byte value")
            }
            var raw: UInt64 = 0
            for (i, byte) in bytes.prefix(8).enumerated() { raw |= UInt64(byte) << (8 * UInt64(i)) }
            switch type {
            case "float": return .double(Double(Float(bitPattern: UInt32(truncatingIfNeeded: raw))))
            case "double": return .double(Double(bitPattern: raw))
            case "int": return .int32(Int32(truncatingIfNeeded: raw))
            case "uint": return .uint32(UInt32(truncatingIfNeeded: raw))
            case "int*", "uint*": return .bytes(bytes)
            default:
                switch declared {
                case 4: return .uint32(UInt32(truncatingIfNeeded: raw))
                case 8: return .uint64(raw)
                default:
                    guard bytes.count <= MemoryLayout<UInt>.size else {
                        throw BackendError.kernel(
                            ip: ip, reason: "argument \(register.name) is \(bytes.count) bytes; XRT's C API passes at most 8")
                    }
                    return .size(UInt(raw))
                }
            }
        }
    }
}

/// One buffer object of an ``AlveoBackend``: the XRT buffer itself (one Swift object per buffer).
final class AlveoAllocation: XRTBuffer, BackendAllocation, @unchecked Sendable {
    let memoryIndex: Int
    let cacheable: Bool
    var hostAddress: UnsafeMutableRawPointer { host }
    var byteCount: Int { size }
    var coherent: Bool { false }

    init(device: XRTDevice, byteCount: Int, memoryIndex: Int, cacheable: Bool) throws(AlveoError) {
        self.memoryIndex = memoryIndex
        self.cacheable = cacheable
        try super.init(device: device, size: byteCount, flags: cacheable ? .cacheable : [], group: UInt32(memoryIndex))
    }

    func sync(_ direction: SyncDirection, offset: Int, length: Int) throws {
        try sync(direction == .toDevice ? XRTSyncDirection.toDevice : .fromDevice, offset: offset, length: length)
    }

    func release() { free() }
}

/// A compute unit's registers, through XRT's kernel register calls.
final class AlveoRegisterSpace: RegisterSpace {
    let backend: AlveoBackend
    let ip: IPBlock
    var ipName: String { ip.name }
    var baseAddress: UInt64 { ip.baseAddress }
    var length: Int { Int(clamping: ip.addressRange) }
    var mappedAddress: UnsafeMutableRawPointer? { nil }

    init(backend: AlveoBackend, ip: IPBlock) {
        self.backend = backend
        self.ip = ip
    }

    func read32(offset: Int) throws -> UInt32 {
        try checkAccess(offset: offset)
        return try backend.kernel(for: ip).readRegister(offset: UInt32(offset))
    }

    func write32(offset: Int, _ value: UInt32) throws {
        try checkAccess(offset: offset)
        try backend.kernel(for: ip).writeRegister(offset: UInt32(offset), value: value)
    }
}

/// A kernel run on an ``AlveoBackend`` (an XRT run).
public final class AlveoRun: KernelRun, @unchecked Sendable {
    let ipName: String
    let run: XRTRun

    init(ipName: String, run: XRTRun) {
        self.ipName = ipName
        self.run = run
    }

    /// The run's state as XRT reports it.
    public var state: RunState { run.state }

    public var isDone: Bool { run.state.isFinished }

    /// Blocks until the run finishes; throws ``AlveoError/runFailed(kernel:state:)`` unless it completed.
    public func wait() throws {
        let state = run.wait()
        guard state == .completed else { throw AlveoError.runFailed(kernel: ipName, state: state) }
    }

    /// Suspends until the run finishes (XRT's blocking wait runs on a thread of its own, not on the
    /// concurrency pool); throws like ``wait()``.
    public func wait() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            Thread.detachNewThread {
                do {
                    try self.wait()
                    continuation.resume()
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }
}
