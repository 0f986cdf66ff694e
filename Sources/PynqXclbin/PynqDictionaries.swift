import OrderedCollections
import PynqMetadataCore
import PynqXML

/// pynq 4.0.0's `XclBin` dictionaries (`ip_dict`, `mem_dict`, `clock_dict`) and the typed model, derived
/// from the parsed sections. Follows pynq's rules, including its quirks: Python number parsing of the
/// XML, CTRL `size` in bytes but argument `size` in bits, `"read-write;"` for argument registers, the last
/// memory of a connection list as `memory`, clocks grouped by type.
///
/// Where pynq itself raises (a missing attribute, a number Python cannot parse, a stream argument whose
/// port is neither read-only nor write-only, a connection to a memory that does not exist) this throws a
/// `MetadataError`. Where pynq would raise only because its type-name tables are short (memory types
/// above 9, clock types above 3) this names the type `UNKNOWN(n)` instead, so that files XRT accepts
/// stay readable.
enum PynqDictionaries {
    /// What `derive` makes for a file.
    struct Derived {
        var ipDict, memDict, clockDict: MetaValue
        var ipEntries: [IPEntry]
        var kernelStorage: XclbinFile.KernelStorage
    }

    /// The parsed sections `derive` works from.
    struct Sections {
        var source: String
        var uuidHex: String
        var ipLayout: [IPLayoutEntry]?
        /// MEM_TOPOLOGY, else GROUP_TOPOLOGY.
        var mems: [MemoryTopologyEntry]
        /// CONNECTIVITY, else GROUP_CONNECTIVITY (`groupOnly`).
        var connections: [Connection]
        var groupOnly: Bool
        var clocks: [ClockFrequencyEntry]
    }

