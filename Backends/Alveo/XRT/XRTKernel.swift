import CXRT

/// A kernel of the loaded xclbin (`xrtPLKernelOpen`), closed in `deinit`.
///
/// Opened with shared access, XRT refuses register reads and writes ("Cannot read or write kernel
/// with shared access"); open it `exclusive` for those (then no other process or kernel object can
/// open its compute units).
final class XRTKernel: @unchecked Sendable {
    let device: XRTDevice
    let name: String
    let handle: UnsafeMutableRawPointer
    let exclusive: Bool

    init(device: XRTDevice, xclbinUUID: [UInt8], name: String, exclusive: Bool = false) throws(AlveoError) {
        guard xclbinUUID.count == 16 else {
            throw .invalidArgument(context: "xrtPLKernelOpen \(name)", reason: "an xclbin UUID has 16 bytes, not \(xclbinUUID.count)")
        }
        self.device = device
        self.name = name
        self.exclusive = exclusive
        let xrt = device.xrt
        let open = exclusive ? xrt.api.xrtPLKernelOpenExclusive : xrt.api.xrtPLKernelOpen
        clearErrno()
        let raw = xclbinUUID.withUnsafeBufferPointer { open(device.handle, $0.baseAddress, name) }
        handle = try xrt.unwrap(raw, exclusive ? "xrtPLKernelOpenExclusive" : "xrtPLKernelOpen", "kernel \(name)")
    }

    deinit {
        _ = device.xrt.api.xrtKernelClose(handle)
    }

    private var xrt: XRTLibrary { device.xrt }

    /// Memory group (bank index) XRT uses for buffer argument `argument`; nil when the argument has no
    /// memory connection (scalars, streams, indices past the last argument: XRT answers -1 for all).
    func groupID(argument: Int) throws(AlveoError) -> UInt32? {
        let group = xrt.api.xrtKernelArgGroupId(handle, Int32(clamping: argument))
        if group < -1 { throw xrt.failure("xrtKernelArgGroupId", "kernel \(name), argument \(argument)", code: group) }
        guard group >= 0 else {
            _ = xrt.messages?.takeErrors()  // XRT logs its range check for unconnected arguments
            return nil
        }
        return UInt32(group)
    }

    /// Register offset of argument `argument` in the kernel's control interface.
    func offset(argument: Int) throws(AlveoError) -> UInt32 {
        let offset = xrt.api.xrtKernelArgOffset(handle, Int32(clamping: argument))
        if offset == .max { throw xrt.failure("xrtKernelArgOffset", "kernel \(name), argument \(argument)") }
        return offset
    }

    /// Reads the 32-bit register at `offset` (needs `exclusive`; XRT's no-op layer refuses).
    func readRegister(offset: UInt32) throws(AlveoError) -> UInt32 {
        var value: UInt32 = 0
        try xrt.check(
            xrt.api.xrtKernelReadRegister(handle, offset, &value), "xrtKernelReadRegister",
            "kernel \(name), offset 0x\(String(offset, radix: 16))")
        return value
    }

    /// Writes the 32-bit register at `offset` (needs `exclusive`; XRT's no-op layer refuses).
    func writeRegister(offset: UInt32, value: UInt32) throws(AlveoError) {
        try xrt.check(
            xrt.api.xrtKernelWriteRegister(handle, offset, value), "xrtKernelWriteRegister",
            "kernel \(name), offset 0x\(String(offset, radix: 16))")
    }

    /// A new run object for this kernel.
    func makeRun() throws(AlveoError) -> XRTRun {
        clearErrno()
        let run = xrt.bufferCall { xrt.api.xrtRunOpen(handle) }  // allocates the run's command buffer
        return XRTRun(kernel: self, handle: try xrt.unwrap(run, "xrtRunOpen", "kernel \(name)"))
    }
}

/// The value for one kernel argument, in the C type XRT's `xrtRunSetArg` reads for it (see CXRT.h).
enum XRTArgumentValue: Sendable, Equatable {
    case buffer(XRTBufferReference)
    case int32(Int32)
    case uint32(UInt32)
    case uint64(UInt64)
    case size(UInt)
    case double(Double)
    /// Scalars XRT reads through a pointer ("int*"/"uint*" host types): the bytes of the value.
    case bytes([UInt8])
    /// Streams and local memory: XRT skips them.
    case ignored
}

/// A buffer passed as a kernel argument (kept alive by the run that holds it).
struct XRTBufferReference: @unchecked Sendable, Equatable {
    let buffer: XRTBuffer
    static func == (a: Self, b: Self) -> Bool { a.buffer === b.buffer }
}

/// One kernel run (`xrtRunOpen`): set arguments, start, wait; closed in `deinit`.
final class XRTRun: @unchecked Sendable {
    let kernel: XRTKernel
    let handle: UnsafeMutableRawPointer
    /// Buffers given as arguments stay alive while the run may use them.
    private var retained: [Int: XRTBuffer] = [:]

    init(kernel: XRTKernel, handle: UnsafeMutableRawPointer) {
        self.kernel = kernel
        self.handle = handle
    }

    deinit {
        let xrt = kernel.device.xrt
        _ = xrt.bufferCall { xrt.api.xrtRunClose(handle) }  // frees the command buffer
    }

    private var xrt: XRTLibrary { kernel.device.xrt }

    /// Sets argument `index` (`xrtRunSetArg` through CXRT's fixed-signature wrappers).
    func setArgument(_ index: Int, _ value: XRTArgumentValue) throws(AlveoError) {
        let fn = xrt.api.xrtRunSetArg
        let i = Int32(clamping: index)
        let code: Int32
        switch value {
        case .buffer(let reference):
            guard let bo = reference.buffer.handle else {
                throw .invalidArgument(context: "kernel \(kernel.name), argument \(index)", reason: "the buffer was freed")
            }
            code = xrt.bufferCall { cxrt_run_set_arg_buffer(fn, handle, i, bo) }  // reads the buffer's address
            if code == 0 { retained[index] = reference.buffer }
        case .int32(let v): code = cxrt_run_set_arg_int32(fn, handle, i, v)
        case .uint32(let v): code = cxrt_run_set_arg_uint32(fn, handle, i, v)
        case .uint64(let v): code = cxrt_run_set_arg_uint64(fn, handle, i, v)
        case .size(let v): code = cxrt_run_set_arg_size(fn, handle, i, Int(bitPattern: v))
        case .double(let v): code = cxrt_run_set_arg_double(fn, handle, i, v)
        case .bytes(let bytes): code = bytes.withUnsafeBytes { cxrt_run_set_arg_pointer(fn, handle, i, $0.baseAddress) }
        case .ignored: code = cxrt_run_set_arg_pointer(fn, handle, i, nil)
        }
        try xrt.check(code, "xrtRunSetArg", "kernel \(kernel.name), argument \(index)")
    }

    /// Starts the run.
    func start() throws(AlveoError) {
        let code = xrt.bufferCall { xrt.api.xrtRunStart(handle) }  // looks up the command buffer
        try xrt.check(code, "xrtRunStart", "kernel \(kernel.name)")
    }

    /// Blocks until the run finishes (or `timeoutMilliseconds` pass, when given); returns its state.
    func wait(timeoutMilliseconds: UInt32? = nil) -> RunState {
        if let timeoutMilliseconds { return RunState(raw: xrt.api.xrtRunWaitFor(handle, timeoutMilliseconds)) }
        return RunState(raw: xrt.api.xrtRunWait(handle))
    }

    /// The run's current state.
    var state: RunState { RunState(raw: xrt.api.xrtRunState(handle)) }
}
