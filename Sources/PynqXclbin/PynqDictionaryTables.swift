import PynqMetadataCore

/// pynq's `ip_dict`, `mem_dict` and `clock_dict` as `MetaValue.table`s: the three share one flat storage,
/// so a file's dictionaries cost a few allocations, not one per dictionary.
extension PynqDictionaries {
    /// The three dictionaries, from `ip_dict` entries in pynq's (name) order, the memory topology and
    /// the clock entries.
    static func dictionaries(_ entries: [IPEntry], mems: [MemoryTopologyEntry], clocks: [ClockFrequencyEntry])
        -> (ip: MetaValue, mem: MetaValue, clock: MetaValue)
    {
        var registers = 0, streams = 0
        for e in entries {
            registers += e.registers.count
            streams += e.streams.count
        }
        var b = MetaTableBuilder(
            keys: Keys.table,
            entries: entries.count * 16 + registers * 10 + streams * 5 + entries.count * 40 + mems.count * 9
                + clocks.count * 4 + 8,
            strings: entries.count * 6 + registers * 3 + streams * 3 + mems.count * 2 + clocks.count * 2 + 4)
        let ip = ipDict(entries, &b)
        let mem = memDict(mems, &b)
        let clock = clockDict(clocks, &b)
        let tables = b.finish()
        return (tables.value(of: ip), tables.value(of: mem), tables.value(of: clock))
    }

    /// The fixed key names of the three dictionaries, in the groups that `MetaTableBuilder.reserve(keys:)`
    /// takes as ranges of positions.
    enum Keys {
        static let memory: Range<Int32> = 0..<8
        static let streamMemory: Range<Int32> = 8..<16
        static let clock: Range<Int32> = 16..<19
        /// An argument register; `+ 1`: with `memory`; `+ 2`: with `memory` and `MBG`.
        static let register: Range<Int32> = 19..<26
        /// A stream; `+ 1`: with `stream_id`.
        static let stream: Range<Int32> = 28..<31
        /// An IP; `+ 1`: with `index`.
        static let ip: Range<Int32> = 32..<46
        static let control: Range<Int32> = 47..<54
        static let field: Range<Int32> = 54..<58
        /// The control register's fields (`AP_CONTINUE`, the last, only for `ap_ctrl_chain`).
        static let controlFields: Range<Int32> = 58..<64
        /// `clock0`, `clock1`, …
        static let clockNumber: Int32 = 64
        static let clockNumbers = 16

        static let table = MetaTableKeys([
            "raw_type", "used", "base_address", "size", "type", "streaming", "idx", "tag",
            "raw_type", "used", "flow_id", "route_id", "type", "streaming", "idx", "tag",
            "name", "frequency", "type",
            "address_offset", "access", "size", "host_size", "description", "type", "id", "memory", "MBG",
            "id", "type", "direction", "stream_id",
            "phys_addr", "addr_range", "type", "hw_control_protocol", "fullpath", "registers", "streams", "mem_id",
            "state", "interrupts", "gpio", "xclbin_uuid", "cu_name", "cu_index", "index",
            "address_offset", "access", "size", "description", "type", "id", "fields",
            "access", "bit_offset", "bit_width", "description",
        ] + controlFieldTable.map(\.name) + (0..<clockNumbers).map { "clock\($0)" })
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

    /// pynq's `_mem_types`, extended past its end as `UNKNOWN(n)` (where pynq raises).
    private static let memoryTypeNames: [String] = (0...255).map { MemoryType(rawValue: UInt8($0)).pynqName }

    /// A reserved dictionary's members set in order (inlined, so that the argument array stays on the stack).
    @inline(__always)
    private static func fill(_ d: MetaTable.Slot, _ b: inout MetaTableBuilder, _ values: MetaTable.Slot...) {
        for (i, v) in values.enumerated() { b.set(d, i, v) }
    }

    // MARK: ip_dict

    /// `ip_dict` from entries already in pynq's (name) order, whose names are unique.
    private static func ipDict(_ entries: [IPEntry], _ b: inout MetaTableBuilder) -> MetaTable.Slot {
        let outer = b.reserveDict(count: entries.count)
        let argumentAccess = b.string("read-write;"), argumentDescription = b.string("OpenCL Argument Register")
        let emptyDict = MetaTable.Slot.emptyDict
        for (n, e) in entries.enumerated() {
            let registers = b.reserveDict(count: e.registers.count)
            for (r, reg) in e.registers.enumerated() {
                let value: MetaTable.Slot
                if reg.isControl {
                    value = controlRegister(chain: e.controlProtocol == "ap_ctrl_chain", &b)
                } else {
                    let withMemory: Int32 = reg.memory == nil ? 0 : reg.memoryGroup.isEmpty ? 1 : 2
                    let keys = Keys.register.lowerBound..<(Keys.register.upperBound + withMemory)
                    value = b.reserve(keys: keys)
                    fill(value, &b, .int(reg.offset), argumentAccess, .int(reg.size), .int(reg.hostSize),
                         argumentDescription, b.string(reg.type), reg.id.map(MetaTable.Slot.int) ?? .null)
                    if let memory = reg.memory { b.set(value, 7, b.string(memory)) }
                    if withMemory == 2 { b.set(value, 8, b.list(of: reg.memoryGroup)) }
                }
                b.set(registers, r, key: reg.name, value)
            }
            let streams = b.reserveDict(count: e.streams.count)
            for (i, s) in e.streams.enumerated() {
                let keys = Keys.stream.lowerBound..<(Keys.stream.upperBound + (s.streamTag == nil ? 0 : 1))
                let value = b.reserve(keys: keys)
                fill(value, &b, s.id.map(MetaTable.Slot.int) ?? .null, s.type.map { b.string($0) } ?? .null,
                     b.string(s.direction))
                if let tag = s.streamTag { b.set(value, 3, b.string(tag)) }
                b.set(streams, i, key: s.name, value)
            }
            let ip = b.reserve(keys: Keys.ip.lowerBound..<(Keys.ip.upperBound + (e.index == nil ? 0 : 1)))
            fill(ip, &b, .int(e.physAddr), .int(e.addrRange), b.string(e.type), b.string(e.controlProtocol),
                 b.string(e.name), registers, streams, .null, .null, emptyDict, emptyDict, b.string(e.uuid),
                 b.string(e.cuName), .int(e.cuIndex))
            if let index = e.index { b.set(ip, 14, .int(index)) }
            b.set(outer, n, key: e.name, ip)
        }
        return outer
    }

