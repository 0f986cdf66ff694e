/// Why a kernel could not be started or did not complete. Nothing is written to the kernel when a
/// start is refused.
public enum KernelCallError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The IP cannot be started with `call`/`start` (no `CTRL` register, `ap_ctrl_none`, no argument metadata).
    case notCallable(ip: String, reason: String)
    /// `given` values for a kernel whose arguments are `expected`.
    case wrongArgumentCount(ip: String, expected: [String], given: Int)
    /// A value of Swift type `given` cannot be passed as argument `argument` of C type `cType`.
    case argumentType(ip: String, argument: String, cType: String, given: String)
    /// The value does not fit argument `argument` of C type `cType`.
    case argumentOutOfRange(ip: String, argument: String, cType: String, value: String)
    /// AP_START is still set: the previous run has not been picked up yet.
    case stillRunning(ip: String)
    /// The run did not finish within `timeout`.
    case timedOut(ip: String, timeout: Duration)

    public var description: String {
        switch self {
        case let .notCallable(ip, reason):
            return "IP \(ip) cannot be called: \(reason)"
        case let .wrongArgumentCount(ip, expected, given):
            return "kernel \(ip) takes \(expected.count) argument(s) (\(expected.joined(separator: ", "))), \(given) given"
        case let .argumentType(ip, argument, cType, given):
            return "argument \(argument) of kernel \(ip) is \(cType); a \(given) cannot be passed (pointers take a PynqBuffer or a device address, integers an integer, float/double a floating-point value)"
        case let .argumentOutOfRange(ip, argument, cType, value):
            return "value \(value) does not fit argument \(argument) (\(cType)) of kernel \(ip)"
        case let .stillRunning(ip):
            return "kernel \(ip) is still running (AP_START is set); wait for the previous run first"
        case let .timedOut(ip, timeout):
            return "kernel \(ip) did not finish within \(timeout); check that its inputs are valid and it was started"
        }
    }
}
