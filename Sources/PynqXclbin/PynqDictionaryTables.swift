import PynqMetadataCore

/// pynq's `ip_dict`, `mem_dict` and `clock_dict` as `MetaValue.table`s: the three share one flat storage,
/// so a file's dictionaries cost a few allocations, not one per dictionary.
extension PynqDictionaries {
    /// The three dictionaries, from `ip_dict` entries in pynq's (name) order, the memory topology and
    /// the clock entries, read in place.
    /// `text`: the bytes that the entries' and the sections' text is ranges of (the file, or the reader's
    /// compact copy of its metadata); the tables keep it, not a copy. `doc`: its buffer.
    static func dictionaries(_ entries: [IPEntry], uuid: [UInt8], text: [UInt8], doc: UnsafeBufferPointer<UInt8>,
                             mems: MemoryTopologyRecords?, clocks: ClockRecords?) -> (ip: MetaValue, mem: MetaValue, clock: MetaValue)
    {
        var registers = 0, streams = 0
        for e in entries {
            registers += e.registers.count
            streams += e.streams.count
        }
        let memCount = mems?.count ?? 0, clockCount = clocks?.count ?? 0
        let names = Names.shared
        var b = MetaTableBuilder(
            keys: names.table, textCount: text.count,
            entries: entries.count * 56 + registers * 10 + streams * 5 + memCount * 9 + clockCount * 4 + 8,
            strings: entries.count * 2 + registers + 4)
        let ip = ipDict(entries, uuid: uuid, names, &b)
        let mem = memDict(mems, doc: doc, names, &b)
        let clock = clockDict(clocks, names, &b)
        let tables = b.finish(text: text)
        return (tables.value(of: ip), tables.value(of: mem), tables.value(of: clock))
    }

    /// The fixed names of the three dictionaries: their keys, in the groups that
    /// `MetaTableBuilder.reserve(keys:)` takes as ranges of positions, and the string values that never
    /// change.
    struct Names: Sendable {
        let table: MetaTableNames
        let memory, streamMemory, clock: Range<Int32>
        /// An argument register; `+ 1`: with `memory`; `+ 2`: with `memory` and `MBG`.
        let register: Range<Int32>
        /// A stream; `+ 1`: with `stream_id`.
        let stream: Range<Int32>
        /// An IP; `+ 1`: with `index`.
        let ip: Range<Int32>
        let control, field: Range<Int32>
        /// The control register's fields (`AP_CONTINUE`, the last, only for `ap_ctrl_chain`), and each one's
        /// access and description.
        let controlFields, controlFieldAccess, controlFieldDescription: Range<Int32>
        /// `clock0`, `clock1`, …
        let clockNumbers: Range<Int32>
        /// pynq's memory type names for raw types 0 … 255, and clock type names for 0 … 3.
        let memoryTypes, clockTypes: Range<Int32>
        /// Values: `read-write;`, `OpenCL Argument Register`; `read-write`, `OpenCL Control Register`,
        /// `unsigned int`; `input`, `output`.
        let argumentAccess, argumentDescription, controlAccess, controlDescription, controlType, input, output: Int32

        static let shared = Names()

