import PynqBackend
import PynqMetadataCore

/// An in-process device with the semantics of a real card, for developing and testing host code
/// without hardware (like swift-nio's `NIOEmbedded`): select it with `PYNQ_BACKEND=mock` or
/// `Device.select(.mock)`.
///
/// - **Memory**: downloading an overlay creates one bank per *used* memory of its MEM_TOPOLOGY, with
///   the bank's real base address and size. Each bank's host memory is one anonymous `mmap` of the
///   bank's size (reserved, not committed); buffers are carved out of it by a segregated-fit allocator
///   with `alignment`-byte granularity (4 KiB by default), so fragmentation and exhaustion behave as
///   on a card and every operation costs O(1) in live buffers (`RangeAllocator`). A new buffer reads as
///   zeros; freed blocks over 64 KiB go back to the system. `usage(memory:)` is our own accounting
///   (`.accounting`).
/// - **Registers**: every IP gets a register space whose words read back what was written. Kernels
///   with an HLS control protocol have a control register at offset 0 (AP_IDLE after reset).
/// - **Interrupts and GPIO**: kernels with a control register have the HLS interrupt registers (GIE,
///   IER, ISR) and an interrupt line (`InterruptCapable`, `MockBackend+Interrupts.swift`); processor
///   GPIO pins are shared levels (`GPIOCapable`, `MockGPIO.swift`).
/// - **Kernels**: a `MockKernelModel` set with `setKernelModel(_:for:)` runs when AP_START is written
///   (by `start(_:arguments:)` or a register write); without a model a started kernel completes at
///   once. Streams (`dc_0` …) are FIFOs that models push to and pop from.
/// - **Coherence**: host and "device" share memory; an uncached allocation is coherent, a cached one
///   records its syncs (`MockAllocation.syncLog`).
///
/// All methods are thread-safe.
public final class MockBackend: Backend {
    /// Registry entry: one device named `mock0`; only probed when asked for.
    public static let probe = BackendProbe(kind: .mock, probedByDefault: false) { .found([MockBackend()]) }

    public let kind = BackendKind.mock
    public let name: String
    public let capabilities: BackendCapabilities = [.registerReadWrite, .callable]
    /// Allocation granularity and alignment in every bank.
    public let alignment: UInt64
    let system: SystemCalls
    private let state = Locked(State())
    /// Levels of the processor GPIO pins (`GPIOCapable`).
    let gpioPins = MockGPIOPins()

    struct State {
        var loaded: Loaded?
        var models: [String: MockKernelModel] = [:]
    }

    /// What a download built (a class, so that each call takes one reference, not a copy).
    final class Loaded: Sendable {
        let identity: String
        let description: OverlayDescription
        let banks: [Int: MockBank]
        let registers: [String: MockRegisterSpace]
        let streams: [String: MockStream]

        init(identity: String, description: OverlayDescription, banks: [Int: MockBank],
             registers: [String: MockRegisterSpace], streams: [String: MockStream]) {
            self.identity = identity
            self.description = description
            self.banks = banks
            self.registers = registers
            self.streams = streams
        }
    }

    /// A Mock device called `name` whose banks hand out `alignment`-byte aligned blocks.
    public convenience init(name: String = "mock0", alignment: Int = 4096) {
        self.init(name: name, alignment: alignment, system: .live)
    }

    /// A Mock device making its system calls through `system` (tests inject failures with it).
    package init(name: String = "mock0", alignment: Int = 4096, system: SystemCalls) {
        precondition(alignment > 0 && alignment & (alignment - 1) == 0, "alignment must be a power of two")
        self.name = name
        self.alignment = UInt64(alignment)
        self.system = system
    }

    public var loadedOverlayID: String? { state.withLock { $0.loaded?.identity } }

    public func download(_ image: OverlayImage) throws {
        var banks: [Int: MockBank] = [:]
        for bank in image.description.memories where bank.used && bank.type != .streaming && bank.type != .streamingConnection {
            banks[bank.index] = try MockBank(bank: bank, alignment: alignment, system: system)
        }
        var registers: [String: MockRegisterSpace] = [:]
        for ip in image.description.ips {
            let controlled = ip.controlProtocol == .apCtrlHs || ip.controlProtocol == .apCtrlChain
                || ip.registers.contains { $0.offset == 0 && $0.name == "CTRL" }
            let identity = image.identity
            let ipName = ip.name
            var onStart: (@Sendable () throws -> Void)?
            if controlled {
                onStart = { [weak self] in try self?.runModel(ip: ipName, identity: identity) }
            }
            registers[ip.name] = try MockRegisterSpace(ip: ip, onStart: onStart, system: system)
        }
        var streams: [String: MockStream] = [:]
        for stream in image.description.streams { streams[stream.tag] = MockStream(tag: stream.tag) }
        let loaded = Loaded(identity: image.identity, description: image.description, banks: banks,
                            registers: registers, streams: streams)
        state.withLock { $0.loaded = loaded }
    }

