/// The files pynq looks for beside a bitstream: same folder, same stem (`base.bit` → `base.hwh`,
/// `base.xclbin`, `base.dtbo`).
public struct OverlayFiles: Sendable, Hashable {
    /// The bitstream itself.
    public var bitstream: String
    /// `<stem>.hwh`, if it exists: the overlay's metadata.
    public var hwh: String?
    /// `<stem>.xclbin`, if it exists (PYNQ 3 loads it into zocl).
    public var xclbin: String?
    /// `<stem>.dtbo`, if it exists: a device-tree overlay to insert after the download.
    public var dtbo: String?

    /// `<stem>.bin`: the name the firmware image gets in `/lib/firmware`.
    public var binName: String { Self.stem(of: Self.fileName(of: bitstream)) + ".bin" }

    /// Finds the companions of `bitstream` (a path as seen by `system`, i.e. under its root).
    public static func locate(bitstream: String, system: SystemInterface) -> OverlayFiles {
        let base = stem(of: bitstream)
        func companion(_ ext: String) -> String? {
            let candidate = base + "." + ext
            return system.exists(candidate) ? candidate : nil
        }
        return OverlayFiles(bitstream: bitstream, hwh: companion("hwh"), xclbin: companion("xclbin"), dtbo: companion("dtbo"))
    }

    /// `path` without its extension (the part after the last `.` of the file name).
    static func stem(of path: String) -> String {
        let name = fileName(of: path)
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return path }
        return String(path.dropLast(name.distance(from: dot, to: name.endIndex)))
    }

    /// The last component of `path`.
    static func fileName(of path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? path
    }
}
