import PynqMetadataCore
import PynqXML

/// Text of the file's metadata (EMBEDDED_METADATA's XML, names in the binary sections) kept as the range
/// of its bytes in the file when those bytes are its text (no references to decode, valid UTF-8), else as
/// the decoded string. pynq's dictionaries take such ranges as they are (`MetaTableBuilder.text(_:)`), so
/// most text never becomes a `String` while reading.
enum MetadataText: Sendable {
    case span(start: Int32, length: Int32)
    case string(String)

    init(_ span: XMLSpan, in doc: UnsafeBufferPointer<UInt8>) {
        self = span.hasReferences ? .string(span.string(in: doc)) : .span(start: span.start, length: span.length)
    }

    /// `body` with the text's UTF-8 bytes (`doc`: the document the spans are ranges of).
    @inline(__always)
    func withUTF8<R>(in doc: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        switch self {
        case .span(let start, let length): return body(UnsafeBufferPointer(rebasing: doc[Int(start)..<Int(start) + Int(length)]))
        case .string(var s): return s.withUTF8(body)
        }
    }

    func string(in doc: UnsafeBufferPointer<UInt8>) -> String {
        switch self {
        case .span: return withUTF8(in: doc) { String(decoding: $0, as: UTF8.self) }
        case .string(let s): return s
        }
    }

    func same(as other: MetadataText, in doc: UnsafeBufferPointer<UInt8>) -> Bool {
        withUTF8(in: doc) { a in other.withUTF8(in: doc) { b in Self.equal(a, b) } }
    }

    /// Byte equality, eight bytes per step.
    @inline(__always)
    static func equal(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        guard let pa = a.baseAddress, let pb = b.baseAddress else { return true }
        var i = 0
        while i + 8 <= a.count {
            if UnsafeRawPointer(pa + i).loadUnaligned(as: UInt64.self) != UnsafeRawPointer(pb + i).loadUnaligned(as: UInt64.self) {
                return false
            }
            i += 8
        }
        while i < a.count {
            if pa[i] != pb[i] { return false }
            i += 1
        }
        return true
    }

    /// Code-point order, which is UTF-8 byte order (how pynq's sorted names compare).
    func precedes(_ other: MetadataText, in doc: UnsafeBufferPointer<UInt8>) -> Bool {
        withUTF8(in: doc) { a in other.withUTF8(in: doc) { b in a.lexicographicallyPrecedes(b) } }
    }

    func equals(_ text: StaticString, in doc: UnsafeBufferPointer<UInt8>) -> Bool {
        withUTF8(in: doc) { Self.equal($0, UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount)) }
    }

    /// The text as a value or key of `b`, whose text is the document.
    func slot(_ b: inout MetaTableBuilder) -> MetaTable.Slot {
        switch self {
        case .span(let start, let length): return b.text(Int(start)..<Int(start) + Int(length))
        case .string(let s): return b.string(s)
        }
    }
}

extension PynqDictionaries {
    struct RegisterEntry {
        var name: MetadataText
        var isControl: Bool
        var offset: Int
        var size: Int
        var hostSize: Int
        var type: MetadataText
        var id: Int?
        /// The memory of the argument's last connection (pynq's `memory`: a memory tag).
        var memory: MetadataText? = nil
        /// Every connected memory in connection order, when there are two or more (pynq's `MBG`).
        var memoryGroup: [MetadataText] = []
    }

    struct StreamEntry {
        var name: MetadataText
        var id: Int?
        var type: MetadataText?
        /// The kernel reads the stream (`read_only` port); otherwise it writes it.
        var isInput: Bool
        /// pynq's `direction`: `input` or `output`.
        var direction: String { isInput ? "input" : "output" }
        /// The memory tag of the stream's connection (pynq's `stream_id`).
        var streamTag: MetadataText?
    }

    struct IPEntry {
        var name: MetadataText
        var physAddr: Int
        var addrRange: Int
        var type: MetadataText
        var controlProtocol: MetadataText
        /// `controlProtocol` is `ap_ctrl_chain`.
        var isChain: Bool
        var registers: [RegisterEntry]
        var streams: [StreamEntry]
        var cuName: String
        var cuIndex = 0
        var index: Int?

