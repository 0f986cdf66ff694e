import PynqXML

/// The elements of an HWH document sorted by tag, built in one pass: "every PORT below this MODULE" is
/// then a binary search in the PORT list instead of a walk over the module's subtree (pynq's
/// `element.iter("PORT")`, in the same document order).
struct TagIndex {
    enum Tag: Int, CaseIterable {
        case systemInfo, module, busInterface, portMap, port, connection, parameter, memRange
        case addressBlock, register, field, property, registers, externalInterfaces, externalPorts

        var name: String {
            switch self {
            case .systemInfo: return "SYSTEMINFO"
            case .module: return "MODULE"
            case .busInterface: return "BUSINTERFACE"
            case .portMap: return "PORTMAP"
            case .port: return "PORT"
            case .connection: return "CONNECTION"
            case .parameter: return "PARAMETER"
            case .memRange: return "MEMRANGE"
            case .addressBlock: return "ADDRESSBLOCK"
            case .register: return "REGISTER"
            case .field: return "FIELD"
            case .property: return "PROPERTY"
            case .registers: return "REGISTERS"
            case .externalInterfaces: return "EXTERNALINTERFACES"
            case .externalPorts: return "EXTERNALPORTS"
            }
        }
    }

    let document: XMLDocument
    private var positions: [[Int32]]

    init(_ document: XMLDocument) {
        self.document = document
        let (names, nameOfElement) = document.tagNames()
        var tagOfName = [Int](repeating: -1, count: names.count)
        let wanted = Dictionary(uniqueKeysWithValues: Tag.allCases.map { ($0.name, $0.rawValue) })
        for (i, name) in names.enumerated() { tagOfName[i] = wanted[name] ?? -1 }
        var positions = [[Int32]](repeating: [], count: Tag.allCases.count)
        for (e, id) in nameOfElement.enumerated() {
            let tag = tagOfName[Int(id)]
            if tag >= 0 { positions[tag].append(Int32(e)) }
        }
        self.positions = positions
    }

    /// Every element with tag `tag` in the whole document, in document order.
    func all(_ tag: Tag) -> Elements { Elements(document: document, positions: positions[tag.rawValue][...]) }

    /// Every element with tag `tag` below `element` (at any depth), in document order.
    func descendants(_ tag: Tag, of element: XMLElement) -> Elements {
        let list = positions[tag.rawValue]
        let range = element.descendantIndices
        let lower = Self.firstIndex(in: list, notBelow: range.lowerBound)
        let upper = Self.firstIndex(in: list, notBelow: range.upperBound)
        return Elements(document: document, positions: list[lower..<upper])
    }

    private static func firstIndex(in list: [Int32], notBelow value: Int) -> Int {
        var low = 0, high = list.count
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
