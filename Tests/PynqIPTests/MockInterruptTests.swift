import PynqBackend
import PynqMetadata
import PynqMock
import Pynq
import Testing
import TestSupport

/// HLS kernel interrupts and GPIO on the Mock device: GIE (0x04), IER (0x08), ISR (0x0C, toggle on
/// write) and the kernel's interrupt output delivered to `Interrupt`.
@Suite("Mock interrupts and GPIO")
struct MockInterruptTests {
    static let gie = 0x04, ier = 0x08, isr = 0x0C

    @Test("a run with GIE and IER set raises the interrupt; ISR holds ap_done until written back")
    func interruptOnCompletion() async throws {
        let (ol, _) = try vaddOverlay()
        let (a, b, c) = try vaddBuffers(ol, count: 256)
        let ip = try ol.ip("krnl_vadd_1")
        let done = try ip.interrupt
        #expect(done.pin == "krnl_vadd_1")
        try ip.write(Self.gie, 1)
        try ip.write(Self.ier, 1)                      // ap_done only
        #expect(try ip.read(Self.isr) == 0)
        _ = try ip.start(a, b, c, UInt32(256), route: .registers)
        try await done.wait(timeout: .seconds(10))
        #expect(try ip.read(Self.isr) == 1)
        try expectSums(c, count: 256)
        // The pending bit keeps the line high: a second wait returns at once, as on a board.
        try Self.blockingWait(done)
        // Writing the bit back clears it (toggle on write); then nothing is pending.
        try ip.write(Self.isr, 1)
        #expect(try ip.read(Self.isr) == 0)
        #expect(throws: InterruptError.self) { try done.wait(timeout: .milliseconds(20)) }
        // ap_ready too when enabled; a run started by the backend's route raises it the same way.
        try ip.write(Self.ier, 3)
        try c.typed(UInt32.self).fill(0)
        try await ip.call(a, b, c, UInt32(256))
        try await done.wait(timeout: .seconds(10))
        #expect(try ip.read(Self.isr) == 3)
        try expectSums(c, count: 256)
    }

    static func blockingWait(_ interrupt: Interrupt) throws { try interrupt.wait(timeout: .seconds(10)) }

