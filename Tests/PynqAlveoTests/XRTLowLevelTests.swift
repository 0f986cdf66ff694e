import CHeaderChecks
import CUdev
import CXRT
import Foundation
import Testing
import TestSupport

@testable import PynqAlveo

/// The reference xclbin with krnl_vadd(in1, in2, out, size).
let vaddXclbin = Reference.filesDirectory.appendingPathComponent("xup_aws_f1_vitis_intro_lab.xclbin").path

/// XRT as scripts/test.sh sets it up (XILINX_XRT=<root>/.xrt, XCL_EMULATION_MODE=noop).
func loadedXRT() throws -> XRTLibrary { try XRTLibrary.shared.get() }

@Suite("CXRT declarations")
struct CXRTDeclarationTests {
    @Test("every CXRT function pointer type matches XRT's header")
    func matchesXRTHeaders() {
        // CHeaderChecks static-asserts each type when XRT's headers are installed (as in CI);
        // -1 means the headers were absent at build time and nothing was checked.
        #expect(
            cheader_xrt_checked() == Int32(cxrt_required_function_count()) + 1 + 3 + 2,
            "-1: XRT's headers were not found when CHeaderChecks was compiled; install libxrt-dev (scripts/setup.sh)")
    }

    @Test("every CUdev function pointer type matches libudev's header")
    func matchesUdevHeader() {
        #expect(
            cheader_udev_checked() == Int32(cudev_function_count()),
            "-1: <libudev.h> was not found when CHeaderChecks was compiled; install libudev-dev (scripts/setup.sh)")
    }
}

@Suite("XRT loader", .xrtExclusive)
struct XRTLoaderTests {
    @Test("an empty search path reports XRT not found, listing where it looked")
    func notFound() throws {
        let search = XRTLibrary.Search(directories: ["/nonexistent/xrt/lib", "/also/missing"], includeDefaultPaths: false)
        #expect(throws: AlveoError.self) { try XRTLibrary.load(search: search, system: .live) }
        do {
            _ = try XRTLibrary.load(search: search, system: .live)
        } catch {
            guard case .xrtNotFound(let searched, let reasons) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(searched == ["/nonexistent/xrt/lib", "/also/missing"])
            #expect(reasons.count == 2)
            #expect(error.description.hasPrefix("XRT not found (searched: /nonexistent/xrt/lib, /also/missing)."))
        }
    }

    @Test("buffer calls are serialised on the no-op layer only (its buffer table is not thread-safe)")
    func bufferCallsSerialisedOnNoop() throws {
        #expect(try loadedXRT().serialisesBufferCalls)  // scripts/test.sh selects the no-op layer
        #expect(XRTBufferCalls.needSerialising(deviceLayer: "/opt/xilinx/xrt/lib/libxrt_noop.so.2"))
        #expect(!XRTBufferCalls.needSerialising(deviceLayer: "/opt/xilinx/xrt/lib/libxrt_core.so.2"))
        #expect(!XRTBufferCalls.needSerialising(deviceLayer: "/opt/xilinx/xrt/lib/libxrt_swemu.so.2"))
    }

    @Test("the standard search starts with $XILINX_XRT/lib, then /opt/xilinx/xrt/lib, then default paths")
    func standardSearch() {
        let search = XRTLibrary.Search.standard { $0 == "XILINX_XRT" ? "/x" : nil }
        #expect(search == .init(directories: ["/x/lib", "/opt/xilinx/xrt/lib"], includeDefaultPaths: true))
        #expect(XRTLibrary.Search.standard { _ in nil }.directories == ["/opt/xilinx/xrt/lib"])
    }

    func system(_ env: [String: String], files: Set<String> = []) -> LoaderSystem {
        var system = LoaderSystem.live
        system.environment = { env[$0] }
        system.fileExists = { files.contains($0) }
        return system
    }

