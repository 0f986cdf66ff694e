#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The one place where backends call the operating system (model: swift-system's `Syscalls.swift`).
/// Each call is a closure, so that tests can build a `SystemCalls` whose calls fail on demand
/// (`failing(_:errno:after:)`) and run the real backend code against it. Errors come back as
/// `BackendError.systemCall` with the call's name, the path when there is one, and `errno`.
package struct SystemCalls: Sendable {
    /// The calls that can be made to fail.
    package enum Call: String, Sendable, Hashable, CaseIterable {
        case mmap, munmap, madvise, open, read, fstat, close
    }

    /// `mmap(nil, length, prot, flags, fd, offset)`.
    package var mmap: @Sendable (_ length: Int, _ protection: Int32, _ flags: Int32, _ fd: Int32, _ offset: Int)
        throws(BackendError) -> UnsafeMutableRawPointer
    /// `munmap(address, length)`.
    package var munmap: @Sendable (_ address: UnsafeMutableRawPointer, _ length: Int) throws(BackendError) -> Void
    /// `madvise(address, length, advice)`.
    package var madvise: @Sendable (_ address: UnsafeMutableRawPointer, _ length: Int, _ advice: Int32)
        throws(BackendError) -> Void
    /// `open(path, flags)`; returns the descriptor.
    package var open: @Sendable (_ path: String, _ flags: Int32) throws(BackendError) -> Int32
    /// `read(fd, buffer, count)`; returns the number of bytes read (0 at end of file).
    package var read: @Sendable (_ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer) throws(BackendError) -> Int
    /// `fstat(fd)`; returns the file's size and whether it is a regular file.
    package var fstat: @Sendable (_ fd: Int32) throws(BackendError) -> (size: Int, isRegular: Bool)
    /// `close(fd)`.
    package var close: @Sendable (_ fd: Int32) throws(BackendError) -> Void

    /// The operating system's calls.
    package static let live = SystemCalls(
        mmap: { length, protection, flags, fd, offset throws(BackendError) in
            #if canImport(Darwin)
            let result = Darwin.mmap(nil, length, protection, flags, fd, off_t(offset))
            #else
            let result = Glibc.mmap(nil, length, protection, flags, fd, off_t(offset))
            #endif
            guard let result, result != MAP_FAILED else {
                throw .systemCall(call: "mmap", path: nil, errno: errno)
            }
            return result
        },
        munmap: { address, length throws(BackendError) in
            #if canImport(Darwin)
            let result = Darwin.munmap(address, length)
            #else
            let result = Glibc.munmap(address, length)
            #endif
            guard result == 0 else { throw .systemCall(call: "munmap", path: nil, errno: errno) }
        },
        madvise: { address, length, advice throws(BackendError) in
            #if canImport(Darwin)
            let result = Darwin.madvise(address, length, advice)
            #else
            let result = Glibc.madvise(address, length, advice)
            #endif
            guard result == 0 else { throw .systemCall(call: "madvise", path: nil, errno: errno) }
        },
        open: { path, flags throws(BackendError) in
            #if canImport(Darwin)
            let fd = Darwin.open(path, flags)
            #else
            let fd = Glibc.open(path, flags)
            #endif
            guard fd >= 0 else { throw .systemCall(call: "open", path: path, errno: errno) }
            return fd
        },
        read: { fd, buffer throws(BackendError) in
            while true {
                #if canImport(Darwin)
                let count = Darwin.read(fd, buffer.baseAddress, buffer.count)
                #else
                let count = Glibc.read(fd, buffer.baseAddress, buffer.count)
                #endif
                if count >= 0 { return count }
                if errno != EINTR { throw .systemCall(call: "read", path: nil, errno: errno) }
            }
        },
        fstat: { fd throws(BackendError) in
            var info = stat()
            #if canImport(Darwin)
            let result = Darwin.fstat(fd, &info)
            #else
            let result = Glibc.fstat(fd, &info)
            #endif
            guard result == 0 else { throw .systemCall(call: "fstat", path: nil, errno: errno) }
            return (Int(info.st_size), (info.st_mode & S_IFMT) == S_IFREG)
        },
        close: { fd throws(BackendError) in
            #if canImport(Darwin)
            let result = Darwin.close(fd)
            #else
            let result = Glibc.close(fd)
            #endif
            guard result == 0 else { throw .systemCall(call: "close", path: nil, errno: errno) }
        })

    /// A copy whose `call` succeeds `after` times and then fails with `errno` every time.
    package func failing(_ call: Call, errno: Int32, after successes: Int = 0) -> SystemCalls {
        let budget = Budget(successes)
        var copy = self
        let fail: @Sendable () throws(BackendError) -> Void = { () throws(BackendError) in
            if !budget.take() { throw BackendError.systemCall(call: call.rawValue, path: nil, errno: errno) }
        }
        switch call {
        case .mmap:
            let real = mmap
            copy.mmap = { l, p, f, d, o throws(BackendError) in try fail(); return try real(l, p, f, d, o) }
        case .munmap:
            let real = munmap
            copy.munmap = { a, l throws(BackendError) in try fail(); try real(a, l) }
        case .madvise:
            let real = madvise
            copy.madvise = { a, l, v throws(BackendError) in try fail(); try real(a, l, v) }
        case .open:
            let real = open
            copy.open = { p, f throws(BackendError) in
                do { try fail() } catch { throw .systemCall(call: "open", path: p, errno: errno) }
                return try real(p, f)
            }
        case .read:
            let real = read
            copy.read = { d, b throws(BackendError) in try fail(); return try real(d, b) }
        case .fstat:
            let real = fstat
            copy.fstat = { d throws(BackendError) in try fail(); return try real(d) }
        case .close:
            let real = close
            copy.close = { d throws(BackendError) in try fail(); try real(d) }
        }
        return copy
    }

    /// Reads the whole regular file at `path`.
    /// - Throws: `BackendError.systemCall` naming the call and the path (`ENOENT` for a missing file,
    ///   `EISDIR` for a folder).
    package func readFile(at path: String) throws(BackendError) -> [UInt8] {
        let fd = try open(path, O_RDONLY)
        do throws(BackendError) {
            let info: (size: Int, isRegular: Bool)
            do throws(BackendError) { info = try fstat(fd) } catch { throw withPath(error, path) }
            guard info.isRegular else { throw BackendError.systemCall(call: "read", path: path, errno: EISDIR) }
            // Read to the end of file: sizes from fstat may be 0 (procfs) or stale.
            var bytes = [UInt8](repeating: 0, count: max(info.size + 1, 4096))
            var filled = 0
            var failure: BackendError?
            while failure == nil {
                if filled == bytes.count { bytes.append(contentsOf: repeatElement(0, count: bytes.count)) }
                let count: Int? = bytes.withUnsafeMutableBytes { raw in
                    do throws(BackendError) {
                        return try read(fd, UnsafeMutableRawBufferPointer(rebasing: raw[filled...]))
                    } catch {
                        failure = withPath(error, path)
                        return nil
                    }
                }
                guard let count, count > 0 else { break }
                filled += count
            }
            if let failure { throw failure }
            try? close(fd)
            return Array(bytes[..<filled])
        } catch {
            try? close(fd)
            throw error
        }
    }

    private func withPath(_ error: BackendError, _ path: String) -> BackendError {
        if case .systemCall(let call, nil, let code) = error { return .systemCall(call: call, path: path, errno: code) }
        return error
    }
}

/// A thread-safe countdown of allowed successes.
private final class Budget: Sendable {
    private let remaining: Locked<Int>
    init(_ count: Int) { remaining = Locked(count) }
    func take() -> Bool {
        remaining.withLock { value in
            guard value > 0 else { return false }
            value -= 1
            return true
        }
    }
}
