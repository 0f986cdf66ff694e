import OrderedCollections
import PynqMetadataCore

/// A level of the block design's hierarchy (a hierarchy block, or a DFX / block-container region).
/// A class because pynq's `hierarchy_dict` holds each sub-hierarchy twice — inside its parent and at the
/// top under its full path — as one shared dictionary: interrupts attached to one show in both.
final class HierarchyNode {
    let name: String
    let path: String
    var prRegion: Bool
    var cores: [Int32] = []
    var children: OrderedDictionary<String, HierarchyNode> = [:]
    var ip: OrderedDictionary<String, MetaValue> = [:]
    var memories: OrderedDictionary<String, MetaValue> = [:]
    var interrupts: OrderedDictionary<String, MetaValue> = [:]
    var gpio: OrderedDictionary<String, MetaValue> = [:]

    init(name: String, path: String, prRegion: Bool = false) {
        self.name = name
        self.path = path
        self.prRegion = prRegion
    }

    func child(_ name: String, path: String) -> HierarchyNode {
        if let c = children[name] { return c }
        let c = HierarchyNode(name: name, path: path)
        children[name] = c
        return c
    }

    /// Drops empty sub-hierarchies (DFX regions stay); says whether this one is empty too.
    func prune() -> Bool {
        children = children.filter { !$0.value.prune() }
        if prRegion { return false }
        return ip.isEmpty && memories.isEmpty && children.isEmpty
    }

    var isEmpty: Bool { ip.isEmpty && memories.isEmpty && children.isEmpty }

    /// This level as pynq prints it. pynqmetadata adds `driver`, `device` and `overlay` (Python objects:
    /// `null` here); pynq's legacy parser has none of them.
    func dictionary(runtime: Bool = true) -> MetaValue {
        var hierarchies: OrderedDictionary<String, MetaValue> = [:]
        for (name, child) in children { hierarchies[name] = child.dictionary(runtime: runtime) }
        if runtime {
            return [
                "ip": .dict(ip), "memories": .dict(memories), "hierarchies": .dict(hierarchies),
                "interrupts": .dict(interrupts), "gpio": .dict(gpio), "fullpath": .string(path),
                "device": .null, "driver": .null, "overlay": .null,
            ]
        }
        return [
            "ip": .dict(ip), "hierarchies": .dict(hierarchies), "interrupts": .dict(interrupts),
            "gpio": .dict(gpio), "memories": .dict(memories), "fullpath": .string(path),
        ]
    }
}

/// pynqmetadata's `HierarchyDictView`: the hierarchies that hold addressable IP or memories.
struct HierarchyTree {
    /// The top-level hierarchies that survived pruning, then every sub-hierarchy under its full path.
    private(set) var top: OrderedDictionary<String, HierarchyNode> = [:]

    init(design: HWHDesign, ipDict: OrderedDictionary<String, OrderedDictionary<String, MetaValue>>,
         memDict: OrderedDictionary<String, OrderedDictionary<String, MetaValue>>)
    {
        // Place every block by its hierarchical name (pynqmetadata's `_allocate_hierarchies`).
        var roots: OrderedDictionary<String, HierarchyNode> = [:]
        for (b, block) in design.blocks.enumerated() {
            let levels = block.hierarchyName.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            if levels.count > 1 {
                var node = roots[levels[0]] ?? {
                    let n = HierarchyNode(name: levels[0], path: levels[0])
                    roots[levels[0]] = n
                    return n
                }()
                var path = levels[0]
                for level in levels[1..<(levels.count - 1)] {
                    path += "/" + level
                    node = node.child(level, path: path)
                }
                let last = levels[levels.count - 1]
                if block.isCore {
                    node.cores.append(Int32(b))
                } else {
                    node.child(last, path: path + "/" + last).prRegion = true
                }
            } else if !block.isCore {
                let n = roots[block.name] ?? HierarchyNode(name: block.name, path: block.name)
                n.prRegion = true
                roots[block.name] = n
            }
        }
        // Fill each level with the IP and memories the dictionaries hold (`_hierarchy_walker`).
        func fill(_ node: HierarchyNode) {
            for b in node.cores {
                let path = design.blocks[Int(b)].hierarchyName
                let leaf = String(path.split(separator: "/", omittingEmptySubsequences: false).last ?? "")
                if let memory = memDict[path] {
                    node.memories[leaf] = .dict(memory)
                } else if let ip = ipDict[path] {
                    node.ip[leaf] = .dict(ip)
                }
            }
            for child in node.children.values { fill(child) }
        }
        for node in roots.values {
            fill(node)
            _ = node.prune()
        }
        top = roots.filter { !$0.value.isEmpty || $0.value.prRegion }
        func replicate(_ node: HierarchyNode, into all: inout OrderedDictionary<String, HierarchyNode>) {
            for child in node.children.values {
                all[child.path] = child
                replicate(child, into: &all)
            }
        }
        var extra: OrderedDictionary<String, HierarchyNode> = [:]
        for node in top.values { replicate(node, into: &extra) }
        for (path, node) in extra { top[path] = node }
    }

    /// The hierarchy whose key in `hierarchy_dict` is `path`.
    func node(_ path: String) -> HierarchyNode? { top[path] }

    func dictionary() -> OrderedDictionary<String, MetaValue> {
        var d: OrderedDictionary<String, MetaValue> = [:]
        d.reserveCapacity(top.count)
        for (path, node) in top { d[path] = node.dictionary() }
        return d
    }
}
