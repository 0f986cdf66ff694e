import Testing
import PynqXML
@testable import PynqHWH

/// The HWH reader's name interning and id maps.
@Suite struct NameTableTests {
    @Test func namesAreInternedByTheirDecodedBytes() throws {
        let doc = try XMLDocument(string: #"<r><a N="AB"/><a N="A&#66;"/><a N="ab"/><a N="clk_wiz_0_long_name"/><a N=""/></r>"#)
        try doc.withRawElements { raw in
            let values = try (1..<raw.count).map { try #require(raw.attributes(of: $0).value("N", in: raw.bytes)) }
            var table = NameTable(capacity: 2)
            let ids = values.map { table.insert($0, in: raw.bytes) }
            #expect(ids.map(\.inserted) == [true, false, true, true, true])
            #expect(ids[0].id == ids[1].id)
            #expect(table.names == ["AB", "ab", "clk_wiz_0_long_name", ""])
            #expect(table.id(of: "clk_wiz_0_long_name") == 2)
            #expect(table.id(of: "clk_wiz_0_long_nam") == nil)
            #expect(table.insert("AB") == (0, false))
            #expect(table.idOfLowercased(0) == 1)
            #expect(table.idOfLowercased(2) == 2)
            #expect(table.id(of: values[1], in: raw.bytes) == 0)
            #expect(table.insert(bytes: values[3].bytes(in: raw.bytes)) == 2)
        }
    }

    @Test func firstOccurrencesKeepTheFirstOfEachText() throws {
        let doc = try XMLDocument(string: #"<r><p N="A"/><p N="B"/><p N="A"/><p N="&#65;"/><p N="a_much_longer_name_1"/><p N="a_much_longer_name_2"/><p N="B"/></r>"#)
        try doc.withRawElements { raw in
            var seen = FirstOccurrences(capacity: raw.count - 1)
            let added = try (1..<raw.count).map { e in
                seen.insert(try #require(raw.attributes(of: e).value("N", in: raw.bytes)), in: raw.bytes)
            }
            #expect(added == [true, true, false, false, true, true, false])
        }
    }

    @Test func manyNamesGrowTheTable() {
        var table = NameTable(capacity: 1)
        let names = (0..<5_000).map { "PSU__NAME_\($0)_\(String(repeating: "x", count: $0 % 23))" }
        for (i, name) in names.enumerated() { #expect(table.insert(name) == (Int32(i), true)) }
        for (i, name) in names.enumerated() where i % 7 == 0 { #expect(table.id(of: name) == Int32(i)) }
        #expect(table.count == names.count)
        // Every length from 0 to 20 hashes its tail bytes: names differing only there are distinct.
        var short = NameTable(capacity: 4)
        for length in 0...20 {
            let a = String(repeating: "a", count: length), b = String(repeating: "a", count: max(0, length - 1)) + "b"
            #expect(short.insert(a).inserted)
            if length > 0 { #expect(short.insert(b).inserted) }
        }
    }

    @Test func idMapsStoreAndOverwrite() {
        var map = IDMap(capacity: 2)
        for i in 0..<1_000 { map[IDMap.key(Int32(i % 10) - 1, Int32(i))] = Int32(i) }
        #expect(map.count == 1_000)
        #expect(map[IDMap.key(-1, 0)] == 0)
        #expect(map[IDMap.key(8, 999)] == 999)
        #expect(map[IDMap.key(0, 0)] == nil)
        map[IDMap.key(-1, 0)] = 7
        #expect(map[IDMap.key(-1, 0)] == 7 && map.count == 1_000)
        #expect(IDMap.key(-1, 5) != IDMap.key(0, 5) && IDMap.key(1, 2) != IDMap.key(2, 1))
    }
}
