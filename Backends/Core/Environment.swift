#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The process environment, read in one place so that the public API makes no OS call of its own.
package enum ProcessEnvironment {
    /// The value of environment variable `name`, or `nil` if it is unset.
    package static func value(_ name: String) -> String? {
        guard let raw = getenv(name) else { return nil }
        return String(cString: raw)
    }

    /// The variable that forces a backend: `PYNQ_BACKEND=mock|alveo|zynq`.
    package static let backendVariable = "PYNQ_BACKEND"
}