    public func allocate(byteCount: Int, memory: Int, cacheable: Bool) throws -> any BackendAllocation {
        try allocateMock(byteCount: byteCount, memory: memory, cacheable: cacheable)
    }

    public func allocate(byteCount: Int, memory: Int, cacheable: Bool, whileLoaded overlay: String) throws
        -> (any BackendAllocation)?
    {
        guard byteCount > 0 else { throw BackendError.invalidSize(requested: byteCount) }
        guard let loaded = state.withLock({ $0.loaded }), loaded.identity == overlay else { return nil }
        return try bank(memory, in: loaded).allocate(byteCount: byteCount, cacheable: cacheable)
    }

    /// `allocate(byteCount:memory:cacheable:)` with the concrete type, for tests and models.
    public func allocateMock(byteCount: Int, memory: Int, cacheable: Bool = false) throws(BackendError) -> MockAllocation {
        guard byteCount > 0 else { throw BackendError.invalidSize(requested: byteCount) }
        let loaded = try currentLoaded()
        let bank = try self.bank(memory, in: loaded)
        return try bank.allocate(byteCount: byteCount, cacheable: cacheable)
    }

    public func usage(memory: Int) throws -> MemoryUsage {
        let loaded = try currentLoaded()
        if let bank = loaded.banks[memory] { return bank.usage }
        guard loaded.description.memories.contains(where: { $0.index == memory }) else {
            throw BackendError.noSuchMemory(index: memory, count: loaded.description.memories.count)
        }
        return MemoryUsage(memUsed: 0, numBuffers: 0, source: .accounting)
    }

    public func registers(for ip: IPBlock) throws -> any RegisterSpace {
        try mockRegisters(for: ip.name)
    }

    /// The register space of IP `name` of the loaded overlay.
    public func mockRegisters(for name: String) throws(BackendError) -> MockRegisterSpace {
        guard let space = try currentLoaded().registers[name] else { throw BackendError.unknownIP(name: name) }
        return space
    }

    /// The FIFO of stream `tag` (`dc_0` …) of the loaded overlay.
    public func stream(_ tag: String) throws(BackendError) -> MockStream {
        let loaded = try currentLoaded()
        guard let stream = loaded.streams[tag] else {
            throw BackendError.notAllocatable(bank: tag, reason: "no stream of that name in the loaded overlay")
        }
        return stream
    }

    public func start(_ ip: IPBlock, arguments: [Int: KernelArgumentValue]) throws -> any KernelRun {
        let space = try mockRegisters(for: ip.name)
        _ = space.takeModelFailure()
        let run = try startThroughRegisters(ip, arguments: arguments)
        if let failure = space.takeModelFailure() { throw failure }
        return run
    }

    public func close() {
        state.withLock { $0.loaded = nil }
    }

    /// Sets the model run when a kernel is started. `name` is an IP name (`krnl_vadd_1`), a kernel
    /// name (`krnl_vadd`, matching every compute unit of it) or `nil`'s opposite: a model for an IP
    /// name wins over one for its kernel name.
    public func setKernelModel(_ model: MockKernelModel?, for name: String) {
        state.withLock { $0.models[name] = model }
    }

    // MARK: Internals

    private func currentLoaded() throws(BackendError) -> Loaded {
        guard let loaded = state.withLock({ $0.loaded }) else { throw BackendError.noOverlay(backend: "the Mock device \(name)") }
        return loaded
    }

    private func bank(_ memory: Int, in loaded: Loaded) throws(BackendError) -> MockBank {
        if let bank = loaded.banks[memory] { return bank }
        let memories = loaded.description.memories
        if let stream = loaded.description.streams.first(where: { $0.index == memory }) {
            throw BackendError.notAllocatable(bank: stream.tag, reason: "it is an AXI stream, not memory")
        }
        guard let described = memories.first(where: { $0.index == memory }) else {
            throw BackendError.noSuchMemory(index: memory, count: memories.count + loaded.description.streams.count)
        }
        if described.type == .streaming || described.type == .streamingConnection {
            throw BackendError.notAllocatable(bank: described.tag, reason: "it is an AXI stream, not memory")
        }
        throw BackendError.notAllocatable(bank: described.tag, reason: "no kernel of the overlay is connected to it (unused bank)")
    }

    private func runModel(ip name: String, identity: String) throws {
        let (loaded, models) = state.withLock { ($0.loaded, $0.models) }
        guard let loaded, loaded.identity == identity,
              let ip = loaded.description.ips.first(where: { $0.name == name }),
              let space = loaded.registers[name] else { return }
        let kernelName = ip.cuName.map { String($0.prefix { $0 != ":" }) }
            ?? ip.type.split(separator: ":").dropFirst(2).first.map(String.init)
        guard let model = models[name] ?? kernelName.flatMap({ models[$0] }) else { return }
        try model(MockKernelContext(ip: ip, registers: space, backend: self, loaded: loaded))
    }
}
