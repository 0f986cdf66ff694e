import PynqBackend
import Synchronization

/// What a `DefaultIP` builds once per download of its overlay and reuses: its `MMIO`, its
/// `RegisterMap` and its driver instance. Every access checks that the overlay is loaded; a new
/// download (even of the same overlay) or a close makes the cached objects stale, and they are
/// rebuilt from the backend's new register space.
final class IPAccessCache: Sendable {
    private struct Entry {
        var generation: Int
        var mmio: MMIO
        var registerMap: RegisterMap?
        var driver: (any IPDriver)?
    }
    private let entry = Mutex<Entry?>(nil)

    init() {}

    /// The cached entry for the current download (a new one after a download or close).
    private func current(_ ip: DefaultIP) throws -> Entry {
        try ip.checkLoaded()
        let generation = ip.device.overlayGeneration
        if let entry = entry.withLock({ $0 }), entry.generation == generation { return entry }
        let fresh = Entry(generation: generation, mmio: try MMIO(space: ip.registerSpace()))
        return entry.withLock { entry in
            if let existing = entry, existing.generation == generation { return existing }
            entry = fresh
            return fresh
        }
    }

    /// Stores `value` in `slot` of the entry if it still belongs to `generation` and the slot is empty;
    /// returns what the slot holds.
    private func keep<T: Sendable>(_ value: T, generation: Int, _ slot: WritableKeyPath<Entry, T?>) -> T {
        entry.withLock { entry in
            guard entry?.generation == generation else { return value }
            if let existing = entry?[keyPath: slot] { return existing }
            entry?[keyPath: slot] = value
            return value
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
        return keep(map, generation: current.generation, \.registerMap)
    }

    /// The driver instance for `ip`, made with `make` on first use.
    func driver(for ip: DefaultIP, make: () throws -> any IPDriver) throws -> any IPDriver {
        let current = try current(ip)
        if let driver = current.driver { return driver }
        return keep(try make(), generation: current.generation, \.driver)
    }
}
