import PynqMetadataCore
import PynqXML

// The block design of an HWH file as pynqmetadata's `HwhFrontend` models it: blocks (one per MODULE),
// their ports (one per BUSINTERFACE, then one per PORT that no bus interface maps), the signals of each
// port, and the wiring between signals. Built in one pass over the DOM with every name indexed once, so
// that the views (`RuntimeView`) never search the document. Names are interned by their bytes
// (`NameTable`): each distinct name becomes one `String`, and the lookups by name are maps of name ids.

/// What a MODULE becomes.
enum BlockKind: Equatable {
    /// An IP core.
    case ip
    /// The processing system.
    case processingSystem(ProcessingSystemKind)
    /// A block container (BDTYPE `BLOCK_CONTAINER`): a module without blocks of its own.
    case container
}

/// What a port of a block is, as pynqmetadata's port classes tell them apart.
enum PortKind: Equatable {
    /// Memory-mapped bus interface that drives the bus (AXI master, LMB, inter-NoC initiator).
    case manager
    /// Memory-mapped bus interface that is driven (slave, target or monitor): it has an address and registers.
    case subordinate
    /// Any other bus interface (streams, clocks, interrupts, GPIO, …).
    case bus
    /// A PORT that no bus interface maps.
    case scalar
}

struct Port {
    var name: String
    var nameID: Int32
    var kind: PortKind
    /// The `name` part of the bus interface's VLNV (`aximm`, `bram`, `ddr4`, …).
    var vlnvName: String?
    /// Signal ids in the order they were added (names are unique within a port).
    var signals: [Int32] = []
    /// The address a subordinate port is reached at, and its size; pynqmetadata's defaults until a
    /// MEMRANGE sets them.
    var baseAddress = 9_999_999
    var range = 16
}

struct Signal {
    /// Index of the owning block, or `-1` for an external port of the design.
    var block: Int32
    var port: Int32
    var name: String
    var nameID: Int32
}

struct Block {
    let element: XMLElement
    /// INSTANCE: the name connections and memory ranges use.
    let name: String
    /// FULLNAME without leading `/`: the key of `ip_dict`.
    let hierarchyName: String
    let kind: BlockKind
    /// `name` field of the VLNV (`xlconcat`, `axi_intc`, …).
    let vlnvName: String?
    /// VLNV as pynqmetadata prints it (version numbers reformatted), or `xilinx.com:bdc:bdc:1.0`.
    let typeString: String
    let bdType: String?
    var ports: [Port] = []
    /// Each PORT element (document position) with the signal it carries, in file order (what `connect`
    /// wires).
    var wiredPorts: [(element: Int32, signal: Int32)] = []

    var isCore: Bool { kind != .container }
}

struct HWHDesign {
    let document: XMLDocument
    /// The document's elements as raw spans: valid while `HWHFile.init` runs, which the design never outlives.
    let raw: XMLRawElements
    let tags: TagIndex
    let source: String
    /// SYSTEMINFO NAME (the block design's name).
    let systemName: String
    /// The INSTANCE that CONNECTIONs to the design's external ports name (besides `External_Ports`).
    let externalInstanceName: String
    let architecture: String?
    let device: String?
    var blocks: [Block] = []
    /// The design's external ports (a port list like a block's).
    var externalPorts: [Port] = []
    var signals: [Signal] = []
    /// The wiring as (source, destination) signal pairs in the order `connect` finds them; then, grouped
    /// by source, `connectionTargets[connectionStarts[s]..<connectionStarts[s + 1]]` (see `connections(of:)`).
    private var wiring: [(source: Int32, destination: Int32)] = []
    private var connectionStarts: [Int32] = []
    private var connectionTargets: [Int32] = []

    /// Every name of the design's blocks, ports and signals.
    var names: NameTable
    /// Name id → block.
    var blockByName = IDMap()
    /// (block, name id) → port of the block; block -1 for the design's external ports.
    var portByName = IDMap()
    /// (block, PORT name id) → the signal the PORT drives or reads (through a bus interface's PORTMAP or
    /// as a scalar).
    var signalByPhysical = IDMap()
    /// PHYSICAL name id of an external bus interface's port → index in `externalMappings`.
    var externalPhysical = IDMap()
    var externalMappings: [(bus: Int32, logical: Int32)] = []
    /// Name ids of the two INSTANCE values that name the design's external ports.
    var externalInstanceIDs: (Int32, Int32) = (-1, -1)

