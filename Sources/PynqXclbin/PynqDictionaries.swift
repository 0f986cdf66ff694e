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
    /// pynq's dictionaries, and the entries `ips` is made from, from the sections read in place (taken as
    /// parameters, not copied into a value). `mems`: MEM_TOPOLOGY, else GROUP_TOPOLOGY; `connections`:
    /// CONNECTIVITY, else GROUP_CONNECTIVITY (`groupOnly`). `root`: the root element of EMBEDDED_METADATA's
    /// XML, if the file has it. `text`: the bytes all of these are read from (the file, or the reader's
    /// compact copy of its metadata), and `doc` its buffer. Returned as a tuple, so that the reader can move
    /// each part into the file.
    static func derive(source: String, uuid: [UInt8], layout: IPLayoutRecords?, mems: MemoryTopologyRecords?,
                       connections: [Connection], groupOnly: Bool, clocks: ClockRecords?, root: XMLElement?,
                       text: [UInt8], doc: UnsafeBufferPointer<UInt8>) throws
        -> (ipDict: MetaValue, memDict: MetaValue, clockDict: MetaValue, ipEntries: [IPEntry])
    {
        var entries: [IPEntry] = []
        if let root {
            do {
                // Errors name the bare source; the section's name is added only when one is thrown.
                entries = try ipEntries(KernelSpans.kernels(of: root), doc: doc, part: source)
            } catch var error as MetadataError {
                if error.part == source { error.part = source + ": xclbin section EMBEDDED_METADATA" }
                throw error
            }
        }
        try checkMemories(
            connections, memoryCount: mems?.count ?? 0,
            part: "\(source): xclbin section \(groupOnly ? "GROUP_CONNECTIVITY" : "CONNECTIVITY")")
        // pynq returns ip_dict sorted by name (code-point order, which is UTF-8 byte order).
        entries.sort { $0.name.precedes($1.name, in: doc) }
        annotate(&entries, layout: layout, connections: connections, mems: mems, doc: doc)
        let (ip, mem, clock) = dictionaries(entries, uuid: uuid, text: text, doc: doc, mems: mems, clocks: clocks)
        return (ip, mem, clock, entries)
    }

    /// Checks that every connection's memory exists, after Python's negative wrap
    /// (`Connection.memory(among:)`).
    /// - Throws: `MetadataError` naming the connection when its memory does not exist.
    static func checkMemories(_ connections: [Connection], memoryCount: Int, part: @autoclosure () -> String) throws {
        for (i, c) in connections.enumerated() where c.memory(among: memoryCount) == nil {
            throw MetadataError(
                .badField, part: part(),
                offset: Layout.connectionArray + i * Layout.connectionSize + 8,
                reason: "connection \(i) names memory \(c.memoryIndex) but the memory topology has \(memoryCount) entries")
        }
    }

    /// The typed memories and stream connections of `file` (its memory topology, with each stream's
    /// endpoints from CONNECTIVITY and EMBEDDED_METADATA). Connections to memories that do not exist are
    /// left out (`read` refuses them; only a file changed since can have them).
    static func memoriesAndStreams(of file: XclbinFile) -> (memories: [MemoryBank], streams: [StreamConnection]) {
        let mems = file.effectiveMemTopology
        let layout = file.ipLayout ?? []
        let connections = file.effectiveConnectivity.filter { $0.memory(among: mems.count) != nil }
        let root: XMLElement?
        if case .xml(let r) = file.metadataStorage { root = r } else { root = nil }
        let xmlKernels = root.map(KernelSpans.kernels(of:)) ?? KernelSpans.List()
        var memories: [MemoryBank] = []
        var streams: [StreamConnection] = []
        memories.reserveCapacity(mems.count)
        var kernelNames: [String?] = []  // made for the first stream connection
        for (i, m) in mems.enumerated() {
            if m.isStreamConnection {
                var s = StreamConnection(index: i, tag: m.tag, used: m.used != 0, source: nil, sink: nil,
                                         routeID: m.sizeKBOrRouteID, flowID: m.baseAddressOrFlowID)
                root?.withDocumentBytes { doc in
                    if kernelNames.count != xmlKernels.kernels.count {
                        kernelNames = xmlKernels.kernels.map { $0.name?.string(in: doc) }
                    }
                    endpoints(of: i, memoryCount: mems.count, kernels: xmlKernels, names: kernelNames, doc: doc,
                              layout: layout, connections: connections, into: &s)
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
    static func endpoints(of memIndex: Int, memoryCount: Int, kernels: KernelSpans.List, names: [String?],
                          doc: UnsafeBufferPointer<UInt8>, layout: [IPLayoutEntry], connections: [Connection],
                          into s: inout StreamConnection) {
        func argumentIndex(_ a: KernelSpans.Arg) -> Int? {
            guard let id = a.id else { return nil }
            return id.hasReferences ? PythonNumbers.int(id.string(in: doc)) : PythonNumbers.int(utf8: id.bytes(in: doc))
        }
        for c in connections where c.memory(among: memoryCount) == memIndex {
            guard c.ipLayoutIndex >= 0, c.ipLayoutIndex < layout.count else { continue }
            let ip = layout[c.ipLayoutIndex]
            let kernelName = ip.kernelName
            guard let k = names.firstIndex(where: { $0 == kernelName }), case let kernel = kernels.kernels[k],
                  let arg = kernels.args[kernel.args].first(where: { argumentIndex($0) == c.argumentIndex }),
                  // As Python compares two missing names: equal.
                  let port = kernels.ports[kernel.ports].first(where: {
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
