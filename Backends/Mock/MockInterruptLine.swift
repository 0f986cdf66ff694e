import Dispatch
import PynqBackend

/// A level-sensitive interrupt line of the Mock device, delivered as a UIO device delivers one:
/// `enable()` arms it; while armed, the line firing (its level going high, or being high when armed)
/// disarms it, counts one event and wakes one waiter. The level comes from the source's registers
/// (for an HLS kernel: GIE and a pending ISR bit), so an interrupt that fired before anyone waited is
/// not lost, and one that is not cleared at its source fires again on the next `enable()`, as on a board.
public final class MockInterruptLine: InterruptLine {
    public let name: String
    private let level: @Sendable () -> Bool
    private let state = Locked<(armed: Bool, count: UInt32)>((false, 0))
    private let events = DispatchSemaphore(value: 0)

    /// A line called `name` whose level is `level()` (called with no lock of the line held).
    init(name: String, level: @escaping @Sendable () -> Bool) {
        self.name = name
        self.level = level
    }

    /// Events delivered so far.
    public var eventCount: UInt32 { state.withLock { $0.count } }

    public func enable() throws {
        state.withLock { $0.armed = true }
        update()
    }

    /// Re-evaluates the level; the source calls it after each change of its interrupt registers.
    func update() {
        guard level() else { return }
        let fired = state.withLock { state -> Bool in
            guard state.armed else { return false }
            state.armed = false
            state.count &+= 1
            return true
        }
        if fired { events.signal() }
    }

    public func waitForEvent() throws -> UInt32 {
        events.wait()
        return drained()
    }

    /// Events that came while nobody waited collapse into this one read (as UIO's `read` does: it
    /// returns once the count differs from the last one read), so none is left for the next wait.
    private func drained() -> UInt32 {
        while events.wait(timeout: .now()) == .success {}
        return eventCount
    }

    public func waitForEvent(timeout: Duration) throws -> UInt32? {
        let (seconds, attoseconds) = timeout.components
        let nanoseconds = seconds >= Int64.max / 1_000_000_000 ? Int64.max
            : max(0, seconds) * 1_000_000_000 + max(0, attoseconds) / 1_000_000_000
        guard events.wait(timeout: .now() + .nanoseconds(Int(clamping: nanoseconds))) == .success else { return nil }
        return drained()
    }
}
