import Foundation
import TestSupport

/// The result of running a program to its end.
struct Finished {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs `executable` with `arguments`, with standard output collected through a temporary file (so a
/// large output cannot block the child), and waits for it.
func run(_ executable: URL, _ arguments: [String]) throws -> Finished {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    let outURL = FileManager.default.temporaryDirectory.appendingPathComponent("pynq-cli-test-\(UUID().uuidString).out")
    _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: outURL) }
    let out = try FileHandle(forWritingTo: outURL)
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    try out.close()
    return Finished(
        status: process.terminationStatus,
        stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
        stderr: String(decoding: errData, as: UTF8.self))
}

/// Checks JSON text against pynq's reference for reference file `name` with `compare.py`; returns its
/// last line (`N passed, M failed`) and everything it printed.
func compareWithPynq(json: String, file name: String) throws -> (last: String, output: String) {
    let candidate = FileManager.default.temporaryDirectory.appendingPathComponent("pynq-cli-\(UUID().uuidString).json")
    try Data(json.utf8).write(to: candidate)
    defer { try? FileManager.default.removeItem(at: candidate) }
    let result = try run(URL(fileURLWithPath: "/usr/bin/env"), [
        "python3", Reference.compareScript.path, candidate.path,
        Reference.expectedDirectory.appendingPathComponent(name + ".json").path,
    ])
    let lines = result.stdout.split(separator: "\n")
    return (String(lines.last ?? ""), result.stdout + result.stderr)
}

/// The `pynq` executable that `swift test` built beside the test bundle.
let pynqExecutable: URL? = {
    var candidates = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()]
    candidates.append(Bundle.main.bundleURL.deletingLastPathComponent())
    candidates.append(Bundle.main.bundleURL)
    return candidates.map { $0.appendingPathComponent("pynq") }
        .first { FileManager.default.isExecutableFile(atPath: $0.path) }
}()
