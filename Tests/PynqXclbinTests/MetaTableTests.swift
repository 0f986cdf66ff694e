import OrderedCollections
import PynqMetadata
import Testing
import TestSupport

/// `MetaValue.table`: the flat storage the xclbin reader builds its dictionaries in must behave exactly
/// like the `.dict` / `.list` values it stands for.
@Suite struct MetaTableTests {
    static let keys = MetaTableNames(["a", "b", "c", "nested", "list"])

    /// `{"a": 1, "b": "two", "c": null, "nested": {"x": 2.5, "y": true}, "list": ["p", "q"], "long key …": {}}`
    /// built in a table, and the same written as literals.
    static func sample() -> (table: MetaValue, literal: MetaValue) {
        var b = MetaTableBuilder(keys: keys, entries: 1, strings: 1)  // grows from tiny capacities
        let root = b.reserve(keys: 0..<5)
        b.set(root, 0, .int(1))
        b.set(root, 1, b.string("two"))
        // Member 2 is left unset: null.
        let nested = b.reserveDict(count: 2)
        b.set(nested, 0, key: "x", .double(2.5))
        b.set(nested, 1, key: "y", .bool(true))
        b.set(root, 3, nested)
        b.set(root, 4, b.list(of: ["p", "q"]))
        let outer = b.reserveDict(count: 4)
        b.set(outer, 0, key: "root", root)
        b.set(outer, 1, key: "a key longer than fifteen bytes", .emptyDict)
        // A fixed name as a key and as a value; a stored string as both a key and a value.
        b.set(outer, 2, key: b.fixed(2), b.fixed(3))
        let shared = b.string("same")
        b.set(outer, 3, key: shared, shared)
        let table = b.finish().value(of: outer)
        let literal: MetaValue = [
            "root": ["a": 1, "b": "two", "c": nil, "nested": ["x": 2.5, "y": true], "list": ["p", "q"]],
            "a key longer than fifteen bytes": .emptyDict, "c": "nested", "same": "same",
        ]
        return (table, literal)
    }

    @Test func aTableEqualsTheDictionaryItStandsFor() {
        let (table, literal) = Self.sample()
        guard case .table = table else { Issue.record("the builder makes tables"); return }
        #expect(table == literal)
        #expect(literal == table)
        #expect(Set([table, literal]).count == 1)
        #expect(table.hashValue == literal.hashValue)
        #expect(table.withoutTables == literal)
        #expect(table.jsonString() == literal.jsonString())
        #expect(table.jsonString(indent: nil) == literal.jsonString(indent: nil))
        #expect(table.withoutTables.jsonString() == literal.jsonString())
    }

    @Test func membersReadLikeDictionaryMembers() throws {
        let (table, literal) = Self.sample()
        #expect(table.keys == ["root", "a key longer than fifteen bytes", "c", "same"])
        #expect(table["c"] == "nested")
        #expect(table["same"]?.stringValue == "same")
        let root = try #require(table["root"])
        #expect(root.keys == ["a", "b", "c", "nested", "list"])
        #expect(root["a"]?.intValue == 1)
        #expect(root["b"]?.stringValue == "two")
        #expect(root["c"] == .null)
        #expect(root["missing"] == nil)
        #expect(root["nested"]?["x"]?.doubleValue == 2.5)
        #expect(root["nested"]?["y"]?.boolValue == true)
        #expect(root["list"]?.listValue == ["p", "q"])
        #expect(root["list"]?["a"] == nil)
        #expect(root["list"]?.keys == [])
        #expect(root.dictValue?.keys.elementsEqual(["a", "b", "c", "nested", "list"]) == true)
        #expect(root["a"]?.dictValue == nil)
        #expect(table["a key longer than fifteen bytes"]?.dictValue?.isEmpty == true)
        #expect(table.dictValue?.count == literal.dictValue?.count)
    }

    @Test func unequalContentIsUnequal() {
        let (table, literal) = Self.sample()
        var other = literal
        other["root"]?["a"] = 2
        #expect(table != other)
        #expect(other != table)
        var reordered: MetaValue = .emptyDict
        for key in literal.keys.reversed() { reordered[key] = literal[key] ?? .null }
        #expect(table != reordered)  // order matters, as in pynq's dictionaries and OrderedDictionary
        #expect(table["root"]?["list"] != ["q", "p"])
        #expect(table["root"]?["list"] != ["p", "q", "r"])
        #expect(table["root"]?["list"] != .emptyDict)
        #expect(table["root"]?["nested"] != ["x", "y"])
        #expect(table != .null)
    }

