import CXRT

/// One XRT buffer object (`xrtBOAlloc`), mapped into the process at creation (`xrtBOMap`) and freed
/// exactly once: by ``free()`` or in `deinit`. Subclassed by the backend's allocation type so that
/// one object per buffer is all the Swift side adds to XRT's own work.
class XRTBuffer: @unchecked Sendable {
    let device: XRTDevice
    /// XRT's functions, as a plain pointer (kept valid by `device`, which keeps its library).
    let api: UnsafePointer<cxrt_api>
    private(set) var handle: UnsafeMutableRawPointer?
    /// Size in bytes.
    let size: Int
    /// Memory group the buffer was allocated in.
    let group: UInt32
    let flags: XRTBufferFlags
    /// The buffer this one is a slice of (sub-buffers are not counted in the device's accounting and
    /// keep their parent alive).
    let parent: XRTBuffer?
    /// First byte of the host mapping.
    let host: UnsafeMutableRawPointer
    /// The device-side address (`xrtBOAddress`).
    let deviceAddress: UInt64

    /// Allocates `size` bytes in memory group `group` (a kernel argument's group id or a MEM_TOPOLOGY
    /// index) and maps them.
    init(device: XRTDevice, size: Int, flags: XRTBufferFlags = [], group: UInt32) throws(AlveoError) {
        let api = UnsafePointer(device.xrt.table)
        let (bo, host, address) = try device.xrt.bufferCall { () throws(AlveoError) in
            let bo = try device.allocateHandle(size: size, flags: flags, group: group)
            clearErrno()
            guard let host = api.pointee.xrtBOMap(bo) else {
                let error = device.xrt.failure("xrtBOMap", "bank \(group), \(size) bytes", errno: currentErrno())
                device.releaseHandle(bo, group: group, size: size)
                throw error
            }
            return (bo, host, api.pointee.xrtBOAddress(bo))
        }
        self.device = device
        self.api = api
        self.handle = bo
        self.size = size
        self.group = group
        self.flags = flags
        self.parent = nil
        self.host = host
        self.deviceAddress = address
    }

    private init(slice bo: UnsafeMutableRawPointer, of parent: XRTBuffer, offset: Int, length: Int) {
        device = parent.device
        api = parent.api
        handle = bo
        size = length
        group = parent.group
        flags = parent.flags
        self.parent = parent
        host = parent.host + offset
        let api = api
        deviceAddress = parent.device.xrt.bufferCall { api.pointee.xrtBOAddress(bo) }
    }

    deinit { free() }

    private func live(_ function: String) throws(AlveoError) -> UnsafeMutableRawPointer {
        guard let handle else {
            throw .invalidArgument(context: "\(function) on bank \(group)", reason: "the buffer was freed")
        }
        return handle
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
        let code = api.pointee.xrtBOSync(bo, direction.rawValue, length, offset)
        if code != 0 {
            try device.xrt.check(code, "xrtBOSync", "bank \(group), \(length) bytes at offset \(offset) \(direction)")
        }
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
        let sub = try device.xrt.unwrap(
            device.xrt.bufferCall { api.pointee.xrtBOSubAlloc(bo, length, offset) }, "xrtBOSubAlloc",
            "bank \(group), \(length) bytes at \(offset)")
        return XRTBuffer(slice: sub, of: self, offset: offset, length: length)
    }

    /// Gives the buffer back to XRT (unmaps it). Later calls do nothing.
    final func free() {
        guard let bo = handle else { return }
        handle = nil
        device.xrt.bufferCall {
            if parent == nil {
                device.releaseHandle(bo, group: group, size: size)
            } else {
                _ = api.pointee.xrtBOFree(bo)
            }
        }
    }
}

/// Direction of `xrtBOSync` (XRT's `enum xclBOSyncDirection`).
enum XRTSyncDirection: UInt32, Sendable, CustomStringConvertible {
    case toDevice = 0
    case fromDevice = 1

    var description: String { self == .toDevice ? "to device" : "from device" }
}
