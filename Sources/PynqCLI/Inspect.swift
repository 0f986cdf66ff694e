import ArgumentParser
import Foundation
import Pynq
import PynqMetadata

/// `pynq inspect FILE [--json] [--hwh] [--device N]`: what an overlay file describes, and with `--device`
/// what a device makes of it once loaded.
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

    @Option(help: ArgumentHelp(
        "Also load the xclbin on device N (numbered as `pynq devices` lists them) and show its memories and their usage.",
        valueName: "N"))
    var device: Int?

    func validate() throws {
        if device != nil, json {
            throw ValidationError("--device prints tables; leave out --json")
        }
    }

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
            if let device {
                guard overlay.kind == .xclbin else {
                    throw ValidationError("--device loads xclbins only; \(file) is a .\(overlay.kind.rawValue) file")
                }
                let devices = Device.probeReport.devices
                guard devices.indices.contains(device) else {
                    throw CLIError("no device \(device) (\(devices.count) found; `pynq devices` lists them and says why a backend found none)")
                }
                write("\n" + (try Devices.memories(of: devices[device].backend, loading: file)))
            }
        } catch let error as ValidationError {
            throw error
        } catch {
            // Reader errors (MetadataError, XMLError) describe the file, the offset and what is wrong.
            FileHandle.standardError.write(Data("pynq inspect: error: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }

    /// A failure that is not about the file's content (no such device).
    private struct CLIError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    private func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