    @Test("XRT's fatal environments are refused before the first call")
    func fatalEnvironments() throws {
        // Emulation mode without XILINX_XRT: XRT would abort with "XILINX_XRT not set".
        #expect(throws: AlveoError.self) { try XRTEnvironment.check(system: system(["XCL_EMULATION_MODE": "noop"])) }
        do {
            _ = try XRTEnvironment.check(system: system(["XCL_EMULATION_MODE": "noop"]))
        } catch {
            #expect(error.description.contains("XILINX_XRT: not set (XCL_EMULATION_MODE=noop)"))
            #expect(error.description.contains("XRT would abort the process"))
        }
        // No XILINX_XRT at all (card mode) aborts too.
        #expect(throws: AlveoError.self) { try XRTEnvironment.check(system: system([:])) }
        // Unknown mode.
        #expect(throws: AlveoError.self) {
            try XRTEnvironment.check(system: system(["XCL_EMULATION_MODE": "bogus", "XILINX_XRT": "/x"]))
        }
        // Device layer missing.
        do {
            _ = try XRTEnvironment.check(system: system(["XCL_EMULATION_MODE": "noop", "XILINX_XRT": "/x"]))
            Issue.record("a missing device layer was accepted")
        } catch {
            #expect(error.description.contains("/x/lib/libxrt_noop.so.2 does not exist"))
        }
        // Good settings name the layer XRT will load.
        #expect(
            try XRTEnvironment.check(
                system: system(["XCL_EMULATION_MODE": "noop", "XILINX_XRT": "/x"], files: ["/x/lib/libxrt_noop.so.2"]))
                == "/x/lib/libxrt_noop.so.2")
        #expect(
            try XRTEnvironment.check(system: system(["XILINX_XRT": "/x"], files: ["/x/lib/libxrt_core.so.2"]))
                == "/x/lib/libxrt_core.so.2")
    }

    @Test("the real environment (scripts/test.sh) loads XRT with the no-op device layer")
    func loadsNoop() throws {
        let xrt = try loadedXRT()
        #expect(xrt.deviceLayer.hasSuffix("/lib/libxrt_noop.so.2"))
        #expect(xrt.path.hasSuffix("libxrt_coreutil.so.2"))
        #expect(xrt.messages != nil)
    }
}

@Suite("XRT low-level wrapper on the no-op device", .serialized, .xrtExclusive)
struct XRTLowLevelTests {
    @Test("open, load the vadd xclbin, allocate per argument bank, map, write, sync, read back, run, free")
    func fullCycle() throws {
        let xrt = try loadedXRT()
        let device = try XRTDevice(xrt: xrt, index: 0)
        let uuid = try device.loadXclbin(path: vaddXclbin)
        #expect(uuid.count == 16 && uuid != [UInt8](repeating: 0, count: 16))
        let kernel = try XRTKernel(device: device, xclbinUUID: uuid, name: "krnl_vadd")
        let count = 1024
        var buffers: [XRTBuffer] = []
        for argument in 0..<3 {
            let group = try #require(try kernel.groupID(argument: argument))
            let buffer = try device.allocate(size: count * 4, group: group)
            #expect(buffer.size == count * 4)
            #expect(buffer.deviceAddress != 0)
            buffers.append(buffer)
        }
        #expect(try kernel.groupID(argument: 3) == nil)  // the scalar size argument
        #expect(try kernel.offset(argument: 0) == 0x10)
        #expect(device.liveBuffers == 3)
        #expect(device.accountedUsage.values.reduce(0) { $0 + $1.bytes } == 3 * count * 4)

        let a = buffers[0].host.bindMemory(to: UInt32.self, capacity: count)
        let b = buffers[1].host.bindMemory(to: UInt32.self, capacity: count)
        for i in 0..<count {
            a[i] = UInt32(i)
            b[i] = UInt32(3 * i)
        }
        try buffers[0].sync(.toDevice)
        try buffers[1].sync(.toDevice, offset: 4, length: 8)
        try buffers[0].sync(.fromDevice)
        #expect((0..<count).allSatisfy { a[$0] == UInt32($0) && b[$0] == UInt32(3 * $0) })

        let run = try kernel.makeRun()
        for (i, buffer) in buffers.enumerated() { try run.setArgument(i, .buffer(XRTBufferReference(buffer: buffer))) }
        try run.setArgument(3, .uint32(UInt32(count)))
        try run.start()
        #expect(run.wait() == .completed)
        #expect(run.state == .completed)

        for buffer in buffers { buffer.free() }
        #expect(device.liveBuffers == 0)
        #expect(device.accountedUsage.isEmpty)
    }

