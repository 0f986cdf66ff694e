import ArgumentParser
import Foundation
import PynqMetadata

/// `pynq inspect FILE [--json] [--hwh]`: what an overlay file describes.
struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what an overlay file (.xclbin, .hwh or .bit) describes.",
        discussion: """
            Prints the IPs, memories, streams and clocks of an xclbin or hardware hand-off, or the header \
            of a bitstream, as aligned tables; with --json, the dictionaries the Python pynq computes \
            from the same file.
            """)

    @Argument(help: "The overlay file: .xclbin, .hwh or .bit (the kind is checked against the content).")
    var file: String

    @Flag(help: "Print pynq's dictionaries as JSON instead of tables.")
    var json = false

    @Flag(help: "For a .bit file, also read the .hwh file beside it (same name, .hwh).")
    var hwh = false

    func run() throws {
        do {
            let overlay = try OverlayFile.load(path: file)
            var companion: OverlayFile?
            if hwh {
                guard overlay.kind == .bit else {
                    throw ValidationError("--hwh applies to .bit files only; \(file) is a .\(overlay.kind.rawValue) file")
                }
                companion = try OverlayFile.load(path: OverlayFile.companionHWHPath(forBitstream: file))
            }
            if json {
                let value: MetaValue = companion.map { ["bit": overlay.inspectJSON, "hwh": $0.inspectJSON] }
                    ?? overlay.inspectJSON
                write(value.jsonString(indent: 1) + "\n")
            } else {
                write(([overlay] + (companion.map { [$0] } ?? [])).map { $0.report() }.joined(separator: "\n"))
            }
        } catch let error as ValidationError {
            throw error
        } catch {
            // Reader errors (MetadataError, XMLError) describe the file, the offset and what is wrong.
            FileHandle.standardError.write(Data("pynq inspect: error: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }

    private func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
