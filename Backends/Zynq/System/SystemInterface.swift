#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Synchronization

/// The one door through which the Zynq backend reaches the operating system.
///
/// Every `open`, `read`, `write`, `mmap`, `munmap`, `ioctl`, `stat`, directory listing and
/// `geteuid` of the backend goes through an instance of this class (as apple/swift-system routes its
/// calls through `Internals/Syscalls.swift`), which gives tests three things:
/// - **A root prefix.** The backend names files as on a board (`/dev/xlnk`, `/sys/class/fpga_manager/…`);
///   the interface puts `root` in front, so a temporary folder can stand in for the whole system.
/// - **Hooks** (`SyscallHooks`) that replace or fail any call — e.g. `ENOMEM` from an ioctl.
/// - **Accounting.** Open descriptors and live mappings are tracked, so a test can prove nothing leaked.
public final class SystemInterface: Sendable {
    /// A mapping made through this interface and not yet unmapped.
    public struct Mapping: Sendable, Hashable {
        public var address: UInt
        public var length: Int
        /// The file it maps (backend path, before the root prefix).
        public var path: String
        public var offset: Int64
    }

    private struct State {
        var descriptors: [Int32: String] = [:]
        var mappings: [UInt: Mapping] = [:]
    }

    /// Prefix of every path (`/` on a board).
    public let root: String
    private let hooks: SyscallHooks
    private let state = Mutex(State())

    /// The real system, rooted at `/`.
    public static let live = SystemInterface()

    /// - Parameters:
    ///   - root: folder standing in for `/`.
    ///   - hooks: replacements for system calls (tests).
    public init(root: String = "/", hooks: SyscallHooks = SyscallHooks()) {
        var trimmed = root
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.root = trimmed
        self.hooks = hooks
    }

    /// `path` (absolute, as on a board) under `root`.
    public func resolve(_ path: String) -> String {
        root == "/" ? path : root + path
    }

    /// Descriptors opened through this interface and not yet closed, with their paths.
    public var openDescriptors: [Int32: String] { state.withLock { $0.descriptors } }
    /// Mappings made through this interface and not yet unmapped.
    public var liveMappings: [Mapping] { state.withLock { Array($0.mappings.values) } }

    private func path(of fd: Int32) -> String { state.withLock { $0.descriptors[fd] } ?? "fd \(fd)" }

    private static func lastErrno() -> Int32 { errno }

    // MARK: descriptors

    /// Opens `path` (under `root`). `EACCES`/`EPERM` become `ZynqError.permissionDenied`.
    public func open(_ path: String, _ flags: Int32, mode: mode_t = 0o644) throws -> Int32 {
        let fd: Int32
        do throws(SyscallFailure) {
            if let hooked = try hooks.open?(path, flags) {
                fd = hooked
            } else {
                fd = retryingEINTR { Glibc.open(resolve(path), flags | O_CLOEXEC, mode) }
                if fd < 0 { throw SyscallFailure(Self.lastErrno()) }
            }
        } catch {
            if error.code == EACCES || error.code == EPERM {
                throw ZynqError.permissionDenied(path: path, uid: geteuid())
            }
            throw ZynqError.systemCall(call: "open", path: path, errno: error.code)
        }
        state.withLock { $0.descriptors[fd] = path }
        return fd
    }

    /// Closes `fd`. Linux releases the descriptor even when `close` reports an error, so this cannot fail.
    public func close(_ fd: Int32) {
        let known = state.withLock { $0.descriptors.removeValue(forKey: fd) != nil }
        if known { _ = Glibc.close(fd) }
    }

