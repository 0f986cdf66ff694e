import OrderedCollections
import PynqMetadataCore
import PynqXML

// pynq's dictionaries for a partial (DFX) design — one without a processing system — with the rules of
// pynq's legacy `hwh_parser.HWH`, the parser pynq uses for partial regions. Without a processing system
// that parser finds no GPIO, interrupts or clocks: what remains is the IP (from every MEMRANGE, keyed
// by its master interface), the memories and the hierarchies.

extension HWHDesign {
    func legacyPartialView() throws -> RuntimeView {
        var view = RuntimeView()
        struct ModuleAttributes {
            var element: XMLElement
            var fullName: String
            var vlnv: String?
            var bdType: String?
        }
        // pynq's `instance2attr`: by INSTANCE, the last MODULE of a name winning.
        var modules: [String: ModuleAttributes] = [:]
        for block in blocks {
            guard let fullName = block.element["FULLNAME"] else {
                throw error(block.element, "MODULE \(block.name)", "has no FULLNAME attribute")
            }
            modules[block.name] = ModuleAttributes(
                element: block.element, fullName: String(fullName.drop { $0 == "/" }),
                vlnv: block.element["VLNV"], bdType: block.bdType)
        }

        var ipDict: OrderedDictionary<String, OrderedDictionary<String, MetaValue>> = [:]
        var sources: [String: (module: ModuleAttributes, range: XMLElement)] = [:]
        var toRemove: [String] = []
        for range in tags.all(.memRange) {
            guard let instance = range["INSTANCE"], let module = modules[instance],
                  module.bdType != "BLOCK_CONTAINER"
            else { continue }
            var fullName = module.fullName
            let interface = range["MASTERBUSINTERFACE"]
            if let existing = ipDict[fullName], let existingID = existing["mem_id"]?.stringValue, !existingID.isEmpty,
               let interface, !interface.isEmpty
            {
                // A second range of one instance: both get the interface in their name.
                let renamed = fullName + "/" + existingID
                var copy = existing
                copy["fullpath"] = .string(renamed)
                ipDict[renamed] = copy
                sources[renamed] = sources[fullName]
                toRemove.append(fullName)
                fullName += "/" + interface
            } else if let vlnv = module.vlnv, vlnv.split(separator: ":").prefix(2) == ["xilinx.com", "module_ref"],
                      let bdType = module.bdType, !bdType.isEmpty, let interface
            {
                fullName += "/" + interface
            }
            let (base, size) = try bounds(of: range)
            var parameters: OrderedDictionary<String, MetaValue> = [:]
            for container in module.element.children(named: "PARAMETERS") {
                for parameter in container.children {
                    guard let name = parameter["NAME"], let value = parameter["VALUE"] else { continue }
                    parameters[name] = .string(value)
                }
            }
            let registers = try legacyRegisters(module: module.element, instance: instance)
            ipDict[fullName] = [
                "fullpath": .string(fullName), "type": module.vlnv.map(MetaValue.string) ?? .null,
                "bdtype": module.bdType.map(MetaValue.string) ?? .null, "state": .null,
                "addr_range": .int(size), "phys_addr": .int(base),
                "mem_id": interface.map(MetaValue.string) ?? .null,
                "memtype": range["MEMTYPE"].map(MetaValue.string) ?? .null,
                "gpio": .emptyDict, "interrupts": .emptyDict, "parameters": .dict(parameters),
                "registers": registers.metaValue(fieldKeysAccessFirst: true),
            ]
            sources[fullName] = (module, range)
            view.registers[fullName] = registers.values.map(\.register)
        }
        for name in toRemove { ipDict[name] = nil }

        // mem_dict: memories (also left in ip_dict) and DFX regions (moved out of it).
        var memDict: OrderedDictionary<String, OrderedDictionary<String, MetaValue>> = [:]
        for (name, entry) in ipDict {
            let memType = entry["memtype"]?.stringValue
            if memType == "MEMORY" {
                var entry = entry
                entry["used"] = 1
                ipDict[name] = entry
                memDict[name] = entry
            } else if memType == "REGISTER" {
                let bdType = entry["bdtype"]?.stringValue
                let dfx = entry["parameters"]?["ENABLE_DFX"]?.stringValue == "true"
                if (bdType == "BLOCK_CONTAINER" && dfx) || bdType == "RBD" {
                    var entry = entry
                    entry["dfx"] = true
                    memDict[name] = entry
                    ipDict[name] = nil
                }
            }
        }

        view.hierarchyDict = Self.legacyHierarchy(ipDict: ipDict, memDict: memDict)
        for (name, entry) in ipDict {
            view.ipDict[name] = .dict(entry)
            if let source = sources[name], let base = entry["phys_addr"]?.intValue, let size = entry["addr_range"]?.intValue {
                view.ips.append(IPBlock(
                    name: name, type: source.module.vlnv ?? "", baseAddress: UInt64(base), addressRange: UInt64(size),
                    registers: view.registers[name] ?? []))
            }
        }
        for (name, entry) in memDict { view.memDict[name] = .dict(entry) }
        return view
    }

    /// The legacy parser's `hierarchy_dict`: every path prefix of an IP or memory key is a hierarchy.
    static func legacyHierarchy(
        ipDict: OrderedDictionary<String, OrderedDictionary<String, MetaValue>>,
        memDict: OrderedDictionary<String, OrderedDictionary<String, MetaValue>>
    ) -> OrderedDictionary<String, MetaValue> {
        var paths: OrderedSet<String> = []
        for key in Array(ipDict.keys) + Array(memDict.keys) where key.contains("/") {
            paths.append(rpartition(key).0)
        }
        var i = 0
        while i < paths.count {
            if paths[i].contains("/") { paths.append(rpartition(paths[i]).0) }
            i += 1
        }
        let nodes = OrderedDictionary(uniqueKeysWithValues: paths.map { ($0, HierarchyNode(name: $0, path: $0)) })
        for (name, entry) in ipDict {
            let (parent, leaf) = rpartition(name)
            if !parent.isEmpty { nodes[parent]?.ip[leaf] = .dict(entry) }
        }
        for (name, entry) in memDict {
            let (parent, leaf) = rpartition(name)
            if !parent.isEmpty { nodes[parent]?.memories[leaf] = .dict(entry) }
        }
        for (path, node) in nodes {
            let (parent, leaf) = rpartition(path)
            if !parent.isEmpty { nodes[parent]?.children[leaf] = node }
        }
        var d: OrderedDictionary<String, MetaValue> = [:]
        for (path, node) in nodes { d[path] = node.dictionary(runtime: false) }
        return d
    }
}
