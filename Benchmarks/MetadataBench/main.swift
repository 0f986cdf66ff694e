// Times the metadata readers on overlay files: for each file, reads it once into memory, then runs
// `OverlayFile.read(bytes:name:)` (the reader for its kind, up to pynq's full dictionaries and the typed
// overlay description) repeatedly and prints the median. Build in release; scripts/bench-vs-pynq.sh runs it.
//
// Usage: MetadataBench [--runs N] FILE...
// Output: one tab-separated line per file: name, kind, runs, median ms, minimum ms.
import Foundation
import PynqMetadata

var arguments = Array(CommandLine.arguments.dropFirst())
var runs = 51
if let i = arguments.firstIndex(of: "--runs"), i + 1 < arguments.count, let n = Int(arguments[i + 1]), n > 0 {
    runs = n
    arguments.removeSubrange(i...(i + 1))
}
guard !arguments.isEmpty else {
    FileHandle.standardError.write(Data("usage: MetadataBench [--runs N] FILE...\n".utf8))
    exit(2)
}

let clock = ContinuousClock()
func milliseconds(_ d: Duration) -> Double {
    Double(d.components.seconds) * 1e3 + Double(d.components.attoseconds) * 1e-15
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
        let first = try OverlayFile.read(bytes: bytes, name: name)
        var times: [Double] = []
        times.reserveCapacity(runs)
        for _ in 0..<runs {
            let start = clock.now
            let file = try OverlayFile.read(bytes: bytes, name: name)
            times.append(milliseconds(clock.now - start))
            withExtendedLifetime(file) {}
        }
        times.sort()
        print([name, first.kind.rawValue, String(runs), String(format: "%.4f", times[runs / 2]),
               String(format: "%.4f", times[0])].joined(separator: "\t"))
    } catch {
        FileHandle.standardError.write(Data("MetadataBench: \(name): \(error)\n".utf8))
        failed = true
    }
}
exit(failed ? 1 : 0)
