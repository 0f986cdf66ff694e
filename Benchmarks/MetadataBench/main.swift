// Times the metadata readers on overlay files: for each file, reads it once into memory, then runs
// `OverlayFile.read(bytes:name:)` (the reader for its kind, up to pynq's full dictionaries and the typed
// overlay description) repeatedly and prints the median. Build in release; scripts/bench-vs-pynq.sh runs it.
//
// Usage: MetadataBench [--runs N] [--xml-only] FILE...
// Output: one tab-separated line per file: name, what was timed, runs, median ms, minimum ms.
// With --xml-only, times only the XML parse (`XMLDocument(bytes:)`) of each .hwh file: the part of the
// HWH reader's time that the XML parser takes.
import BenchSupport
import Foundation
import PynqMetadata

var arguments = Array(CommandLine.arguments.dropFirst())
let runs = intOption("--runs", default: 51)
if let i = arguments.firstIndex(of: "--runs") { arguments.removeSubrange(i...min(i + 1, arguments.count - 1)) }
let xmlOnly = arguments.contains("--xml-only")
arguments.removeAll { $0 == "--xml-only" }
guard !arguments.isEmpty else {
    FileHandle.standardError.write(Data("usage: MetadataBench [--runs N] [--xml-only] FILE...\n".utf8))
    exit(2)
}

var failed = false
for path in arguments {
    let name = (path as NSString).lastPathComponent
    guard let data = FileManager.default.contents(atPath: path) else {
        FileHandle.standardError.write(Data("MetadataBench: cannot read \(path)\n".utf8))
        failed = true
        continue
    }
    let bytes = [UInt8](data)
    do {
        print(try measure(bytes: bytes, name: name, runs: runs, xmlOnly: xmlOnly).joined(separator: "\t"))
    } catch MeasureError.notHWH {
        continue
    } catch {
        FileHandle.standardError.write(Data("MetadataBench: \(name): \(error)\n".utf8))
        failed = true
    }
}

enum MeasureError: Error { case notHWH }

/// The output line's fields for one file. Not isolated to the main actor, so that the timed closures
/// carry no executor check (top-level code is main-actor code).
nonisolated func measure(bytes: [UInt8], name: String, runs: Int, xmlOnly: Bool) throws -> [String] {
    let what: String
    let body: () throws -> Void
    if xmlOnly {
        guard OverlayFileKind(fileName: name) == .hwh else { throw MeasureError.notHWH }
        what = "XMLDocument(bytes:)"
        body = { withExtendedLifetime(try XMLDocument(bytes: bytes, source: name)) {} }
    } else {
        what = "OverlayFile.read (\(try OverlayFile.read(bytes: bytes, name: name).kind.rawValue))"
        body = { withExtendedLifetime(try OverlayFile.read(bytes: bytes, name: name)) {} }
    }
    let times = try timeRuns(runs, body).map { $0 * 1e3 }
    return [name, what, String(runs), format(median(times), 5), format(times.min() ?? 0, 5)]
}
exit(failed ? 1 : 0)
