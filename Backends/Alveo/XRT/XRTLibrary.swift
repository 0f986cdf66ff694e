import CXRT
import Foundation

/// XRT's C API, opened at run time: `libxrt_coreutil.so.2` found on a search path, every function the
/// backend uses bound into one table (`cxrt_api`), XRT's fatal environment pitfalls checked, and XRT's
/// error messages routed to a ``XRTMessageLog``.
///
/// This is the backend's single call layer into XRT: every XRT call goes through `api`, so tests
/// inject failures by handing a copy with some entries replaced (``replacing(_:)``).
final class XRTLibrary: @unchecked Sendable {
    /// Where the library was found.
    let path: String
    /// The bound functions (immutable once loaded), in memory of their own so hot paths can keep a
    /// plain pointer to them (no reference counting); valid while this object lives.
    let table: UnsafeMutablePointer<cxrt_api>
    /// The bound functions.
    var api: cxrt_api { table.pointee }
    /// XRT's device layer (checked to exist before the first call).
    let deviceLayer: String
    /// Whether buffer calls are serialised (the no-op layer: ``XRTBufferCalls``).
    let serialisesBufferCalls: Bool
    /// Where XRT's error messages are read from (nil when the user configures XRT's logging).
    let messages: XRTMessageLog?
    /// Table edits applied on top of what was bound (fault injection), HAL functions included.
    private let edits: [@Sendable (inout cxrt_api) -> Void]
    private let halLock = NSLock()
    nonisolated(unsafe) private var hal: cxrt_api?

    /// Where to look for `libxrt_coreutil.so.2`.
    struct Search: Sendable, Equatable {
        /// Folders tried first, in order.
        var directories: [String]
        /// Whether to try the dynamic loader's default search (LD_LIBRARY_PATH, ld.so.cache) last.
        var includeDefaultPaths: Bool

        /// `$XILINX_XRT/lib`, `/opt/xilinx/xrt/lib`, then the loader's default paths.
        static func standard(environment: (String) -> String?) -> Search {
            var directories: [String] = []
            if let home = environment("XILINX_XRT"), !home.isEmpty { directories.append(home + "/lib") }
            directories.append("/opt/xilinx/xrt/lib")
            return Search(directories: directories, includeDefaultPaths: true)
        }
    }

    static let libraryName = "libxrt_coreutil.so.2"

    private init(
        path: String, api: cxrt_api, deviceLayer: String, messages: XRTMessageLog?,
        edits: [@Sendable (inout cxrt_api) -> Void] = []
    ) {
        self.edits = edits
        self.path = path
        table = UnsafeMutablePointer<cxrt_api>.allocate(capacity: 1)
        table.initialize(to: api)
        self.deviceLayer = deviceLayer
        self.serialisesBufferCalls = XRTBufferCalls.needSerialising(deviceLayer: deviceLayer)
        self.messages = messages
    }

    /// The process's XRT, loaded once with the standard search and the real environment.
    static let shared: Result<XRTLibrary, AlveoError> = Result { () throws(AlveoError) in
        try load(search: .standard(environment: LoaderSystem.live.environment), system: .live)
    }

    /// Loads XRT. Throws ``AlveoError/xrtNotFound(searched:reasons:)`` when no candidate opens,
    /// ``AlveoError/xrtIncomplete(library:missingFunction:)`` when one lacks a function, and
    /// ``AlveoError/unsafeEnvironment(variable:problem:fix:)`` when XRT would abort the process.
    static func load(search: Search, system: LoaderSystem) throws(AlveoError) -> XRTLibrary {
        var candidates = search.directories.map { $0 + "/" + libraryName }
        if search.includeDefaultPaths { candidates.append(libraryName) }
        var reasons: [String] = []
        for candidate in candidates {
            switch system.openLibrary(candidate) {
            case .failure(let failure):
                reasons.append(failure.reason)
            case .success(let handle):
                let table = UnsafeMutablePointer<cxrt_api>.allocate(capacity: 1)
                defer { table.deallocate() }
                if let missing = cxrt_bind(handle, table) {
                    throw .xrtIncomplete(library: candidate, missingFunction: String(cString: missing))
                }
                let layer = try XRTEnvironment.check(system: system)
                let api = table.pointee
                return XRTLibrary(
                    path: candidate, api: api, deviceLayer: layer,
                    messages: routeMessages(api: api, system: system))
            }
        }
        throw .xrtNotFound(
            searched: search.directories + (search.includeDefaultPaths ? ["the default library paths"] : []),
            reasons: reasons)
    }