    /// The CTRL register of a kernel with `ap_ctrl_hs` or (`chain`) `ap_ctrl_chain`.
    private static func controlRegister(chain: Bool, _ b: inout MetaTableBuilder) -> MetaTable.Slot {
        let names = Keys.controlFields.lowerBound..<(Keys.controlFields.upperBound - (chain ? 0 : 1))
        let fields = b.reserve(keys: names)
        for (i, f) in controlFieldTable.prefix(names.count).enumerated() {
            let field = b.reserve(keys: Keys.field)
            fill(field, &b, b.string(f.access), .int(f.bit), .int(1), b.string(f.description))
            b.set(fields, i, field)
        }
        let register = b.reserve(keys: Keys.control)
        fill(register, &b, .int(0), b.string("read-write"), .int(4), b.string("OpenCL Control Register"),
             b.string("unsigned int"), .null, fields)
        return register
    }

    // MARK: mem_dict

    private static func memDict(_ mems: [MemoryTopologyEntry], _ b: inout MetaTableBuilder) -> MetaTable.Slot {
        // Tags are nearly always unique: checked pairwise for small topologies. Otherwise a repeated tag
        // keeps its first position and takes the last entry, as in a Python dict.
        var unique = mems.count <= 16
        for i in mems.indices where unique {
            for j in 0..<i where mems[j].tag == mems[i].tag { unique = false; break }
        }
        var lastOfPosition: [Int] = []
        if !unique {
            var position: [String: Int] = [:]
            for (i, m) in mems.enumerated() {
                if let p = position[m.tag] { lastOfPosition[p] = i } else {
                    position[m.tag] = lastOfPosition.count
                    lastOfPosition.append(i)
                }
            }
        }
        let count = unique ? mems.count : lastOfPosition.count
        let outer = b.reserveDict(count: count)
        let typeNames = memoryTypeNames
        for p in 0..<count {
            let i = unique ? p : lastOfPosition[p]
            let m = mems[i]
            let value: MetaTable.Slot
            let type = Int(m.type.rawValue)
            if m.isStreamConnection {
                value = b.reserve(keys: Keys.streamMemory)
                fill(value, &b, .int(type), .int(Int(m.used)), .int(Int(m.baseAddressOrFlowID)),
                     .int(Int(m.sizeKBOrRouteID)), b.string(typeNames[type]), .bool(true), .int(i), b.string(m.tag))
            } else {
                let (bytes, overflow) = Int(m.sizeKBOrRouteID).multipliedReportingOverflow(by: 1024)
                value = b.reserve(keys: Keys.memory)
                fill(value, &b, .int(type), .int(Int(m.used)), .int(Int(m.baseAddressOrFlowID)),
                     overflow ? .double(Double(m.sizeKBOrRouteID) * 1024) : .int(bytes), b.string(typeNames[type]),
                     .bool(false), .int(i), b.string(m.tag))
            }
            b.set(outer, p, key: m.tag, value)
        }
        return outer
    }

    // MARK: clock_dict

    /// pynq's clock type names; it reads `m_type` as a signed byte and indexes this list Python-style.
    private static let clockTypes = ["UNUSED", "DATA", "KERNEL", "SYSTEM"]

    private static func clockDict(_ clocks: [ClockFrequencyEntry], _ b: inout MetaTableBuilder) -> MetaTable.Slot {
        func typeIndex(_ c: ClockFrequencyEntry) -> Int {
            let t = Int(Int8(bitPattern: c.type))
            return t < 0 && t >= -clockTypes.count ? t + clockTypes.count : t
        }
        // Keys are "clock0", "clock1", … in order, so they are unique.
        let outer = b.reserveDict(count: clocks.count)
        var n = 0
        func add(_ c: ClockFrequencyEntry, _ type: String) {
            let value = b.reserve(keys: Keys.clock)
            fill(value, &b, b.string(c.name), .int(Int(Int16(bitPattern: c.frequencyMHz))), b.string(type))
            if n < Keys.clockNumbers {
                b.set(outer, n, fixedKey: Keys.clockNumber + Int32(n), value)
            } else {
                b.set(outer, n, key: "clock" + String(n), value)
            }
            n += 1
        }
        // Grouped by type in pynq's order; unknown types (where pynq raises) come last, by value.
        for t in clockTypes.indices {
            for c in clocks where typeIndex(c) == t { add(c, clockTypes[t]) }
        }
        if clocks.contains(where: { typeIndex($0) < 0 || typeIndex($0) >= clockTypes.count }) {
            for t in Set(clocks.map(typeIndex)).filter({ $0 < 0 || $0 >= clockTypes.count }).sorted() {
                for c in clocks where typeIndex(c) == t { add(c, "UNKNOWN(\(t))") }
            }
        }
        return outer
    }
}
