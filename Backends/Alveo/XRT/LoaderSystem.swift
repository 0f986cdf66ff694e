#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The OS calls the XRT and libudev loaders make (dlopen, file checks, environment), in one place so
/// tests can fake a machine without XRT, without libudev, or with a hostile environment.
struct LoaderSystem: Sendable {
    /// Opens a shared library (`dlopen(path, RTLD_NOW | RTLD_LOCAL)`); on failure returns `dlerror()`.
    var openLibrary: @Sendable (_ path: String) -> Result<UnsafeMutableRawPointer, LoaderFailure>
    /// Whether a regular file (or a symlink to one) exists at `path`.
    var fileExists: @Sendable (_ path: String) -> Bool
    /// The value of an environment variable.
    var environment: @Sendable (_ name: String) -> String?

    /// The real process.
    static let live = LoaderSystem(
        openLibrary: { path in
            if let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) { return .success(handle) }
            let reason = dlerror().map { String(cString: $0) } ?? "dlopen failed"
            return .failure(LoaderFailure(reason: reason))
        },
        fileExists: { path in
            var info = stat()
            return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
        },
        environment: { name in getenv(name).map { String(cString: $0) } })
}

/// Why one library could not be opened (the dynamic loader's message).
struct LoaderFailure: Error, Sendable {
    var reason: String
}

/// The calling thread's `errno` (read right after an XRT call that returned NULL).
@inline(__always)
func currentErrno() -> Int32 { errno }

/// Clears `errno` before an XRT call whose failure is reported through it.
@inline(__always)
func clearErrno() { errno = 0 }