    /// The block named `name` (exactly).
    func block(exactly name: String) -> Int32? { names.id(of: name).flatMap { blockByName[UInt64($0)] } }

    /// The port of block `b` named `name` (exactly).
    func port(_ b: Int32, exactly name: String) -> Int32? {
        names.id(of: name).flatMap { portByName[IDMap.key(b, $0)] }
    }

    /// pynqmetadata's case-forgiving lookup of a port of block `b` by name id: the exact name, else the
    /// name in lower case.
    func port(_ b: Int32, named id: Int32) -> Int32? {
        portByName[IDMap.key(b, id)] ?? names.idOfLowercased(id).flatMap { portByName[IDMap.key(b, $0)] }
    }

    /// The signals signal `s` is wired to, in the order the HWH lists them, each once.
    func connections(of s: Int32) -> ArraySlice<Int32> {
        connectionTargets[Int(connectionStarts[Int(s)])..<Int(connectionStarts[Int(s) + 1])]
    }

    /// The hierarchical name pynq prints for the owner of signal `id` (`None` for external ports, as
    /// pynqmetadata's top-level module has no hierarchy name).
    func ownerPath(_ id: Int32) -> String {
        let s = signals[Int(id)]
        return s.block < 0 ? "None" : blocks[Int(s.block)].hierarchyName
    }

    /// `owner/signal` as pynq names a pin.
    func pinPath(_ id: Int32) -> String { ownerPath(id) + "/" + signals[Int(id)].name }

    /// The signal of a port that has one (pynqmetadata's `ScalarPort.sig()`); for bus ports the first.
    func firstSignal(block: Int32, port: Int32) -> Int32? {
        blocks[Int(block)].ports[Int(port)].signals.first
    }

    func error(_ element: XMLElement, _ what: String, _ reason: String) -> MetadataError {
        MetadataError(.badField, part: "\(source): \(what)", offset: element.byteOffset, reason: reason)
    }
}

// MARK: Building

extension HWHDesign {
    init(document: XMLDocument, raw: XMLRawElements, source: String) throws {
        self.document = document
        self.raw = raw
        self.source = source
        tags = TagIndex(document)
        let root = document.root
        guard root.isNamed("EDKSYSTEM") else {
            throw MetadataError(
                .badMagic, part: source, offset: root.byteOffset,
                reason: "the root element is <\(root.name)>, not <EDKSYSTEM>; this is not a Vivado hardware hand-off file")
        }
        let info = tags.all(.systemInfo).first { _ in true }
        systemName = info?["NAME"] ?? ""
        // pynqmetadata names the design's own ports `<name>_imp`: `None_imp` when SYSTEMINFO has no NAME.
        externalInstanceName = (info.map { $0["NAME"] ?? "None" } ?? "") + "_imp"
        architecture = info?["ARCH"]
        device = info?["DEVICE"]

        let modules = Array(tags.all(.module))
        blocks.reserveCapacity(modules.count)
        let portCount = tags.allPositions(.port).count, busCount = tags.allPositions(.busInterface).count
        names = NameTable(capacity: modules.count + busCount + portCount + 16)
        portByName = IDMap(capacity: portCount + busCount)
        signalByPhysical = IDMap(capacity: portCount)
        blockByName = IDMap(capacity: modules.count)
        externalInstanceIDs = (names.insert(externalInstanceName).id, names.insert("External_Ports").id)
        for module in modules { try addBlock(module) }
        addExternalPorts(root)
        for b in blocks.indices { connect(block: Int32(b)) }
        groupWiring()
        try resolveSubordinateAddresses(root)
    }

    /// The value of attribute `name` of the element at document position `e`.
    func attribute(_ e: Int32, _ name: StaticString) -> XMLSpan? { raw.attributes(of: Int(e)).value(name, in: raw.bytes) }

