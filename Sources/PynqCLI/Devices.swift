import ArgumentParser
import Foundation
import Pynq
import PynqAlveo
import PynqBackend
import PynqMetadata

/// `pynq devices [--load FILE] [--index N]`: the devices every backend finds, and why a backend finds
/// none; with `--load`, an xclbin loaded on one of them and its memories with their usage.
struct Devices: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the devices every backend finds (Alveo through XRT, Zynq, Mock when asked for).",
        discussion: """
            Probes the backends as a program would (PYNQ_BACKEND=mock|alveo|zynq probes only that one) and \
            prints each device, or the reason a backend found none. With --load FILE, loads that xclbin on \
            device --index (default 0) and prints its memories and their usage as the backend reports it.
            """)

    @Option(help: "An .xclbin to load on the device, then show its memories and their usage.")
    var load: String?

    @Option(help: "Which device (as listed) --load uses.")
    var index = 0

    func run() throws {
        let report = Device.probeReport
        print(Self.listing(report), terminator: "")
        guard let load else { return }
        let devices = report.devices
        guard devices.indices.contains(index) else {
            FileHandle.standardError.write(Data("pynq devices: error: no device \(index) (\(devices.count) found)\n".utf8))
            throw ExitCode.failure
        }
        do {
            print(try Self.memories(of: devices[index].backend, loading: load), terminator: "")
        } catch {
            FileHandle.standardError.write(Data("pynq devices: error: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }

    /// One block per probed backend: its devices (numbered as `--index` counts) or its rejection.
    static func listing(_ report: ProbeReport) -> String {
        var lines: [String] = []
        if let problem = report.configurationError { lines.append("error: \(problem)") }
        if let forced = report.forced { lines.append("PYNQ_BACKEND=\(forced)") }
        var number = 0
        for entry in report.entries {
            if let rejection = entry.rejection {
                lines.append("\(entry.kind): no device: \(rejection)")
                continue
            }
            lines.append("\(entry.kind): \(entry.devices.count) device\(entry.devices.count == 1 ? "" : "s")")
            for device in entry.devices {
                lines.append("  [\(number)] \(device.name)" + details(of: device.backend))
                number += 1
            }
        }
        for kind in report.skipped {
            lines.append("\(kind): not probed unless asked for (PYNQ_BACKEND=\(kind))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// What a backend knows beyond the name (XRT's index, PCI address, clocks, emulation mode).
    static func details(of backend: any Backend) -> String {
        guard let alveo = backend as? AlveoBackend else { return "" }
        let device = alveo.deviceDescription
        var parts = ["XRT device \(device.index)"]
        if let address = device.pciAddress { parts.append("PCI \(address)") }
        if !device.clocksMHz.isEmpty { parts.append("clocks " + device.clocksMHz.map(String.init).joined(separator: "/") + " MHz") }
        if let mode = device.emulationMode { parts.append("emulated: XCL_EMULATION_MODE=\(mode)") }
        return "  (" + parts.joined(separator: ", ") + ")"
    }

    /// Loads the xclbin at `path` on `backend` and tabulates its memories with their usage.
    static func memories(of backend: any Backend, loading path: String) throws -> String {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let description = try Xclbin.read(bytes: bytes, source: path).overlayDescription()
        try backend.download(OverlayImage(description: description, path: path, bytes: bytes))
        defer { backend.close() }
        var rows = [["index", "tag", "type", "used", "base", "size", "buffers", "bytes used", "usage from"]]
        for memory in description.memories {
            let usage = memory.used ? try? backend.usage(memory: memory.index) : nil
            rows.append([
                String(memory.index), memory.tag, memory.type.pynqName, memory.used ? "yes" : "no",
                "0x" + String(memory.baseAddress, radix: 16), String(memory.size),
                usage.map { String($0.numBuffers) } ?? "-", usage.map { String($0.memUsed) } ?? "-",
                usage.map { $0.source == .device ? "device" : "this process" } ?? "-",
            ])
        }
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        let table = rows.map { row in
            zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces)
        }
        return "\(backend.name): loaded \(path)\n" + table.joined(separator: "\n") + "\n"
    }
}
