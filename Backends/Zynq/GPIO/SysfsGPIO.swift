import PynqBackend

/// A GPIO line through the kernel's sysfs interface (`/sys/class/gpio`), as pynq drives EMIO pins:
/// export, `direction`, `value`, unexport.
public final class SysfsGPIO: GPIOLine {
    public let number: Int
    public let direction: GPIODirection
    private let system: SystemInterface
    private var folder: String { "/sys/class/gpio/gpio\(number)" }

    init(number: Int, direction: GPIODirection, system: SystemInterface) throws {
        self.number = number
        self.direction = direction
        self.system = system
        if !system.exists(folder) { try system.writeText("/sys/class/gpio/export", "\(number)") }
        try system.writeText("\(folder)/direction", direction.rawValue)
    }

    public func read() throws -> Int {
        let text = try system.readText("\(folder)/value")
        guard let value = Int(text), value == 0 || value == 1 else {
            throw ZynqError.badSystemFile(path: "\(folder)/value", contents: text, expected: "0 or 1")
        }
        return value
    }

    public func write(_ value: Int) throws {
        guard direction == .output else {
            throw ZynqError.unsupportedDesign(reason: "GPIO \(number) is an input; make it with direction .output to drive it")
        }
        guard value == 0 || value == 1 else {
            throw ZynqError.unsupportedDesign(reason: "GPIO \(number) can be driven to 0 or 1, not \(value)")
        }
        try system.writeText("\(folder)/value", "\(value)")
    }

    public func release() throws {
        if system.exists(folder) { try system.writeText("/sys/class/gpio/unexport", "\(number)") }
    }
}

extension ZynqBackend: GPIOCapable {
    /// First user (EMIO) pin of each PS GPIO controller, by its label (pynq's `_GPIO_MIN_USER_PIN`).
    static let firstUserPin = ["zynqmp_gpio": 78, "zynq_gpio": 54]

    /// The line of EMIO user index `userIndex`: the `gpiochipN` whose `label` is `zynqmp_gpio` or
    /// `zynq_gpio` gives the base N, plus 78 (UltraScale+) or 54 (Zynq-7000), plus `userIndex`.
    /// - Throws: `ZynqError.badSystemFile` when no PS GPIO controller is found, or the sysfs writes' errors.
    public func gpioLine(userIndex: Int, direction: GPIODirection) throws -> any GPIOLine {
        let chips = ((try? system.listDirectory("/sys/class/gpio")) ?? []).filter { $0.hasPrefix("gpiochip") }.sorted()
        for chip in chips {
            guard let label = try? system.readText("/sys/class/gpio/\(chip)/label"),
                  let first = Self.firstUserPin[label], let base = Int(chip.dropFirst("gpiochip".count)) else { continue }
            guard userIndex >= 0 else {
                throw ZynqError.unsupportedDesign(reason: "GPIO user index \(userIndex) is negative")
            }
            return try SysfsGPIO(number: base + first + userIndex, direction: direction, system: system)
        }
        throw ZynqError.badSystemFile(path: "/sys/class/gpio", contents: chips.joined(separator: ", "),
                                      expected: "a gpiochip labelled zynqmp_gpio or zynq_gpio (the PS GPIO controller)")
    }
}
