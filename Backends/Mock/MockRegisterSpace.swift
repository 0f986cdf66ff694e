import DequeModule
import PynqBackend
import PynqMetadataCore

/// The registers of one IP on the Mock device: 32-bit words that read back what was written.
/// Offset 0 behaves as an HLS control register: it starts as AP_IDLE; writing AP_START runs the
/// IP's kernel model (if any) and then sets AP_DONE | AP_IDLE; AP_DONE clears when read (as
/// `ap_ctrl_hs` does). Such IPs also have the HLS interrupt registers: GIE at 0x04 (bit 0), IER at
/// 0x08 (bit 0 ap_done, bit 1 ap_ready) and ISR at 0x0C (toggle on write: writing 1 to a set bit clears
/// it). When a run completes, the ISR bits enabled in IER are set; the IP's `interruptLine` is high
/// while GIE is set and an ISR bit is pending. Registers of IPs without a control protocol live in host memory
/// (`MockRegisterMemory`, for ranges up to 1 GiB) that the space hands out as `mappedAddress`, so
/// MMIO on them is a direct load or store.
public final class MockRegisterSpace: RegisterSpace {
    public let ipName: String
    public let baseAddress: UInt64
    public let length: Int
    public var mappedAddress: UnsafeMutableRawPointer? { memory?.address }
    /// The registers' host memory, for IPs without a control protocol.
    private let memory: MockRegisterMemory?
    private let words: Locked<[Int: UInt32]>
    /// Runs the kernel when AP_START is written (set by the backend for IPs with a control register).
    private let onStart: (@Sendable () throws -> Void)?
    private let failure = Locked<BackendError?>(nil)
    /// The kernel's interrupt output, for IPs with a control register.
    public let interruptLine: MockInterruptLine?

    /// Offsets and bits of the HLS interrupt registers.
    enum HLSInterrupt {
        static let globalEnable = 0x04, enable = 0x08, status = 0x0C
        /// ISR/IER bits: ap_done, ap_ready.
        static let bits: UInt32 = 0b11
    }

    init(ip: IPBlock, onStart: (@Sendable () throws -> Void)?, system: SystemCalls) throws(BackendError) {
        ipName = ip.name
        baseAddress = ip.baseAddress
        length = Int(clamping: ip.addressRange)
        self.onStart = onStart
        memory = onStart == nil && length > 0 && length <= 1 << 30 ? try MockRegisterMemory(length: length, system: system) : nil
        let words = Locked<[Int: UInt32]>(onStart == nil ? [:] : [0: KernelControl.apIdle])
        self.words = words
        interruptLine = onStart == nil ? nil : MockInterruptLine(name: "interrupt of \(ip.name) (Mock)") {
            words.withLock { words in
                (words[HLSInterrupt.globalEnable] ?? 0) & 1 != 0 && (words[HLSInterrupt.status] ?? 0) & HLSInterrupt.bits != 0
            }
        }
    }

    public func read32(offset: Int) throws -> UInt32 {
        try checkAccess(offset: offset)
        if let memory { return memory.address.load(fromByteOffset: offset, as: UInt32.self) }
        return words.withLock { words in
            let value = words[offset] ?? 0
            if offset == 0, onStart != nil { words[0] = value & ~KernelControl.apDone }
            return value
        }
    }

    public func write32(offset: Int, _ value: UInt32) throws {
        try checkAccess(offset: offset)
        if let memory { return memory.address.storeBytes(of: value, toByteOffset: offset, as: UInt32.self) }
        if let interruptLine, (HLSInterrupt.globalEnable...HLSInterrupt.status).contains(offset) {
            words.withLock { words in
                // ISR bits toggle when written with 1 (HLS's "TOW"); GIE and IER read back.
                words[offset] = offset == HLSInterrupt.status ? (words[offset] ?? 0) ^ (value & HLSInterrupt.bits) : value
            }
            return interruptLine.update()
        }
        guard offset == 0, let onStart, value & KernelControl.apStart != 0 else {
            // The status bits of a control register (AP_DONE, AP_IDLE, AP_READY) are read-only.
            let status = KernelControl.apDone | KernelControl.apIdle | KernelControl.apReady
            words.withLock { words in
                words[offset] = offset == 0 && onStart != nil ? (value & ~status) | ((words[0] ?? 0) & status) : value
            }
            return
        }
        words.withLock { $0[0] = value & ~KernelControl.apIdle }
        do {
            try onStart()
        } catch {
            let reason = (error as? BackendError) ?? .kernel(ip: ipName, reason: "model failed: \(error)")
            failure.withLock { $0 = reason }
        }
        words.withLock { words in
            words[0] = (words[0] ?? 0) & ~KernelControl.apStart | KernelControl.apDone | KernelControl.apIdle
            // ap_done and ap_ready both happen at completion on the Mock (the model runs to its end).
            let enabled = (words[HLSInterrupt.enable] ?? 0) & HLSInterrupt.bits
            words[HLSInterrupt.status] = (words[HLSInterrupt.status] ?? 0) | enabled
        }
        interruptLine?.update()
    }

    /// The error the kernel model threw in its last run, if it threw (cleared when read).
    public func takeModelFailure() -> BackendError? {
        failure.withLock { value in
            defer { value = nil }
            return value
        }
    }
}

/// The FIFO of an AXI-Stream connection on the Mock device (`dc_0` …): kernel models push bytes at the
/// source end and pop them at the sink end.
public final class MockStream: Sendable {
    public let tag: String
    private let bytes = Locked(Deque<UInt8>())

    init(tag: String) { self.tag = tag }

    /// Bytes waiting in the FIFO.
    public var count: Int { bytes.withLock { $0.count } }

    /// Appends `data` at the tail.
    public func write(_ data: some Sequence<UInt8>) {
        bytes.withLock { $0.append(contentsOf: data) }
    }

    /// Appends the bytes of `values` (in host byte order).
    public func write<T: BitwiseCopyable>(values: [T]) {
        values.withUnsafeBytes { raw in write(raw) }
    }

    /// Removes and returns `count` bytes from the head.
    /// - Throws: `BackendError.kernel` if fewer are waiting (the producer did not run or wrote less).
    public func read(_ count: Int) throws -> [UInt8] {
        try bytes.withLock { bytes throws(BackendError) in
            guard count <= bytes.count else {
                throw BackendError.kernel(ip: tag, reason: "stream holds \(bytes.count) bytes, \(count) were read; start the producing kernel first")
            }
            let head = Array(bytes.prefix(count))
            bytes.removeFirst(count)
            return head
        }
    }

    /// Removes and returns `count` values of type `T`.
    public func read<T: BitwiseCopyable>(_ count: Int, of type: T.Type) throws -> [T] {
        let raw = try read(count * MemoryLayout<T>.stride)
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            raw.withUnsafeBytes { source in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: source)
            }
            initialized = count
        }
    }
}
