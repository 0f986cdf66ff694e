import PynqBackend
#if canImport(Glibc)
import Glibc
#endif

/// A UIO device (`/dev/uioN`) that delivers one PL interrupt to user space: writing 1 unmasks it,
/// reading 4 bytes blocks until it fires and returns the event count (pynq's `UioController`).
public final class UIODevice: InterruptLine {
    /// Path of the device node, e.g. `/dev/uio0`.
    public let path: String
    /// The name the UIO driver gives it (`/sys/class/uio/uioN/name`).
    public let uioName: String
    private let system: SystemInterface
    private let fd: Int32

    init(path: String, uioName: String, system: SystemInterface) throws {
        self.path = path
        self.uioName = uioName
        self.system = system
        fd = try system.open(path, O_RDWR)
    }

    deinit { system.close(fd) }

    public var name: String { "\(path) (\(uioName))" }

    public func enable() throws {
        let one: [UInt8] = [1, 0, 0, 0]
        try one.withUnsafeBytes { try system.write(fd, $0) }
    }

    public func waitForEvent() throws -> UInt32 {
        var count: UInt32 = 0
        let read = try withUnsafeMutableBytes(of: &count) { try system.read(fd, into: $0, at: 0) }
        guard read == 4 else {
            throw ZynqError.badSystemFile(path: path, contents: "\(read) bytes", expected: "a 4-byte event count")
        }
        return UInt32(littleEndian: count)
    }
}

extension ZynqBackend: InterruptCapable {
    /// The UIO device of raw IRQ `rawIRQ`, found as pynq's `get_uio_irq` finds it: the line of
    /// `/proc/interrupts` whose third-from-last column is the IRQ names the device in its last column,
    /// and `/sys/class/uio/uioN/name` holding that name gives `/dev/uioN`.
    /// - Throws: `ZynqError.badSystemFile` when no line or device matches, or the open's error.
    public func interruptLine(rawIRQ: Int) throws -> any InterruptLine {
        try uioDevice(rawIRQ: rawIRQ)
    }

    /// `interruptLine(rawIRQ:)` with the concrete type.
    public func uioDevice(rawIRQ: Int) throws -> UIODevice {
        let interrupts = try system.readText("/proc/interrupts")
        let names = interrupts.split(separator: "\n").compactMap { line -> String? in
            let columns = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard columns.count >= 3, columns[columns.count - 3] == "\(rawIRQ)" else { return nil }
            return String(columns[columns.count - 1])
        }
        guard let deviceName = names.first else {
            throw ZynqError.badSystemFile(path: "/proc/interrupts", contents: "no line for IRQ \(rawIRQ)",
                                          expected: "a line whose third-from-last column is \(rawIRQ) (is the UIO driver bound to the interrupt?)")
        }
        let uios = (try? system.listDirectory("/sys/class/uio")) ?? []
        for uio in uios.sorted() {
            let name = try? system.readText("/sys/class/uio/\(uio)/name")
            if name == deviceName { return try UIODevice(path: "/dev/\(uio)", uioName: deviceName, system: system) }
        }
        throw ZynqError.badSystemFile(path: "/sys/class/uio", contents: uios.joined(separator: ", "),
                                      expected: "a UIO device named \(deviceName) (for IRQ \(rawIRQ))")
    }
}
