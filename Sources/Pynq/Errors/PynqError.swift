import PynqBackend
import PynqMetadataCore

/// Errors of the public API, each saying what went wrong and what to do about it. Errors from a
/// backend (`BackendError`) and from reading metadata (`MetadataError`) pass through unchanged.
public enum PynqError: Error, Sendable, CustomStringConvertible {
    /// Live buffers in one bank.
    public struct BankBuffers: Sendable, Hashable {
        public var bank: String
        public var count: Int
    }

    /// No device was found; the report lists each backend probed and why it was rejected.
    case noDevice(ProbeReport)
    /// `operation` was refused because buffers are still allocated (pynq's rule).
    case buffersLive(operation: String, banks: [BankBuffers])
    /// The overlay at `path` is not the one on the device (never downloaded, freed, or replaced).
    case overlayNotLoaded(path: String)
    /// The overlay has no attribute `name`; `available` lists what it has.
    case noAttribute(name: String, available: [String])
    /// `name` is a `actual` (memory, stream or IP) but a `expected` was needed.
    case wrongKind(name: String, actual: String, expected: String)
    /// The overlay file could not be read (`reason` from the system call).
    case overlayFile(path: String, reason: String)
    /// The file's extension names no overlay format this library reads.
    case unsupportedOverlay(path: String)

    public var description: String {
        switch self {
        case .noDevice(let report):
            return "no device found; probed:\n\(report)"
        case .buffersLive(let operation, let banks):
            let total = banks.reduce(0) { $0 + $1.count }
            let list = banks.map { "\($0.count) in \($0.bank)" }.joined(separator: ", ")
            return "cannot \(operation): \(total) buffer\(total == 1 ? " is" : "s are") still allocated (\(list)); "
                + "free them first (buffer.free() or let them go out of scope), or pass force: true"
        case .overlayNotLoaded(let path):
            return "overlay \(path) is not currently loaded; call download() on it (or create it with download: true)"
        case .noAttribute(let name, let available):
            return "could not find IP, memory or stream '\(name)' in the overlay; it has: \(available.joined(separator: ", "))"
        case .wrongKind(let name, let actual, let expected):
            return "'\(name)' is \(actual), not \(expected)"
        case .overlayFile(let path, let reason):
            return "cannot read overlay file \(path): \(reason); check the path (relative paths start at the current folder)"
        case .unsupportedOverlay(let path):
            return "\(path) is not an overlay file this library reads; give an .xclbin"
        }
    }
}
