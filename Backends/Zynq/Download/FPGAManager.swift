#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The kernel's FPGA manager (`/sys/class/fpga_manager/fpga0`) and the firmware folder it loads from.
///
/// Programming is: the `.bin` image goes to `/lib/firmware/<name>`, `flags` gets `0` (full) or `1`
/// (partial reconfiguration), then `firmware` gets the file *name*; the kernel loads it during that
/// write and reports failure as the write's error. `state` reads `operating` afterwards.
public struct FPGAManager: Sendable {
    public static let path = "/sys/class/fpga_manager/fpga0"
    public static let firmwareFolder = "/lib/firmware"
    let system: SystemInterface

    public init(system: SystemInterface) { self.system = system }

    /// Whether the manager is there (pynq's probe: `fpga0/firmware` exists).
    public var exists: Bool { system.exists(Self.path + "/firmware") }

    /// Writes `image` to `/lib/firmware/<binName>` and programs it; the file is removed again if
    /// programming fails.
    public func program(binName: String, image: [UInt8], partial: Bool) throws {
        guard exists else { throw ZynqError.noFPGAManager(path: Self.path + "/firmware") }
        guard !binName.isEmpty, !binName.contains("/") else {
            throw ZynqError.badBitstream(path: binName, reason: "firmware names must be plain file names")
        }
        let binPath = Self.firmwareFolder + "/" + binName
        try system.writeFile(binPath, image, create: true)
        do {
            try system.writeText(Self.path + "/flags", partial ? "1" : "0")
            try system.writeText(Self.path + "/firmware", binName)
            if system.exists(Self.path + "/state") {
                let state = try system.readText(Self.path + "/state")
                guard state == "operating" else { throw ZynqError.downloadFailed(firmware: binName, state: state) }
            }
        } catch {
            try? system.unlink(binPath)
            throw error
        }
    }
}
