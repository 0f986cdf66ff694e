/// Everything that can go wrong on the Alveo backend, with the context needed to act on it.
///
/// XRT failures carry the XRT function, its return code / errno, and XRT's own message (read from
/// XRT's message log, see ``XRTMessageLog``; `strerror` text when XRT logged nothing).
public enum AlveoError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `libxrt_coreutil.so.2` could not be opened anywhere; `searched` lists every place tried,
    /// `reasons` the loader's message for each.
    case xrtNotFound(searched: [String], reasons: [String])
    /// The library opened but lacks a function the backend needs (XRT older than 2.13?).
    case xrtIncomplete(library: String, missingFunction: String)
    /// XRT would abort the process with this environment (it throws an uncaught C++ exception).
    case unsafeEnvironment(variable: String, problem: String, fix: String)
    /// An XRT call failed.
    case xrtCall(function: String, context: String, code: Int32, errno: Int32, message: String)
    /// No XRT device with this index.
    case noDevice(index: Int, count: Int, detail: String)
    /// Neither XRT nor the PCI bus shows an Alveo card.
    case noCard(reason: String)
    /// Xilinx PCI functions are present but XRT cannot be used (missing, incomplete, unsafe settings).
    case cardWithoutXRT(functions: [String], cause: String)
    /// Xilinx PCI functions are present but none has XRT's user driver (xocl) bound.
    case driverNotLoaded(functions: [String])
    /// An argument the backend refuses before calling XRT (range outside a buffer, wrong type …).
    case invalidArgument(context: String, reason: String)
    /// An operation refused because of the device's state (live buffers during a reload …).
    case busy(context: String, reason: String)
    /// A kernel run ended in a state other than COMPLETED.
    case runFailed(kernel: String, state: RunState)

    public var description: String {
        switch self {
        case let .xrtNotFound(searched, reasons):
            var text = "XRT not found (searched: \(searched.joined(separator: ", ")))."
            if !reasons.isEmpty { text += " Loader said: \(reasons.joined(separator: "; "))." }
            return text + " Install XRT (Debian: apt install libxrt1; AMD packages: /opt/xilinx/xrt) and set XILINX_XRT to its folder."
        case let .xrtIncomplete(library, missing):
            return "XRT at \(library) lacks \(missing): XRT 2.13 or newer is needed."
        case let .unsafeEnvironment(variable, problem, fix):
            return "\(variable): \(problem) XRT would abort the process. \(fix)"
        case let .xrtCall(function, context, code, err, message):
            var text = "\(function) failed"
            if !context.isEmpty { text += " (\(context))" }
            text += ": \(message)"
            var codes: [String] = []
            if code != 0 { codes.append("return code \(code)") }
            if err != 0 { codes.append("errno \(err)") }
            if !codes.isEmpty { text += " [\(codes.joined(separator: ", "))]" }
            return text
        case let .noDevice(index, count, detail):
            return "No Alveo device \(index): XRT reports \(count) device(s). \(detail)"
        case let .noCard(reason):
            return "No Alveo card: \(reason) Without a card, XRT's no-op device serves for tests: "
                + "export XCL_EMULATION_MODE=noop with XILINX_XRT set (scripts/test.sh does)."
        case let .cardWithoutXRT(functions, cause):
            return "Found Xilinx PCI function(s) \(functions.joined(separator: ", ")) but XRT cannot be used: \(cause)"
        case let .driverNotLoaded(functions):
            return "Found Xilinx PCI function(s) \(functions.joined(separator: ", ")) but XRT sees no device: "
                + "no function has XRT's user driver (xocl) bound. Install XRT's driver package (xrt with "
                + "its DKMS modules) and load it (modprobe xocl), then check with xbutil examine."
        case let .invalidArgument(context, reason):
            return "\(context): \(reason)"
        case let .busy(context, reason):
            return "\(context): \(reason)"
        case let .runFailed(kernel, state):
            return "Kernel \(kernel) run ended in state \(state) instead of COMPLETED."
        }
    }
}

/// State of a kernel run (XRT's `ert_cmd_state`).
public enum RunState: Sendable, Hashable, CustomStringConvertible {
    case new, queued, running, completed, error, abort, submitted, timeout, noResponse, softKernelError,
        softKernelCrashed
    case unknown(UInt32)

    init(raw: UInt32) {
        switch raw {
        case 1: self = .new
        case 2: self = .queued
        case 3: self = .running
        case 4: self = .completed
        case 5: self = .error
        case 6: self = .abort
        case 7: self = .submitted
        case 8: self = .timeout
        case 9: self = .noResponse
        case 10: self = .softKernelError
        case 11: self = .softKernelCrashed
        default: self = .unknown(raw)
        }
    }

    /// Whether the run has finished (successfully or not).
    public var isFinished: Bool {
        switch self {
        case .new, .queued, .running, .submitted: false
        default: true
        }
    }

    public var description: String {
        switch self {
        case .new: "NEW"
        case .queued: "QUEUED"
        case .running: "RUNNING"
        case .completed: "COMPLETED"
        case .error: "ERROR"
        case .abort: "ABORT"
        case .submitted: "SUBMITTED"
        case .timeout: "TIMEOUT"
        case .noResponse: "NORESPONSE"
        case .softKernelError: "SKERROR"
        case .softKernelCrashed: "SKCRASHED"
        case .unknown(let raw): "state \(raw)"
        }
    }
}