        private init() {
            var all: [String] = []
            func add(_ group: [String]) -> Range<Int32> {
                let start = Int32(all.count)
                all += group
                return start..<Int32(all.count)
            }
            memory = add(["raw_type", "used", "base_address", "size", "type", "streaming", "idx", "tag"])
            streamMemory = add(["raw_type", "used", "flow_id", "route_id", "type", "streaming", "idx", "tag"])
            clock = add(["name", "frequency", "type"])
            let registerKeys = add(["address_offset", "access", "size", "host_size", "description", "type", "id",
                                    "memory", "MBG"])
            register = registerKeys.lowerBound..<(registerKeys.upperBound - 2)
            let streamKeys = add(["id", "type", "direction", "stream_id"])
            stream = streamKeys.lowerBound..<(streamKeys.upperBound - 1)
            let ipKeys = add(["phys_addr", "addr_range", "type", "hw_control_protocol", "fullpath", "registers",
                              "streams", "mem_id", "state", "interrupts", "gpio", "xclbin_uuid", "cu_name", "cu_index",
                              "index"])
            ip = ipKeys.lowerBound..<(ipKeys.upperBound - 1)
            control = add(["address_offset", "access", "size", "description", "type", "id", "fields"])
            field = add(["access", "bit_offset", "bit_width", "description"])
            controlFields = add(controlFieldTable.map(\.name))
            controlFieldAccess = add(controlFieldTable.map(\.access))
            controlFieldDescription = add(controlFieldTable.map(\.description))
            clockNumbers = add((0..<16).map { "clock\($0)" })
            memoryTypes = add((0...255).map { MemoryType(rawValue: UInt8($0)).pynqName })
            clockTypes = add(PynqDictionaries.clockTypes)
            let values = add(["read-write;", "OpenCL Argument Register", "read-write", "OpenCL Control Register",
                              "unsigned int", "input", "output"])
            (argumentAccess, argumentDescription, controlAccess, controlDescription, controlType, input, output) =
                (values.lowerBound, values.lowerBound + 1, values.lowerBound + 2, values.lowerBound + 3,
                 values.lowerBound + 4, values.lowerBound + 5, values.lowerBound + 6)
            table = MetaTableNames(all)
        }
    }

    /// The control register's fields as pynq lists them (`AP_CONTINUE` only for `ap_ctrl_chain`).
    static let controlFieldTable: [(name: String, access: String, bit: Int, description: String)] = [
        ("AP_START", "read-write", 0, "Start the accelerator"),
        ("AP_DONE", "read-only", 1, "Accelerator has finished - cleared on read"),
        ("AP_IDLE", "read-only", 2, "Accelerator is idle"),
        ("AP_READY", "read-only", 3, "Accelerator is ready to start next computation"),
        ("AUTO_RESTART", "read-write", 7, "Restart the accelerator automatically when finished"),
        ("AP_CONTINUE", "read-write", 4, "Invoke next iteration of kernel"),
    ]

    static func controlFields(chain: Bool) -> [RegisterField] { chain ? controlFieldsChain : controlFieldsHS }
    private static let controlFieldsHS = makeControlFields(chain: false)
    private static let controlFieldsChain = makeControlFields(chain: true)

    private static func makeControlFields(chain: Bool) -> [RegisterField] {
        controlFieldTable.prefix(chain ? 6 : 5).map {
            RegisterField(name: $0.name, bitOffset: $0.bit, bitWidth: 1, access: RegisterAccess(rawValue: $0.access),
                          description: $0.description)
        }
    }

    // MARK: ip_dict

