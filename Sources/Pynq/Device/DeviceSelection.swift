import PynqBackend

/// What probing found, backend by backend: the result of `Device.devices` and the content of the
/// error when there is no device.
public struct ProbeReport: Sendable, CustomStringConvertible {
    /// One probed backend.
    public struct Entry: Sendable {
        public var kind: BackendKind
        /// Devices found (empty when rejected).
        public var devices: [Device]
        /// Why the backend found no device, when it did not.
        public var rejection: String?
    }

    /// The value of `PYNQ_BACKEND` when the probe ran, if set.
    public var forced: String?
    /// The backends probed, in order.
    public var entries: [Entry]
    /// Backends registered but not probed because they are only used when asked for (Mock).
    public var skipped: [BackendKind]
    /// A problem with `PYNQ_BACKEND` itself (an unknown name).
    public var configurationError: String?

    /// All devices found, in probing order.
    public var devices: [Device] { entries.flatMap(\.devices) }

    public var description: String {
        var lines: [String] = []
        if let configurationError { lines.append(configurationError) }
        if let forced { lines.append("PYNQ_BACKEND=\(forced)") }
        for entry in entries {
            if let rejection = entry.rejection {
                lines.append("  \(entry.kind): rejected: \(rejection)")
            } else {
                lines.append("  \(entry.kind): \(entry.devices.map(\.name).joined(separator: ", "))")
            }
        }
        if !skipped.isEmpty {
            lines.append("  not probed unless asked for: \(skipped.map(\.rawValue).joined(separator: ", "))"
                + " (set PYNQ_BACKEND=\(skipped[0]) or call Device.select(.\(skipped[0])))")
        }
        return lines.joined(separator: "\n")
    }

    /// Probes `registry` as `PYNQ_BACKEND` = `forced` asks: only the named backend when set, otherwise
    /// every backend with `probedByDefault`, in order.
    static func run(registry: [BackendProbe], forced rawForced: String?) -> ProbeReport {
        let forced = rawForced.flatMap { $0.isEmpty ? nil : $0 }
        var report = ProbeReport(forced: forced, entries: [], skipped: [], configurationError: nil)
        let selected: [BackendProbe]
        if let forced {
            let kind = BackendKind(rawValue: forced)
            selected = registry.filter { $0.kind == kind }
            if selected.isEmpty {
                report.configurationError = "PYNQ_BACKEND=\(forced) names no backend of this build; use one of: "
                    + registry.map(\.kind.rawValue).joined(separator: ", ")
            }
        } else {
            selected = registry.filter(\.probedByDefault)
            report.skipped = registry.filter { !$0.probedByDefault }.map(\.kind)
        }
        for entry in selected {
            switch entry.probe() {
            case .found(let backends) where !backends.isEmpty:
                report.entries.append(Entry(kind: entry.kind, devices: backends.map(Device.init(backend:)), rejection: nil))
            case .found:
                report.entries.append(Entry(kind: entry.kind, devices: [], rejection: "no device found"))
            case .rejected(let reason):
                report.entries.append(Entry(kind: entry.kind, devices: [], rejection: reason))
            }
        }
        return report
    }
}
