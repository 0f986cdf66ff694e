/// One interrupt line the host can wait on (a UIO device on Zynq boards).
public protocol InterruptLine: AnyObject, Sendable {
    /// Where the line comes from, for messages (e.g. `/dev/uio0`).
    var name: String { get }
    /// Unmasks the line so that the next interrupt is delivered.
    func enable() throws
    /// Blocks until the next interrupt and returns the driver's event count.
    func waitForEvent() throws -> UInt32
}

/// A backend whose device delivers PL interrupts to the host (pynq's `Interrupt`).
public protocol InterruptCapable: Backend {
    /// The line of the processor's raw interrupt number `rawIRQ` (pynq's `raw_irq`).
    /// - Throws: a typed error naming what was looked for when the line cannot be found or opened.
    func interruptLine(rawIRQ: Int) throws -> any InterruptLine
}
