import Foundation
import PynqBackend
import PynqMetadata
import PynqMock
import Pynq
import Testing
import TestSupport

/// The reference vadd xclbin (`krnl_vadd_1(in1: void*, in2: void*, out_r: void*, size: unsigned int)`,
/// buffers in `bank0`) loaded on a fresh Mock device whose `krnl_vadd` model adds `in1` and `in2`.
func vaddOverlay() throws -> (Overlay, MockBackend) {
    let backend = MockBackend(name: "ip-test")
    backend.setKernelModel({ context in
        let count = Int(try context.argument("size"))
        let in1 = try context.memory(at: context.argument("in1"), byteCount: count * 4).bindMemory(to: UInt32.self)
        let in2 = try context.memory(at: context.argument("in2"), byteCount: count * 4).bindMemory(to: UInt32.self)
        let out = try context.memory(at: context.argument("out_r"), byteCount: count * 4).bindMemory(to: UInt32.self)
        for i in 0..<count { out[i] = in1[i] &+ in2[i] }
    }, for: "krnl_vadd")
    let path = Reference.filesDirectory.appendingPathComponent("xup_aws_f1_vitis_intro_lab.xclbin").path
    return (try Overlay(path, device: Device(backend: backend)), backend)
}

/// Three buffers of `count` UInt32 in bank0: a = i, b = 1000 * i, c = 0.
func vaddBuffers(_ overlay: Overlay, count: Int) throws -> (PynqBuffer, PynqBuffer, PynqBuffer) {
    let bank = try overlay.memory("bank0")
    let a = try bank.allocate(shape: [count], dtype: "u4")
    let b = try bank.allocate(shape: [count], dtype: "u4")
    let c = try bank.allocate(shape: [count], dtype: "u4")
    let ta = try a.typed(UInt32.self), tb = try b.typed(UInt32.self)
    for i in 0..<count {
        ta[i] = UInt32(i)
        tb[i] = UInt32(1000 * i)
    }
    return (a, b, c)
}

func expectSums(_ c: PynqBuffer, count: Int) throws {
    let tc = try c.typed(UInt32.self)
    #expect((0..<count).allSatisfy { tc[$0] == UInt32(1001 * $0) })
}

@Suite("DefaultIP kernels and drivers")
struct DefaultIPTests {
    @Test("vadd on Mock: call with three buffers and a length, by every route", arguments: [
        KernelStartRoute.automatic, .backend, .registers,
    ])
    func vadd(route: KernelStartRoute) throws {
        let (ol, _) = try vaddOverlay()
        let (a, b, c) = try vaddBuffers(ol, count: 1000)
        try a.syncToDevice()
        try b.syncToDevice()
        try ol.krnl_vadd_1.call(a, b, c, UInt32(1000), route: route)
        try c.syncFromDevice()
        try expectSums(c, count: 1000)
    }

    @Test("start returns a handle: isDone, wait, and async wait")
    func handles() async throws {
        let (ol, _) = try vaddOverlay()
        let (a, b, c) = try vaddBuffers(ol, count: 64)
        let ip = try ol.ip("krnl_vadd_1")
        let handle = try ip.start(a, b, c, 64, route: .registers)
        try await handle.wait(timeout: .seconds(10))
        #expect(try handle.isDone)
        try expectSums(c, count: 64)
        try c.typed(UInt32.self).fill(0)
        try await ip.call(a, b, c, 64)
        try expectSums(c, count: 64)
        try Self.blocking(ip, a, b, c)
    }

    /// The blocking forms: `wait()` after `start`, and a slice passing its own device address.
    static func blocking(_ ip: DefaultIP, _ a: PynqBuffer, _ b: PynqBuffer, _ c: PynqBuffer) throws {
        try c.typed(UInt32.self).fill(0)
        let handle = try ip.start(a, b, c, 64, route: .registers)
        try handle.wait(timeout: .seconds(10))
        #expect(try handle.isDone)
        try expectSums(c, count: 64)
        try c.typed(UInt32.self).fill(0)
        try ip.call(a[32..<64], b[32..<64], c[32..<64], 32)
        let tc = try c.typed(UInt32.self)
        #expect(tc[31] == 0 && tc[32] == 1001 * 32 && tc[63] == 1001 * 63)
    }

