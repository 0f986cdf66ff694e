import Dispatch
import PynqBackend
import PynqMetadataCore

/// A PL interrupt pin of an overlay that the host can wait on (pynq's `Interrupt`).
///
/// The pin comes from the overlay's `interrupt_pins`. A pin wired straight to the processor is a
/// line of the backend (a UIO device on Zynq); a pin behind AXI interrupt controllers
/// (`interrupt_controllers`) is enabled in its controller (SIE, MER), and waiting waits for the
/// controller's own line until the pin's bit is pending (IPR), then acknowledges it (IAR), as pynq does.
///
/// On the Mock device a kernel's own interrupt output is the source: `Interrupt(ip:)` / `ip.interrupt`
/// for any IP with an HLS control register (xclbin overlays have no `interrupt_pins`), and a pin of
/// `interrupt_pins` (HWH overlays) is the output of the IP whose `interrupts` name it (interrupt
/// controllers are not modelled). The kernel raises it when a run completes with GIE (0x04) and an
/// IER bit (0x08) set; write the ISR bit (0x0C) back to clear it before the next wait.
///
/// ```swift
/// let done = try Interrupt("dma/mm2s_introut", overlay: ol)
/// try await done.wait()
/// let vadd = try ol.krnl_vadd_1.interrupt       // Mock: the kernel's own interrupt
/// try await vadd.wait(timeout: .seconds(1))     // InterruptError.timedOut if it does not fire
/// ```
public final class Interrupt: Sendable {
    /// The pin's name in `interrupt_pins`.
    public let pin: String
    private let source: Source

    /// Where an interrupt comes from: a line of the backend, or bit `index` of an AXI INTC.
    indirect enum Source: Sendable {
        case line(any InterruptLine)
        case controller(mmio: MMIO, index: Int, parent: Source)
    }

    /// AXI INTC registers pynq uses.
    enum INTC {
        static let pending = 0x04, acknowledge = 0x0C, setEnable = 0x10, master = 0x1C
    }

    /// The interrupt of pin `pin` of `overlay`.
    /// - Throws: `InterruptError.noSuchPin` (listing the pins there are), `.unsupported` when the
    ///   backend delivers no interrupts, `.badChain` for a controller the overlay does not describe,
    ///   or the backend's error when the line cannot be opened.
    public init(_ pin: String, overlay: Overlay) throws {
        let pins = overlay.metadata.dictionaries["interrupt_pins"]?.dictValue ?? [:]
        guard let entry = pins[pin] else {
            throw InterruptError.noSuchPin(pin: pin, available: Array(pins.keys))
        }
        self.pin = pin
        let controller = entry["controller"]?.stringValue ?? ""
        if let backend = overlay.device.backend as? any InterruptCapable, backend.deliversPinsFromTheirIP,
           let driver = Self.driver(of: entry, overlay: overlay) {
            // The Mock device: the IP's own interrupt output stands for the whole chain.
            source = .line(try backend.interruptLine(of: overlay.ip(driver).block))
        } else if controller.isEmpty {
            source = try Self.line(entry, what: "pin \(pin)", overlay: overlay)
        } else {
            source = try Self.controller(controller, index: entry["index"]?.intValue ?? 0, overlay: overlay, depth: 0)
        }
    }

    /// The IP of `ip_dict` whose `interrupts` include pin `entry` (same `fullpath`, or the same
    /// controller input), if the overlay describes one.
    private static func driver(of entry: MetaValue, overlay: Overlay) -> String? {
        let fullpath = entry["fullpath"]?.stringValue
        let input = (entry["controller"]?.stringValue, entry["index"]?.intValue)
        for (name, ip) in overlay.metadata.ipDict.dictValue ?? [:] {
            for (_, pin) in ip["interrupts"]?.dictValue ?? [:] {
                if let fullpath, pin["fullpath"]?.stringValue == fullpath { return name }
                if input.0?.isEmpty == false, pin["controller"]?.stringValue == input.0, pin["index"]?.intValue == input.1 {
                    return name
                }
            }
        }
        return nil
    }

    /// The interrupt output of `ip` itself, delivered by the backend without `interrupt_pins` (on the
    /// Mock device: any IP with an HLS control register; xclbin overlays have no `interrupt_pins`).
    /// `pin` is set to the IP's name. The kernel raises it when a run completes with GIE (0x04) and an
    /// IER bit (0x08: ap_done, ap_ready) set; the pending bit stays in ISR (0x0C) until written back.
    /// - Throws: `InterruptError.unsupported` when the backend delivers no interrupts, or the backend's
    ///   error (the IP has no control register; on boards, use the pin in `interrupt_pins`).
    public init(ip: DefaultIP) throws {
        try ip.checkLoaded()
        guard let backend = ip.device.backend as? any InterruptCapable else {
            throw InterruptError.unsupported(backend: ip.device.backend.kind.rawValue)
        }
        pin = ip.name
        source = .line(try backend.interruptLine(of: ip.block))
    }

