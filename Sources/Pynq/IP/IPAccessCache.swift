import PynqBackend
import Synchronization

/// What a `DefaultIP` builds once per loaded overlay and reuses: its `MMIO`, its `RegisterMap` and its
/// driver instance. Every access first checks that the overlay the IP belongs to is still loaded.
final class IPAccessCache: Sendable {
    private struct Entry {
        var mmio: MMIO
        var registerMap: RegisterMap?
        var driver: (any IPDriver)?
    }
    private let entry = Mutex<Entry?>(nil)

    init() {}

    /// The IP's MMIO (made from the backend's register space on first use).
    func mmio(for ip: DefaultIP) throws -> MMIO {
        if let mmio = entry.withLock({ $0?.mmio }) {
            try ip.checkLoaded()
            return mmio
        }
        let mmio = try MMIO(space: ip.registerSpace())
        return entry.withLock { entry in
            if let existing = entry?.mmio { return existing }
            entry = Entry(mmio: mmio)
            return mmio
        }
    }

    /// The IP's register map (built on first use).
    func registerMap(for ip: DefaultIP) throws -> RegisterMap {
        let mmio = try self.mmio(for: ip)
        if let map = entry.withLock({ $0?.registerMap }) { return map }
        let map = try RegisterMap(ipName: ip.name, registers: ip.registers, mmio: mmio)
        return entry.withLock { entry in
            if let existing = entry?.registerMap { return existing }
            entry?.registerMap = map
            return map
        }
    }

    /// The driver instance for `ip`, made with `make` on first use.
    func driver(for ip: DefaultIP, make: () throws -> any IPDriver) throws -> any IPDriver {
        _ = try mmio(for: ip)
        if let driver = entry.withLock({ $0?.driver }) { return driver }
        let driver = try make()
        return entry.withLock { entry in
            if let existing = entry?.driver { return existing }
            entry?.driver = driver
            return driver
        }
    }
}
