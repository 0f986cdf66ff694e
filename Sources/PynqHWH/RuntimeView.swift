import OrderedCollections
import PynqMetadataCore
import PynqXML

// pynq's dictionaries for a full design (one with a processing system), with the rules of
// pynqmetadata's `RuntimeMetadataParser` — the path pynq >= 3 takes when it loads an overlay.

/// A memory-mapped route from a PS master port to a subordinate port (pynqmetadata's `addrmap` entry).
struct AddressMapping {
    var block: Int32
    var port: Int32
    /// ADDRESSBLOCK of the MEMRANGE (`Reg`, `Mem0`, …).
    var addressBlock: String?
    /// MEMTYPE in lower case (`register`, `memory`).
    var memType: String
    var base: Int?
    var range: Int?
}

struct RuntimeView {
    var ipDict: OrderedDictionary<String, MetaValue> = [:]
    var memDict: OrderedDictionary<String, MetaValue> = [:]
    var gpioDict: OrderedDictionary<String, MetaValue> = [:]
    var interruptPins: OrderedDictionary<String, MetaValue> = [:]
    var interruptControllers: OrderedDictionary<String, MetaValue> = [:]
    var clockDict: OrderedDictionary<String, MetaValue> = [:]
    var hierarchyDict: OrderedDictionary<String, MetaValue> = [:]
    var clocks: [PLClock] = []
    /// Typed twins of the `ip_dict` entries that have an address.
    var ips: [IPBlock] = []
    /// Typed registers of every addressed entry, by `ip_dict` / `mem_dict` key.
    var registers: [String: [Register]] = [:]
}