        /// The typed IP block (`doc`: the bytes the entry's text ranges are of, the file).
        func ipBlock(in doc: UnsafeBufferPointer<UInt8>) -> IPBlock {
            var streamPorts: [String: IPBlock.StreamPort] = [:]
            for s in streams {
                streamPorts[s.name.string(in: doc)] = .init(streamTag: s.streamTag?.string(in: doc), direction: s.direction)
            }
            return IPBlock(
                name: name.string(in: doc), type: type.string(in: doc), baseAddress: UInt64(bitPattern: Int64(physAddr)),
                addressRange: UInt64(bitPattern: Int64(addrRange)),
                registers: registers.map { r in
                    r.isControl
                        ? Register(name: r.name.string(in: doc), offset: 0, sizeInBits: 32, access: .readWrite,
                                   description: "OpenCL Control Register", type: r.type.string(in: doc),
                                   fields: controlFields(chain: isChain))
                        : Register(name: r.name.string(in: doc), offset: r.offset, sizeInBits: r.size,
                                   access: RegisterAccess(rawValue: "read-write;"),
                                   description: "OpenCL Argument Register", type: r.type.string(in: doc),
                                   argumentIndex: r.id, memory: r.memory?.string(in: doc))
                },
                controlProtocol: ControlProtocol(rawValue: controlProtocol.string(in: doc)), cuName: cuName,
                cuIndex: cuIndex, ipLayoutIndex: index, streams: streamPorts)
        }
    }

    /// The position of the first item of `items` that `matches` (read in place through a pointer: a copy
    /// of each item would cost a copy of its fields).
    @inline(__always)
    private static func index<T>(in items: [T], where matches: (UnsafePointer<T>) -> Bool) -> Int? {
        items.withUnsafeBufferPointer { items in
            for i in items.indices where matches(items.baseAddress! + i) { return i }
            return nil
        }
    }

    /// Error messages are made only when thrown (`what` is an autoclosure): reading stays allocation-light.
    private static func missing(_ attr: String, of what: @autoclosure () -> String, at offset: Int,
                                part: String) -> MetadataError {
        MetadataError(.badField, part: part, offset: offset,
                      reason: "\(what()) has no '\(attr)' attribute; pynq needs it")
    }

    /// `_xclxml_to_ip_dict`: one entry per instance with a numeric control address, in insertion order.
    /// `doc` holds the bytes the kernels' spans point into.
    static func ipEntries(_ list: KernelSpans.List, doc: UnsafeBufferPointer<UInt8>, part: String) throws -> [IPEntry] {
        // The ports, arguments and instances are read through pointers: no reference counting per loop.
        try list.ports.withUnsafeBufferPointer { ports in
            try list.args.withUnsafeBufferPointer { args in
                try list.instances.withUnsafeBufferPointer { instances in
                    try ipEntries(list.kernels, ports, args, instances, doc: doc, part: part)
                }
            }
        }
    }

