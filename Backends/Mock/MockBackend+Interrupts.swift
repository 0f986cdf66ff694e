import PynqBackend
import PynqMetadataCore

extension MockBackend: InterruptCapable {
    /// The Mock device models the interrupt outputs of HLS kernels (`interruptLine(of:)`), not AXI
    /// interrupt controllers, so no raw processor IRQ has a line: this always throws
    /// `BackendError.unsupported` naming the IRQ.
    public func interruptLine(rawIRQ: Int) throws -> any InterruptLine {
        throw BackendError.unsupported(backend: "mock", operation: "deliver raw IRQ \(rawIRQ): AXI interrupt controllers are not modelled (wait on the kernel's own interrupt: Interrupt(ip:))")
    }

    /// True: a pin of `interrupt_pins` (HWH overlays) is the interrupt output of the IP that drives it.
    public var deliversPinsFromTheirIP: Bool { true }

    /// The interrupt output of HLS kernel `ip` (an IP with a control register): high while its GIE
    /// (0x04, bit 0) is set and a bit of its ISR (0x0C) is pending; runs set the ISR bits enabled in
    /// IER (0x08) when they complete.
    /// - Throws: `BackendError.unknownIP` / `.noOverlay`, or `.kernel` for an IP without a control register.
    public func interruptLine(of ip: IPBlock) throws -> any InterruptLine {
        try mockInterruptLine(of: ip.name)
    }

    /// `interruptLine(of:)` with the concrete type, by IP name.
    public func mockInterruptLine(of name: String) throws(BackendError) -> MockInterruptLine {
        guard let line = try mockRegisters(for: name).interruptLine else {
            throw BackendError.kernel(ip: name, reason: "has no HLS control register (CTRL at 0x00), so the Mock models no interrupt for it")
        }
        return line
    }
}
