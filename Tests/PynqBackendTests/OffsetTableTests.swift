import Testing
import TestSupport
@testable import PynqBackend

@Suite("OffsetTable")
struct OffsetTableTests {
    /// Random inserts, updates, look-ups and removals against `Dictionary`: keys from a small range
    /// (long probe runs, many backward shifts) and from the whole `UInt64` range, through several growths.
    @Test(arguments: [UInt64(64), 4096, UInt64.max])
    func matchesDictionary(keyRange: UInt64) {
        var table = OffsetTable<Int>()
        var model: [UInt64: Int] = [:]
        var rng = SplitMix(seed: keyRange)
        for step in 0..<20_000 {
            let key = keyRange == .max ? rng.next() : rng.next() % keyRange
            switch rng.next() % 4 {
            case 0, 1:
                table[key] = step
                model[key] = step
            case 2:
                #expect(table.removeValue(forKey: key) == model.removeValue(forKey: key))
            default:
                #expect(table[key] == model[key])
            }
            #expect(table.count == model.count)
        }
        for (key, value) in model { #expect(table[key] == value) }
        #expect(table.entries.count == model.count)
        for key in Array(model.keys) { #expect(table.removeValue(forKey: key) == model.removeValue(forKey: key)) }
        #expect(table.count == 0 && table.entries.isEmpty)
    }

    @Test func extremeKeysAndNilAssignment() {
        var table = OffsetTable<UInt64>()
        table[0] = 1
        table[.max] = 2
        #expect(table[0] == 1 && table[.max] == 2 && table[5] == nil)
        table[.max] = nil
        #expect(table[.max] == nil && table.count == 1)
        #expect(table.removeValue(forKey: 7) == nil)
    }
}
