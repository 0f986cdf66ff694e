import PynqMetadataCore
import PynqXML

// The block design of an HWH file as pynqmetadata's `HwhFrontend` models it: blocks (one per MODULE),
// their ports (one per BUSINTERFACE, then one per PORT that no bus interface maps), the signals of each
// port, and the wiring between signals. Built in one pass over the DOM with every name indexed once, so
// that the views (`RuntimeView`) never search the document.

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
    /// The signals this one is wired to, in the order the HWH lists them, each once.
    var connections: [Int32] = []
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
    var portIndex: [String: Int32] = [:]
    /// PORT NAME → the signal the PORT drives or reads (through a bus interface's PORTMAP or as a scalar).
    var physicalSignal: [String: Int32] = [:]
    /// Each PORT element with the signal it carries, in file order (what `connect` wires).
    var wiredPorts: [(element: XMLElement, signal: Int32)] = []

    var isCore: Bool { kind != .container }

    /// pynqmetadata's case-forgiving lookup: the exact name, else the name in lower case.
    func port(named name: String) -> Int32? {
        portIndex[name] ?? portIndex[name.lowercased()]
    }
}

struct HWHDesign {
    let document: XMLDocument
    let tags: TagIndex
    let source: String
    /// SYSTEMINFO NAME (the block design's name).
    let systemName: String
    /// The INSTANCE that CONNECTIONs to the design's external ports name (besides `External_Ports`).
    let externalInstanceName: String
    let architecture: String?
    let device: String?
    var blocks: [Block] = []
    var blockIndex: [String: Int32] = [:]
    /// The design's external ports (a port list like a block's).
    var externalPorts: [Port] = []
    var externalPortIndex: [String: Int32] = [:]
    /// PHYSICAL name of an external bus interface's port → (bus interface name, LOGICAL name).
    var externalPhysical: [String: (bus: String, logical: String)] = [:]
    var signals: [Signal] = []

