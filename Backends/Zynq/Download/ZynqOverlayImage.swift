import PynqBackend
import PynqHWH

/// Overlays for Zynq boards: a `.bit` file with its `.hwh` beside it (pynq's `Overlay("x.bit")`).
public enum ZynqOverlayImage {
    /// Reads bitstream `path` and the metadata beside it (`<stem>.hwh`) into an image for
    /// `ZynqBackend.download(_:)` / `Overlay(image:)`.
    /// - Throws: `ZynqError.badBitstream` when there is no `.hwh` beside the bitstream,
    ///   `ZynqError.systemCall` / `.permissionDenied` when a file cannot be read, `MetadataError` for a
    ///   malformed `.hwh`.
    public static func load(bitstream path: String, system: SystemInterface = .live) throws -> OverlayImage {
        let files = OverlayFiles.locate(bitstream: path, system: system)
        guard let hwh = files.hwh else {
            throw ZynqError.badBitstream(path: path, reason: "no metadata beside it: \(OverlayFiles.stem(of: path)).hwh not found")
        }
        let bytes = try system.readFile(path)
        let description = try HWH.read(bytes: try system.readFile(hwh), source: hwh).overlayDescription()
        return OverlayImage(description: description, path: path, bytes: bytes)
    }
}