extension HWHDesign {
    func runtimeView(ps: Int32, kind: ProcessingSystemKind) throws -> RuntimeView {
        var view = RuntimeView()
        let psBlock = blocks[Int(ps)]

        let irq = try interrupts(ps: ps, kind: kind)
        view.interruptControllers = irq.controllers
        view.interruptPins = irq.pins

        // ip_dict: everything a PS master port reaches, keyed by hierarchical name; then the PS itself.
        let mappings = try addressMap(ps: ps)
        var parametersCache: [Int32: MetaValue] = [:]
        func parametersValue(_ b: Int32) -> MetaValue {
            if let p = parametersCache[b] { return p }
            let p = MetaValue.dict(parameters(of: b))
            parametersCache[b] = p
            return p
        }
        var registersCache: [Int64: OrderedDictionary<String, RegisterInfo>] = [:]
        func registerInfo(_ b: Int32, _ p: Int32) throws -> OrderedDictionary<String, RegisterInfo> {
            let key = Int64(b) << 32 | Int64(p)
            if let r = registersCache[key] { return r }
            let r = try registers(block: b, port: p)
            registersCache[key] = r
            return r
        }
        var ipDict: OrderedDictionary<String, OrderedDictionary<String, MetaValue>> = [:]
        var ipSources: [String: (block: Int32, port: Int32)] = [:]
        for mapping in mappings {
            let core = blocks[Int(mapping.block)]
            let port = core.ports[Int(mapping.port)]
            var entry: OrderedDictionary<String, MetaValue> = [
                "type": .string(core.typeString), "mem_id": .string(port.name), "memtype": "REGISTER",
                "gpio": .emptyDict, "interrupts": interruptsOf(block: mapping.block, irq),
                "parameters": parametersValue(mapping.block), "registers": .emptyDict, "driver": .null, "device": .null,
            ]
            if mapping.block != ps {
                entry["registers"] = try registerInfo(mapping.block, mapping.port).metaValue(fieldKeysAccessFirst: true)
                entry["state"] = .null
                entry["bdtype"] = .null
                entry["phys_addr"] = .int(port.baseAddress)
                entry["addr_range"] = .int(port.range)
                entry["fullpath"] = .string(core.hierarchyName)
                ipSources[core.hierarchyName] = (mapping.block, mapping.port)
            } else {
                ipSources[core.hierarchyName] = nil
            }
            ipDict[core.hierarchyName] = entry
        }
        ipDict[psBlock.hierarchyName] = [
            "type": .string(psBlock.typeString), "gpio": .emptyDict, "interrupts": .emptyDict,
            "parameters": parametersValue(ps), "driver": .null, "device": .null,
        ]
        ipSources[psBlock.hierarchyName] = nil

        view.gpioDict = try gpio(ps: ps, kind: kind)
        (view.clockDict, view.clocks) = try clockDict(ps: ps, kind: kind, parameters: parametersValue(ps))

        // mem_dict: the memory regions a PS master reaches, one per (core, base, range).
        var regions: OrderedDictionary<MemoryRegionKey, AddressMapping> = [:]
        for mapping in mappings where mapping.memType == "memory" {
            guard blocks[Int(mapping.block)].isCore else { continue }
            let port = blocks[Int(mapping.block)].ports[Int(mapping.port)]
            var resolved = mapping
            resolved.base = mapping.base ?? port.baseAddress
            resolved.range = mapping.range ?? port.range
            let key = MemoryRegionKey(
                core: blocks[Int(mapping.block)].hierarchyName, base: resolved.base!, range: resolved.range!)
            if let existing = regions[key] {
                // The smallest ADDRESSBLOCK name describes the region (Python compares the strings).
                if let new = mapping.addressBlock, let old = existing.addressBlock,
                   new.unicodeScalars.lexicographicallyPrecedes(old.unicodeScalars)
                {
                    regions[key] = resolved
                }
            } else {
                regions[key] = resolved
            }
        }
        var regionsPerCore: [String: Int] = [:]
        for key in regions.keys { regionsPerCore[key.core, default: 0] += 1 }
        var memDict: OrderedDictionary<String, OrderedDictionary<String, MetaValue>> = [:]
        for (key, mapping) in regions {
            let name = regionsPerCore[key.core]! > 1 ? "\(key.core)/\(mapping.addressBlock ?? "None")" : key.core
            let port = blocks[Int(mapping.block)].ports[Int(mapping.port)]
            memDict[name] = [
                "fullpath": .string(key.core), "type": .string(memoryType(of: mapping.block)),
                "bdtype": .null, "state": .null, "addr_range": .int(key.range), "phys_addr": .int(key.base),
                "mem_id": .string(port.name), "memtype": "MEMORY", "gpio": .emptyDict, "interrupts": .emptyDict,
                "parameters": parametersValue(mapping.block),
                "registers": try registerInfo(mapping.block, mapping.port).metaValue(fieldKeysAccessFirst: false),
                "used": 1,
            ]
        }

        // hierarchy_dict: made from the entries as they are now (before GPIO and interrupts are attached).
        let hierarchy = HierarchyTree(design: self, ipDict: ipDict, memDict: memDict)

        // Attach GPIO pins and interrupt pins to the IP (or hierarchy) they belong to.
        for (_, gpioEntry) in view.gpioDict {
            for pin in gpioEntry["pins"]?.listValue ?? [] {
                guard let path = pin.stringValue else { continue }
                let (owner, pinName) = Self.rpartition(path)
                if ipDict[owner] != nil {
                    ipDict[owner]![nested: "gpio", pinName] = gpioEntry
                } else if let node = hierarchy.node(owner) {
                    node.gpio[pinName] = gpioEntry
                }
            }
        }
        for (path, pinEntry) in view.interruptPins {
            let (owner, pinName) = Self.rpartition(path)
            if ipDict[owner] != nil {
                ipDict[owner]![nested: "interrupts", pinName] = pinEntry
            } else if let node = hierarchy.node(owner) {
                node.interrupts[pinName] = pinEntry
            }
        }
        view.hierarchyDict = hierarchy.dictionary()

        // An entry that is a memory is not also an IP.
        for (_, entry) in memDict {
            if let fullpath = entry["fullpath"]?.stringValue { ipDict[fullpath] = nil }
        }
        view.ipDict.reserveCapacity(ipDict.count)
        for (name, entry) in ipDict {
            view.ipDict[name] = .dict(entry)
            guard let source = ipSources[name] else { continue }
            let block = blocks[Int(source.block)]
            let port = block.ports[Int(source.port)]
            let registers = try registerInfo(source.block, source.port).values.map(\.register)
            view.ips.append(IPBlock(
                name: name, type: block.typeString, baseAddress: UInt64(port.baseAddress),
                addressRange: UInt64(port.range), registers: registers))
        }
        view.memDict.reserveCapacity(memDict.count)
        for (name, entry) in memDict { view.memDict[name] = .dict(entry) }
        return view
    }

