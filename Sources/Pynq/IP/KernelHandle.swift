import PynqBackend
import Synchronization

/// A started kernel run (pynq's `WaitHandle`): `wait()` blocks until it is done, `await wait()` suspends
/// instead, `isDone` asks without blocking.
public final class KernelHandle: Sendable {
    /// Name of the IP that runs.
    public let ipName: String
    private let source: Source
    private let finished = Mutex(false)

    enum Source: Sendable {
        /// The backend runs it (XRT runs, the Mock's scheduler).
        case run(any KernelRun)
        /// Started through the control register: completion is AP_DONE or AP_IDLE at offset 0;
        /// `chain` kernels get AP_CONTINUE once done.
        case registers(MMIO, chain: Bool)
    }

    init(ipName: String, source: Source) {
        self.ipName = ipName
        self.source = source
    }

    /// Whether the run has completed (does not block). Reading the control register clears AP_DONE, so
    /// the handle remembers completion once seen.
    public var isDone: Bool {
        get throws {
            if finished.withLock({ $0 }) { return true }
            let done: Bool
            switch source {
            case .run(let run): done = run.isDone
            case .registers(let mmio, let chain): done = try Self.poll(mmio, chain: chain)
            }
            if done { finished.withLock { $0 = true } }
            return done
        }
    }

    /// Blocks until the run completes (spinning on the control register for register-started kernels).
    /// - Parameter timeout: give up after this long (default: wait for ever, as pynq does).
    /// - Throws: `KernelCallError.timedOut`, or the backend's error if the run failed.
    public func wait(timeout: Duration? = nil) throws {
        if finished.withLock({ $0 }) { return }
        let clock = ContinuousClock()
        let deadline = timeout.map { clock.now + $0 }
        switch source {
        case .run(let run):
            if let deadline {
                while !run.isDone {
                    if clock.now >= deadline { throw KernelCallError.timedOut(ip: ipName, timeout: timeout!) }
                }
            }
            try run.wait()
        case .registers(let mmio, let chain):
            var spins = 0
            while try !Self.poll(mmio, chain: chain) {
                spins += 1
                if let deadline, spins & 0x3FF == 0, clock.now >= deadline {
                    throw KernelCallError.timedOut(ip: ipName, timeout: timeout!)
                }
            }
        }
        finished.withLock { $0 = true }
    }

    /// Suspends until the run completes, polling without blocking a thread.
    /// - Throws: `KernelCallError.timedOut`, `CancellationError`, or the backend's error if the run failed.
    public func wait(timeout: Duration? = nil) async throws {
        let clock = ContinuousClock()
        let deadline = timeout.map { clock.now + $0 }
        var pause = Duration.microseconds(10)
        while try !isDone {
            if let deadline, clock.now >= deadline { throw KernelCallError.timedOut(ip: ipName, timeout: timeout!) }
            try await Task.sleep(for: pause)
            pause = min(pause * 2, .milliseconds(1))
        }
        if case .run(let run) = source { try run.wait() }
    }

    /// Reads CTRL once: done when AP_DONE or AP_IDLE is set; acknowledges chain kernels with AP_CONTINUE.
    private static func poll(_ mmio: MMIO, chain: Bool) throws -> Bool {
        let status = try mmio.read(UInt32.self, at: 0)
        guard status & (KernelControl.apDone | KernelControl.apIdle) != 0 else { return false }
        if chain && status & KernelControl.apDone != 0 { try mmio.write(KernelControl.apContinue, at: 0) }
        return true
    }
}