    /// The name id of a VLNV's `name` field (its third, `:`-separated), if it has one.
    private mutating func vlnvNameID(_ value: XMLSpan) -> Int32? {
        let bytes = raw.bytes
        if value.hasReferences { return VLNV(value.string(in: bytes)).name.map { names.insert($0).id } }
        let range = Int(value.start)..<(Int(value.start) + Int(value.length))
        var colons = 0
        var start = range.lowerBound
        for i in range where bytes[i] == UInt8(ascii: ":") {
            colons += 1
            if colons == 2 { start = i + 1 }
            if colons == 3 { return names.insert(bytes: UnsafeBufferPointer(rebasing: bytes[start..<i])) }
        }
        return colons == 2 ? names.insert(bytes: UnsafeBufferPointer(rebasing: bytes[start..<range.upperBound])) : nil
    }

    private mutating func addBlock(_ module: XMLElement) throws {
        let bytes = raw.bytes
        guard let instanceValue = attribute(Int32(module.documentIndex), "INSTANCE") else {
            throw error(module, "MODULE", "has no INSTANCE attribute; every MODULE needs one")
        }
        let instanceID = names.insert(instanceValue, in: bytes).id
        let instance = names.names[Int(instanceID)]
        guard blockByName[UInt64(instanceID)] == nil else {
            throw error(module, "MODULE \(instance)", "a second MODULE with INSTANCE \"\(instance)\"; instance names must be unique")
        }
        let bdType = module["BDTYPE"]
        let modType = module["MODTYPE"]
        let vlnv = module["VLNV"]
        let kind: BlockKind
        if let modType, let ps = ProcessingSystemKind(modType: modType) {
            kind = .processingSystem(ps)
        } else if bdType == "BLOCK_CONTAINER" {
            kind = .container
        } else {
            kind = .ip
        }
        let hierarchyName = module["FULLNAME"].map { String($0.drop { $0 == "/" }) } ?? instance
        let parsed = vlnv.map(VLNV.init)
        var block = Block(
            element: module, name: instance, hierarchyName: hierarchyName, kind: kind,
            vlnvName: kind == .container ? "bdc" : parsed?.name,
            typeString: kind == .container ? "xilinx.com:bdc:bdc:1.0" : (parsed?.pynqString ?? ""),
            bdType: bdType)
        let blockID = Int32(blocks.count)
        func key(_ name: Int32) -> UInt64 { IDMap.key(blockID, name) }
        let moduleRange = module.descendantIndices

        // Bus interfaces, each with the signals its PORTMAPs name.
        var physicalToLogical = IDMap(capacity: tags.positions(.portMap, in: moduleRange).count)
        var mappings: [(bus: Int32, logical: Int32)] = []
        for bus in tags.positions(.busInterface, in: moduleRange) {
            let attributes = raw.attributes(of: Int(bus))
            guard let nameValue = attributes.value("NAME", in: bytes) else { continue }
            let nameID = names.insert(nameValue, in: bytes).id
            let vlnvName = attributes.value("VLNV", in: bytes).flatMap { vlnvNameID($0) }.map { names.names[Int($0)] }
            let kind: PortKind
            switch vlnvName {
            case "aximm", "lmb", "inimm":
                let type = attributes.value("TYPE", in: bytes)
                kind = type?.equals("MASTER", in: bytes) == true || type?.equals("INITIATOR", in: bytes) == true
                    ? .manager : .subordinate
            default:
                kind = .bus
            }
            let portID = portByName[key(nameID)]
            var port = portID.map { block.ports[Int($0)] }
                ?? Port(name: names.names[Int(nameID)], nameID: nameID, kind: kind, vlnvName: vlnvName)
            for map in tags.positions(.portMap, in: raw.descendantIndices(of: Int(bus))) {
                let mapAttributes = raw.attributes(of: Int(map))
                guard let logicalValue = mapAttributes.value("LOGICAL", in: bytes),
                      let physicalValue = mapAttributes.value("PHYSICAL", in: bytes)
                else { continue }
                let logical = names.insert(logicalValue, in: bytes).id
                let physical = names.insert(physicalValue, in: bytes).id
                physicalToLogical[UInt64(physical)] = Int32(mappings.count)
                mappings.append((nameID, logical))
                // A bus interface whose name an earlier one took is not added (pynqmetadata keeps the first).
                guard portID == nil, signal(exactly: logical, among: port.signals) == nil else { continue }
                let id = Int32(signals.count)
                signals.append(Signal(
                    block: blockID, port: Int32(block.ports.count), name: names.names[Int(logical)], nameID: logical))
                port.signals.append(id)
            }
            if portID == nil {
                portByName[key(nameID)] = Int32(block.ports.count)
                block.ports.append(port)
            }
        }
        let portPositions = tags.positions(.port, in: moduleRange)
        var portElements: [(element: Int32, name: Int32)] = []
        portElements.reserveCapacity(portPositions.count)
        for p in portPositions {
            if let name = attribute(p, "NAME") { portElements.append((p, names.insert(name, in: bytes).id)) }
        }
        // PORTs that no bus interface maps are ports of their own.
        for (_, name) in portElements {
            guard physicalToLogical[UInt64(name)] == nil, portByName[key(name)] == nil else { continue }
            let id = Int32(signals.count)
            let portID = Int32(block.ports.count)
            signals.append(Signal(block: blockID, port: portID, name: names.names[Int(name)], nameID: name))
            block.ports.append(Port(name: names.names[Int(name)], nameID: name, kind: .scalar, vlnvName: nil, signals: [id]))
            portByName[key(name)] = portID
        }
        // Which signal each PORT carries.
        block.wiredPorts.reserveCapacity(portElements.count)
        for (p, name) in portElements {
            if let known = signalByPhysical[key(name)] {
                block.wiredPorts.append((p, known))
                continue
            }
            let (portName, signalName) = physicalToLogical[UInt64(name)].map { mappings[Int($0)] } ?? (name, name)
            if let port = self.port(blockID, named: portName),
               let signal = signal(named: signalName, among: block.ports[Int(port)].signals)
            {
                signalByPhysical[key(name)] = signal
                block.wiredPorts.append((p, signal))
            }
        }
        blockByName[UInt64(instanceID)] = blockID
        blocks.append(block)
    }

