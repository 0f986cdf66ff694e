/// What XRT itself makes of an xclbin: the way to check that a file (for example one the project's
/// xclbin writer produced) is accepted by the real XRT.
///
/// ```swift
/// let report = try XRTXclbinAcceptance.load(bytes: written, kernels: ["krnl_vadd"])
/// report.kernels[0].arguments  // index, register offset, memory group per argument, as XRT sees them
/// ```
/// It opens XRT device `device` (with `XCL_EMULATION_MODE=noop` XRT's no-op device, as
/// scripts/test.sh sets up), loads the bytes (`xrtXclbinAllocRawData` + `xrtDeviceLoadXclbinHandle`),
/// and opens each named kernel (`xrtPLKernelOpen`) to read its arguments' offsets
/// (`xrtKernelArgOffset`) and memory groups (`xrtKernelArgGroupId`). Throws ``AlveoError`` with
/// XRT's message when XRT refuses the file or a kernel, and ``AlveoError/xrtNotFound(searched:reasons:)``
/// without XRT.
public enum XRTXclbinAcceptance {
    /// XRT's view of a loaded xclbin.
    public struct Report: Sendable, Hashable {
        /// The UUID XRT reports for the loaded xclbin.
        public var uuid: [UInt8]
        /// The kernels asked for, in order.
        public var kernels: [Kernel]
    }

    /// XRT's view of one kernel.
    public struct Kernel: Sendable, Hashable {
        public var name: String
        public var arguments: [Argument]
    }

    /// XRT's view of one kernel argument.
    public struct Argument: Sendable, Hashable {
        /// Argument index.
        public var index: Int
        /// Register offset in the kernel's control interface.
        public var offset: UInt32
        /// Memory group (MEM_TOPOLOGY index) of a buffer argument; nil for scalars and streams.
        public var memoryGroup: Int?
    }

    /// XRT's reading of an xclbin file on its own (no device): `xrt::xclbin`'s C API.
    public struct FileReport: Sendable, Hashable {
        /// The UUID XRT reads from the header.
        public var uuid: [UInt8]
        /// The platform name (XSA / VBNV) XRT reads from the header.
        public var platformName: String
        /// Number of PL kernels XRT finds (from the embedded XML metadata).
        public var kernelCount: Int
        /// Number of compute units over all kernels.
        public var computeUnitCount: Int
    }

    /// Reads `bytes` with XRT's xclbin parser alone (`xrtXclbinAllocRawData`, no device needed) and
    /// reports what it found. Throws ``AlveoError`` with XRT's message when XRT refuses the file.
    public static func inspect(bytes: [UInt8]) throws(AlveoError) -> FileReport {
        let xrt = try XRTLibrary.shared.get()
        return try xrt.withXclbin(bytes: bytes, context: "\(bytes.count)-byte xclbin") { xclbin throws(AlveoError) in
            let context = "\(bytes.count)-byte xclbin"
            var uuid = [UInt8](repeating: 0, count: 16)
            try xrt.check(uuid.withUnsafeMutableBufferPointer { xrt.api.xrtXclbinGetUUID(xclbin, $0.baseAddress) },
                          "xrtXclbinGetUUID", context)
            var name = [CChar](repeating: 0, count: 256)
            var length: Int32 = 0
            try xrt.check(
                name.withUnsafeMutableBufferPointer { xrt.api.xrtXclbinGetXSAName(xclbin, $0.baseAddress, 256, &length) },
                "xrtXclbinGetXSAName", context)
            let platformName = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return FileReport(uuid: uuid, platformName: platformName,
                              kernelCount: Int(xrt.api.xrtXclbinGetNumKernels(xclbin)),
                              computeUnitCount: Int(xrt.api.xrtXclbinGetNumKernelComputeUnits(xclbin)))
        }
    }

    /// Loads `bytes` on device `device` and reports what XRT made of kernels `kernels`.
    public static func load(bytes: [UInt8], kernels: [String], device: Int = 0) throws(AlveoError) -> Report {
        let xrt = try XRTLibrary.shared.get()
        let xrtDevice = try XRTDevice(xrt: xrt, index: device)
        let uuid = try xrtDevice.loadXclbin(bytes: bytes)
        var reports: [Kernel] = []
        for name in kernels {
            let kernel = try XRTKernel(device: xrtDevice, xclbinUUID: uuid, name: name)
            var arguments: [Argument] = []
            // XRT has no argument count in its C API: read offsets until it reports no such argument.
            for index in 0..<4096 {
                let offset = xrt.api.xrtKernelArgOffset(kernel.handle, Int32(index))
                if offset == .max { break }
                arguments.append(
                    Argument(index: index, offset: offset, memoryGroup: try kernel.groupID(argument: index).map(Int.init)))
            }
            _ = xrt.messages?.takeErrors()
            reports.append(Kernel(name: name, arguments: arguments))
        }
        return Report(uuid: uuid, kernels: reports)
    }
}
