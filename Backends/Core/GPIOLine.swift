/// Direction of a GPIO line.
public enum GPIODirection: String, Sendable, Hashable {
    /// The host reads the pin.
    case input = "in"
    /// The host drives the pin.
    case output = "out"
}

/// One GPIO line of the processing system (EMIO pins wired into the PL on Zynq boards).
public protocol GPIOLine: AnyObject, Sendable {
    /// The kernel's GPIO number.
    var number: Int { get }
    var direction: GPIODirection { get }
    /// The pin's level, 0 or 1.
    func read() throws -> Int
    /// Drives the pin to `value` (0 or 1); only for outputs.
    func write(_ value: Int) throws
    /// Gives the line back to the kernel (unexport).
    func release() throws
}

/// A backend whose device has processor GPIO lines the host can drive (pynq's `GPIO`).
public protocol GPIOCapable: Backend {
    /// The line of user index `userIndex` (pynq's `GPIO.get_gpio_pin(index)`: the GPIO controller's
    /// base + its first user pin + `userIndex`), set to `direction`.
    func gpioLine(userIndex: Int, direction: GPIODirection) throws -> any GPIOLine
}