    /// pynqmetadata's case-forgiving lookup of a port's signal: the exact name, else the name in lower case.
    func signal(named id: Int32, among list: [Int32]) -> Int32? {
        signal(exactly: id, among: list) ?? names.idOfLowercased(id).flatMap { signal(exactly: $0, among: list) }
    }

    func signal(exactly id: Int32, among list: [Int32]) -> Int32? {
        for s in list where signals[Int(s)].nameID == id { return s }
        return nil
    }

    /// The signal of `port` named `name` (exactly).
    func signal(exactly name: String, in port: Port) -> Int32? {
        names.id(of: name).flatMap { signal(exactly: $0, among: port.signals) }
    }

    private mutating func addExternalPorts(_ root: XMLElement) {
        let bytes = raw.bytes
        let external: Int32 = -1
        let interfaceLists = tags.allPositions(.externalInterfaces)
        for interfaces in interfaceLists {
            for bus in tags.positions(.busInterface, in: raw.descendantIndices(of: Int(interfaces))) {
                for map in tags.positions(.portMap, in: raw.descendantIndices(of: Int(bus))) {
                    guard let physical = attribute(map, "PHYSICAL"), let logical = attribute(map, "LOGICAL"),
                          let name = attribute(bus, "NAME")
                    else { continue }
                    let physicalID = names.insert(physical, in: bytes).id
                    externalPhysical[UInt64(physicalID)] = Int32(externalMappings.count)
                    externalMappings.append((names.insert(name, in: bytes).id, names.insert(logical, in: bytes).id))
                }
            }
        }
        for interfaces in interfaceLists {
            for bus in tags.positions(.busInterface, in: raw.descendantIndices(of: Int(interfaces))) {
                guard let nameValue = attribute(bus, "NAME") else { continue }
                let name = names.insert(nameValue, in: bytes).id
                var port = Port(name: names.names[Int(name)], nameID: name, kind: .bus, vlnvName: nil)
                for map in tags.positions(.portMap, in: raw.descendantIndices(of: Int(bus))) {
                    guard let physical = attribute(map, "PHYSICAL"),
                          let mapping = names.id(of: physical, in: bytes).flatMap({ externalPhysical[UInt64($0)] }),
                          case let logical = externalMappings[Int(mapping)].logical,
                          signal(exactly: logical, among: port.signals) == nil
                    else { continue }
                    let id = Int32(signals.count)
                    signals.append(Signal(
                        block: external, port: Int32(externalPorts.count), name: names.names[Int(logical)], nameID: logical))
                    port.signals.append(id)
                }
                guard portByName[IDMap.key(external, name)] == nil else { continue }
                portByName[IDMap.key(external, name)] = Int32(externalPorts.count)
                externalPorts.append(port)
            }
        }
        guard let ports = root.child(named: "EXTERNALPORTS") else { return }
        for p in tags.positions(.port, in: ports.descendantIndices) {
            guard let nameValue = attribute(p, "NAME") else { continue }
            let name = names.insert(nameValue, in: bytes).id
            guard externalPhysical[UInt64(name)] == nil, portByName[IDMap.key(external, name)] == nil else { continue }
            let id = Int32(signals.count)
            signals.append(Signal(block: external, port: Int32(externalPorts.count), name: names.names[Int(name)], nameID: name))
            portByName[IDMap.key(external, name)] = Int32(externalPorts.count)
            externalPorts.append(Port(name: names.names[Int(name)], nameID: name, kind: .scalar, vlnvName: nil, signals: [id]))
        }
    }