    /// `ip_dict` from entries already in pynq's (name) order, whose names are unique.
    private static func ipDict(_ entries: [IPEntry], uuid: [UInt8], _ names: Names, _ b: inout MetaTableBuilder) -> MetaTable.Slot {
        let outer = b.reserveDict(count: entries.count)
        // One string for every IP's `xclbin_uuid` (made only when there is an IP).
        let uuid = entries.isEmpty ? .null : b.string(hexString(uuid))
        let argumentAccess = b.fixed(names.argumentAccess), argumentDescription = b.fixed(names.argumentDescription)
        // Entries and registers are read in place through pointers: no copy (and no reference counting)
        // of each entry or register.
        entries.withUnsafeBufferPointer { entries in
            for n in entries.indices {
                let e = entries.baseAddress! + n
                let registers = e.pointee.registers.withUnsafeBufferPointer { regs in
                    let registers = b.reserveDict(count: regs.count)
                    for r in regs.indices {
                        let reg = regs.baseAddress! + r
                        let value: MetaTable.Slot
                        if reg.pointee.isControl {
                            value = controlRegister(chain: e.pointee.isChain, names, &b)
                        } else {
                            // Reserved, then set: a literal list this long would be a heap-allocated array.
                            let withMemory: Int32 = reg.pointee.memory == nil ? 0 : reg.pointee.memoryGroup.isEmpty ? 1 : 2
                            value = b.reserve(keys: names.register.lowerBound..<(names.register.upperBound + withMemory))
                            b.set(value, 0, .int(reg.pointee.offset))
                            b.set(value, 1, argumentAccess)
                            b.set(value, 2, .int(reg.pointee.size))
                            b.set(value, 3, .int(reg.pointee.hostSize))
                            b.set(value, 4, argumentDescription)
                            b.set(value, 5, reg.pointee.type.slot(&b))
                            b.set(value, 6, reg.pointee.id.map(MetaTable.Slot.int) ?? .null)
                            if let memory = reg.pointee.memory { b.set(value, 7, memory.slot(&b)) }
                            if withMemory == 2 {
                                let group = b.reserveList(count: reg.pointee.memoryGroup.count)
                                for (i, tag) in reg.pointee.memoryGroup.enumerated() { b.set(group, i, tag.slot(&b)) }
                                b.set(value, 8, group)
                            }
                        }
                        b.set(registers, r, key: reg.pointee.name.slot(&b), value)
                    }
                    return registers
                }
                let streams = b.reserveDict(count: e.pointee.streams.count)
                for (i, s) in e.pointee.streams.enumerated() {
                    let id = s.id.map(MetaTable.Slot.int) ?? .null, type = s.type?.slot(&b) ?? .null
                    let direction = b.fixed(s.isInput ? names.input : names.output)
                    let value: MetaTable.Slot
                    if let tag = s.streamTag {
                        let tag = tag.slot(&b)
                        value = b.dict(keys: names.stream.lowerBound..<(names.stream.upperBound + 1), id, type, direction, tag)
                    } else {
                        value = b.dict(keys: names.stream, id, type, direction)
                    }
                    b.set(streams, i, key: s.name.slot(&b), value)
                }
                let name = e.pointee.name.slot(&b)
                let ip = b.reserve(keys: names.ip.lowerBound..<(names.ip.upperBound + (e.pointee.index == nil ? 0 : 1)))
                b.set(ip, 0, .int(e.pointee.physAddr))
                b.set(ip, 1, .int(e.pointee.addrRange))
                b.set(ip, 2, e.pointee.type.slot(&b))
                b.set(ip, 3, e.pointee.controlProtocol.slot(&b))
                b.set(ip, 4, name)
                b.set(ip, 5, registers)
                b.set(ip, 6, streams)
                // 7, 8: mem_id, state (null, as reserved)
                b.set(ip, 9, .emptyDict)
                b.set(ip, 10, .emptyDict)
                b.set(ip, 11, uuid)
                b.set(ip, 12, b.string(e.pointee.cuName))
                b.set(ip, 13, .int(e.pointee.cuIndex))
                if let index = e.pointee.index { b.set(ip, 14, .int(index)) }
                b.set(outer, n, key: name, ip)
            }
        }
        return outer
    }

    /// The CTRL register of a kernel with `ap_ctrl_hs` or (`chain`) `ap_ctrl_chain`.
    private static func controlRegister(chain: Bool, _ names: Names, _ b: inout MetaTableBuilder) -> MetaTable.Slot {
        let fieldNames = names.controlFields.lowerBound..<(names.controlFields.upperBound - (chain ? 0 : 1))
        let fields = b.reserve(keys: fieldNames)
        for (i, f) in controlFieldTable.prefix(fieldNames.count).enumerated() {
            let field = b.dict(keys: names.field, b.fixed(names.controlFieldAccess.lowerBound + Int32(i)), .int(f.bit),
                               .int(1), b.fixed(names.controlFieldDescription.lowerBound + Int32(i)))
            b.set(fields, i, field)
        }
        return b.dict(keys: names.control, .int(0), b.fixed(names.controlAccess), .int(4), b.fixed(names.controlDescription),
                      b.fixed(names.controlType), .null, fields)
    }

    // MARK: mem_dict

    private static func memDict(_ mems: MemoryTopologyRecords?, doc: UnsafeBufferPointer<UInt8>, _ names: Names,
                                _ b: inout MetaTableBuilder) -> MetaTable.Slot
    {
        guard let mems else { return b.reserveDict(count: 0) }
        // Each tag is found once (a temporary buffer, on the stack for a usual topology).
        return withUnsafeTemporaryAllocation(of: MetadataText.self, capacity: mems.count) { tags in
            for i in 0..<mems.count { (tags.baseAddress! + i).initialize(to: mems.tag(i)) }
            defer { tags.baseAddress!.deinitialize(count: mems.count) }
            return memDict(mems, tags: UnsafeBufferPointer(tags), doc: doc, names, &b)
        }
    }