    @Test("the signature lists argument names and C types; the register map shows the arguments")
    func signature() throws {
        let (ol, _) = try vaddOverlay()
        let ip = try ol.ip("krnl_vadd_1")
        #expect(ip.signature?.description == "(in1: void*, in2: void*, out_r: void*, size: unsigned int)")
        #expect(ip.signature?.parameters.map(\.kind) == [.pointer, .pointer, .pointer, .unsigned(bytes: 4)])
        let (a, b, c) = try vaddBuffers(ol, count: 16)
        try ip.call(a, b, c, 16, route: .registers)
        let map = try ip.registerMap
        #expect(try map.in1.read() == a.deviceAddress)
        #expect(try map.out_r.read() == c.deviceAddress)
        #expect(try map.size.read() == 16)
        #expect(map.registerNames == ["CTRL", "in1", "in2", "out_r", "size"])
        #expect(try map.CTRL.AP_IDLE == 1)
        #expect(map.description.contains("  size = Register(value=16)"))
        // A window on a kernel's registers (reached through calls on the Mock) sees the arguments.
        let window = try MMIO(baseAddress: ip.baseAddress + 0x30, length: 8, device: ol.device)
        #expect(!window.isMemoryMapped)
        #expect(try window.read(UInt32.self, at: 4) == 16)
    }

    @Test("misuse gives typed errors and starts nothing")
    func misuse() throws {
        let (ol, backend) = try vaddOverlay()
        let (a, b, c) = try vaddBuffers(ol, count: 4)
        let ip = try ol.ip("krnl_vadd_1")
        #expect(throws: KernelCallError.wrongArgumentCount(ip: "krnl_vadd_1", expected: [
            "in1: void*", "in2: void*", "out_r: void*", "size: unsigned int",
        ], given: 3)) { try ip.call(a, b, c) }
        #expect(throws: KernelCallError.argumentType(ip: "krnl_vadd_1", argument: "size", cType: "unsigned int", given: "PynqBuffer")) {
            try ip.call(a, b, c, a)
        }
        #expect(throws: KernelCallError.argumentType(ip: "krnl_vadd_1", argument: "size", cType: "unsigned int", given: "floating-point value")) {
            try ip.call(a, b, c, Float(4))
        }
        #expect(throws: KernelCallError.argumentOutOfRange(ip: "krnl_vadd_1", argument: "size", cType: "unsigned int", value: "-1")) {
            try ip.call(a, b, c, -1)
        }
        #expect(throws: KernelCallError.argumentOutOfRange(ip: "krnl_vadd_1", argument: "size", cType: "unsigned int", value: "4294967296")) {
            try ip.call(a, b, c, 1 << 32, route: .registers)
        }
        #expect(try backend.mockRegisters(for: "krnl_vadd_1").read32(offset: 0x34) == 0)
        c.free()
        #expect(throws: PynqBufferError.freed) { try ip.call(a, b, c, 4) }
    }

    @Test("IPs that are not HLS kernels cannot be called")
    func notCallable() throws {
        let plain = IPBlock(name: "gpio", type: "xilinx.com:ip:axi_gpio:2.0", baseAddress: 0x4120_0000, addressRange: 0x1000,
                            registers: [Register(name: "GPIO_DATA", offset: 0, sizeInBits: 32, access: .readWrite)])
        let none = IPBlock(name: "free_running", type: "xilinx.com:hls:free:1.0", baseAddress: 0x4121_0000, addressRange: 0x1000,
                           registers: [Register(name: "CTRL", offset: 0, sizeInBits: 32, access: .readWrite)], controlProtocol: .apCtrlNone)
        let bare = IPBlock(name: "bare", type: "xilinx.com:ip:bare:1.0", baseAddress: 0x4122_0000, addressRange: 0x1000)
        let ol = try Overlay(image: OverlayImage(description: OverlayDescription(
            format: .hwh, ips: [plain, none, bare], memories: [], streams: [], clocks: [], dictionaries: [:]), path: nil, bytes: []),
            device: Device(backend: MockBackend(name: "plain")))
        #expect(throws: KernelCallError.self) { try ol.gpio.call() }
        #expect(throws: KernelCallError.self) { try ol.free_running.call() }
        #expect(try ol.gpio.signature == nil)
        #expect(throws: RegisterMapError.noRegisters(ip: "bare")) { _ = try ol.bare.registerMap }
        // A plain IP's registers are memory-mapped on the Mock: MMIO and the register map reach them.
        let mmio = try ol.gpio.mmio
        #expect(mmio.isMemoryMapped)
        try ol.gpio.registerMap.GPIO_DATA.write(0xF0)
        #expect(try mmio.read(UInt8.self, at: 0) == 0xF0)
        #expect(try ol.gpio.read(0) == 0xF0)
        try ol.gpio.asIP.write(4, [1, 0, 0, 0])
        #expect(try mmio.read(UInt32.self, at: 4) == 1)
        // pynq's MMIO(base, length): a range inside an IP is a window on its registers.
        let window = try MMIO(baseAddress: 0x4120_0004, length: 8, device: ol.device)
        #expect(try window.read(UInt32.self, at: 0) == 1)
        try window.write(UInt32(5), at: 4)
        #expect(try mmio.read(UInt32.self, at: 8) == 5)
        #expect(throws: BackendError.self) { _ = try MMIO(baseAddress: 0x5000_0000, length: 4, device: ol.device) }
        #expect(throws: MMIOError.invalidLength(-1)) { _ = try MMIO(baseAddress: 0x4120_0000, length: -1, device: ol.device) }
    }

    @Test("a freed or reloaded overlay: IP access refuses, then reaches the new register space")
    func reload() throws {
        let (ol, _) = try vaddOverlay()
        let ip = try ol.ip("krnl_vadd_1")
        let before = try ip.mmio
        try ol.free()
        #expect(throws: PynqError.self) { _ = try ip.mmio }
        #expect(throws: PynqError.self) { _ = try ip.registerMap }
        try ol.download()
        let after = try ip.mmio
        #expect(before.space !== after.space)
        #expect(try ip.registerMap.mmio.space === after.space)
    }
}

