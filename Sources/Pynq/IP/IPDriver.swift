import Synchronization

/// A driver for a kind of IP (pynq's `DefaultIP` subclasses with `bindto`): a type that claims IP
/// types by VLNV so that the overlay hands out an instance of it for every IP of those types.
///
/// ```swift
/// final class LEDs: IPDriver {
///     static let bindto = ["xilinx.com:ip:axi_gpio:2.0"]
///     let ip: DefaultIP
///     init(ip: DefaultIP) throws { self.ip = ip }
///     func set(_ value: UInt32) throws { try ip.mmio.write(value, at: 0) }
/// }
/// IPDrivers.register(LEDs.self)
/// let leds: LEDs = try ol.leds_gpio
/// ```
public protocol IPDriver: AnyObject, Sendable {
    /// VLNVs this driver claims (`vendor:library:name:version`); a VLNV with a version also claims the
    /// IP's other versions unless another driver claims them exactly (pynq's `RegisterIP`).
    static var bindto: [String] { get }
    /// A driver for `ip`.
    init(ip: DefaultIP) throws
}

/// The registry of IP drivers, by VLNV.
public enum IPDrivers {
    private static let table = Mutex<[String: any IPDriver.Type]>([:])

    /// Registers `driver` for every VLNV in its `bindto`, and for each VLNV with a version also for the
    /// VLNV without it. A later registration of the same VLNV replaces the earlier one.
    public static func register(_ driver: any IPDriver.Type) {
        table.withLock { table in
            for vlnv in driver.bindto {
                table[vlnv] = driver
                if let unversioned = unversioned(vlnv) { table[unversioned] = driver }
            }
        }
    }

    /// Removes `driver` from every VLNV it is registered for.
    public static func unregister(_ driver: any IPDriver.Type) {
        table.withLock { table in
            for (vlnv, registered) in table where registered == driver { table[vlnv] = nil }
        }
    }

    /// The driver for an IP of type `vlnv`: the one registered for exactly it, else the one registered
    /// for it without its version, else `nil` (the IP stays a `DefaultIP`).
    public static func driver(for vlnv: String) -> (any IPDriver.Type)? {
        table.withLock { table in table[vlnv] ?? unversioned(vlnv).flatMap { table[$0] } }
    }

    /// `a:b:c` for `a:b:c:d` (pynq's `vlnv.rpartition(":")[0]`), `nil` for a VLNV without a version.
    static func unversioned(_ vlnv: String) -> String? {
        let parts = vlnv.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        return parts.dropLast().joined(separator: ":")
    }
}
