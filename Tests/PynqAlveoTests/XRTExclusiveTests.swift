import Foundation
import Synchronization
import Testing
import TestSupport

/// `.xrtExclusive` (TestSupport) really runs its tests one at a time: the cases below would overlap
/// without it (the suite is not `.serialized`, so Swift Testing runs them in parallel).
@Suite("The XRT test gate", .xrtExclusive)
struct XRTExclusiveTests {
    static let inside = Atomic<Int>(0)

    @Test("one case at a time", arguments: 0..<6)
    func oneAtATime(_ index: Int) async throws {
        Self.inside.add(1, ordering: .sequentiallyConsistent)
        try await Task.sleep(for: .milliseconds(20))
        #expect(Self.inside.load(ordering: .sequentiallyConsistent) == 1, "case \(index) overlapped another")
        Self.inside.subtract(1, ordering: .sequentiallyConsistent)
    }
}