    /// The backend's line for the `raw_irq` of `entry`.
    private static func line(_ entry: MetaValue, what: String, overlay: Overlay) throws -> Source {
        guard let raw = entry["raw_irq"]?.intValue else {
            throw InterruptError.badChain(pin: what, reason: "it is wired to the processor but has no raw_irq")
        }
        guard let backend = overlay.device.backend as? any InterruptCapable else {
            throw InterruptError.unsupported(backend: overlay.device.backend.kind.rawValue)
        }
        return .line(try backend.interruptLine(rawIRQ: raw))
    }

    /// Bit `index` of AXI INTC `name`, enabled, with the controller's own source as parent.
    private static func controller(_ name: String, index: Int, overlay: Overlay, depth: Int) throws -> Source {
        let controllers = overlay.metadata.dictionaries["interrupt_controllers"]?.dictValue ?? [:]
        guard let entry = controllers[name], depth < 16 else {
            throw InterruptError.badChain(pin: name, reason: "interrupt controller \(name) is not in the overlay's interrupt_controllers")
        }
        guard (0..<32).contains(index) else {
            throw InterruptError.badChain(pin: name, reason: "input \(index) of \(name) is outside 0…31")
        }
        let mmio = try overlay.ip(name).mmio
        let parentName = entry["parent"]?.stringValue ?? ""
        let parent = parentName.isEmpty
            ? try line(entry, what: "controller \(name)", overlay: overlay)
            : try controller(parentName, index: entry["index"]?.intValue ?? 0, overlay: overlay, depth: depth + 1)
        try mmio.write(UInt32(1) << UInt32(index), at: INTC.setEnable)
        try mmio.write(UInt32(3), at: INTC.master)
        return .controller(mmio: mmio, index: index, parent: parent)
    }

    /// Blocks until the interrupt fires (and acknowledges it in its controllers).
    public func wait() throws {
        try Self.wait(source, deadline: nil, pin: pin)
    }

    /// Blocks until the interrupt fires or `timeout` has passed.
    /// - Throws: `InterruptError.timedOut` when it did not fire in time; `BackendError.unsupported`
    ///   on lines that cannot wait with a bound (Zynq's UIO devices: use `wait()`).
    public func wait(timeout: Duration) throws {
        try Self.wait(source, deadline: ContinuousClock.now.advanced(by: timeout), pin: pin)
    }

    /// Suspends until the interrupt fires or `timeout` has passed (the blocking wait runs on a
    /// Dispatch thread). Throws as `wait(timeout:)`.
    public func wait(timeout: Duration) async throws {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        try await Self.waitOnDispatch(source, deadline: deadline, pin: pin)
    }

    /// Suspends until the interrupt fires; the blocking wait runs on a Dispatch thread, not on the
    /// caller's executor.
    public func wait() async throws {
        try await Self.waitOnDispatch(source, deadline: nil, pin: pin)
    }

    private static func waitOnDispatch(_ source: Source, deadline: ContinuousClock.Instant?, pin: String) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try Self.wait(source, deadline: deadline, pin: pin) })
            }
        }
    }

    private static func wait(_ source: Source, deadline: ContinuousClock.Instant?, pin: String) throws {
        switch source {
        case .line(let line):
            try line.enable()
            guard let deadline else {
                _ = try line.waitForEvent()
                return
            }
            let left = ContinuousClock.now.duration(to: deadline)
            guard left > .zero, try line.waitForEvent(timeout: left) != nil else {
                throw InterruptError.timedOut(pin: pin, line: line.name)
            }
        case .controller(let mmio, let index, let parent):
            let bit = UInt32(1) << UInt32(index)
            while try mmio.read(UInt32.self, at: INTC.pending) & bit == 0 {
                try wait(parent, deadline: deadline, pin: pin)
            }
            try mmio.write(bit, at: INTC.acknowledge)
        }
    }
}

extension DefaultIP {
    /// The IP's own interrupt output (pynq's `ip.interrupt`): `Interrupt(ip: self)`.
    public var interrupt: Interrupt {
        get throws { try Interrupt(ip: self) }
    }
}

/// Why an interrupt could not be set up or waited for.
public enum InterruptError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The overlay has no interrupt pin `pin`.
    case noSuchPin(pin: String, available: [String])
    /// The backend does not deliver interrupts to the host.
    case unsupported(backend: String)
    /// The chain from the pin to the processor is not described completely.
    case badChain(pin: String, reason: String)
    /// A wait with a timeout ended before the interrupt fired.
    case timedOut(pin: String, line: String)

    public var description: String {
        switch self {
        case let .noSuchPin(pin, available):
            return "the overlay has no interrupt pin '\(pin)'; pins: \(available.isEmpty ? "none" : available.joined(separator: ", "))"
        case let .unsupported(backend):
            return "the \(backend) backend does not deliver PL interrupts to the host (use a Zynq board or the Mock device)"
        case let .badChain(pin, reason):
            return "cannot wait on \(pin): \(reason)"
        case let .timedOut(pin, line):
            return "the interrupt \(pin) (\(line)) did not fire in time; check that the IP's interrupt is enabled (for an HLS kernel: GIE at 0x04 and IER at 0x08) and that it was started"
        }
    }
}
