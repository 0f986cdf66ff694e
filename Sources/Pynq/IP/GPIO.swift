import PynqBackend

/// A processor GPIO pin (EMIO on Zynq boards) — pynq's `GPIO`. Made from a user index or from a
/// name of the overlay's `gpio_dict`; reads and drives the pin through the backend.
///
/// ```swift
/// let reset = try GPIO("mb_iop_pmod0_reset", overlay: ol)   // output
/// try reset.write(1); try reset.write(0)
/// ```
public final class GPIO: Sendable {
    private let line: any GPIOLine

    /// The pin of user index `userIndex` on `device`, set to `direction`.
    /// - Throws: `GPIOError.unsupported` when the backend has no GPIO lines, or the backend's error.
    public init(userIndex: Int, direction: GPIODirection, device: Device) throws {
        guard let backend = device.backend as? any GPIOCapable else {
            throw GPIOError.unsupported(backend: device.backend.kind.rawValue)
        }
        line = try backend.gpioLine(userIndex: userIndex, direction: direction)
    }

    /// The pin called `name` in the overlay's `gpio_dict` (its `index` is the user index).
    /// - Throws: `GPIOError.noSuchPin` listing the names there are, or as `init(userIndex:direction:device:)`.
    public convenience init(_ name: String, overlay: Overlay, direction: GPIODirection = .output) throws {
        let pins = overlay.metadata.dictionaries["gpio_dict"]?.dictValue ?? [:]
        guard let index = pins[name]?["index"]?.intValue else {
            throw GPIOError.noSuchPin(name: name, available: Array(pins.keys))
        }
        try self.init(userIndex: index, direction: direction, device: overlay.device)
    }

    /// The kernel's GPIO number.
    public var number: Int { line.number }
    public var direction: GPIODirection { line.direction }
    /// The pin's level, 0 or 1.
    public func read() throws -> Int { try line.read() }
    /// Drives the pin to 0 or 1 (outputs only).
    public func write(_ value: Int) throws { try line.write(value) }
    /// Gives the pin back to the kernel.
    public func release() throws { try line.release() }
}

/// Why a GPIO pin could not be made.
public enum GPIOError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The overlay's `gpio_dict` has no pin `name`.
    case noSuchPin(name: String, available: [String])
    /// The backend has no processor GPIO lines.
    case unsupported(backend: String)

    public var description: String {
        switch self {
        case let .noSuchPin(name, available):
            return "the overlay has no GPIO pin '\(name)'; pins: \(available.isEmpty ? "none" : available.joined(separator: ", "))"
        case let .unsupported(backend):
            return "the \(backend) backend has no processor GPIO lines (use a Zynq board or the Mock device)"
        }
    }
}
