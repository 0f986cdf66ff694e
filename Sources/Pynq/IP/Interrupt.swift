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
/// ```swift
/// let done = try Interrupt("dma/mm2s_introut", overlay: ol)
/// try await done.wait()
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
        if controller.isEmpty {
            source = try Self.line(entry, what: "pin \(pin)", overlay: overlay)
        } else {
            source = try Self.controller(controller, index: entry["index"]?.intValue ?? 0, overlay: overlay, depth: 0)
        }
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
        try Self.wait(source)
    }

    /// Suspends until the interrupt fires; the blocking wait runs on a Dispatch thread, not on the
    /// caller's executor.
    public func wait() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            DispatchQueue.global().async { [source] in
                continuation.resume(with: Result { try Self.wait(source) })
            }
        }
    }

    private static func wait(_ source: Source) throws {
        switch source {
        case .line(let line):
            try line.enable()
            _ = try line.waitForEvent()
        case .controller(let mmio, let index, let parent):
            let bit = UInt32(1) << UInt32(index)
            while try mmio.read(UInt32.self, at: INTC.pending) & bit == 0 {
                try wait(parent)
            }
            try mmio.write(bit, at: INTC.acknowledge)
        }
    }
}

/// Why an interrupt could not be set up.
public enum InterruptError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The overlay has no interrupt pin `pin`.
    case noSuchPin(pin: String, available: [String])
    /// The backend does not deliver interrupts to the host.
    case unsupported(backend: String)
    /// The chain from the pin to the processor is not described completely.
    case badChain(pin: String, reason: String)

    public var description: String {
        switch self {
        case let .noSuchPin(pin, available):
            return "the overlay has no interrupt pin '\(pin)'; pins: \(available.isEmpty ? "none" : available.joined(separator: ", "))"
        case let .unsupported(backend):
            return "the \(backend) backend does not deliver PL interrupts to the host (use a Zynq board)"
        case let .badChain(pin, reason):
            return "cannot wait on \(pin): \(reason)"
        }
    }
}