    @Test("an xclbin loads from bytes as well as from a file")
    func loadFromBytes() throws {
        let device = try XRTDevice(xrt: try loadedXRT(), index: 0)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: vaddXclbin)))
        let fromBytes = try device.loadXclbin(bytes: bytes)
        let fromFile = try device.loadXclbin(path: vaddXclbin)
        #expect(fromBytes == fromFile)
    }

    @Test("XRT failures carry XRT's own message")
    func xrtMessages() throws {
        let device = try XRTDevice(xrt: try loadedXRT(), index: 0)
        do {
            try device.loadXclbin(path: "/nonexistent/file.xclbin")
            Issue.record("loading a missing file succeeded")
        } catch {
            guard case .xrtCall(let function, let context, _, _, let message) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(function == "xrtDeviceLoadXclbinFile")
            #expect(context.contains("/nonexistent/file.xclbin"))
            #expect(message == "Failed to open file '/nonexistent/file.xclbin' for reading")
        }
        let uuid = try device.loadXclbin(path: vaddXclbin)
        do {
            _ = try XRTKernel(device: device, xclbinUUID: uuid, name: "no_such_kernel")
            Issue.record("opening a missing kernel succeeded")
        } catch {
            #expect(error.description.contains("No such kernel 'no_such_kernel'"))
            #expect(error.description.contains("errno 22"))
        }
        // Truncated xclbin bytes are refused by XRT, not read past.
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: vaddXclbin)))
        for cut in [100, 496, 4096, bytes.count - 1] {
            #expect(throws: AlveoError.self) { try device.loadXclbin(bytes: Array(bytes.prefix(cut))) }
        }
    }

    @Test("sync ranges outside the buffer are refused before XRT sees them")
    func syncRange() throws {
        let device = try XRTDevice(xrt: try loadedXRT(), index: 0)
        try device.loadXclbin(path: vaddXclbin)
        let buffer = try device.allocate(size: 4096, group: 0)
        #expect(throws: AlveoError.self) { try buffer.sync(.toDevice, offset: 4000, length: 200) }
        #expect(throws: AlveoError.self) { try buffer.sync(.toDevice, offset: -1, length: 2) }
        try buffer.sync(.toDevice, offset: 4000, length: 96)
        buffer.free()
        #expect(throws: AlveoError.self) { try buffer.sync(.toDevice) }
        #expect(device.liveBuffers == 0)
    }

    @Test("register access on a shared kernel surfaces XRT's refusal as a typed error")
    func registers() throws {
        let device = try XRTDevice(xrt: try loadedXRT(), index: 0)
        let uuid = try device.loadXclbin(path: vaddXclbin)
        let kernel = try XRTKernel(device: device, xclbinUUID: uuid, name: "krnl_vadd")
        do {
            _ = try kernel.readRegister(offset: 0x10)
            Issue.record("the no-op device read a register")
        } catch {
            #expect(error.description.contains("Cannot read or write kernel with shared access"))
        }
    }

    @Test("injected XRT failures become typed errors and leak nothing")
    func injectedFailures() throws {
        let failingAlloc = try loadedXRT().replacing { api in
            api.xrtBOAlloc = { _, _, _, _ in
                clearErrno()
                errno = ENOMEM
                return nil
            }
        }
        let device = try XRTDevice(xrt: failingAlloc, index: 0)
        do {
            _ = try device.allocate(size: 4096, group: 1)
            Issue.record("allocation succeeded")
        } catch {
            guard case .xrtCall(let function, let context, _, let err, let message) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(function == "xrtBOAlloc")
            #expect(context == "device 0, bank 1, 4096 bytes")
            #expect(err == ENOMEM)
            #expect(message == String(cString: strerror(ENOMEM)))
        }
        #expect(device.liveBuffers == 0)

        let failingSetArg = try loadedXRT().replacing { $0.xrtRunSetArg = cheader_failing_run_set_arg() }
        let device2 = try XRTDevice(xrt: failingSetArg, index: 0)
        let uuid = try device2.loadXclbin(path: vaddXclbin)
        let run = try XRTKernel(device: device2, xclbinUUID: uuid, name: "krnl_vadd").makeRun()
        #expect(throws: AlveoError.self) { try run.setArgument(3, .uint32(4)) }
    }
}

@Suite("XRT's view of an xclbin", .xrtExclusive)
struct XclbinAcceptanceTests {
    @Test("the reference vadd xclbin: four arguments, buffers in bank 0 at 0x10/0x1c/0x28, size at 0x34")
    func vadd() throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: vaddXclbin)))
        let report = try XRTXclbinAcceptance.load(bytes: bytes, kernels: ["krnl_vadd"])
        #expect(report.uuid.count == 16)
        #expect(report.kernels.map(\.name) == ["krnl_vadd"])
        #expect(
            report.kernels[0].arguments == [
                .init(index: 0, offset: 0x10, memoryGroup: 0), .init(index: 1, offset: 0x1c, memoryGroup: 0),
                .init(index: 2, offset: 0x28, memoryGroup: 0), .init(index: 3, offset: 0x34, memoryGroup: nil),
            ])
    }

    @Test("a kernel XRT does not know is reported with XRT's message")
    func unknownKernel() throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: vaddXclbin)))
        #expect(throws: AlveoError.self) { try XRTXclbinAcceptance.load(bytes: bytes, kernels: ["nope"]) }
    }
}