    /// pynqmetadata's address maps of the PS master ports: for each MEMRANGE of the PS module whose
    /// MASTERBUSINTERFACE is one of its master ports and whose target is a block of the design, one
    /// entry per (subordinate port, ADDRESSBLOCK), the first kept. Ordered by master port, then file order.
    func addressMap(ps: Int32) throws -> [AddressMapping] {
        let psBlock = blocks[Int(ps)]
        var perPort: [[AddressMapping]] = Array(repeating: [], count: psBlock.ports.count)
        var seen: Set<MappingKey> = []
        for range in tags.descendants(.memRange, of: psBlock.element) {
            guard let master = range["MASTERBUSINTERFACE"], let m = port(ps, exactly: master),
                  psBlock.ports[Int(m)].kind == .manager,
                  let instance = range["INSTANCE"], let target = block(exactly: instance)
            else { continue }
            let bounds = try? self.bounds(of: range)
            let addressBlock = range["ADDRESSBLOCK"]
            let memType = range["MEMTYPE"]?.lowercased() ?? ""
            for interface in Self.slaveInterfaces(range) {
                guard let p = port(target, exactly: interface), blocks[Int(target)].ports[Int(p)].kind == .subordinate,
                      seen.insert(MappingKey(master: m, block: target, port: p, addressBlock: addressBlock)).inserted
                else { continue }
                perPort[Int(m)].append(AddressMapping(
                    block: target, port: p, addressBlock: addressBlock, memType: memType,
                    base: bounds?.base, range: bounds?.size))
            }
        }
        return perPort.flatMap { $0 }
    }

    /// The memory technology of a memory controller: the first of its bus interfaces that faces a memory
    /// (DDR4, LPDDR4, HBM, BRAM, …), else the VLNV name, in upper case.
    func memoryType(of b: Int32) -> String {
        let memoryInterfaces: Set<String> = ["ddr4", "ddr5", "lpddr4", "lpddr5", "hbm", "bram"]
        for port in blocks[Int(b)].ports {
            if let name = port.vlnvName, memoryInterfaces.contains(name) { return name.uppercased() }
        }
        return blocks[Int(b)].vlnvName?.uppercased() ?? "UNKNOWN"
    }

