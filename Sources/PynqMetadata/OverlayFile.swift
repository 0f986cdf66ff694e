import Foundation

/// One overlay file read by whichever reader its format needs: the single entry point that the
/// `pynq` command and the runtime use to open `.xclbin`, `.hwh` and `.bit` files.
public struct OverlayFile: Sendable {
    /// The file's name or path, as given.
    public let name: String
    public let kind: OverlayFileKind
    /// What `pynq inspect FILE --json` prints: pynq's dictionaries for this file (see `compare.py`).
    /// Assembled from the reader's result on each access.
    public var inspectJSON: MetaValue {
        switch content {
        case .xclbin(let x): return x.inspectJSON()
        case .hwh(let h): return h.inspectJSON()
        case .bit(let b): return b.inspectJSON()
        }
    }
    /// The design the file describes (xclbin and HWH files). Its typed model is made on each access from
    /// the reader's result: keep the value rather than asking again.
    public var overlay: OverlayDescription? {
        switch content {
        case .xclbin(let x): return x.overlayDescription()
        case .hwh(let h): return h.overlayDescription()
        case .bit: return nil
        }
    }
    /// The bitstream's header and payload (`.bit` files).
    public var bitstream: BitFile? {
        if case .bit(let b) = content { return b } else { return nil }
    }
    /// The parsed xclbin (`.xclbin` files).
    public var xclbin: XclbinFile? {
        if case .xclbin(let x) = content { return x } else { return nil }
    }
    /// The parsed hardware hand-off (`.hwh` files).
    public var hwh: HWHFile? {
        if case .hwh(let h) = content { return h } else { return nil }
    }

    /// What the format's reader returned.
    enum Content: Sendable {
        case xclbin(XclbinFile)
        case hwh(HWHFile)
        case bit(BitFile)
    }
    let content: Content

    /// Reads an overlay file from its bytes. The kind comes from `name`'s extension and must agree with
    /// the content; without a known extension it comes from the content alone. Every dictionary pynq
    /// makes for the file is made here; `inspectJSON` and `overlay` assemble views of them.
    /// - Throws: `MetadataError` — `.badMagic` when the content is no known format or disagrees with the
    ///   extension, or whatever the format's reader throws.
    public static func read(bytes: [UInt8], name: String) throws -> OverlayFile {
        let kind = try detectKind(bytes: bytes, name: name)
        switch kind {
        case .bit:
            return OverlayFile(name: name, kind: kind, content: .bit(try Bitstream.read(bytes: bytes, source: name)))
        case .xclbin:
            return OverlayFile(name: name, kind: kind, content: .xclbin(try Xclbin.read(bytes: bytes, source: name)))
        case .hwh:
            return OverlayFile(name: name, kind: kind, content: .hwh(try HWH.read(bytes: bytes, source: name)))
        }
    }

    /// Reads the overlay file at `path` (see `read(bytes:name:)`).
    /// - Throws: `MetadataError` with kind `.unreadable` when the file is missing or cannot be read.
    public static func load(path: String) throws -> OverlayFile {
        try read(bytes: readFile(path), name: path)
    }

    /// The kind of the file `name` with content `bytes`.
    public static func detectKind(bytes: [UInt8], name: String) throws -> OverlayFileKind {
        guard let byName = OverlayFileKind(fileName: name) else {
            guard let byContent = OverlayFileKind(content: bytes) else {
                throw MetadataError(
                    .badMagic, part: name, offset: 0,
                    reason: "not an overlay file: neither an xclbin (magic 'xclbin2'), nor a hardware hand-off (XML with an EDKSYSTEM root), nor a .bit bitstream")
            }
            return byContent
        }
        guard byName.matches(bytes) else {
            let byContent = OverlayFileKind(content: bytes)
            let what = byContent.map { "its content is a .\($0.rawValue) file" } ?? "its content is no overlay format"
            throw MetadataError(
                .badMagic, part: name, offset: 0,
                reason: "the name says .\(byName.rawValue) but \(what); \(byName.expectation)")
        }
        return byName
    }

    /// The `.hwh` file beside a `.bit` file (same folder and stem), as pynq looks for it.
    public static func companionHWHPath(forBitstream path: String) -> String {
        let stem = path.lowercased().hasSuffix(".bit") ? String(path.dropLast(4)) : path
        return stem + ".hwh"
    }

    /// The contents of the file at `path`.
    /// - Throws: `MetadataError` with kind `.unreadable` saying why.
    static func readFile(_ path: String) throws -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw MetadataError(.unreadable, part: path, reason: "no such file; check the path")
        }
        guard !isDirectory.boolValue else {
            throw MetadataError(.unreadable, part: path, reason: "is a folder, not a file")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MetadataError(.unreadable, part: path, reason: "cannot be read; check its permissions")
        }
        return [UInt8](data)
    }
}

extension OverlayFileKind {
    /// What a file of this kind starts with, for error messages.
    var expectation: String {
        switch self {
        case .xclbin: return "an xclbin starts with the magic 'xclbin2'"
        case .hwh: return "a hardware hand-off is XML whose root element is EDKSYSTEM"
        case .bit: return "a .bit file starts with a preamble followed by its 'a' (design) section"
        }
    }
}
