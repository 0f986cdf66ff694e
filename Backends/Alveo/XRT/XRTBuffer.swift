import CXRT

/// One XRT buffer object (`xrtBOAlloc`), freed exactly once: by ``free()`` or in `deinit`.
final class XRTBuffer: @unchecked Sendable {
    let device: XRTDevice
    private(set) var handle: UnsafeMutableRawPointer?
    /// Size in bytes as XRT reports it.
    let size: Int
    /// Memory group the buffer was allocated in.
    let group: UInt32
    let flags: XRTBufferFlags
    /// The buffer this one is a slice of (sub-buffers are not counted in the device's accounting and
    /// keep their parent alive).
    let parent: XRTBuffer?

    init(
        device: XRTDevice, handle: UnsafeMutableRawPointer, size: Int, group: UInt32, flags: XRTBufferFlags,
        parent: XRTBuffer? = nil
    ) {
        self.device = device
        self.handle = handle
        self.size = size
        self.group = group
        self.flags = flags
        self.parent = parent
    }

    deinit { free() }

    private var xrt: XRTLibrary { device.xrt }

    private func live(_ function: String) throws(AlveoError) -> UnsafeMutableRawPointer {
        guard let handle else {
            throw .invalidArgument(context: "\(function) on bank \(group)", reason: "the buffer was freed")
        }
        return handle
    }

    /// Maps the buffer into the process (`xrtBOMap`); the mapping lives until ``free()``.
    func map() throws(AlveoError) -> UnsafeMutableRawPointer {
        let bo = try live("xrtBOMap")
        clearErrno()
        return try xrt.unwrap(xrt.api.xrtBOMap(bo), "xrtBOMap", "bank \(group), \(size) bytes")
    }

    /// The device-side address (`xrtBOAddress`).
    func address() throws(AlveoError) -> UInt64 {
        xrt.api.xrtBOAddress(try live("xrtBOAddress"))
    }

    /// Synchronises bytes `offset ..< offset + length` (`xrtBOSync`). The range is checked here:
    /// XRT's no-op layer accepts any range.
    func sync(_ direction: XRTSyncDirection, offset: Int = 0, length: Int? = nil) throws(AlveoError) {
        let bo = try live("xrtBOSync")
        let length = length ?? size - offset
        guard offset >= 0, length >= 0, offset <= size, length <= size - offset else {
            throw .invalidArgument(
                context: "xrtBOSync on bank \(group)",
                reason: "bytes \(offset) ..< \(offset + length) are outside the \(size)-byte buffer")
        }
        try xrt.check(
            xrt.api.xrtBOSync(bo, direction.rawValue, length, offset), "xrtBOSync",
            "bank \(group), \(length) bytes at offset \(offset) \(direction)")
    }

    /// A buffer object for bytes `offset ..< offset + length` of this one (`xrtBOSubAlloc`), e.g. to
    /// pass a slice as a kernel argument.
    func subBuffer(offset: Int, length: Int) throws(AlveoError) -> XRTBuffer {
        let bo = try live("xrtBOSubAlloc")
        guard offset >= 0, length > 0, offset <= size, length <= size - offset else {
            throw .invalidArgument(
                context: "xrtBOSubAlloc on bank \(group)",
                reason: "bytes \(offset) ..< \(offset + length) are outside the \(size)-byte buffer")
        }
        clearErrno()
        let sub = try xrt.unwrap(
            xrt.api.xrtBOSubAlloc(bo, length, offset), "xrtBOSubAlloc", "bank \(group), \(length) bytes at \(offset)")
        return XRTBuffer(device: device, handle: sub, size: length, group: group, flags: flags, parent: self)
    }

    /// Gives the buffer back to XRT (unmaps it). Later calls do nothing.
    func free() {
        guard let bo = handle else { return }
        handle = nil
        _ = xrt.api.xrtBOFree(bo)
        if parent == nil { device.record(group: group, buffers: -1, bytes: size) }
    }
}

/// Direction of `xrtBOSync` (XRT's `enum xclBOSyncDirection`).
enum XRTSyncDirection: UInt32, Sendable, CustomStringConvertible {
    case toDevice = 0
    case fromDevice = 1

    var description: String { self == .toDevice ? "to device" : "from device" }
}