    deinit {
        table.deinitialize(count: 1)
        table.deallocate()
    }

    /// Points XRT's message log at our file (once per process; XRT reads its settings once).
    private static func routeMessages(api: cxrt_api, system: LoaderSystem) -> XRTMessageLog? {
        guard system.environment("XRT_INI_PATH") == nil else { return nil }
        return sharedLog(api: api)
    }

    private static let logLock = NSLock()
    nonisolated(unsafe) private static var log: XRTMessageLog?
    nonisolated(unsafe) private static var logRouted = false

    private static func sharedLog(api: cxrt_api) -> XRTMessageLog? {
        logLock.lock()
        defer { logLock.unlock() }
        if logRouted { return log }
        logRouted = true
        guard let iniSet = api.xrtIniStringSet else { return nil }
        let path = NSTemporaryDirectory() + "swift-pynq-xrt-\(getpid()).log"
        guard iniSet("Runtime.runtime_log", path) == 0 else { return nil }
        log = XRTMessageLog(path: path)
        atexit { XRTLibrary.removeLogFile() }
        return log
    }

    private static func removeLogFile() {
        if let path = log?.path { unlink(path) }
    }

    /// A copy whose table is edited by `edit` (fault injection in tests).
    func replacing(_ edit: @escaping @Sendable (inout cxrt_api) -> Void) -> XRTLibrary {
        var table = api
        edit(&table)
        return XRTLibrary(path: path, api: table, deviceLayer: deviceLayer, messages: messages, edits: edits + [edit])
    }

    /// The table with the device layer's HAL functions bound (XRT loads its device layer when it
    /// opens the first device; call after that). HAL entries are NULL where the layer lacks them.
    var halAPI: cxrt_api {
        halLock.lock()
        defer { halLock.unlock() }
        if let hal { return hal }
        var table = api
        cxrt_bind_hal(&table)
        for edit in edits { edit(&table) }
        if table.xclProbe != nil { hal = table }
        return table
    }

    /// Number of devices XRT's device layer sees (`xclProbe`; the layer is loaded by a first
    /// `xrtDeviceOpen`). Without `xclProbe`, counts the indices `xrtDeviceOpen` accepts.
    func deviceCount() -> Int {
        var hal = halAPI
        if hal.xclProbe == nil {
            if let device = api.xrtDeviceOpen(0) { _ = api.xrtDeviceClose(device) }
            hal = halAPI
        }
        _ = messages?.takeErrors()
        if let probe = hal.xclProbe { return Int(probe()) }
        var count: UInt32 = 0
        while count < 64, let device = api.xrtDeviceOpen(count) {
            _ = api.xrtDeviceClose(device)
            count += 1
        }
        _ = messages?.takeErrors()
        return Int(count)
    }

    // MARK: Failures

    /// The error for a failed call: XRT's logged message, else `strerror(errno)` / `strerror(-code)`.
    func failure(_ function: String, _ context: String, code: Int32 = 0, errno err: Int32 = 0) -> AlveoError {
        var message = messages?.takeErrors()
        if message == nil {
            let number = err != 0 ? err : (code < 0 ? -code : 0)
            message = number != 0 ? String(cString: strerror(number)) : "XRT gave no reason"
        }
        return .xrtCall(function: function, context: context, code: code, errno: err, message: message ?? "")
    }

    /// Throws when an `int`-returning XRT call did not return 0.
    @inline(__always)
    func check(_ code: Int32, _ function: String, _ context: @autoclosure () -> String) throws(AlveoError) {
        if code != 0 { throw failure(function, context(), code: code, errno: code < -1 ? -code : (code > 0 ? code : 0)) }
    }

    /// Unwraps a handle-returning XRT call (NULL → error with `errno`).
    @inline(__always)
    func unwrap(
        _ handle: UnsafeMutableRawPointer?, _ function: String, _ context: @autoclosure () -> String
    ) throws(AlveoError) -> UnsafeMutableRawPointer {
        guard let handle else { throw failure(function, context(), errno: currentErrno()) }
        return handle
    }
}