    /// `clock_dict` and the typed PL clocks, from the PS parameters.
    func clockDict(ps: Int32, kind: ProcessingSystemKind, parameters: MetaValue)
        throws -> (OrderedDictionary<String, MetaValue>, [PLClock])
    {
        let psBlock = blocks[Int(ps)]
        func lookup(_ name: String) throws -> String? {
            guard let value = parameters[name] else {
                throw MetadataError(
                    .badField, part: "\(source): MODULE \(psBlock.name)", offset: psBlock.element.byteOffset,
                    reason: "the processing system has no parameter \(name), which pynq needs for its PL clocks")
            }
            return value.stringValue
        }
        func integer(_ name: String) throws -> Int {
            guard let text = try lookup(name) else {
                throw MetadataError(
                    .badField, part: "\(source): MODULE \(psBlock.name)", offset: psBlock.element.byteOffset,
                    reason: "parameter \(name) has no value")
            }
            guard let n = PythonNumbers.int(text) else {
                throw MetadataError(
                    .badField, part: "\(source): MODULE \(psBlock.name)", offset: psBlock.element.byteOffset,
                    reason: "parameter \(name) is \"\(text)\", not an integer")
            }
            return n
        }
        var dict: OrderedDictionary<String, MetaValue> = [:]
        var clocks: [PLClock] = []
        for i in 0..<4 {
            let enableName = kind.clockEnableParameter(i)
            let enabled: Bool
            if let text = try lookup(enableName) {
                guard let n = PythonNumbers.int(text) else {
                    throw MetadataError(
                        .badField, part: "\(source): MODULE \(psBlock.name)", offset: psBlock.element.byteOffset,
                        reason: "parameter \(enableName) is \"\(text)\", not an integer")
                }
                enabled = n == 1
            } else {
                enabled = false
            }
            var frequency: Double?
            if let value = parameters[kind.clockFrequencyParameter(i)], let text = value.stringValue {
                guard let f = PythonNumbers.float(text) else {
                    throw MetadataError(
                        .badField, part: "\(source): MODULE \(psBlock.name)", offset: psBlock.element.byteOffset,
                        reason: "parameter \(kind.clockFrequencyParameter(i)) is \"\(text)\", not a number")
                }
                frequency = f
            }
            var entry: OrderedDictionary<String, MetaValue> = [
                "enable": .int(enabled ? 1 : 0), "frequency": frequency.map(MetaValue.double) ?? .null,
            ]
            var divisors: [Int] = []
            for j in 0..<kind.divisorsPerClock {
                let d = try integer(kind.clockDivisorParameter(i, j))
                divisors.append(d)
                entry["divisor\(j)"] = .int(d)
            }
            guard let source = try lookup(kind.clockSourceParameter(i)) else {
                throw MetadataError(
                    .badField, part: "\(self.source): MODULE \(psBlock.name)", offset: psBlock.element.byteOffset,
                    reason: "parameter \(kind.clockSourceParameter(i)) has no value")
            }
            entry["src_sel"] = .string(source)
            dict[String(i)] = .dict(entry)
            // pynqmetadata looks for the achieved frequency under the UltraScale+ name on every PS; the
            // typed clock also reads Zynq-7000's own parameters.
            var designFrequency = frequency
            if designFrequency == nil, kind == .zynq7000 {
                for name in ["PCW_ACT_FPGA\(i)_PERIPHERAL_FREQMHZ", "PCW_FPGA\(i)_PERIPHERAL_FREQMHZ"] {
                    if let text = parameters[name]?.stringValue, let f = PythonNumbers.float(text) {
                        designFrequency = f
                        break
                    }
                }
            }
            clocks.append(PLClock(
                index: i, enabled: enabled, divisors: divisors, frequencyMHz: designFrequency, source: source))
        }
        return (dict, clocks)
    }

    /// Python's `text.rpartition("/")` without the separator: (`before`, `after`).
    static func rpartition(_ text: String) -> (String, String) {
        guard let slash = text.lastIndex(of: "/") else { return ("", text) }
        return (String(text[..<slash]), String(text[text.index(after: slash)...]))
    }
}

private struct MemoryRegionKey: Hashable {
    var core: String
    var base: Int
    var range: Int
}

private struct MappingKey: Hashable {
    var master: Int32
    var block: Int32
    var port: Int32
    var addressBlock: String?
}

extension OrderedDictionary where Key == String, Value == MetaValue {
    /// Sets `self[outer][inner]` where `self[outer]` is a dictionary value.
    subscript(nested outer: String, inner: String) -> MetaValue? {
        get { self[outer]?[inner] }
        set {
            guard var d = self[outer]?.dictValue else { return }
            self[outer] = .null
            d[inner] = newValue
            self[outer] = .dict(d)
        }
    }
}
