/// The name of a backend, as `PYNQ_BACKEND` spells it.
public struct BackendKind: RawRepresentable, Sendable, Hashable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue.lowercased() }
    public init(stringLiteral value: String) { self.init(rawValue: value) }

    /// The in-process simulated device (`Backends/Mock`).
    public static let mock: BackendKind = "mock"
    /// Alveo cards through XRT (`Backends/Alveo`).
    public static let alveo: BackendKind = "alveo"
    /// Zynq / PYNQ boards through CMA and `/dev/mem` (`Backends/Zynq`).
    public static let zynq: BackendKind = "zynq"

    public var description: String { rawValue }
}

/// What probing one backend found: its devices, or why it has none.
public enum ProbeResult: Sendable {
    /// The backend works here and drives these devices (at least one).
    case found([any Backend])
    /// The backend found no device; `reason` says what was looked for and what to do
    /// (e.g. "XRT not found (searched: /opt/xilinx/xrt/lib, …); install XRT or set XILINX_XRT").
    case rejected(reason: String)
}

/// A backend's entry in the device registry: its kind and a probe that looks for its devices.
/// Probes must be cheap, must not program anything, and must not crash the process when the
/// backend's libraries or devices are missing (they return `.rejected` instead).
public struct BackendProbe: Sendable {
    public var kind: BackendKind
    /// Whether `Device.devices` probes this backend when `PYNQ_BACKEND` does not name one. Hardware
    /// backends say `true`; the Mock backend says `false`, so that a program never silently runs on a
    /// simulated device.
    public var probedByDefault: Bool
    public var probe: @Sendable () -> ProbeResult

    public init(kind: BackendKind, probedByDefault: Bool = true, probe: @escaping @Sendable () -> ProbeResult) {
        self.kind = kind
        self.probedByDefault = probedByDefault
        self.probe = probe
    }
}
