import PynqXML

/// The elements of an HWH document sorted by tag, built in one pass: "every PORT below this MODULE" is
/// then a binary search in the PORT list instead of a walk over the module's subtree (pynq's
/// `element.iter("PORT")`, in the same document order).
struct TagIndex {
    enum Tag: Int, CaseIterable {
        case systemInfo, module, busInterface, portMap, port, connection, parameter, memRange
        case addressBlock, register, field, property, registers, externalInterfaces, externalPorts
    }

    let document: XMLDocument
    /// Element positions grouped by tag (`starts[tag]..<starts[tag + 1]`), each group in document order.
    private let sorted: [Int32]
    private let starts: [Int]

    private func positions(_ tag: Tag) -> ArraySlice<Int32> { sorted[starts[tag.rawValue]..<starts[tag.rawValue + 1]] }

    init(_ document: XMLDocument) {
        self.document = document
        // One pass classifies each element by its tag name's bytes (no strings, no hashing); a counting
        // sort then groups them by tag.
        var tagOfElement = [Int8](repeating: -1, count: document.elementCount)
        var counts = [Int](repeating: 0, count: Tag.allCases.count)
        document.bytes.withUnsafeBufferPointer { bytes in
            tagOfElement.withUnsafeMutableBufferPointer { tagOf in
                for e in 0..<tagOf.count {
                    let tag = Self.tag(UnsafeBufferPointer(rebasing: bytes[document.tagNameRange(at: e)]))
                    if tag >= 0 {
                        tagOf[e] = Int8(tag)
                        counts[tag] += 1
                    }
                }
            }
        }
        // Counting sort: each tag's elements in document order, one after the other.
        var starts = [Int](repeating: 0, count: counts.count + 1)
        for t in counts.indices { starts[t + 1] = starts[t] + counts[t] }
        var sorted = [Int32](repeating: 0, count: starts[counts.count])
        var next = starts
        sorted.withUnsafeMutableBufferPointer { out in
            for (e, tag) in tagOfElement.enumerated() where tag >= 0 {
                out[next[Int(tag)]] = Int32(e)
                next[Int(tag)] += 1
            }
        }
        self.sorted = sorted
        self.starts = starts
    }

    /// The tag (raw value) named by `name`, or -1.
    private static func tag(_ name: UnsafeBufferPointer<UInt8>) -> Int {
        func check(_ tag: Tag, _ text: StaticString) -> Int {
            let p = text.utf8Start
            for i in 0..<name.count where name[i] != p[i] { return -1 }
            return tag.rawValue
        }
        guard !name.isEmpty else { return -1 }
        switch (name.count, name[0]) {
        case (4, UInt8(ascii: "P")): return check(.port, "PORT")
        case (5, UInt8(ascii: "F")): return check(.field, "FIELD")
        case (6, UInt8(ascii: "M")): return check(.module, "MODULE")
        case (7, UInt8(ascii: "P")): return check(.portMap, "PORTMAP")
        case (8, UInt8(ascii: "P")): return check(.property, "PROPERTY")
        case (8, UInt8(ascii: "R")): return check(.register, "REGISTER")
        case (8, UInt8(ascii: "M")): return check(.memRange, "MEMRANGE")
        case (9, UInt8(ascii: "P")): return check(.parameter, "PARAMETER")
        case (9, UInt8(ascii: "R")): return check(.registers, "REGISTERS")
        case (10, UInt8(ascii: "C")): return check(.connection, "CONNECTION")
        case (10, UInt8(ascii: "S")): return check(.systemInfo, "SYSTEMINFO")
        case (12, UInt8(ascii: "B")): return check(.busInterface, "BUSINTERFACE")
        case (12, UInt8(ascii: "A")): return check(.addressBlock, "ADDRESSBLOCK")
        case (13, UInt8(ascii: "E")): return check(.externalPorts, "EXTERNALPORTS")
        case (18, UInt8(ascii: "E")): return check(.externalInterfaces, "EXTERNALINTERFACES")
        default: return -1
        }
    }

    /// Every element with tag `tag` in the whole document, in document order.
    func all(_ tag: Tag) -> Elements { Elements(document: document, positions: positions(tag)) }

    /// Every element with tag `tag` below `element` (at any depth), in document order.
    func descendants(_ tag: Tag, of element: XMLElement) -> Elements {
        Elements(document: document, positions: positions(tag, in: element.descendantIndices))
    }

    /// The document positions of the elements with tag `tag` in the position range `range` (a subtree's
    /// descendants), in document order.
    func positions(_ tag: Tag, in range: Range<Int>) -> ArraySlice<Int32> {
        let list = positions(tag)
        let lower = Self.firstIndex(in: list, notBelow: range.lowerBound)
        let upper = Self.firstIndex(in: list[lower...], notBelow: range.upperBound)
        return list[lower..<upper]
    }

    /// The document positions of every element with tag `tag`, in document order.
    func allPositions(_ tag: Tag) -> ArraySlice<Int32> { positions(tag) }

    private static func firstIndex(in list: ArraySlice<Int32>, notBelow value: Int) -> Int {
        var low = list.startIndex, high = list.endIndex
        while low < high {
            let mid = (low + high) / 2
            if Int(list[mid]) < value { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// Elements at some document positions.
    struct Elements: RandomAccessCollection {
        let document: XMLDocument
        let positions: ArraySlice<Int32>
        var startIndex: Int { positions.startIndex }
        var endIndex: Int { positions.endIndex }
        subscript(i: Int) -> XMLElement { document.element(at: Int(positions[i])) }
    }
}