    /// pynq's dictionaries, and what the typed model is made from. `metadata`: the root element of
    /// EMBEDDED_METADATA's XML, if the file has one.
    static func derive(_ parts: Sections, metadata: XMLElement?) throws -> Derived {
        let uuid = parts.uuidHex, source = parts.source
        let layout = parts.ipLayout ?? []
        let xmlKernels = metadata.map(KernelSpans.kernels(of:)) ?? []
        var entries: [IPEntry]
        do {
            // Errors name the bare source; the section's name is added only when one is thrown.
            entries = metadata == nil ? [] : try metadata!.withDocumentBytes { doc in
                try ipEntries(xmlKernels, doc: doc, uuid: uuid, part: source)
            }
        } catch var error as MetadataError {
            if error.part == source { error.part = source + ": xclbin section EMBEDDED_METADATA" }
            throw error
        }

        let mems = parts.mems, connections = parts.connections
        let resolved = try resolvedMemories(
            connections, memoryCount: mems.count,
            part: "\(source): xclbin section \(parts.groupOnly ? "GROUP_CONNECTIVITY" : "CONNECTIVITY")")
        // pynq returns ip_dict sorted by name (code-point order, which is UTF-8 byte order).
        entries.sort { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        annotate(&entries, layout: layout, connections: connections, resolved: resolved, mems: mems)

        let (ip, mem, clock) = dictionaries(entries, mems: mems, clocks: parts.clocks)
        // The typed model is made from the entries and the XML when asked for.
        return Derived(ipDict: ip, memDict: mem, clockDict: clock, ipEntries: entries,
                       kernelStorage: metadata.map { .derived($0, layout) } ?? .value([]))
    }

    /// The memory index of each connection, after Python's negative wrap.
    /// - Throws: `MetadataError` naming the connection when its memory does not exist.
    static func resolvedMemories(_ connections: [Connection], memoryCount: Int, part: @autoclosure () -> String) throws
        -> [Int]
    {
        var resolved: [Int] = []
        resolved.reserveCapacity(connections.count)
        for (i, c) in connections.enumerated() {
            var m = c.memoryIndex
            if m < 0 { m += memoryCount }
            guard m >= 0, m < memoryCount else {
                throw MetadataError(
                    .badField, part: part(),
                    offset: Layout.connectionArray + i * Layout.connectionSize + 8,
                    reason: "connection \(i) names memory \(c.memoryIndex) but the memory topology has \(memoryCount) entries")
            }
            resolved.append(m)
        }
        return resolved
    }

    /// The typed memories and stream connections of `file` (its memory topology, with each stream's
    /// endpoints from CONNECTIVITY and EMBEDDED_METADATA). Connections to memories that do not exist are
    /// left out (`read` refuses them; only a file changed since can have them).
    static func memoriesAndStreams(of file: XclbinFile) -> (memories: [MemoryBank], streams: [StreamConnection]) {
        let mems = file.effectiveMemTopology
        let layout = file.ipLayout ?? []
        var connections = file.effectiveConnectivity
        var resolved: [Int] = []
        resolved.reserveCapacity(connections.count)
        connections.removeAll { c in
            let m = c.memoryIndex < 0 ? c.memoryIndex + mems.count : c.memoryIndex
            guard m >= 0, m < mems.count else { return true }
            resolved.append(m)
            return false
        }
        let root: XMLElement?
        if case .xml(let r) = file.metadataStorage { root = r } else { root = nil }
        let xmlKernels = root.map(KernelSpans.kernels(of:)) ?? []
        var memories: [MemoryBank] = []
        var streams: [StreamConnection] = []
        memories.reserveCapacity(mems.count)
        var kernelNames: [String?] = []  // made for the first stream connection
        for (i, m) in mems.enumerated() {
            if m.isStreamConnection {
                var s = StreamConnection(index: i, tag: m.tag, used: m.used != 0, source: nil, sink: nil,
                                         routeID: m.sizeKBOrRouteID, flowID: m.baseAddressOrFlowID)
                root?.withDocumentBytes { doc in
                    if kernelNames.count != xmlKernels.count { kernelNames = xmlKernels.map { $0.name?.string(in: doc) } }
                    endpoints(of: i, kernels: xmlKernels, names: kernelNames, doc: doc, layout: layout,
                              connections: connections, resolved: resolved, into: &s)
                }
                streams.append(s)
            } else {
                memories.append(MemoryBank(
                    index: i, tag: m.tag, type: m.type, used: m.used != 0,
                    baseAddress: UInt64(bitPattern: m.baseAddressOrFlowID),
                    size: UInt64(bitPattern: m.sizeKBOrRouteID) &* 1024))
            }
        }
        return (memories, streams)
    }

    /// The typed clocks of CLOCK_FREQ_TOPOLOGY, in its order.
    static func clocks(_ entries: [ClockFrequencyEntry]) -> [PynqMetadataCore.Clock] {
        entries.enumerated().map { i, c in
            PynqMetadataCore.Clock(index: i, name: c.name, frequencyMHz: Double(c.frequencyMHz),
                                   kind: PynqMetadataCore.Clock.Kind(rawValue: Int(c.type)) ?? .unused)
        }
    }

    // MARK: ip_dict entries

    struct RegisterEntry {
        var name: String
        var isControl: Bool
        var offset: Int
        var size: Int
        var hostSize: Int
        var type: String
        var id: Int?
        /// The memory of the argument's last connection (pynq's `memory`).
        var memory: String? = nil
        /// Every connected memory in connection order, when there are two or more (pynq's `MBG`).
        var memoryGroup: [String] = []
    }

    struct StreamEntry {
        var name: String
        var id: Int?
        var type: String?
        var direction: String
        var isInput: Bool { direction == "input" }
        var streamTag: String?
    }

    struct IPEntry {
        var name: String
        var physAddr: Int
        var addrRange: Int
        var type: String
        var controlProtocol: String
        var registers: [RegisterEntry]
        var streams: [StreamEntry]
        var uuid: String
        var cuName: String
        var cuIndex = 0
        var index: Int?

        var ipBlock: IPBlock {
            var streamPorts: [String: IPBlock.StreamPort] = [:]
            for s in streams { streamPorts[s.name] = .init(streamTag: s.streamTag, direction: s.direction) }
            return IPBlock(
                name: name, type: type, baseAddress: UInt64(bitPattern: Int64(physAddr)),
                addressRange: UInt64(bitPattern: Int64(addrRange)),
                registers: registers.map { r in
                    r.isControl
                        ? Register(name: r.name, offset: 0, sizeInBits: 32, access: .readWrite,
                                   description: "OpenCL Control Register", type: r.type,
                                   fields: controlFields(chain: controlProtocol == "ap_ctrl_chain"))
                        : Register(name: r.name, offset: r.offset, sizeInBits: r.size,
                                   access: RegisterAccess(rawValue: "read-write;"),
                                   description: "OpenCL Argument Register", type: r.type, argumentIndex: r.id,
                                   memory: r.memory)
                },
                controlProtocol: ControlProtocol(rawValue: controlProtocol), cuName: cuName, cuIndex: cuIndex,
                ipLayoutIndex: index, streams: streamPorts)
        }
    }

    /// Error messages are made only when thrown (`what` is an autoclosure): reading stays allocation-light.
    private static func missing(_ attr: String, of what: @autoclosure () -> String, at offset: Int,
                                part: String) -> MetadataError {
        MetadataError(.badField, part: part, offset: offset,
                      reason: "\(what()) has no '\(attr)' attribute; pynq needs it")
    }

    private static func number(_ text: String?, _ attr: String, of what: @autoclosure () -> String, at offset: Int,
                               part: String,
                               autoBase: Bool = true) throws -> Int {
        guard let text else { throw missing(attr, of: what(), at: offset, part: part) }
        guard let v = autoBase ? PythonNumbers.int(text, base: 0) : PythonNumbers.int(text) else {
            throw MetadataError(.badField, part: part, offset: offset,
                                reason: "\(what()) has \(attr)=\"\(text)\", which is not a number that fits in 64 bits")
        }
        return v
    }

    /// `_xclxml_to_ip_dict`: one entry per instance with a numeric control address, in insertion order.
    /// `doc` holds the bytes the kernels' spans point into.
    static func ipEntries(_ kernels: [KernelSpans], doc: UnsafeBufferPointer<UInt8>, uuid: String,
                          part: String) throws -> [IPEntry] {
        func text(_ span: XMLSpan) -> String { span.string(in: doc) }
        func number(_ span: XMLSpan?, _ attr: String, of what: @autoclosure () -> String, at offset: Int,
                    autoBase: Bool = true) throws -> Int {
            guard let span else { throw missing(attr, of: what(), at: offset, part: part) }
            let base = autoBase ? 0 : 10
            let value = span.hasReferences
                ? PythonNumbers.int(text(span), base: base) : PythonNumbers.int(utf8: span.bytes(in: doc), base: base)
            guard let value else {
                throw MetadataError(.badField, part: part, offset: offset,
                                    reason: "\(what()) has \(attr)=\"\(text(span))\", which is not a number that fits in 64 bits")
            }
            return value
        }
        func `is`(_ span: XMLSpan?, _ value: StaticString) -> Bool { span?.equals(value, in: doc) ?? false }

        var entries: [IPEntry] = []
        for k in kernels {
            func kname() -> String { "kernel \(k.name.map { "'\(text($0))'" } ?? "(unnamed)")" }
            let proto = k.hwControlProtocol.map(text) ?? "s_axilite"
            // Ports by mode; a later port with the same name replaces an earlier one, as in a Python dict.
            var slaves: [(name: XMLSpan, port: KernelSpans.Port)] = []
            var readOnly: [XMLSpan] = []
            var writeOnly: [XMLSpan] = []
            for p in k.ports where `is`(p.mode, "slave") {
                guard let n = p.name else { throw missing("name", of: "a slave port of \(kname())", at: p.xmlOffset, part: part) }
                if let i = slaves.firstIndex(where: { $0.name.sameText(as: n, in: doc) }) { slaves[i].port = p } else {
                    slaves.append((n, p))
                }
            }
            if slaves.isEmpty { continue }
            for p in k.ports {
                let readOnlyPort = `is`(p.mode, "read_only"), writeOnlyPort = !readOnlyPort && `is`(p.mode, "write_only")
                guard readOnlyPort || writeOnlyPort || `is`(p.mode, "master") else { continue }
                guard let n = p.name else { throw missing("name", of: "a port of \(kname())", at: p.xmlOffset, part: part) }
                if readOnlyPort { readOnly.append(n) } else if writeOnlyPort { writeOnly.append(n) }
            }
            var addrSize = Int.min
            for (n, p) in slaves {
                addrSize = max(addrSize, try number(p.range, "range", of: "port '\(text(n))' of \(kname())", at: p.xmlOffset))
            }

            var registers: [RegisterEntry] = []
            registers.reserveCapacity(k.args.count + 1)
            if proto != "ap_ctrl_none" && proto != "user_managed" {
                registers.append(RegisterEntry(name: "CTRL", isControl: true, offset: 0, size: 4, hostSize: 0,
                                               type: "unsigned int", id: nil))
            }
            var streams: [StreamEntry] = []
            for a in k.args {
                func what() -> String { "argument \(a.name.map { "'\(text($0))'" } ?? "(unnamed)") of \(kname())" }
                let q = try number(a.addressQualifier, "addressQualifier", of: what(), at: a.xmlOffset)
                if q & 0x4 == 0 {
                    guard let nameSpan = a.name else { throw missing("name", of: what(), at: a.xmlOffset, part: part) }
                    let offset = try number(a.offset, "offset", of: what(), at: a.xmlOffset)
                    let size = try number(a.size, "size", of: what(), at: a.xmlOffset)
                    let (bits, overflow) = size.multipliedReportingOverflow(by: 8)
                    if overflow {
                        throw MetadataError(.badField, part: part, offset: a.xmlOffset, reason: "\(what()) has an impossible size \(size)")
                    }
                    let hostSize = try number(a.hostSize, "hostSize", of: what(), at: a.xmlOffset)
                    guard let type = a.type else { throw missing("type", of: what(), at: a.xmlOffset, part: part) }
                    let id = try number(a.id, "id", of: what(), at: a.xmlOffset, autoBase: false)
                    let name = text(nameSpan)
                    let r = RegisterEntry(name: name, isControl: false, offset: offset, size: bits, hostSize: hostSize,
                                          type: text(type), id: id)
                    if let i = registers.firstIndex(where: { $0.name == name }) { registers[i] = r } else { registers.append(r) }
                } else {
                    guard let port = a.port else { throw missing("port", of: what(), at: a.xmlOffset, part: part) }
                    let direction: String
                    if readOnly.contains(where: { $0.sameText(as: port, in: doc) }) { direction = "input" } else if
                        writeOnly.contains(where: { $0.sameText(as: port, in: doc) }) {
                        direction = "output"
                    } else {
                        throw MetadataError(
                            .badField, part: part, offset: a.xmlOffset,
                            reason: "stream \(what()) uses port '\(text(port))', which is neither read_only nor write_only; its direction cannot be determined")
                    }
                    var id: Int? = nil
                    if let sid = a.id, sid.length > 0 {
                        id = try number(sid, "id", of: what(), at: a.xmlOffset, autoBase: false)
                    }
                    guard let nameSpan = a.name else { throw missing("name", of: what(), at: a.xmlOffset, part: part) }
                    let name = text(nameSpan)
                    let s = StreamEntry(name: name, id: id, type: a.type.map(text), direction: direction)
                    if let i = streams.firstIndex(where: { $0.name == name }) { streams[i] = s } else { streams.append(s) }
                }
            }
            for inst in k.instances {
                func what() -> String { "instance \(inst.name.map { "'\(text($0))'" } ?? "(unnamed)") of \(kname())" }
                guard inst.hasAddrRemap else { throw missing("addrRemap", of: what(), at: inst.xmlOffset, part: part) }
                guard let baseText = inst.base else { throw missing("base", of: "the addrRemap of \(what())", at: inst.xmlOffset, part: part) }
                // pynq skips instances whose base address is not a number (free-running kernels).
                let base = baseText.hasReferences
                    ? PythonNumbers.int(text(baseText), base: 0) : PythonNumbers.int(utf8: baseText.bytes(in: doc), base: 0)
                guard let phys = base else { continue }
                guard let nameSpan = inst.name else { throw missing("name", of: what(), at: inst.xmlOffset, part: part) }
                guard let vlnv = k.vlnv else { throw missing("vlnv", of: kname(), at: k.xmlOffset, part: part) }
                guard let kernelName = k.name else { throw missing("name", of: kname(), at: k.xmlOffset, part: part) }
                let name = text(nameSpan)
                let e = IPEntry(name: name, physAddr: phys, addrRange: addrSize, type: text(vlnv), controlProtocol: proto,
                                registers: registers, streams: streams, uuid: uuid, cuName: text(kernelName) + ":" + name)
                // Instance names are few: a linear search, no hashing.
                if let i = entries.firstIndex(where: { $0.name == name }) { entries[i] = e } else { entries.append(e) }
            }
        }
        // cu_index: order of physical addresses (stable). A few entries are ranked by counting (no index
        // array to sort).
        if entries.count <= 16 {
            for i in entries.indices {
                var rank = 0
                for j in entries.indices where (entries[j].physAddr, j) < (entries[i].physAddr, i) { rank += 1 }
                entries[i].cuIndex = rank
            }
        } else {
            let order = entries.indices.sorted { (entries[$0].physAddr, $0) < (entries[$1].physAddr, $1) }
            for (cu, i) in order.enumerated() { entries[i].cuIndex = cu }
        }
        return entries
    }

    /// `_add_argument_memory`: `index`, register `memory`/`MBG` and stream `stream_id` from the IP layout
    /// and the connectivity. `entries` are sorted by name (UTF-8 order) and their names are unique.
    /// Sorted arrays and binary searches instead of hash tables: no string hashing.
    static func annotate(_ entries: inout [IPEntry], layout: [IPLayoutEntry], connections: [Connection],
                         resolved: [Int], mems: [MemoryTopologyEntry]) {
        // Connections ordered by (IP, argument), keeping file order within a pair.
        let order = connections.indices.sorted {
            let a = connections[$0], b = connections[$1]
            return (a.ipLayoutIndex, a.argumentIndex, $0) < (b.ipLayoutIndex, b.argumentIndex, $1)
        }
        /// The positions in `order` of the connections of argument `arg` of IP `ip` (in file order).
        func connectionsOf(ip: Int, arg: Int) -> Range<Int> {
            var low = 0, high = order.count
            while low < high {
                let mid = (low + high) / 2
                let c = connections[order[mid]]
                if (c.ipLayoutIndex, c.argumentIndex) < (ip, arg) { low = mid + 1 } else { high = mid }
            }
            var end = low
            while end < order.count, connections[order[end]].ipLayoutIndex == ip,
                  connections[order[end]].argumentIndex == arg { end += 1 }
            return low..<end
        }
        func tag(_ position: Int) -> String { mems[resolved[order[position]]].tag }
        func entry(named name: String) -> Int? {
            var low = 0, high = entries.count
            while low < high {
                let mid = (low + high) / 2
                if entries[mid].name.utf8.lexicographicallyPrecedes(name.utf8) { low = mid + 1 } else { high = mid }
            }
            return low < entries.count && entries[low].name == name ? low : nil
        }
        for (ipIndex, ip) in layout.enumerated() where ip.type == IPLayoutEntry.kernelType {
            guard let i = entry(named: ip.instanceName) else { continue }
            entries[i].index = ipIndex
            for r in entries[i].registers.indices {
                guard let id = entries[i].registers[r].id else { continue }
                let found = connectionsOf(ip: ipIndex, arg: id)
                guard let last = found.last else { continue }
                entries[i].registers[r].memory = tag(last)
                if found.count > 1 { entries[i].registers[r].memoryGroup = found.map(tag) }
            }
            for s in entries[i].streams.indices {
                guard let id = entries[i].streams[s].id, let last = connectionsOf(ip: ipIndex, arg: id).last else {
                    continue
                }
                entries[i].streams[s].streamTag = tag(last)
            }
        }
    }

    // MARK: typed kernels and streams

    static func typedKernels(_ kernels: [EmbeddedMetadata.Kernel], layout: [IPLayoutEntry]) -> [Kernel] {
        // The IP layout's base address stands in for an instance whose XML has none (free-running CUs).
        func layoutBase(_ name: String) -> UInt64? {
            layout.first { $0.type == IPLayoutEntry.kernelType && $0.name == name }?.baseAddress
        }
        func num(_ s: String?) -> Int { s.flatMap { PythonNumbers.int($0, base: 0) } ?? 0 }
        return kernels.map { k in
            let name = k.name ?? ""
            return Kernel(
                name: name, vlnv: k.vlnv ?? "",
                controlProtocol: ControlProtocol(rawValue: k.hwControlProtocol ?? "s_axilite") ?? .apCtrlHs,
                ports: k.ports.map {
                    KernelPort(name: $0.name ?? "", mode: $0.mode ?? "",
                               range: UInt64(bitPattern: Int64(num($0.range))), dataWidth: num($0.dataWidth))
                },
                arguments: k.args.map { a in
                    let q = num(a.addressQualifier)
                    let qualifier: KernelArgument.AddressQualifier =
                        q & 0x4 != 0 ? .stream : KernelArgument.AddressQualifier(rawValue: q) ?? .scalar
                    return KernelArgument(
                        name: a.name ?? "", index: a.id.flatMap { PythonNumbers.int($0) } ?? -1,
                        addressQualifier: qualifier, port: a.port ?? "", offset: num(a.offset), size: num(a.size),
                        hostSize: num(a.hostSize), type: a.type ?? "")
                },
                instances: k.instances.map { inst in
                    let iname = inst.name ?? ""
                    let base = inst.base.flatMap { PythonNumbers.int($0, base: 0) }.map { UInt64(bitPattern: Int64($0)) }
                    return KernelInstance(name: iname, baseAddress: base ?? layoutBase(name + ":" + iname) ?? .max)
                })
        }
    }

    /// Source and sink of stream connection `memIndex`: the output and input stream arguments that
    /// CONNECTIVITY wires to it.
    /// `names`: the kernels' names.
    static func endpoints(of memIndex: Int, kernels: [KernelSpans], names: [String?], doc: UnsafeBufferPointer<UInt8>,
                          layout: [IPLayoutEntry], connections: [Connection], resolved: [Int],
                          into s: inout StreamConnection) {
        func argumentIndex(_ a: KernelSpans.Arg) -> Int? {
            guard let id = a.id else { return nil }
            return id.hasReferences ? PythonNumbers.int(id.string(in: doc)) : PythonNumbers.int(utf8: id.bytes(in: doc))
        }
        for (i, c) in connections.enumerated() where resolved[i] == memIndex {
            guard c.ipLayoutIndex >= 0, c.ipLayoutIndex < layout.count else { continue }
            let ip = layout[c.ipLayoutIndex]
            let kernelName = ip.kernelName
            guard let k = names.firstIndex(where: { $0 == kernelName }), case let kernel = kernels[k],
                  let arg = kernel.args.first(where: { argumentIndex($0) == c.argumentIndex }),
                  // As Python compares two missing names: equal.
                  let port = kernel.ports.first(where: {
                      switch ($0.name, arg.port) {
                      case (nil, nil): return true
                      case let (a?, b?): return a.sameText(as: b, in: doc)
                      default: return false
                      }
                  })
            else { continue }
            let endpoint = ip.instanceName + "." + (arg.name?.string(in: doc) ?? "")
            if port.mode?.equals("write_only", in: doc) == true { s.source = endpoint }
            else if port.mode?.equals("read_only", in: doc) == true { s.sink = endpoint }
        }
    }
}