    /// The block named `name` (exact, else lower case, as pynqmetadata looks blocks up).
    func block(named name: String) -> Int32? {
        blockIndex[name] ?? blockIndex[name.lowercased()]
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
    init(document: XMLDocument, source: String) throws {
        self.document = document
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
        for module in modules { try addBlock(module) }
        addExternalPorts(root)
        for b in blocks.indices { connect(block: Int32(b)) }
        try resolveSubordinateAddresses(root)
    }

    private mutating func addBlock(_ module: XMLElement) throws {
        guard let instance = module["INSTANCE"] else {
            throw error(module, "MODULE", "has no INSTANCE attribute; every MODULE needs one")
        }
        guard blockIndex[instance] == nil else {
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
        let busElements = tags.descendants(.busInterface, of: module)
        let portCount = tags.descendants(.port, of: module).count
        // Sized once: growing these tables rehashes every name again.
        block.portIndex.reserveCapacity(busElements.count + portCount)
        block.physicalSignal.reserveCapacity(portCount)

        // Bus interfaces, each with the signals its PORTMAPs name.
        var physicalToLogical: [String: (bus: String, logical: String)] = [:]
        physicalToLogical.reserveCapacity(tags.descendants(.portMap, of: module).count)
        for bus in busElements {
            guard let name = bus["NAME"] else { continue }
            let busVLNV = bus["VLNV"].map(VLNV.init)
            let kind: PortKind
            switch busVLNV?.name {
            case "aximm", "lmb", "inimm":
                let type = bus["TYPE"]
                kind = type == "MASTER" || type == "INITIATOR" ? .manager : .subordinate
            default:
                kind = .bus
            }
            let portID = block.portIndex[name]
            var port = portID.map { block.ports[Int($0)] } ?? Port(name: name, kind: kind, vlnvName: busVLNV?.name)
            for map in tags.descendants(.portMap, of: bus) {
                guard let logical = map["LOGICAL"], let physical = map["PHYSICAL"] else { continue }
                physicalToLogical[physical] = (name, logical)
                // A bus interface whose name an earlier one took is not added (pynqmetadata keeps the first).
                guard portID == nil, signal(exactly: logical, in: port) == nil else { continue }
                let id = Int32(signals.count)
                signals.append(Signal(block: blockID, port: Int32(block.ports.count), name: logical))
                port.signals.append(id)
            }
            if portID == nil {
                block.portIndex[name] = Int32(block.ports.count)
                block.ports.append(port)
            }
        }
        let portElements = tags.descendants(.port, of: module).compactMap { p in p["NAME"].map { (p, $0) } }
        // PORTs that no bus interface maps are ports of their own.
        for (_, name) in portElements {
            guard physicalToLogical[name] == nil, block.portIndex[name] == nil else { continue }
            let id = Int32(signals.count)
            let portID = Int32(block.ports.count)
            signals.append(Signal(block: blockID, port: portID, name: name))
            block.ports.append(Port(name: name, kind: .scalar, vlnvName: nil, signals: [id]))
            block.portIndex[name] = portID
        }
        // Which signal each PORT carries.
        for (p, name) in portElements {
            if let known = block.physicalSignal[name] {
                block.wiredPorts.append((p, known))
                continue
            }
            let (portName, signalName) = physicalToLogical[name].map { ($0.bus, $0.logical) } ?? (name, name)
            if let port = block.port(named: portName),
               let signal = signal(named: signalName, in: block.ports[Int(port)])
            {
                block.physicalSignal[name] = signal
                block.wiredPorts.append((p, signal))
            }
        }
        blockIndex[instance] = blockID
        blocks.append(block)
    }

    /// pynqmetadata's case-forgiving lookup of a port's signal: the exact name, else the name in lower case.
    func signal(named name: String, in port: Port) -> Int32? {
        signal(exactly: name, in: port) ?? signal(exactly: name.lowercased(), in: port)
    }

    func signal(exactly name: String, in port: Port) -> Int32? {
        port.signals.first { signals[Int($0)].name == name }
    }

    private mutating func addExternalPorts(_ root: XMLElement) {
        for interfaces in tags.all(.externalInterfaces) {
            for bus in tags.descendants(.busInterface, of: interfaces) {
                for map in tags.descendants(.portMap, of: bus) {
                    guard let physical = map["PHYSICAL"], let logical = map["LOGICAL"], let name = bus["NAME"] else { continue }
                    externalPhysical[physical] = (name, logical)
                }
            }
        }
        for interfaces in tags.all(.externalInterfaces) {
            for bus in tags.descendants(.busInterface, of: interfaces) {
                guard let name = bus["NAME"] else { continue }
                var port = Port(name: name, kind: .bus, vlnvName: nil)
                for map in tags.descendants(.portMap, of: bus) {
                    guard let physical = map["PHYSICAL"], let logical = externalPhysical[physical]?.logical,
                          signal(exactly: logical, in: port) == nil
                    else { continue }
                    let id = Int32(signals.count)
                    signals.append(Signal(block: -1, port: Int32(externalPorts.count), name: logical))
                    port.signals.append(id)
                }
                guard externalPortIndex[name] == nil else { continue }
                externalPortIndex[name] = Int32(externalPorts.count)
                externalPorts.append(port)
            }
        }
        guard let ports = root.child(named: "EXTERNALPORTS") else { return }
        for p in tags.descendants(.port, of: ports) {
            guard let name = p["NAME"], externalPhysical[name] == nil, externalPortIndex[name] == nil else { continue }
            let id = Int32(signals.count)
            signals.append(Signal(block: -1, port: Int32(externalPorts.count), name: name))
            externalPortIndex[name] = Int32(externalPorts.count)
            externalPorts.append(Port(name: name, kind: .scalar, vlnvName: nil, signals: [id]))
        }
    }

    /// Wires the signals of `block`'s PORTs to what their CONNECTIONs name. A connection to something the
    /// design does not have is left out.
    private mutating func connect(block b: Int32) {
        let externalInstance = externalInstanceName
        for (p, source) in blocks[Int(b)].wiredPorts {
            for connection in tags.descendants(.connection, of: p) {
                guard let instance = connection["INSTANCE"], let target = connection["PORT"] else { continue }
                let destination: Int32?
                if instance == externalInstance || instance == "External_Ports" {
                    let (portName, signalName) = externalPhysical[target].map { ($0.bus, $0.logical) } ?? (target, target)
                    destination = externalPortIndex[portName].flatMap { signal(exactly: signalName, in: externalPorts[Int($0)]) }
                } else if let d = self.block(named: instance) {
                    destination = blocks[Int(d)].physicalSignal[target] ?? blocks[Int(d)].physicalSignal[target.lowercased()]
                } else {
                    destination = nil
                }
                guard let destination, !signals[Int(source)].connections.contains(destination) else { continue }
                signals[Int(source)].connections.append(destination)
            }
        }
    }

    /// Every MEMRANGE of type REGISTER or MEMORY, anywhere in the file, sets the address of the
    /// subordinate ports it names; the last one wins (pynqmetadata's `_resolve_subordinate_addressing`).
    private mutating func resolveSubordinateAddresses(_ root: XMLElement) throws {
        for range in tags.all(.memRange) {
            guard range.attribute("MEMTYPE", equals: "REGISTER") || range.attribute("MEMTYPE", equals: "MEMORY"),
                  let instance = range["INSTANCE"]
            else { continue }
            if externalPortIndex[instance] != nil { continue }
            guard let b = blockIndex[instance] else { continue }
            var targets: [Int32] = []
            for interface in Self.slaveInterfaces(range) {
                if let p = blocks[Int(b)].portIndex[interface], blocks[Int(b)].ports[Int(p)].kind == .subordinate {
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