    @Test func settingAMemberMakesAPlainDictionaryAndLeavesCopiesAlone() {
        let (table, literal) = Self.sample()
        var changed = table
        changed["root"]?["b"] = "three"
        changed["added"] = 7
        guard case .dict = changed else { Issue.record("a set member turns the table into a .dict"); return }
        #expect(changed["root"]?["b"] == "three")
        #expect(changed["root"]?["nested"] == ["x": 2.5, "y": true])
        #expect(changed.keys == ["root", "a key longer than fifteen bytes", "c", "same", "added"])
        #expect(table == literal)  // the table itself is unchanged
    }

    @Test func nestedValuesOutliveTheRestOfTheirTables() {
        var nested: MetaValue?
        do {
            let (table, _) = Self.sample()
            nested = table["root"]?["nested"]
        }
        #expect(nested == ["x": 2.5, "y": true])
        #expect(nested?.jsonString(indent: nil) == #"{"x":2.5,"y":true}"#)
    }

    @Test func largeTablesGrowTheirBuffers() {
        var b = MetaTableBuilder(keys: Self.keys, entries: 0, strings: 0)
        let outer = b.reserveDict(count: 1000)
        for i in 0..<1000 {
            let inner = b.reserve(keys: 0..<2)
            b.set(inner, 0, .int(i))
            b.set(inner, 1, b.string("value number \(i), long enough to be stored on the heap"))
            b.set(outer, i, key: "key\(i)", inner)
        }
        let value = b.finish().value(of: outer)
        #expect(value.keys.count == 1000)
        #expect(value["key999"]?["a"] == 999)
        #expect(value["key0"]?["b"] == "value number 0, long enough to be stored on the heap")
        var literal = OrderedDictionary<String, MetaValue>()
        for i in 0..<1000 {
            literal["key\(i)"] = ["a": .int(i), "b": .string("value number \(i), long enough to be stored on the heap")]
        }
        #expect(value == .dict(literal))
    }

    /// Values and keys can be ranges of a text given to `finish(text:)` (kept, not copied).
    @Test func textRangesAsValuesAndKeys() {
        let text = Array("name=vadd type=void*".utf8)
        var b = MetaTableBuilder(keys: Self.keys, textCount: text.count, entries: 4, strings: 1)
        let d = b.reserveDict(count: 2)
        b.set(d, 0, key: b.text(0..<4), b.text(5..<9))
        b.set(d, 1, key: b.text(10..<14), b.text(15..<20))
        let value = b.finish(text: text).value(of: d)
        #expect(value == ["name": "vadd", "type": "void*"])
        #expect(value["type"] == "void*" && value["missing"] == nil)
        #expect(value.jsonString(indent: nil) == #"{"name":"vadd","type":"void*"}"#)
    }

    @Test func anUnfinishedBuilderCanBeDropped() {
        var b = MetaTableBuilder(keys: Self.keys, entries: 4, strings: 4)
        let d = b.reserve(keys: 0..<3)
        b.set(d, 0, b.string("a string that is long enough to be allocated"))
        _ = consume b
        let again = MetaTableBuilder(keys: Self.keys, entries: 4, strings: 4).finish()
        #expect(again.value(of: .int(3)) == 3)
        #expect(again.value(of: .emptyDict) == .emptyDict)
    }

    @Test(arguments: ["pynq_default.xclbin", "xup_aws_f1_streaming_lab.xclbin", "xup_aws_f1_vitis_intro_lab.xclbin"])
    func xclbinDictionariesAreTablesWithTheSameJSON(name: String) throws {
        let file = try Xclbin.read(bytes: Reference.bytes(name), source: name)
        for dict in [file.ipDict, file.memDict, file.clockDict] {
            guard case .table = dict else { Issue.record("\(name): the reader's dictionaries are tables"); continue }
            #expect(dict == dict.withoutTables)
            #expect(dict.jsonString() == dict.withoutTables.jsonString())
        }
        let overlay = try OverlayFile.read(bytes: Reference.bytes(name), name: name)
        #expect(overlay.inspectJSON == file.inspectJSON())
        #expect(overlay.xclbin?.header.uuid == file.header.uuid)
        #expect(overlay.overlay?.ips == file.ips)
        #expect(overlay.hwh == nil && overlay.bitstream == nil)
    }
}
