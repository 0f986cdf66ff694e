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
        let table = Self.table
        document.bytes.withUnsafeBufferPointer { bytes in
            table.candidates.withUnsafeBufferPointer { candidates in
                table.words.withUnsafeBufferPointer { words in
                    tagOfElement.withUnsafeMutableBufferPointer { tagOf in
                        for e in 0..<tagOf.count {
                            let range = document.tagNameRange(at: e)
                            let start = range.lowerBound, length = range.count
                            guard length > 0, length < TagTable.maxLength else { continue }
                            let tag = Int(candidates[length &* 256 &+ Int(bytes[start])])
                            guard tag >= 0 else { continue }
                            let matches: Bool
                            if start + 24 <= bytes.count {
                                // Three words of the name (bytes past its end masked off) against the tag's.
                                let p = UnsafeRawPointer(bytes.baseAddress! + start), w = tag &* 6
                                matches = p.loadUnaligned(as: UInt64.self) & words[w + 3] == words[w]
                                    && p.loadUnaligned(fromByteOffset: 8, as: UInt64.self) & words[w + 4] == words[w + 1]
                                    && p.loadUnaligned(fromByteOffset: 16, as: UInt64.self) & words[w + 5] == words[w + 2]
                            } else {
                                matches = table.names[tag].utf8.elementsEqual(UnsafeBufferPointer(rebasing: bytes[range]))
                            }
                            if matches {
                                tagOf[e] = Int8(tag)
                                counts[tag] += 1
                            }
                        }
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

    /// How element names are matched to tags: the one candidate tag for each (name length, first byte),
    /// and each tag's name as three zero-padded little-endian words with the masks that cut a 24-byte
    /// load down to the name.
    struct TagTable {
        static let maxLength = 25
        let names: [String]
        let candidates: [Int8]
        let words: [UInt64]

        init() {
            let names: [String] = [
                "SYSTEMINFO", "MODULE", "BUSINTERFACE", "PORTMAP", "PORT", "CONNECTION", "PARAMETER", "MEMRANGE",
                "ADDRESSBLOCK", "REGISTER", "FIELD", "PROPERTY", "REGISTERS", "EXTERNALINTERFACES", "EXTERNALPORTS",
            ]
            precondition(names.count == Tag.allCases.count)
            var candidates = [Int8](repeating: -1, count: Self.maxLength * 256)
            var words: [UInt64] = []
            for (tag, name) in names.enumerated() {
                let utf8 = Array(name.utf8)
                precondition(utf8.count < Self.maxLength, "tag names are shorter than 25 bytes")
                let slot = utf8.count * 256 + Int(utf8[0])
                precondition(candidates[slot] < 0, "two tags share a length and a first byte")
                candidates[slot] = Int8(tag)
                var value: [UInt64] = [0, 0, 0], mask: [UInt64] = [0, 0, 0]
                for (i, byte) in utf8.enumerated() {
                    value[i / 8] |= UInt64(byte) << (8 * UInt64(i % 8))
                    mask[i / 8] |= 0xFF << (8 * UInt64(i % 8))
                }
                words += value + mask
            }
            self.names = names
            self.candidates = candidates
            self.words = words
        }
    }

    private static let table = TagTable()

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
