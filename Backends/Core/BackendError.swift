/// Errors of a backend, each with the context needed to act on it.
public enum BackendError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A buffer of `requested` bytes was asked for; sizes must be positive.
    case invalidSize(requested: Int)
    /// Bank `bank` cannot hold `requested` more bytes: `free` bytes are free, the largest free
    /// contiguous block is `largestFree` bytes.
    case outOfMemory(bank: String, requested: UInt64, free: UInt64, largestFree: UInt64)
    /// Memory `bank` cannot hold buffers (`reason`: a stream, an unused bank, …).
    case notAllocatable(bank: String, reason: String)
    /// Memory index `index` does not exist; the loaded overlay has `count` memories.
    case noSuchMemory(index: Int, count: Int)
    /// The operation needs an overlay and none is loaded on `backend`.
    case noOverlay(backend: String)
    /// A register access of `byteCount` bytes at `offset` falls outside the `length`-byte space of `ip`.
    case registerOutOfRange(ip: String, offset: Int, byteCount: Int, length: Int)
    /// A register access at an offset that is not a multiple of 4.
    case unalignedRegister(ip: String, offset: Int)
    /// `ip` is not part of the loaded overlay.
    case unknownIP(name: String)
    /// The backend cannot do `operation`.
    case unsupported(backend: String, operation: String)
    /// A system call failed: `call` on `path` (if any) with `errno`.
    case systemCall(call: String, path: String?, errno: Int32)
    /// The device or its driver library reported an error.
    case device(backend: String, operation: String, code: Int32, message: String)
    /// A kernel could not be started or did not complete.
    case kernel(ip: String, reason: String)

    public var description: String {
        switch self {
        case .invalidSize(let requested):
            return "cannot allocate \(requested) bytes: a buffer needs a positive size (every extent of the shape must be > 0)"
        case .outOfMemory(let bank, let requested, let free, let largest):
            return "memory bank '\(bank)' is full: \(requested) bytes requested, \(free) bytes free"
                + (largest < free ? " (largest contiguous block \(largest) bytes)" : "")
                + "; free some buffers or allocate in another bank"
        case .notAllocatable(let bank, let reason):
            return "cannot allocate in '\(bank)': \(reason); choose a used memory bank (see the overlay's mem_dict)"
        case .noSuchMemory(let index, let count):
            return "memory index \(index) does not exist: the loaded overlay has \(count) memories"
        case .noOverlay(let backend):
            return "no overlay is loaded on \(backend); load one with Overlay(path) first"
        case .registerOutOfRange(let ip, let offset, let byteCount, let length):
            return "register access of \(byteCount) bytes at offset \(offset) is outside '\(ip)' (\(length) bytes of registers)"
        case .unalignedRegister(let ip, let offset):
            return "register offset \(offset) of '\(ip)' is not a multiple of 4; registers are 32-bit words"
        case .unknownIP(let name):
            return "'\(name)' is not an IP of the loaded overlay; see the overlay's ip_dict"
        case .unsupported(let backend, let operation):
            return "the \(backend) backend cannot \(operation)"
        case .systemCall(let call, let path, let errno):
            return "\(call)\(path.map { " of \($0)" } ?? "") failed: \(errnoName(errno)) (errno \(errno))"
        case .device(let backend, let operation, let code, let message):
            return "\(backend): \(operation) failed (code \(code)): \(message)"
        case .kernel(let ip, let reason):
            return "kernel '\(ip)' \(reason)"
        }
    }
}

/// Short names of the errno values a backend typically meets (the numbers are Linux's, the same on
/// every architecture the backends run on), for error messages.
package func errnoName(_ code: Int32) -> String {
    switch code {
    case 1: return "EPERM, operation not permitted"
    case 2: return "ENOENT, no such file or directory"
    case 5: return "EIO, input/output error"
    case 9: return "EBADF, bad file descriptor"
    case 12: return "ENOMEM, out of memory"
    case 13: return "EACCES, permission denied (run as root or fix the device's permissions)"
    case 14: return "EFAULT, bad address"
    case 16: return "EBUSY, device busy"
    case 19: return "ENODEV, no such device"
    case 21: return "EISDIR, is a directory"
    case 22: return "EINVAL, invalid argument"
    case 24: return "EMFILE, too many open files"
    case 25: return "ENOTTY, not a typewriter (wrong ioctl for this device)"
    default: return "error"
    }
}