    /// Wires the signals of `block`'s PORTs to what their CONNECTIONs name. A connection to something the
    /// design does not have is left out.
    private mutating func connect(block b: Int32) {
        let bytes = raw.bytes
        for (p, source) in blocks[Int(b)].wiredPorts {
            for connection in tags.positions(.connection, in: raw.descendantIndices(of: Int(p))) {
                let attributes = raw.attributes(of: Int(connection))
                guard let instanceValue = attributes.value("INSTANCE", in: bytes),
                      let targetValue = attributes.value("PORT", in: bytes)
                else { continue }
                // A name the table does not have names nothing (its lower-case form may still).
                let instance = names.id(of: instanceValue, in: bytes)
                let target = names.id(of: targetValue, in: bytes)
                let destination: Int32?
                if let instance, instance == externalInstanceIDs.0 || instance == externalInstanceIDs.1 {
                    let (portName, signalName) = target.flatMap { externalPhysical[UInt64($0)] }
                        .map { externalMappings[Int($0)] } ?? (target ?? -1, target ?? -1)
                    destination = portByName[IDMap.key(-1, portName)].flatMap { signal(exactly: signalName, among: externalPorts[Int($0)].signals) }
                } else if let d = instance.flatMap({ blockByName[UInt64($0)] })
                            ?? names.id(of: instanceValue.string(in: bytes).lowercased()).flatMap({ blockByName[UInt64($0)] })
                {
                    destination = target.flatMap { signalByPhysical[IDMap.key(d, $0)] }
                        ?? names.id(of: targetValue.string(in: bytes).lowercased()).flatMap { signalByPhysical[IDMap.key(d, $0)] }
                } else {
                    destination = nil
                }
                guard let destination else { continue }
                wiring.append((source, destination))
            }
        }
    }

    /// Groups the wiring by source signal, keeping the order of each source's destinations and only the
    /// first of a repeated one.
    private mutating func groupWiring() {
        var starts = [Int32](repeating: 0, count: signals.count + 1)
        for (source, _) in wiring { starts[Int(source) + 1] += 1 }
        for s in signals.indices { starts[s + 1] += starts[s] }
        var targets = [Int32](repeating: 0, count: wiring.count)
        var ends = starts
        for (source, destination) in wiring {
            let first = Int(starts[Int(source)]), end = Int(ends[Int(source)])
            if targets[first..<end].contains(destination) { continue }
            targets[end] = destination
            ends[Int(source)] += 1
        }
        // Close the gaps the repeated destinations left.
        var finalStarts = [Int32](repeating: 0, count: signals.count + 1)
        var finalTargets: [Int32] = []
        finalTargets.reserveCapacity(wiring.count)
        for s in signals.indices {
            finalTargets.append(contentsOf: targets[Int(starts[s])..<Int(ends[s])])
            finalStarts[s + 1] = Int32(finalTargets.count)
        }
        connectionStarts = finalStarts
        connectionTargets = finalTargets
        wiring = []
    }

