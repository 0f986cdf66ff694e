import Glibc
import PynqMetadata
import Testing
import TestSupport

/// XRT's C API (`libxrt_coreutil.so.2`), reached with dlopen so that building needs no XRT.
struct XRTLibrary: @unchecked Sendable {
    typealias AllocRaw = @convention(c) (UnsafePointer<CChar>?, CInt) -> UnsafeMutableRawPointer?
    typealias FreeHandle = @convention(c) (UnsafeMutableRawPointer?) -> CInt
    typealias GetName = @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<CChar>?, CInt, UnsafeMutablePointer<CInt>?) -> CInt
    typealias GetUUID = @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<UInt8>?) -> CInt
    typealias GetCount = @convention(c) (UnsafeMutableRawPointer?) -> Int
    typealias DeviceOpen = @convention(c) (CUnsignedInt) -> UnsafeMutableRawPointer?
    typealias LoadXclbin = @convention(c) (UnsafeMutableRawPointer?, UnsafeRawPointer?) -> CInt
    typealias KernelOpen = @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<UInt8>?, UnsafePointer<CChar>?) -> UnsafeMutableRawPointer?
    typealias ArgQuery = @convention(c) (UnsafeMutableRawPointer?, CInt) -> CInt
    typealias ArgOffset = @convention(c) (UnsafeMutableRawPointer?, CInt) -> UInt32

    let xclbinAllocRawData: AllocRaw
    let xclbinFreeHandle: FreeHandle
    let xclbinGetXSAName: GetName
    let xclbinGetUUID: GetUUID
    let xclbinGetNumKernels: GetCount
    let xclbinGetNumKernelComputeUnits: GetCount
    let deviceOpen: DeviceOpen
    let deviceClose: FreeHandle
    let deviceLoadXclbin: LoadXclbin
    let deviceGetXclbinUUID: GetUUID
    let plKernelOpen: KernelOpen
    let kernelClose: FreeHandle
    let kernelArgGroupId: ArgQuery
    let kernelArgOffset: ArgOffset

    /// Loads the library or says why it cannot.
    static func load() throws -> XRTLibrary {
        guard let h = dlopen("libxrt_coreutil.so.2", RTLD_NOW | RTLD_LOCAL) else {
            throw XRTMissing(reason: "cannot load libxrt_coreutil.so.2; install XRT with scripts/setup.sh")
        }
        func sym<T>(_ name: String, _: T.Type) throws -> T {
            guard let p = dlsym(h, name) else { throw XRTMissing(reason: "libxrt_coreutil.so.2 has no \(name)") }
            return unsafeBitCast(p, to: T.self)
        }
        return XRTLibrary(
            xclbinAllocRawData: try sym("xrtXclbinAllocRawData", AllocRaw.self),
            xclbinFreeHandle: try sym("xrtXclbinFreeHandle", FreeHandle.self),
            xclbinGetXSAName: try sym("xrtXclbinGetXSAName", GetName.self),
            xclbinGetUUID: try sym("xrtXclbinGetUUID", GetUUID.self),
            xclbinGetNumKernels: try sym("xrtXclbinGetNumKernels", GetCount.self),
            xclbinGetNumKernelComputeUnits: try sym("xrtXclbinGetNumKernelComputeUnits", GetCount.self),
            deviceOpen: try sym("xrtDeviceOpen", DeviceOpen.self),
            deviceClose: try sym("xrtDeviceClose", FreeHandle.self),
            deviceLoadXclbin: try sym("xrtDeviceLoadXclbin", LoadXclbin.self),
            deviceGetXclbinUUID: try sym("xrtDeviceGetXclbinUUID", GetUUID.self),
            plKernelOpen: try sym("xrtPLKernelOpen", KernelOpen.self),
            kernelClose: try sym("xrtKernelClose", FreeHandle.self),
            kernelArgGroupId: try sym("xrtKernelArgGroupId", ArgQuery.self),
            kernelArgOffset: try sym("xrtKernelArgOffset", ArgOffset.self))
    }

    struct XRTMissing: Error, CustomStringConvertible {
        var reason: String
        var description: String { reason }
    }
}