/// A user driver for the vadd kernel: wraps the IP and offers a typed method.
final class VaddDriver: IPDriver {
    static let bindto = ["xilinx.com:hls:krnl_vadd:1.0"]
    let ip: DefaultIP
    init(ip: DefaultIP) throws { self.ip = ip }
    func add(_ a: PynqBuffer, _ b: PynqBuffer, into c: PynqBuffer) throws {
        try ip.call(a, b, c, UInt32(c.count))
    }
}

/// A driver that is never registered.
final class UnboundDriver: IPDriver {
    static let bindto = ["example.com:user:nothing:1.0"]
    init(ip: DefaultIP) throws {}
}

@Suite("IP driver registry", .serialized)
struct IPDriverTests {
    @Test("a registered driver is what ol.<name> returns; versionless matching as pynq's RegisterIP")
    func registry() throws {
        IPDrivers.register(VaddDriver.self)
        defer { IPDrivers.unregister(VaddDriver.self) }
        #expect(IPDrivers.driver(for: "xilinx.com:hls:krnl_vadd:1.0") == VaddDriver.self)
        #expect(IPDrivers.driver(for: "xilinx.com:hls:krnl_vadd:2.1") == VaddDriver.self)
        #expect(IPDrivers.driver(for: "xilinx.com:hls:krnl_vmul:1.0") == nil)

        let (ol, _) = try vaddOverlay()
        let driver: VaddDriver = try ol.krnl_vadd_1
        let again: VaddDriver = try ol.krnl_vadd_1
        #expect(driver === again)
        #expect(try ol.ip("krnl_vadd_1").driver is VaddDriver)
        let (a, b, c) = try vaddBuffers(ol, count: 8)
        try driver.add(a, b, into: c)
        try expectSums(c, count: 8)
        #expect(throws: IPDriverError.notBound(ip: "krnl_vadd_1", vlnv: "xilinx.com:hls:krnl_vadd:1.0",
                                               driver: "UnboundDriver", registered: "VaddDriver")) {
            let _: UnboundDriver = try ol.krnl_vadd_1
        }
    }

    @Test("without a registered driver an IP has none and typed access is refused")
    func unregistered() throws {
        let (ol, _) = try vaddOverlay()
        #expect(try ol.ip("krnl_vadd_1").driver == nil)
        let error = #expect(throws: IPDriverError.self) { let _: VaddDriver = try ol.krnl_vadd_1 }
        #expect(error?.description.contains("IPDrivers.register(VaddDriver.self)") == true)
        IPDrivers.register(UnboundDriver.self)
        IPDrivers.unregister(UnboundDriver.self)
        #expect(IPDrivers.driver(for: "example.com:user:nothing:1.0") == nil)
        #expect(IPDrivers.driver(for: "example.com:user:nothing") == nil)
    }
}

@Suite("Interrupts and GPIO without a board")
struct InterruptMockTests {
    @Test("the Mock models no interrupt controller or raw IRQ; unknown pins are named")
    func unsupported() throws {
        let description = OverlayDescription(
            format: .hwh, ips: [], memories: [], streams: [], clocks: [],
            dictionaries: ["interrupt_pins": .dict(["pin": .dict(["controller": .string(""), "index": .int(0), "raw_irq": .int(61)])])])
        let ol = try Overlay(image: OverlayImage(description: description, path: nil, bytes: []),
                             device: Device(backend: MockBackend(name: "irq")))
        // No IP of ip_dict drives the pin, and the Mock has no line for a raw IRQ.
        let error = #expect(throws: BackendError.self) { _ = try Interrupt("pin", overlay: ol) }
        #expect(error?.description.contains("raw IRQ 61") == true)
        #expect(throws: InterruptError.noSuchPin(pin: "other", available: ["pin"])) { _ = try Interrupt("other", overlay: ol) }
        #expect(throws: GPIOError.noSuchPin(name: "led", available: [])) { _ = try GPIO("led", overlay: ol) }
    }
}
