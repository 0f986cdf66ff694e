import PynqBackend

/// The processor GPIO pins of the Mock device: one level per user index, shared by every line made
/// for that index (so a pin driven through one `GPIO` reads back through another). Inputs read the
/// level last set with `MockBackend.setGPIOLevel(_:userIndex:)` or driven by an output.
final class MockGPIOPins: Sendable {
    let levels = Locked<[Int: Int]>([:])
}

/// One GPIO line of the Mock device. `number` is the user index (the Mock has no GPIO controller base).
public final class MockGPIOLine: GPIOLine {
    public let number: Int
    public let direction: GPIODirection
    private let pins: MockGPIOPins
    private let released = Locked(false)

    init(number: Int, direction: GPIODirection, pins: MockGPIOPins) {
        self.number = number
        self.direction = direction
        self.pins = pins
    }

    public func read() throws -> Int {
        try checkLive()
        return pins.levels.withLock { $0[number] ?? 0 }
    }

    public func write(_ value: Int) throws {
        try checkLive()
        guard direction == .output else {
            throw BackendError.unsupported(backend: "mock", operation: "drive GPIO \(number): it is an input (make it with direction .output)")
        }
        guard value == 0 || value == 1 else {
            throw BackendError.unsupported(backend: "mock", operation: "drive GPIO \(number) to \(value) (only 0 or 1)")
        }
        pins.levels.withLock { $0[number] = value }
    }

    public func release() throws {
        released.withLock { $0 = true }
    }

    private func checkLive() throws(BackendError) {
        if released.withLock({ $0 }) {
            throw BackendError.unsupported(backend: "mock", operation: "use GPIO \(number) after release() (make a new GPIO)")
        }
    }
}

extension MockBackend: GPIOCapable {
    /// The line of user index `userIndex` (its `number` is the index).
    /// - Throws: `BackendError.unsupported` for a negative index.
    public func gpioLine(userIndex: Int, direction: GPIODirection) throws -> any GPIOLine {
        guard userIndex >= 0 else {
            throw BackendError.unsupported(backend: "mock", operation: "use GPIO user index \(userIndex) (it is negative)")
        }
        return MockGPIOLine(number: userIndex, direction: direction, pins: gpioPins)
    }

    /// Sets the level an input pin of user index `userIndex` reads (what the PL would drive).
    public func setGPIOLevel(_ level: Int, userIndex: Int) {
        gpioPins.levels.withLock { $0[userIndex] = level == 0 ? 0 : 1 }
    }
}
