import Foundation

/// XRT's own error messages, so XRT failures can carry them.
///
/// XRT 2.13's C API reports a failure by a return code (or a NULL handle and `errno`) and writes the
/// reason ("Failed to open file 'x' for reading", "No such kernel 'k'") to its message log; its
/// `xrtErrorGetString` is declared but not exported by libxrt_coreutil.so.2. So, before the first XRT
/// call, the loader points XRT's log (`Runtime.runtime_log`, via `xrtIniStringSet`) at a file of ours
/// and, after a failed call, reads the ERROR lines XRT appended since the previous read.
///
/// The file is `<temporary folder>/swift-pynq-xrt-<pid>.log`; it is removed when the process exits.
/// With `XRT_INI_PATH` set (the user configures XRT's logging), XRT's settings are left alone and
/// errors carry `strerror` text only. Concurrent failures in several threads may swap messages.
final class XRTMessageLog: @unchecked Sendable {
    let path: String
    private let lock = NSLock()
    private var consumed: UInt64 = 0

    init(path: String) {
        self.path = path
    }

    /// Takes the ERROR messages XRT wrote since the last call ("; "-joined), or nil.
    func takeErrors() -> String? {
        lock.lock()
        defer { lock.unlock() }
        guard let file = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? file.close() }
        let end = (try? file.seekToEnd()) ?? 0
        guard end > consumed else {
            if end < consumed { consumed = end }
            return nil
        }
        guard (try? file.seek(toOffset: consumed)) != nil, let data = try? file.readToEnd() else { return nil }
        consumed = end
        let messages = String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { line -> String? in
            guard let range = line.range(of: "ERROR: ") else { return nil }
            return String(line[range.upperBound...]).trimmingCharacters(in: .whitespaces)
        }
        return messages.isEmpty ? nil : messages.joined(separator: "; ")
    }

    /// Forgets what XRT logged so far (so the next failure reads only its own messages).
    func skipToEnd() {
        lock.lock()
        defer { lock.unlock() }
        if let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let size = attributes[.size] as? NSNumber
        {
            consumed = size.uint64Value
        }
    }
}
