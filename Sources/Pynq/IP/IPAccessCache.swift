import PynqBackend
import Synchronization

/// What a `DefaultIP` builds once and reuses while its register space stays the same: its `MMIO`,
/// its `RegisterMap` and its driver instance. Every access asks the backend for the IP's current
/// register space (which also checks that the overlay is loaded), so a reloaded overlay gets fresh ones.
final class IPAccessCache: Sendable {
    private struct Entry {
        var mmio: MMIO
        var registerMap: RegisterMap?
        var driver: (any IPDriver)?
    }
    private let entry = Mutex<Entry?>(nil)

    init() {}

    /// The cached entry for the IP's current register space (a new one if the space changed).
    private func current(_ ip: DefaultIP) throws -> Entry {
        let space = try ip.registerSpace()
        if let entry = entry.withLock({ $0 }), entry.mmio.space === space { return entry }
        let fresh = Entry(mmio: try MMIO(space: space))
        return entry.withLock { entry in
            if let existing = entry, existing.mmio.space === space { return existing }
            entry = fresh
            return fresh
        }
    }

    /// The IP's MMIO.
    func mmio(for ip: DefaultIP) throws -> MMIO {
        try current(ip).mmio
    }

    /// The IP's register map (built on first use).
    func registerMap(for ip: DefaultIP) throws -> RegisterMap {
        let current = try current(ip)
        if let map = current.registerMap { return map }
        let map = try RegisterMap(ipName: ip.name, registers: ip.registers, mmio: current.mmio)
        return entry.withLock { entry in
            guard entry?.mmio.space === current.mmio.space else { return map }
            if let existing = entry?.registerMap { return existing }
            entry?.registerMap = map
            return map
        }
    }

    /// The driver instance for `ip`, made with `make` on first use.
    func driver(for ip: DefaultIP, make: () throws -> any IPDriver) throws -> any IPDriver {
        let current = try current(ip)
        if let driver = current.driver { return driver }
        let driver = try make()
        return entry.withLock { entry in
            guard entry?.mmio.space === current.mmio.space else { return driver }
            if let existing = entry?.driver { return existing }
            entry?.driver = driver
            return driver
        }
    }
}
