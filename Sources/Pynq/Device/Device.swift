import PynqBackend
import PynqMetadataCore

/// A device that overlays are loaded on and buffers are allocated in: an Alveo card, a Zynq board or
/// the in-process Mock device (pynq's `Device`).
///
/// **Which device is used.** `Device.active` is the device `Overlay(...)` and `allocate(...)` use
/// when none is given. It is, in order: the device set with `Device.setActive(_:)` / `select(_:)`;
/// else the first device that probing finds. Probing asks each hardware backend in a fixed order
/// (Alveo, then Zynq). `PYNQ_BACKEND=mock|alveo|zynq` probes only that backend. The Mock backend is
/// never chosen on its own: a program meant for a card must not silently run on a simulation; ask for
/// it with `PYNQ_BACKEND=mock` or `Device.select(.mock)`. When nothing is found, the error lists each
/// backend probed and why it was rejected.
public final class Device: Sendable, CustomStringConvertible {
    /// The backend driving this device.
    public let backend: any Backend
    /// Live-buffer bookkeeping and the overlay this process loaded.
    let state = Locked(State())

    struct State {
        /// The overlay last downloaded through this object.
        var loaded: OverlayImage?
        /// Counts downloads and closes, so that objects made for one download (register spaces) know
        /// when they are stale even if the same overlay was loaded again.
        var generation = 0
    }

    /// Changes whenever an overlay is downloaded or the device is closed.
    var overlayGeneration: Int { state.withLock { $0.generation } }

    /// Wraps `backend` (a backend's own device object). Usually devices come from `Device.devices`.
    public init(backend: any Backend) {
        self.backend = backend
    }

    /// The device's name, e.g. `mock0` or the Alveo shell name.
    public var name: String { backend.name }
    /// Which backend drives it.
    public var kind: BackendKind { backend.kind }
    /// What the device can do (pynq's capabilities).
    public var capabilities: BackendCapabilities { backend.capabilities }

    public var description: String { "Device(\(kind): \(name))" }

    // MARK: Probing and selection

    private static let selection = Locked(Selection())

    private struct Selection {
        var report: ProbeReport?
        var active: Device?
        /// Devices made by `select(_:)`, by kind, so that selecting twice gives the same device.
        var selected: [BackendKind: [Device]] = [:]
    }

    /// What probing found (probes once per process, on first use).
    public static var probeReport: ProbeReport {
        selection.withLock { state in
            if let report = state.report { return report }
            let report = ProbeReport.run(registry: registry, forced: ProcessEnvironment.value(ProcessEnvironment.backendVariable))
            state.report = report
            return report
        }
    }

    /// Every device found by probing (see the type's documentation for the order and `PYNQ_BACKEND`).
    public static var devices: [Device] { probeReport.devices }

    /// The device used when none is given.
    /// - Throws: `PynqError.noDevice` with the probe report when there is none.
    public static var active: Device {
        get throws(PynqError) {
            if let device = selection.withLock({ $0.active }) { return device }
            let report = probeReport
            guard let first = report.devices.first else { throw PynqError.noDevice(report) }
            return selection.withLock { state in
                if let active = state.active { return active }
                state.active = first
                return first
            }
        }
    }

    /// Makes `device` the active device.
    public static func setActive(_ device: Device) {
        selection.withLock { $0.active = device }
    }

    /// Probes backend `kind` (even one that is not probed by default, such as `.mock`) and makes its
    /// first device the active one.
    /// - Throws: `PynqError.noDevice` when the backend is unknown or finds no device.
    @discardableResult
    public static func select(_ kind: BackendKind) throws(PynqError) -> Device {
        if let existing = selection.withLock({ $0.selected[kind]?.first }) {
            setActive(existing)
            return existing
        }
        if let probed = probeReport.entries.first(where: { $0.kind == kind })?.devices.first {
            setActive(probed)
            return probed
        }
        let report = ProbeReport.run(registry: registry, forced: kind.rawValue)
        guard let device = report.devices.first else { throw PynqError.noDevice(report) }
        return selection.withLock { state in
            if let existing = state.selected[kind]?.first {
                state.active = existing
                return existing
            }
            state.selected[kind] = report.devices
            state.active = device
            return device
        }
    }

    /// Makes the first device of backend `kind` active unless `PYNQ_BACKEND` names a backend, in which
    /// case that backend's device is used (`Device.active`). Examples and tests call
    /// `Device.selectDefault(.mock)` so they run without a card and on one when asked to.
    @discardableResult
    public static func selectDefault(_ kind: BackendKind) throws(PynqError) -> Device {
        let forced = ProcessEnvironment.value(ProcessEnvironment.backendVariable) ?? ""
        return forced.isEmpty ? try select(kind) : try active
    }

    // MARK: Overlays and buffers

    /// `OverlayImage.identity` of the overlay on the device.
    public var loadedOverlayID: String? { backend.loadedOverlayID }

    /// Live buffers per memory bank of the loaded overlay (banks without buffers are left out).
    public func liveBuffers() -> [(bank: String, count: Int)] {
        guard let image = state.withLock({ $0.loaded }), backend.loadedOverlayID == image.identity else { return [] }
        return backend.liveBuffers(of: image.description)
    }

    /// Loads `image` onto the device.
    /// - Parameter force: load even though buffers are live (they stay valid host memory, but the
    ///   device no longer backs them).
    /// - Throws: `PynqError.buffersLive` when buffers are still allocated and `force` is false; the
    ///   backend's error when programming fails.
    public func download(_ image: OverlayImage, force: Bool = false) throws {
        try refuseWhileBuffersLive(operation: "load another overlay", force: force)
        try backend.download(image)
        state.withLock { state in
            state.loaded = image
            state.generation += 1
        }
    }

    /// Releases the device (pynq's `Device.close()`): the overlay is no longer loaded.
    /// - Throws: `PynqError.buffersLive` when buffers are still allocated and `force` is false.
    public func close(force: Bool = false) throws(PynqError) {
        try refuseWhileBuffersLive(operation: "free the overlay", force: force)
        backend.close()
        state.withLock { state in
            state.loaded = nil
            state.generation += 1
        }
    }

    /// The overlay last loaded through this device, if it is still on the device.
    public var loadedOverlay: OverlayImage? {
        guard let image = state.withLock({ $0.loaded }), backend.loadedOverlayID == image.identity else { return nil }
        return image
    }

    private func refuseWhileBuffersLive(operation: String, force: Bool) throws(PynqError) {
        guard !force else { return }
        let live = liveBuffers()
        if !live.isEmpty { throw PynqError.buffersLive(operation: operation, banks: live.map { .init(bank: $0.bank, count: $0.count) }) }
    }
}
