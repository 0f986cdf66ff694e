#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Whole-file reads and writes (sysfs attributes, procfs tables, firmware images) built on the
/// interface's own calls, so hooks and accounting see them.
extension SystemInterface {
    /// All bytes of `path`.
    public func readFile(_ path: String) throws -> [UInt8] {
        let fd = try open(path, O_RDONLY)
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = try chunk.withUnsafeMutableBytes { (raw) throws -> Int in try read(fd, into: raw) }
            if n == 0 { break }
            bytes += chunk[..<n]
        }
        return bytes
    }

    /// The text of `path` without surrounding white space (a sysfs attribute's value).
    public func readText(_ path: String) throws -> String {
        let text = String(decoding: try readFile(path), as: UTF8.self)
        return String(text.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }

    /// Writes `bytes` to `path`, truncating it (creating it with mode 0644 when `create`).
    public func writeFile(_ path: String, _ bytes: some Collection<UInt8>, create: Bool = false) throws {
        let fd = try open(path, O_WRONLY | O_TRUNC | (create ? O_CREAT : 0))
        defer { close(fd) }
        let contiguous = Array(bytes)
        try contiguous.withUnsafeBytes { (raw) throws in try write(fd, raw) }
    }

    /// Writes `text` to `path` (a sysfs attribute).
    public func writeText(_ path: String, _ text: String) throws {
        try writeFile(path, Array(text.utf8))
    }

    /// The unsigned integer in `path`: decimal, or hexadecimal with a `0x` prefix.
    public func readUnsigned(_ path: String) throws -> UInt64 {
        let text = try readText(path)
        guard let value = parseUnsigned(text) else {
            throw ZynqError.badSystemFile(path: path, contents: text, expected: "an unsigned number (decimal or 0x-hex)")
        }
        return value
    }
}

/// `text` as an unsigned number: decimal, or hexadecimal with a `0x`/`0X` prefix.
func parseUnsigned(_ text: String) -> UInt64? {
    if text.hasPrefix("0x") || text.hasPrefix("0X") { return UInt64(text.dropFirst(2), radix: 16) }
    return UInt64(text)
}