    /// Every MEMRANGE of type REGISTER or MEMORY, anywhere in the file, sets the address of the
    /// subordinate ports it names; the last one wins (pynqmetadata's `_resolve_subordinate_addressing`).
    private mutating func resolveSubordinateAddresses(_ root: XMLElement) throws {
        for range in tags.all(.memRange) {
            guard range.attribute("MEMTYPE", equals: "REGISTER") || range.attribute("MEMTYPE", equals: "MEMORY"),
                  let instance = range["INSTANCE"]
            else { continue }
            if let id = names.id(of: instance), portByName[IDMap.key(-1, id)] != nil { continue }
            guard let b = block(exactly: instance) else { continue }
            var targets: [Int32] = []
            for interface in Self.slaveInterfaces(range) {
                if let p = port(b, exactly: interface), blocks[Int(b)].ports[Int(p)].kind == .subordinate {
                    targets.append(p)
                }
            }
            guard !targets.isEmpty else { continue }
            let (base, size) = try bounds(of: range)
            for p in targets {
                blocks[Int(b)].ports[Int(p)].baseAddress = base
                blocks[Int(b)].ports[Int(p)].range = size
            }
        }
    }

    /// The subordinate interfaces a MEMRANGE is reached through (a NoC lists several, `:`-separated).
    static func slaveInterfaces(_ range: XMLElement) -> [String] {
        (range["SLAVEBUSINTERFACE"] ?? "").split(separator: ":").map(String.init)
    }

    /// BASEVALUE and HIGHVALUE − BASEVALUE + 1 of a MEMRANGE.
    func bounds(of range: XMLElement) throws -> (base: Int, size: Int) {
        let what = "MEMRANGE for \(range["INSTANCE"] ?? "?")"
        guard let baseText = range["BASEVALUE"], let highText = range["HIGHVALUE"] else {
            throw error(range, what, "has no BASEVALUE or HIGHVALUE")
        }
        guard let base = PythonNumbers.int(baseText, base: 16) else {
            throw error(range, what, "BASEVALUE \"\(baseText)\" is not a hexadecimal address")
        }
        guard let high = PythonNumbers.int(highText, base: 16) else {
            throw error(range, what, "HIGHVALUE \"\(highText)\" is not a hexadecimal address")
        }
        guard base >= 0, high >= base, high < Int.max else {
            throw error(range, what, "the range \(baseText)…\(highText) is empty, negative or too large")
        }
        return (base, high - base + 1)
    }
}

// MARK: VLNV

/// A `vendor:library:name:version` string, and the form pynqmetadata prints it in (`version` as two
/// integers: `1.00` becomes `1.0`).
struct VLNV {
    let raw: String
    let name: String?
    let pynqString: String

    init(_ raw: String) {
        self.raw = raw
        // Split on ':' by hand: this runs for every bus interface of the design.
        var fields: [Substring.UTF8View] = []
        var utf8 = Substring(raw).utf8
        while let colon = utf8.firstIndex(of: UInt8(ascii: ":")) {
            fields.append(utf8[..<colon])
            utf8 = utf8[utf8.index(after: colon)...]
        }
        fields.append(utf8)
        name = fields.count > 2 ? String(Substring(fields[2])) : nil
        if fields.count >= 4, let dot = fields[3].firstIndex(of: UInt8(ascii: ".")) {
            let majorText = String(Substring(fields[3][..<dot]))
            var rest = fields[3][fields[3].index(after: dot)...]
            if let next = rest.firstIndex(of: UInt8(ascii: ".")) { rest = rest[..<next] }
            if let major = PythonNumbers.int(majorText), let minor = PythonNumbers.int(String(Substring(rest))) {
                let prefix = raw.utf8[raw.utf8.startIndex..<fields[3].startIndex]
                pynqString = "\(Substring(prefix))\(major).\(minor)"
                return
            }
        }
        pynqString = raw
    }
}
