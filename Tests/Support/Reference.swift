import Foundation

/// Where the shared reference material lives: `../shared/reference` beside the package root.
public enum Reference {
    /// The package root (the folder holding Package.swift).
    public static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }()

    /// `../shared` from the package root.
    public static let shared: URL = packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
    /// `../shared/reference/files`: the real overlay files.
    public static let filesDirectory: URL = shared.appendingPathComponent("reference/files")
    /// `../shared/reference/pynq`: what pynq 4.0.0 computes from them.
    public static let expectedDirectory: URL = shared.appendingPathComponent("reference/pynq")
    /// `../shared/reference/compare.py`.
    public static let compareScript: URL = shared.appendingPathComponent("reference/compare.py")

    /// The bytes of reference file `name`.
    public static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: filesDirectory.appendingPathComponent(name)))
    }

    /// Names of the reference files, sorted, optionally with one extension (`"xclbin"`, `"hwh"`, `"bit"`).
    public static func fileNames(withExtension ext: String? = nil) -> [String] {
        let all = (try? FileManager.default.contentsOfDirectory(atPath: filesDirectory.path)) ?? []
        return all.filter { ext == nil || $0.hasSuffix("." + ext!) }.sorted()
    }

    /// The parsed JSON that pynq computed for reference file `name`.
    public static func expected(_ name: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(contentsOf: expectedDirectory.appendingPathComponent(name + ".json")))
    }
}