    @Test("without IER (or GIE) no interrupt: a wait with a timeout throws timedOut, it does not hang")
    func noInterruptWhenDisabled() async throws {
        let (ol, backend) = try vaddOverlay()
        let (a, b, c) = try vaddBuffers(ol, count: 16)
        let ip = try ol.ip("krnl_vadd_1")
        let done = try Interrupt(ip: ip)
        try ip.write(Self.gie, 1)
        try await ip.call(a, b, c, UInt32(16))
        #expect(try ip.read(Self.isr) == 0)
        await #expect(throws: InterruptError.timedOut(pin: "krnl_vadd_1", line: "interrupt of krnl_vadd_1 (Mock)")) {
            try await done.wait(timeout: .milliseconds(50))
        }
        // IER set but GIE clear: ISR records ap_done, the line stays low until GIE is set.
        try ip.write(Self.gie, 0)
        try ip.write(Self.ier, 1)
        try await ip.call(a, b, c, UInt32(16))
        #expect(try ip.read(Self.isr) == 1)
        await #expect(throws: InterruptError.self) { try await done.wait(timeout: .milliseconds(50)) }
        let line = try backend.mockInterruptLine(of: "krnl_vadd_1")
        let before = line.eventCount
        try ip.write(Self.gie, 1)
        try await done.wait(timeout: .seconds(10))
        #expect(line.eventCount > before)
        // Cleared at the source, nothing is left over for the next wait.
        try ip.write(Self.isr, 1)
        await #expect(throws: InterruptError.self) { try await done.wait(timeout: .milliseconds(50)) }
    }

    @Test("misuse gives typed errors")
    func misuse() throws {
        let (ol, backend) = try vaddOverlay()
        // xclbins have no interrupt_pins: the kernel's interrupt is reached by IP.
        let noPin = #expect(throws: InterruptError.self) { _ = try Interrupt("krnl_vadd_1/interrupt", overlay: ol) }
        #expect(noPin == .noSuchPin(pin: "krnl_vadd_1/interrupt", available: []))
        #expect(throws: BackendError.self) { _ = try backend.interruptLine(rawIRQ: 121) }
        #expect(throws: BackendError.unknownIP(name: "nope")) { _ = try backend.mockInterruptLine(of: "nope") }
        let ip = try ol.ip("krnl_vadd_1")
        try ol.free()
        #expect(throws: PynqError.self) { _ = try ip.interrupt }
        // An IP without a control register has no modelled interrupt.
        var description = MockOverlays.kernelOpt()
        description.ips.append(IPBlock(name: "leds", type: "xilinx.com:ip:axi_gpio:2.0", baseAddress: 0x4000_0000, addressRange: 0x1000))
        let plain = try Overlay(image: OverlayImage(description: description, path: nil, bytes: []),
                                device: Device(backend: MockBackend(name: "plain")))
        let error = #expect(throws: BackendError.self) { _ = try plain.ip("leds").interrupt }
        #expect(error?.description.contains("leds") == true)
        #expect(throws: Never.self) { _ = try plain.ip("krnl_stream_vadd_1").interrupt }
    }

    @Test("GPIO on the Mock: outputs drive a shared level, inputs read it, misuse throws")
    func gpio() throws {
        let backend = MockBackend(name: "gpio")
        let device = Device(backend: backend)
        let out = try GPIO(userIndex: 3, direction: .output, device: device)
        let input = try GPIO(userIndex: 3, direction: .input, device: device)
        #expect(out.number == 3 && input.direction == .input)
        #expect(try input.read() == 0)
        try out.write(1)
        #expect(try input.read() == 1)
        backend.setGPIOLevel(0, userIndex: 3)
        #expect(try out.read() == 0)
        #expect(throws: BackendError.self) { try input.write(1) }
        #expect(throws: BackendError.self) { try out.write(2) }
        #expect(throws: BackendError.self) { _ = try GPIO(userIndex: -1, direction: .input, device: device) }
        try out.release()
        #expect(throws: BackendError.self) { try out.write(1) }
    }

    /// pynqz2_resizer (HWH) on the Mock with its `resize_accel_0` kernel's `interrupt` wired to input 0 of
    /// an AXI INTC in `interrupt_pins` (the reference design leaves it unconnected; real designs wire it so).
    static func resizerWithInterruptPin() throws -> Overlay {
        let bit = Reference.filesDirectory.appendingPathComponent("pynqz2_resizer.bit").path
        var description = try Overlay(bit, device: Device(backend: MockBackend(name: "read")), download: false).metadata
        let pin: MetaValue = .dict(["controller": "axi_intc_0", "index": .int(0), "fullpath": "resize_accel_0/interrupt"])
        var ips = try #require(description.dictionaries["ip_dict"]?.dictValue)
        var resizer = try #require(ips["resize_accel_0"]?.dictValue)
        resizer["interrupts"] = .dict(["interrupt": pin])
        ips["resize_accel_0"] = .dict(resizer)
        description.dictionaries["ip_dict"] = .dict(ips)
        description.dictionaries["interrupt_pins"] = .dict(["resize_accel_0/interrupt": pin])
        description.dictionaries["interrupt_controllers"] = .dict(["axi_intc_0": .dict(["parent": "", "index": .int(0), "raw_irq": .int(61)])])
        return try Overlay(image: OverlayImage(description: description, path: bit, bytes: []),
                           device: Device(backend: MockBackend(name: "resizer")))
    }

    @Test("HWH overlay on the Mock: the pin of interrupt_pins is the kernel's interrupt, driven through its register map")
    func hwhPin() async throws {
        let ol = try Self.resizerWithInterruptPin()
        let done = try Interrupt("resize_accel_0/interrupt", overlay: ol)
        let map = try ol.ip("resize_accel_0").registerMap
        try map.GIER.write(field: "Enable", 1)
        try map.IP_IER.write(field: "CHAN0_INT_EN", 1)
        try map.CTRL.write(field: "AP_START", 1)
        try await done.wait(timeout: .seconds(10))
        #expect(try map.IP_ISR.read(field: "CHAN0_INT_ST") == 1)
        #expect(try map.CTRL.read(field: "AP_IDLE") == 1)
        try map.IP_ISR.write(1)                        // the field is read-only in the HWH; the register is toggle-on-write
        #expect(try map.IP_ISR.read() == 0)
        #expect(throws: InterruptError.self) { try done.wait(timeout: .milliseconds(20)) }
    }
}