    private static func memDict(_ mems: MemoryTopologyRecords, tags: UnsafeBufferPointer<MetadataText>,
                                doc: UnsafeBufferPointer<UInt8>, _ names: Names, _ b: inout MetaTableBuilder) -> MetaTable.Slot
    {
        // Tags are nearly always unique: checked pairwise (by bytes: Python compares code points) for
        // small topologies. Otherwise a repeated tag keeps its first position and takes the last entry, as
        // in a Python dict.
        var unique = mems.count <= 16
        for i in 0..<mems.count where unique {
            for j in 0..<i where tags[j].same(as: tags[i], in: doc) { unique = false; break }
        }
        var lastOfPosition: [Int] = []
        if !unique {
            var position: [String: Int] = [:]
            for i in 0..<mems.count {
                let tag = tags[i].string(in: doc)
                if let p = position[tag] { lastOfPosition[p] = i } else {
                    position[tag] = lastOfPosition.count
                    lastOfPosition.append(i)
                }
            }
        }
        let count = unique ? mems.count : lastOfPosition.count
        let outer = b.reserveDict(count: count)
        for p in 0..<count {
            let i = unique ? p : lastOfPosition[p]
            let value: MetaTable.Slot
            let memoryType = mems.type(i)
            let type = MetaTable.Slot.int(Int(memoryType.rawValue))
            let typeName = b.fixed(names.memoryTypes.lowerBound + Int32(memoryType.rawValue))
            let tag = tags[i].slot(&b)
            let used = MetaTable.Slot.int(Int(mems.used(i))), base = mems.baseAddressOrFlowID(i)
            let size = mems.sizeKBOrRouteID(i)
            if memoryType == .streamingConnection {
                value = b.dict(keys: names.streamMemory, type, used, .int(Int(base)), .int(Int(size)), typeName,
                               .bool(true), .int(i), tag)
            } else {
                let (bytes, overflow) = Int(size).multipliedReportingOverflow(by: 1024)
                value = b.dict(keys: names.memory, type, used, .int(Int(base)),
                               overflow ? .double(Double(size) * 1024) : .int(bytes), typeName, .bool(false), .int(i), tag)
            }
            b.set(outer, p, key: tag, value)
        }
        return outer
    }

    // MARK: clock_dict

    /// pynq's clock type names; it reads `m_type` as a signed byte and indexes this list Python-style.
    static let clockTypes = ["UNUSED", "DATA", "KERNEL", "SYSTEM"]

    private static func clockDict(_ clocks: ClockRecords?, _ names: Names, _ b: inout MetaTableBuilder) -> MetaTable.Slot {
        guard let clocks else { return b.reserveDict(count: 0) }
        func typeIndex(_ c: Int) -> Int {
            let t = Int(Int8(bitPattern: clocks.type(c)))
            return t < 0 && t >= -clockTypes.count ? t + clockTypes.count : t
        }
        // Keys are "clock0", "clock1", … in order, so they are unique.
        let outer = b.reserveDict(count: clocks.count)
        var n = 0
        func add(_ c: Int, _ type: MetaTable.Slot) {
            let value = b.dict(keys: names.clock, clocks.name(c).slot(&b), .int(Int(Int16(bitPattern: clocks.frequencyMHz(c)))),
                               type)
            if n < names.clockNumbers.count {
                b.set(outer, n, key: b.fixed(names.clockNumbers.lowerBound + Int32(n)), value)
            } else {
                b.set(outer, n, key: "clock" + String(n), value)
            }
            n += 1
        }
        // Grouped by type in pynq's order; unknown types (where pynq raises) come last, by value.
        for t in clockTypes.indices {
            let type = b.fixed(names.clockTypes.lowerBound + Int32(t))
            for c in 0..<clocks.count where typeIndex(c) == t { add(c, type) }
        }
        if (0..<clocks.count).contains(where: { typeIndex($0) < 0 || typeIndex($0) >= clockTypes.count }) {
            for t in Set((0..<clocks.count).map(typeIndex)).filter({ $0 < 0 || $0 >= clockTypes.count }).sorted() {
                let type = b.string("UNKNOWN(\(t))")
                for c in 0..<clocks.count where typeIndex(c) == t { add(c, type) }
            }
        }
        return outer
    }
}