    private static func ipEntries(_ kernels: [KernelSpans], _ allPorts: UnsafeBufferPointer<KernelSpans.Port>,
                                  _ allArgs: UnsafeBufferPointer<KernelSpans.Arg>,
                                  _ allInstances: UnsafeBufferPointer<KernelSpans.Instance>,
                                  doc: UnsafeBufferPointer<UInt8>, part: String) throws -> [IPEntry] {
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
            let proto = k.hwControlProtocol.map { MetadataText($0, in: doc) } ?? .string("s_axilite")
            // Ports by mode; a later port with the same name replaces an earlier one, as in a Python dict.
            var slaves: [(name: XMLSpan, port: KernelSpans.Port)] = []
            var readOnly: [XMLSpan] = []
            var writeOnly: [XMLSpan] = []
            let ports = allPorts[k.ports]
            for p in ports where `is`(p.mode, "slave") {
                guard let n = p.name else { throw missing("name", of: "a slave port of \(kname())", at: p.xmlOffset, part: part) }
                if let i = slaves.firstIndex(where: { $0.name.sameText(as: n, in: doc) }) { slaves[i].port = p } else {
                    slaves.append((n, p))
                }
            }
            if slaves.isEmpty { continue }
            for p in ports {
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
            let args = allArgs[k.args]
            if !proto.equals("ap_ctrl_none", in: doc) && !proto.equals("user_managed", in: doc) {
                registers.append(RegisterEntry(name: .string("CTRL"), isControl: true, offset: 0, size: 4, hostSize: 0,
                                               type: .string("unsigned int"), id: nil))
            }
            var streams: [StreamEntry] = []
            for a in args {
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
                    let name = MetadataText(nameSpan, in: doc)
                    let r = RegisterEntry(name: name, isControl: false, offset: offset, size: bits, hostSize: hostSize,
                                          type: MetadataText(type, in: doc), id: id)
                    if let i = index(in: registers, where: { $0.pointee.name.same(as: name, in: doc) }) { registers[i] = r } else {
                        registers.append(r)
                    }
                } else {
                    guard let port = a.port else { throw missing("port", of: what(), at: a.xmlOffset, part: part) }
                    let isInput: Bool
                    if readOnly.contains(where: { $0.sameText(as: port, in: doc) }) { isInput = true } else if
                        writeOnly.contains(where: { $0.sameText(as: port, in: doc) }) {
                        isInput = false
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
                    let name = MetadataText(nameSpan, in: doc)
                    let s = StreamEntry(name: name, id: id, type: a.type.map { MetadataText($0, in: doc) }, isInput: isInput)
                    if let i = index(in: streams, where: { $0.pointee.name.same(as: name, in: doc) }) { streams[i] = s } else {
                        streams.append(s)
                    }
                }
            }
            for inst in allInstances[k.instances] {
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
                let name = MetadataText(nameSpan, in: doc)
                let cuName = MetadataText(kernelName, in: doc).withUTF8(in: doc) { k in
                    name.withUTF8(in: doc) { n in
                        // "kernel:instance", made once.
                        String(unsafeUninitializedCapacity: k.count + 1 + n.count) { out in
                            var i = 0
                            for byte in k { out[i] = byte; i += 1 }
                            out[i] = UInt8(ascii: ":")
                            i += 1
                            for byte in n { out[i] = byte; i += 1 }
                            return i
                        }
                    }
                }
                let e = IPEntry(name: name, physAddr: phys, addrRange: addrSize, type: MetadataText(vlnv, in: doc),
                                controlProtocol: proto, isChain: proto.equals("ap_ctrl_chain", in: doc),
                                registers: registers, streams: streams, cuName: cuName)
                // Instance names are few: a linear search, no hashing.
                if let i = index(in: entries, where: { $0.pointee.name.same(as: name, in: doc) }) { entries[i] = e } else {
                    entries.append(e)
                }
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
    /// and the connectivity, whose memories all exist (checked). `entries` are sorted by name (UTF-8
    /// order) and their names are unique. A design with few connections is searched linearly; a large one
    /// through a sorted index and binary searches. No string hashing either way; memory tags stay text of
    /// the file (`doc`).
    static func annotate(_ entries: inout [IPEntry], layout: IPLayoutRecords?, connections: [Connection],
                         mems: MemoryTopologyRecords?, doc: UnsafeBufferPointer<UInt8>) {
        guard let layout else { return }
        // Large designs: connections ordered by (IP, argument), keeping file order within a pair.
        let sorted = connections.count > 16
        let order = !sorted ? [] : connections.indices.sorted {
            let a = connections[$0], b = connections[$1]
            return (a.ipLayoutIndex, a.argumentIndex, $0) < (b.ipLayoutIndex, b.argumentIndex, $1)
        }
        /// The last connection of argument `arg` of IP `ip`, and how many it has.
        func connectionsOf(ip: Int, arg: Int) -> (last: Int, count: Int)? {
            var last = -1, count = 0
            if !sorted {
                for (i, c) in connections.enumerated() where c.ipLayoutIndex == ip && c.argumentIndex == arg {
                    last = i
                    count += 1
                }
            } else {
                var low = 0, high = order.count
                while low < high {
                    let mid = (low + high) / 2
                    let c = connections[order[mid]]
                    if (c.ipLayoutIndex, c.argumentIndex) < (ip, arg) { low = mid + 1 } else { high = mid }
                }
                while low < order.count, connections[order[low]].ipLayoutIndex == ip,
                      connections[order[low]].argumentIndex == arg {
                    last = order[low]
                    count += 1
                    low += 1
                }
            }
            return count > 0 ? (last, count) : nil
        }
        /// The tags of every connection of argument `arg` of IP `ip`, in file order (for two or more).
        func group(ip: Int, arg: Int) -> [MetadataText] {
            connections.indices.filter { connections[$0].ipLayoutIndex == ip && connections[$0].argumentIndex == arg }
                .map(tag)
        }
        // A connection's memory exists (checked), so there are memories when there is a connection.
        func tag(_ connection: Int) -> MetadataText {
            let mems = mems!
            return mems.tag(connections[connection].memory(among: mems.count)!)
        }
        func entry(named name: MetadataText) -> Int? {
            name.withUTF8(in: doc) { n in
                var low = 0, high = entries.count
                while low < high {
                    let mid = (low + high) / 2
                    if entries[mid].name.withUTF8(in: doc, { $0.lexicographicallyPrecedes(n) }) { low = mid + 1 } else {
                        high = mid
                    }
                }
                return low < entries.count && entries[low].name.withUTF8(in: doc, { MetadataText.equal($0, n) }) ? low : nil
            }
        }
        for ipIndex in 0..<layout.count where layout.type(ipIndex) == IPLayoutEntry.kernelType {
            guard let i = entry(named: layout.instanceName(ipIndex, in: doc)) else { continue }
            entries[i].index = ipIndex
            for r in entries[i].registers.indices {
                guard let id = entries[i].registers[r].id, let found = connectionsOf(ip: ipIndex, arg: id) else { continue }
                entries[i].registers[r].memory = tag(found.last)
                if found.count > 1 { entries[i].registers[r].memoryGroup = group(ip: ipIndex, arg: id) }
            }
            for s in entries[i].streams.indices {
                guard let id = entries[i].streams[s].id, let found = connectionsOf(ip: ipIndex, arg: id) else { continue }
                entries[i].streams[s].streamTag = tag(found.last)
            }
        }
    }
}