/// Every xclbin the builder writes must load in XRT: as an `xrt::xclbin` (no device needed) and into
/// XRT's no-op device (`XCL_EMULATION_MODE=noop`, set by scripts/test.sh), where kernels open and report
/// the argument offsets and memory banks we wrote.
@Suite(.serialized) struct XclbinXRTAcceptanceTests {
    static func designs() throws -> [(String, [UInt8])] {
        var out = [("kernel_opt-like", try kernelOptLikeBuilder().build())]
        for name in Reference.fileNames(withExtension: "xclbin") {
            let f = try Xclbin.read(bytes: try Reference.bytes(name), source: name)
            out.append(("rewritten " + name, try XclbinBuilder(file: f).build()))
        }
        return out
    }

    @Test func xrtParsesWhatWeWrite() throws {
        let xrt = try XRTLibrary.load()
        for (name, bytes) in try Self.designs() {
            let file = try Xclbin.read(bytes: bytes, source: name)
            let handle = bytes.withUnsafeBufferPointer { buf in
                buf.withMemoryRebound(to: CChar.self) { xrt.xclbinAllocRawData($0.baseAddress, CInt($0.count)) }
            }
            guard let handle else { Issue.record("\(name): XRT refused the xclbin (errno \(errno))"); continue }
            defer { _ = xrt.xclbinFreeHandle(handle) }
            var uuid = [UInt8](repeating: 0, count: 16)
            #expect(xrt.xclbinGetUUID(handle, &uuid) == 0)
            #expect(uuid == file.header.uuid, "\(name)")
            var vbnv = [CChar](repeating: 0, count: 128)
            var size: CInt = 0
            #expect(xrt.xclbinGetXSAName(handle, &vbnv, 128, &size) == 0)
            let vbnvText = String(decoding: vbnv.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            #expect(vbnvText == file.header.platformVBNV, "\(name)")
            #expect(xrt.xclbinGetNumKernels(handle) == file.kernels.count, "\(name)")
            #expect(xrt.xclbinGetNumKernelComputeUnits(handle) == file.kernels.reduce(0) { $0 + $1.instances.count },
                    "\(name)")
        }
    }

    @Test func noopDeviceLoadsWhatWeWrite() throws {
        let env = (getenv("XCL_EMULATION_MODE").map { String(cString: $0) }, getenv("XILINX_XRT"))
        try #require(env.0 == "noop" && env.1 != nil,
                     "run through scripts/test.sh: XRT's no-op device needs XCL_EMULATION_MODE=noop and XILINX_XRT")
        let xrt = try XRTLibrary.load()
        let device = try #require(xrt.deviceOpen(0), "xrtDeviceOpen(0) failed on the no-op device")
        defer { _ = xrt.deviceClose(device) }
        for (name, bytes) in try Self.designs() {
            let file = try Xclbin.read(bytes: bytes, source: name)
            let rc = bytes.withUnsafeBytes { xrt.deviceLoadXclbin(device, $0.baseAddress) }
            #expect(rc == 0, "\(name): xrtDeviceLoadXclbin returned \(rc)")
            var uuid = [UInt8](repeating: 0, count: 16)
            #expect(xrt.deviceGetXclbinUUID(device, &uuid) == 0)
            #expect(uuid == file.header.uuid, "\(name)")
            for k in file.kernels where k.instances.contains(where: { $0.baseAddress != .max }) {
                guard let kernel = file.header.uuid.withUnsafeBufferPointer({ u in
                    xrt.plKernelOpen(device, u.baseAddress, k.name)
                }) else {
                    Issue.record("\(name): xrtPLKernelOpen(\(k.name)) failed")
                    continue
                }
                defer { _ = xrt.kernelClose(kernel) }
                for a in k.arguments where !a.isStream {
                    #expect(xrt.kernelArgOffset(kernel, CInt(a.index)) == UInt32(a.offset), "\(name) \(k.name).\(a.name)")
                    guard a.isPointer else { continue }
                    let layoutIndex = file.ipLayout?.firstIndex { $0.name == k.name + ":" + k.instances[0].name }
                    let bank = file.effectiveConnectivity.first {
                        $0.ipLayoutIndex == layoutIndex && $0.argumentIndex == a.index
                    }?.memoryIndex
                    #expect(bank != nil && xrt.kernelArgGroupId(kernel, CInt(a.index)) == CInt(bank ?? -1),
                            "\(name) \(k.name).\(a.name): group \(xrt.kernelArgGroupId(kernel, CInt(a.index))) vs bank \(String(describing: bank))")
                }
            }
        }
    }
}
