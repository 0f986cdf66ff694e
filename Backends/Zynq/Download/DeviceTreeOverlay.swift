#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A device-tree overlay (`.dtbo`) applied through configfs, as pynq's `DeviceTreeSegment`:
/// `mkdir /sys/kernel/config/device-tree/overlays/<name>`, the blob written to its `dtbo` file in one
/// write, read back to check the kernel took it, and `status` reading `applied`. Removing is `rmdir`.
public struct DeviceTreeOverlay: Sendable, Hashable {
    public static let overlaysPath = "/sys/kernel/config/device-tree/overlays"
    /// The file name up to its first `.` (pynq's `get_dtbo_base_name`).
    public let name: String
    /// The `.dtbo` file.
    public let path: String

    public init(path: String) {
        self.path = path
        name = String(OverlayFiles.fileName(of: path).prefix { $0 != "." })
    }

    /// The overlay's configfs folder.
    public var directory: String { Self.overlaysPath + "/" + name }

    /// Whether the kernel reports the overlay as applied.
    public func isApplied(system: SystemInterface) -> Bool {
        (try? system.readText(directory + "/status")) == "applied"
    }

    /// Applies the overlay (removing an earlier one of the same name first). On failure the configfs
    /// folder is removed again.
    public func insert(system: SystemInterface) throws {
        let blob = try system.readFile(path)
        remove(system: system)
        try system.makeDirectory(directory)
        do {
            try system.writeFile(directory + "/dtbo", blob, create: true)
            // The kernel keeps the blob only if it accepted it; it must be read back in one call.
            let fd = try system.open(directory + "/dtbo", O_RDONLY)
            defer { system.close(fd) }
            var readBack = [UInt8](repeating: 0, count: 1 << 20)
            let n = try readBack.withUnsafeMutableBytes { try system.read(fd, into: $0) }
            guard Array(readBack[..<n]) == blob, isApplied(system: system) else {
                throw ZynqError.unsupportedDesign(reason: "the kernel did not apply device-tree overlay \(path); check dmesg")
            }
        } catch {
            remove(system: system)
            throw error
        }
    }

    /// Removes the overlay if it is there.
    public func remove(system: SystemInterface) {
        if system.exists(directory) { try? system.removeDirectory(directory) }
    }
}
