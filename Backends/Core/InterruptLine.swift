import PynqMetadataCore

/// One interrupt line the host can wait on (a UIO device on Zynq boards, a kernel's interrupt output
/// on the Mock device).
public protocol InterruptLine: AnyObject, Sendable {
    /// Where the line comes from, for messages (e.g. `/dev/uio0`).
    var name: String { get }
    /// Unmasks the line so that the next interrupt is delivered.
    func enable() throws
    /// Blocks until the next interrupt and returns the driver's event count.
    func waitForEvent() throws -> UInt32
    /// Blocks until the next interrupt or until `timeout` has passed; returns the event count, or
    /// `nil` when the time ran out. The default implementation throws `BackendError.unsupported`
    /// (lines whose wait cannot be bounded).
    func waitForEvent(timeout: Duration) throws -> UInt32?
}

extension InterruptLine {
    public func waitForEvent(timeout: Duration) throws -> UInt32? {
        throw BackendError.unsupported(backend: name, operation: "wait on this interrupt line with a timeout (wait without one)")
    }
}

/// A backend whose device delivers PL interrupts to the host (pynq's `Interrupt`).
public protocol InterruptCapable: Backend {
    /// The line of the processor's raw interrupt number `rawIRQ` (pynq's `raw_irq`).
    /// - Throws: a typed error naming what was looked for when the line cannot be found or opened.
    func interruptLine(rawIRQ: Int) throws -> any InterruptLine

    /// The interrupt output of IP `ip` itself (an HLS kernel's `interrupt` port), for devices that can
    /// reach it without the overlay's `interrupt_pins` (the Mock device). The default implementation
    /// throws `BackendError.unsupported`: on boards the pin is found through `interrupt_pins`.
    func interruptLine(of ip: IPBlock) throws -> any InterruptLine

    /// Whether a pin of `interrupt_pins` is delivered from the IP that drives it (`interruptLine(of:)`)
    /// rather than through its AXI interrupt controllers and the processor's IRQ: true on the Mock
    /// device, which models kernels' interrupt outputs but not interrupt controllers. Default false.
    var deliversPinsFromTheirIP: Bool { get }
}

extension InterruptCapable {
    public var deliversPinsFromTheirIP: Bool { false }

    public func interruptLine(of ip: IPBlock) throws -> any InterruptLine {
        throw BackendError.unsupported(backend: kind.rawValue,
                                       operation: "find the interrupt of \(ip.name) by IP (use its pin in the overlay's interrupt_pins)")
    }
}