    /// Reads up to `buffer.count` bytes at the current position (or at `offset` with `pread`).
    public func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64? = nil) throws -> Int {
        let n = retryingEINTR {
            if let offset { return Glibc.pread(fd, buffer.baseAddress, buffer.count, off_t(offset)) }
            return Glibc.read(fd, buffer.baseAddress, buffer.count)
        }
        if n < 0 { throw ZynqError.systemCall(call: offset == nil ? "read" : "pread", path: path(of: fd), errno: Self.lastErrno()) }
        return n
    }

    /// Writes all of `bytes` (looping over short writes).
    public func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws {
        var done = 0
        repeat {
            let rest = UnsafeRawBufferPointer(rebasing: bytes[done...])
            let n: Int
            do throws(SyscallFailure) {
                if let hooked = try hooks.write?(fd, path(of: fd), rest) {
                    n = hooked
                } else {
                    n = retryingEINTR { Glibc.write(fd, rest.baseAddress, rest.count) }
                    if n < 0 { throw SyscallFailure(Self.lastErrno()) }
                }
            } catch {
                throw ZynqError.systemCall(call: "write", path: path(of: fd), errno: error.code)
            }
            if n == 0 && !rest.isEmpty { throw ZynqError.systemCall(call: "write", path: path(of: fd), errno: EIO) }
            done += n
        } while done < bytes.count
    }

    // MARK: memory

    /// Maps `length` bytes of `fd` at `offset`; the mapping is tracked until `munmap`.
    public func mmap(length: Int, protection: Int32, flags: Int32, fd: Int32, offset: Int64) throws -> UnsafeMutableRawPointer {
        let file = path(of: fd)
        let address: UnsafeMutableRawPointer
        do throws(SyscallFailure) {
            if let hooked = try hooks.mmap?(fd, file, length, protection, flags, offset) {
                address = hooked
            } else {
                let p = Glibc.mmap(nil, length, protection, flags, fd, off_t(offset))
                guard let p, p != MAP_FAILED else { throw SyscallFailure(Self.lastErrno()) }
                address = p
            }
        } catch {
            throw ZynqError.systemCall(call: "mmap", path: file, errno: error.code)
        }
        state.withLock {
            $0.mappings[UInt(bitPattern: address)] = Mapping(address: UInt(bitPattern: address), length: length, path: file, offset: offset)
        }
        return address
    }

    /// Unmaps a mapping made by `mmap`.
    public func munmap(_ address: UnsafeMutableRawPointer, length: Int) throws {
        let mapping = state.withLock { $0.mappings[UInt(bitPattern: address)] }
        if Glibc.munmap(address, length) != 0 {
            throw ZynqError.systemCall(call: "munmap", path: mapping?.path, errno: Self.lastErrno())
        }
        state.withLock { _ = $0.mappings.removeValue(forKey: UInt(bitPattern: address)) }
    }

    /// `ioctl(fd, request, argument)`; `name` names the request in errors.
    @discardableResult
    public func ioctl(_ fd: Int32, _ request: UInt, _ argument: UnsafeMutableRawPointer, name: String) throws -> Int32 {
        do throws(SyscallFailure) {
            if let hooked = try hooks.ioctl?(fd, path(of: fd), request, argument) { return hooked }
            let r = retryingEINTR { Glibc.ioctl(fd, request, argument) }
            if r < 0 { throw SyscallFailure(Self.lastErrno()) }
            return r
        } catch {
            throw ZynqError.systemCall(call: "ioctl \(name)", path: path(of: fd), errno: error.code)
        }
    }

    // MARK: files and folders

    /// Whether `path` exists (any kind of file).
    public func exists(_ path: String) -> Bool {
        if let hooked = hooks.exists?(path) { return hooked }
        var info = stat()
        return fstatat(AT_FDCWD, resolve(path), &info, 0) == 0
    }

    /// Names in directory `path`, sorted, without `.` and `..`.
    public func listDirectory(_ path: String) throws -> [String] {
        if let hooked = hooks.exists?(path), !hooked { throw ZynqError.systemCall(call: "opendir", path: path, errno: ENOENT) }
        guard let dir = Glibc.opendir(resolve(path)) else {
            throw ZynqError.systemCall(call: "opendir", path: path, errno: Self.lastErrno())
        }
        defer { Glibc.closedir(dir) }
        var names: [String] = []
        while let entry = Glibc.readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// Creates directory `path` (mode 0755); an existing directory is fine.
    public func makeDirectory(_ path: String) throws {
        if Glibc.mkdir(resolve(path), 0o755) != 0 && errno != EEXIST {
            throw ZynqError.systemCall(call: "mkdir", path: path, errno: Self.lastErrno())
        }
    }

    /// Removes empty directory `path` (in configfs: undoes what `mkdir` created).
    public func removeDirectory(_ path: String) throws {
        do throws(SyscallFailure) {
            if try hooks.removeDirectory?(path) == true { return }
            if Glibc.rmdir(resolve(path)) != 0 { throw SyscallFailure(Self.lastErrno()) }
        } catch {
            throw ZynqError.systemCall(call: "rmdir", path: path, errno: error.code)
        }
    }

    /// Removes file `path`.
    public func unlink(_ path: String) throws {
        if Glibc.unlink(resolve(path)) != 0 { throw ZynqError.systemCall(call: "unlink", path: path, errno: Self.lastErrno()) }
    }

    // MARK: process

    /// Effective user id (0 = root).
    public func geteuid() -> UInt32 { hooks.geteuid?() ?? Glibc.geteuid() }

    /// Size of a memory page in bytes.
    public var pageSize: Int { hooks.pageSize ?? Int(Glibc.sysconf(Int32(_SC_PAGESIZE))) }

    private func retryingEINTR<T: BinaryInteger>(_ call: () -> T) -> T {
        while true {
            let r = call()
            if r >= 0 || errno != EINTR { return r }
        }
    }
}

/// An errno a hook makes a call fail with.
public struct SyscallFailure: Error, Sendable, Hashable {
    public var code: Int32
    public init(_ code: Int32) { self.code = code }
}

/// Replacements for system calls, for tests. Each hook receives the call's arguments (paths as the backend
/// names them, before the root prefix; for descriptor calls also the path the descriptor was opened
/// with) and returns `nil` to let the real call run, a value to return instead of calling the system,
/// or throws an `SyscallFailure` to make the call fail with it.
public struct SyscallHooks: Sendable {
    public var open: (@Sendable (_ path: String, _ flags: Int32) throws(SyscallFailure) -> Int32?)?
    public var write: (@Sendable (_ fd: Int32, _ path: String, _ bytes: UnsafeRawBufferPointer) throws(SyscallFailure) -> Int?)?
    public var mmap: (@Sendable (_ fd: Int32, _ path: String, _ length: Int, _ protection: Int32, _ flags: Int32,
                                 _ offset: Int64) throws(SyscallFailure) -> UnsafeMutableRawPointer?)?
    public var ioctl: (@Sendable (_ fd: Int32, _ path: String, _ request: UInt,
                                  _ argument: UnsafeMutableRawPointer) throws(SyscallFailure) -> Int32?)?
    /// Replaces `rmdir` (return `true` when the hook removed the directory itself, as configfs removes
    /// a folder together with its attribute files).
    public var removeDirectory: (@Sendable (_ path: String) throws(SyscallFailure) -> Bool?)?
    /// Overrides whether a path exists (`false` hides a file that is there).
    public var exists: (@Sendable (_ path: String) -> Bool?)?
    public var geteuid: (@Sendable () -> UInt32?)?
    public var pageSize: Int?

    public init() {}
}
