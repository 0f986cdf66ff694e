import PynqBackend

/// Everything that can go wrong in the Zynq backend, each with the context needed to act on it.
public enum ZynqError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A system call failed: `call` on `path` (when it was about a file) with `errno`.
    case systemCall(call: String, path: String?, errno: Int32)
    /// `path` may only be opened by root (`/dev/mem`, `/dev/xlnk`, fpga_manager); the process runs as `uid`.
    case permissionDenied(path: String, uid: UInt32)
    /// No CMA allocator was found: what was looked for.
    case noCMADevice(searched: [String])
    /// No fpga_manager at `path`: not a Zynq board, or the kernel lacks FPGA manager support.
    case noFPGAManager(path: String)
    /// A buffer of `requested` bytes was asked for; sizes must be positive (and below 4 GiB for xlnk).
    case invalidSize(requested: Int)
    /// The CMA pool cannot hold `requested` more bytes; `free` bytes are free (nil when unknown).
    case outOfMemory(allocator: String, requested: UInt64, free: UInt64?)
    /// A sync of `length` bytes at `offset` falls outside a `byteCount`-byte buffer.
    case syncOutOfRange(offset: Int, length: Int, byteCount: Int)
    /// Cache maintenance is impossible here (`reason` says why and what to use instead).
    case cacheMaintenanceUnsupported(reason: String)
    /// A sysfs / procfs file held something unexpected.
    case badSystemFile(path: String, contents: String, expected: String)
    /// `length` bytes at physical address `address` are not inside any range the loaded overlay declares.
    case outsideOverlay(address: UInt64, length: Int)
    /// An MMIO window must have a positive length and a non-negative, non-overflowing end.
    case invalidRange(address: UInt64, length: Int)
    /// A download (or close) was refused because `count` buffers are still allocated.
    case buffersLive(count: Int)
    /// The bitstream could not be prepared: `reason`.
    case badBitstream(path: String?, reason: String)
    /// fpga_manager reported `state` after a download of `firmware`.
    case downloadFailed(firmware: String, state: String)
    /// PL clock `index` cannot be set: `reason`.
    case badClock(index: Int, reason: String)
    /// A buffer was freed twice or used after `close()`.
    case closed(what: String)
    /// The design asks for something the hardware cannot do: `reason`.
    case unsupportedDesign(reason: String)

    public var description: String {
        switch self {
        case .systemCall(let call, let path, let errno):
            return "\(call)\(path.map { " of \($0)" } ?? "") failed: \(errnoName(errno)) (errno \(errno))"
        case .permissionDenied(let path, let uid):
            return "permission denied opening \(path) (running as uid \(uid)): root permissions are required; run as root (sudo)"
        case .noCMADevice(let searched):
            return "no CMA allocator found (looked for \(searched.joined(separator: ", "))); load the xlnk or u-dma-buf driver"
        case .noFPGAManager(let path):
            return "\(path) does not exist: this is not a Zynq board or the kernel has no FPGA manager"
        case .invalidSize(let requested):
            return "cannot allocate \(requested) bytes: a buffer needs a positive size below 4 GiB"
        case .outOfMemory(let allocator, let requested, let free):
            return "\(allocator): CMA memory exhausted: \(requested) bytes requested"
                + (free.map { ", \($0) bytes free" } ?? "")
                + "; free some buffers or enlarge the CMA pool (cma= kernel argument)"
        case .syncOutOfRange(let offset, let length, let byteCount):
            return "cannot sync \(length) bytes at offset \(offset) of a \(byteCount)-byte buffer"
        case .cacheMaintenanceUnsupported(let reason):
            return "cache maintenance unavailable: \(reason)"
        case .badSystemFile(let path, let contents, let expected):
            return "\(path) holds \"\(contents)\", expected \(expected)"
        case .outsideOverlay(let address, let length):
            return "\(length) bytes at 0x\(String(address, radix: 16)) are not inside any IP or memory of the loaded overlay "
                + "(ip_dict / mem_dict phys_addr..+addr_range); pass allowOutsideOverlay: true to map it anyway"
        case .invalidRange(let address, let length):
            return "invalid MMIO range: \(length) bytes at 0x\(String(address, radix: 16))"
        case .buffersLive(let count):
            return "\(count) buffers are still allocated; free them before downloading a new bitstream or closing the device"
        case .badBitstream(let path, let reason):
            return "bitstream\(path.map { " \($0)" } ?? ""): \(reason)"
        case .downloadFailed(let firmware, let state):
            return "fpga_manager did not program \(firmware): state is '\(state)'; check dmesg"
        case .badClock(let index, let reason):
            return "PL clock \(index): \(reason)"
        case .closed(let what):
            return "\(what) is closed"
        case .unsupportedDesign(let reason):
            return "unsupported design: \(reason)"
        }
    }
}
