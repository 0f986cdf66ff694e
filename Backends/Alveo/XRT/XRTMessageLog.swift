import Foundation

/// XRT's own error messages, so XRT failures can carry them.
///
/// XRT 2.13's C API reports a failure by a return code (or a NULL handle and `errno`) and writes the
/// reason ("Failed to open file 'x' for reading", "No such kernel 'k'") to its message log; its
/// `xrtErrorGetString` is declared but not exported by libxrt_coreutil.so.2. So, before the first XRT
/// call, the loader points XRT's log (`Runtime.runtime_log`, via `xrtIniStringSet`) at a file of ours
/// and, after a failed call, reads the ERROR lines XRT appended since.
///
/// XRT writes each line as `[date] [XRT] Tid: <pthread_self>,  ERROR: <message>` from the thread that
/// made the failing call, so messages are handed to the thread they belong to: concurrent failures
/// in several threads do not swap messages. Lines of other threads wait (at most `pendingLimit` per
/// thread, the newest kept) until their thread asks.
///
/// The file is `<temporary folder>/swift-pynq-xrt-<pid>.log`; it is removed when the process exits.
/// With `XRT_INI_PATH` set (the user configures XRT's logging), XRT's settings are left alone and
/// errors carry `strerror` text only.
final class XRTMessageLog: @unchecked Sendable {
    let path: String
    private let lock = NSLock()
    private var consumed: UInt64 = 0
    private var pending: [String: [String]] = [:]
    static let pendingLimit = 16

    init(path: String) {
        self.path = path
    }

    /// The calling thread's id as XRT prints it.
    static var currentThread: String { String(UInt(bitPattern: Int(bitPattern: pthread_self()))) }

    /// Takes the ERROR messages XRT wrote for the calling thread since the last call ("; "-joined), or nil.
    func takeErrors() -> String? {
        let thread = Self.currentThread
        lock.lock()
        defer { lock.unlock() }
        readNewLines()
        guard let messages = pending.removeValue(forKey: thread), !messages.isEmpty else { return nil }
        return messages.joined(separator: "; ")
    }

    private func readNewLines() {
        guard let file = FileHandle(forReadingAtPath: path) else { return }
        defer { try? file.close() }
        let end = (try? file.seekToEnd()) ?? 0
        if end < consumed { consumed = 0 }
        guard end > consumed, (try? file.seek(toOffset: consumed)) != nil, let data = try? file.readToEnd() else { return }
        // Only whole lines: XRT may be writing the next one.
        guard let lastNewline = data.lastIndex(of: UInt8(ascii: "\n")) else { return }
        consumed += UInt64(lastNewline - data.startIndex + 1)
        for line in String(decoding: data[...lastNewline], as: UTF8.self).split(separator: "\n") {
            guard let error = line.range(of: "ERROR: ") else { continue }
            var thread = ""
            if let tid = line.range(of: "Tid: ") {
                thread = String(line[tid.upperBound...].prefix { $0.isNumber })
            }
            var messages = pending[thread] ?? []
            messages.append(String(line[error.upperBound...]).trimmingCharacters(in: .whitespaces))
            pending[thread] = messages.suffix(Self.pendingLimit)
        }
        if pending.count > 64, let stale = pending.keys.first(where: { $0 != Self.currentThread }) {
            pending.removeValue(forKey: stale)
        }
    }
}
