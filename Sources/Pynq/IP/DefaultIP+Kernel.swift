import PynqBackend
import PynqMetadataCore

extension DefaultIP {
    /// The IP's registers by name, with fields and access rules (pynq's `register_map`).
    /// - Throws: `RegisterMapError.noRegisters` when the metadata lists none; `PynqError.overlayNotLoaded`.
    public var registerMap: RegisterMap {
        get throws { try access.registerMap(for: self) }
    }

    /// The kernel's arguments (names and C types) in call order, or `nil` when the metadata gives no
    /// argument indices (HWH designs; IPs that are not kernels).
    public var signature: KernelSignature? { KernelSignature(registers: block.registers) }

    /// Starts the kernel with `arguments` in signature order and returns at once (pynq's `start`).
    /// Buffers become device addresses; scalars are encoded by their declared C types.
    /// - Parameter route: the backend's scheduler (XRT runs, the Mock's) or the control register; by
    ///   default the backend's when it has one.
    /// - Throws: `KernelCallError` (not callable, wrong count or type, still running) before anything is
    ///   written; the backend's error if the start fails.
    @discardableResult
    public func start(_ arguments: any KernelCallArgument..., route: KernelStartRoute = .automatic) throws -> KernelHandle {
        try start(arguments: arguments, route: route)
    }

    /// `start(...)` with the arguments in an array.
    @discardableResult
    public func start(arguments: [any KernelCallArgument], route: KernelStartRoute = .automatic) throws -> KernelHandle {
        try checkLoaded()
        return try KernelLauncher(block: block, backend: device.backend)
            .start(arguments, route: route, mmio: { try access.mmio(for: self) })
    }

    /// Runs the kernel with `arguments` and waits for it to finish (pynq's `call`).
    public func call(_ arguments: any KernelCallArgument..., route: KernelStartRoute = .automatic) throws {
        try start(arguments: arguments, route: route).wait()
    }

    /// Runs the kernel with `arguments` and suspends until it finishes.
    public func call(_ arguments: any KernelCallArgument..., route: KernelStartRoute = .automatic) async throws {
        try await start(arguments: arguments, route: route).wait()
    }

    /// The driver registered for this IP's type (see `IPDrivers`), or `nil` if none is.
    /// The instance is made once per loaded overlay.
    public var driver: (any IPDriver)? {
        get throws {
            guard let type = IPDrivers.driver(for: self.type) else { return nil }
            return try access.driver(for: self) { try type.init(ip: self) }
        }
    }

    /// This IP's driver as `D`.
    /// - Throws: `IPDriverError.notBound` unless `D` is the driver registered for the IP's type.
    public func driver<D: IPDriver>(as type: D.Type) throws -> D {
        guard let driver = try driver as? D else {
            throw IPDriverError.notBound(ip: name, vlnv: self.type, driver: String(describing: D.self),
                                         registered: IPDrivers.driver(for: self.type).map { String(describing: $0) })
        }
        return driver
    }
}

extension Overlay {
    /// `let dma: MyDMA = try ol.axi_dma_0`: the IP called `name` as the driver registered for its type.
    /// - Throws: `PynqError.noAttribute` for an unknown name, `IPDriverError.notBound` when `D` is not
    ///   the IP's registered driver.
    public subscript<D: IPDriver>(dynamicMember name: String) -> D {
        get throws { try ip(name).driver(as: D.self) }
    }
}

/// Why an IP could not be handed out as a driver type.
public enum IPDriverError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `driver` is not the driver registered for the IP's VLNV (`registered` is, if any).
    case notBound(ip: String, vlnv: String, driver: String, registered: String?)

    public var description: String {
        switch self {
        case let .notBound(ip, vlnv, driver, registered):
            return "IP \(ip) (\(vlnv)) is not driven by \(driver)"
                + (registered.map { "; its registered driver is \($0)" } ?? "; no driver is registered for it")
                + ": list the VLNV in \(driver).bindto and call IPDrivers.register(\(driver).self)"
        }
    }
}

extension OverlayItem {
    /// `DefaultIP.mmio` of the IP.
    public var mmio: MMIO { get throws { try asIP.mmio } }
    /// `DefaultIP.registerMap` of the IP.
    public var registerMap: RegisterMap { get throws { try asIP.registerMap } }
    /// `DefaultIP.signature` of the IP.
    public var signature: KernelSignature? { get throws { try asIP.signature } }

    /// `DefaultIP.start(...)`.
    @discardableResult
    public func start(_ arguments: any KernelCallArgument..., route: KernelStartRoute = .automatic) throws -> KernelHandle {
        try asIP.start(arguments: arguments, route: route)
    }

    /// `DefaultIP.call(...)`.
    public func call(_ arguments: any KernelCallArgument..., route: KernelStartRoute = .automatic) throws {
        try asIP.start(arguments: arguments, route: route).wait()
    }

    /// `DefaultIP.call(...)`, suspending until the kernel finishes.
    public func call(_ arguments: any KernelCallArgument..., route: KernelStartRoute = .automatic) async throws {
        try await asIP.start(arguments: arguments, route: route).wait()
    }
}
