import Testing

/// Runs the tests it is applied to one at a time across every suite that carries it: the suites that
/// call XRT in-process (Alveo backend, public API on Alveo, XRT acceptance of written xclbins). XRT's
/// no-op device layer is not thread-safe (its device table grows without a lock; its buffer table is
/// why the backend serialises buffer calls on that layer: `XRTBufferCalls`), so tests from different
/// suites must not open devices and load xclbins at the same time. Tests that exercise concurrency on
/// purpose do so inside one test, where their threads still run in parallel.
public struct XRTExclusive: SuiteTrait, TestTrait, TestScoping {
    public var isRecursive: Bool { true }

    public func provideScope(for test: Test, testCase: Test.Case?,
                             performing function: @Sendable () async throws -> Void) async throws {
        // Suites get a scope too; only test cases take the lock (a suite holding it would block its tests).
        guard testCase != nil else { return try await function() }
        await XRTGate.shared.enter()
        do {
            try await function()
        } catch {
            await XRTGate.shared.leave()
            throw error
        }
        await XRTGate.shared.leave()
    }
}

extension Trait where Self == XRTExclusive {
    /// One test at a time among everything marked `.xrtExclusive`.
    public static var xrtExclusive: XRTExclusive { XRTExclusive() }
}

/// A first-come, first-served asynchronous lock.
actor XRTGate {
    static let shared = XRTGate()
    private var held = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func enter() async {
        if !held {
            held = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func leave() {
        if waiting.isEmpty {
            held = false
        } else {
            waiting.removeFirst().resume()
        }
    }
}
