import PynqMetadataCore

/// Builds an xclbin from typed values: MEM_TOPOLOGY, IP_LAYOUT, CONNECTIVITY, CLOCK_FREQ_TOPOLOGY,
/// EMBEDDED_METADATA (XML in the shape v++ writes), an optional BITSTREAM and any raw sections, with a
/// header XRT accepts (section table, `m_length`, 8-byte aligned sections).
///
/// Describe a design piece by piece:
/// ```swift
/// var b = XclbinBuilder(platformVBNV: "xilinx_u200_gen3x16_xdma_base_2")
/// for i in 0..<4 { b.addMemory(tag: "bank\(i)", type: .ddr4, baseAddress: UInt64(i) << 34, size: 16 << 30) }
/// try b.addKernel(name: "krnl_vadd", instances: [("krnl_vadd_1", 0x1800000)], arguments: [
///     .pointer("in1", memory: "bank0"), .pointer("in2", memory: "bank1"),
///     .pointer("out_r", memory: "bank2"), .scalar("size")])
/// let bytes = try b.build()
/// ```
/// or start from a file (`XclbinBuilder(file:)`) to write it again. Reading what `build()` writes gives
/// back the same values.
public struct XclbinBuilder: Sendable {
    public var platformVBNV: String
    /// The UUID to write; `nil` derives one from the content (the same content gives the same UUID).
    public var uuid: [UInt8]?
    public var timeStamp: UInt64 = 0
    /// `XCLBIN_MODE` (0 flat).
    public var mode: UInt16 = 0
    /// The `project@name` of the XML.
    public var projectName = "pynq_overlay"
    /// MEM_TOPOLOGY, in index order (memories and stream connections).
    public var memTopology: [MemoryTopologyEntry] = []
    /// Written as GROUP_TOPOLOGY when set.
    public var groupTopology: [MemoryTopologyEntry]?
    public var kernels: [Kernel] = []
    /// IP_LAYOUT; `nil` derives one entry per kernel instance, sorted by base address.
    public var ipLayout: [IPLayoutEntry]?
    /// CONNECTIVITY; `nil` derives it from the memories and streams given to `addKernel`.
    public var connections: [Connection]?
    /// Written as GROUP_CONNECTIVITY when set.
    public var groupConnections: [Connection]?
    public var clocks: [ClockFrequencyEntry] = []
    /// BITSTREAM section contents, when the design has one.
    public var bitstream: [UInt8]?
    /// Further sections written as given (BUILD_METADATA, KEYVALUE_METADATA, …).
    public var extraSections: [RawSection] = []

    /// A section written byte for byte.
    public struct RawSection: Sendable, Hashable {
        public var kind: XclbinSectionKind
        public var name: String
        public var data: [UInt8]
        public init(kind: XclbinSectionKind, name: String = "", data: [UInt8]) {
            self.kind = kind
            self.name = name
            self.data = data
        }
    }

    /// Memory tags bound to kernel arguments by `addKernel`: `(instance, argument index)` → tags.
    var bindings: [Binding: [String]] = [:]
    /// Memories whose `m_used` is derived from the connectivity (added without `used:`).
    var derivedUse: Set<Int> = []
    /// Sections a file read by `init(file:)` did not have, so that they are not written when empty.
    var absent: Set<XclbinSectionKind> = []

    struct Binding: Hashable, Sendable {
        var instance: String
        var argument: Int
    }

    public init(platformVBNV: String, uuid: [UInt8]? = nil) {
        self.platformVBNV = platformVBNV
        self.uuid = uuid
    }

    /// Everything of `file` that the reader understands, ready to be written again: header fields,
    /// topologies, kernels, IP layout, connectivity, clocks, bitstream, and every other section raw.
    public init(file: XclbinFile) {
        platformVBNV = file.header.platformVBNV
        uuid = file.header.uuid
        timeStamp = file.header.timeStamp
        mode = file.header.mode
        memTopology = file.memTopology ?? []
        groupTopology = file.groupTopology
        kernels = file.kernels
        ipLayout = file.ipLayout
        connections = file.connectivity
        groupConnections = file.groupConnectivity
        clocks = file.clockFrequencies ?? []
        bitstream = file.bitstream.map(Array.init)
        for kind in [XclbinSectionKind.memTopology, .ipLayout, .connectivity] where file.section(kind) == nil {
            absent.insert(kind)
        }
        let parsed: Set<XclbinSectionKind> = [
            .bitstream, .memTopology, .groupTopology, .ipLayout, .connectivity, .groupConnectivity,
            .clockFreqTopology, .embeddedMetadata,
        ]
        var seen: Set<XclbinSectionKind> = []
        for s in file.sections.reversed() where !parsed.contains(s.kind) && seen.insert(s.kind).inserted {
            extraSections.insert(RawSection(kind: s.kind, name: s.name, data: Array(s.data)), at: 0)
        }
    }

    // MARK: describing a design

    /// Adds a memory bank; returns its index. MEM_TOPOLOGY stores sizes in KiB, so `size` is rounded
    /// down to a multiple of 1024. Without `used`, the bank counts as used when a kernel argument is
    /// connected to it.
    @discardableResult
    public mutating func addMemory(tag: String, type: MemoryType = .ddr4, baseAddress: UInt64, size: UInt64,
                                   used: Bool? = nil) -> Int {
        let index = memTopology.count
        memTopology.append(MemoryTopologyEntry(
            type: type, used: used == true ? 1 : 0, sizeKBOrRouteID: Int64(bitPattern: size / 1024),
            baseAddressOrFlowID: Int64(bitPattern: baseAddress), tag: tag))
        if used == nil { derivedUse.insert(index) }
        return index
    }

    /// Adds an AXI-Stream connection between kernels (a `dc_N` entry); returns its index.
    @discardableResult
    public mutating func addStreamConnection(tag: String, routeID: Int64 = 0, flowID: Int64 = 0) -> Int {
        let index = memTopology.count
        memTopology.append(MemoryTopologyEntry(type: .streamingConnection, used: 1, sizeKBOrRouteID: routeID,
                                               baseAddressOrFlowID: flowID, tag: tag))
        return index
    }

    /// Adds a clock.
    public mutating func addClock(name: String, frequencyMHz: UInt16, kind: PynqMetadataCore.Clock.Kind) {
        clocks.append(ClockFrequencyEntry(frequencyMHz: frequencyMHz, type: UInt8(kind.rawValue), name: name))
    }

    /// Direction of a stream argument, seen from the kernel.
    public enum StreamDirection: Sendable, Hashable { case input, output }

    /// An argument for `addKernel`.
    public struct ArgumentSpec: Sendable, Hashable {
        public enum Kind: Sendable, Hashable {
            case scalar
            /// A pointer into `memory` (a memory tag), when given.
            case pointer(memory: String?)
            /// An AXI-Stream port, wired to the stream connection `connection` (a `dc_N` tag) when given.
            case stream(StreamDirection, connection: String?, dataWidth: Int)
        }
        public var name: String
        public var kind: Kind
        /// C type, as v++ spells it.
        public var type: String
        /// Size in bytes of the register (scalars and pointers).
        public var size: Int

        public init(name: String, kind: Kind, type: String, size: Int) {
            self.name = name
            self.kind = kind
            self.type = type
            self.size = size
        }

        public static func scalar(_ name: String, type: String = "unsigned int", size: Int = 4) -> Self {
            Self(name: name, kind: .scalar, type: type, size: size)
        }
        public static func pointer(_ name: String, type: String = "int*", memory: String? = nil) -> Self {
            Self(name: name, kind: .pointer(memory: memory), type: type, size: 8)
        }
        public static func stream(_ name: String, _ direction: StreamDirection, connection: String? = nil,
                                  type: String = "stream<qdma_axis<32, 0, 0, 0>, 0>&", dataWidth: Int = 32) -> Self {
            Self(name: name, kind: .stream(direction, connection: connection, dataWidth: dataWidth), type: type, size: 8)
        }
    }

    /// Adds an HLS-style kernel: a `s_axi_control` slave port with `CTRL` at 0 and the register
    /// arguments from 0x10 (each register followed by a reserved word, as Vitis HLS lays them out), one
    /// `m_axi_gmem` master port for the pointers, and one stream port per stream argument. Pointers and
    /// streams are connected to the memories and stream connections they name (which must exist).
    public mutating func addKernel(name: String, vlnv: String? = nil, controlProtocol: ControlProtocol = .apCtrlChain,
                                   instances: [(name: String, baseAddress: UInt64)], arguments: [ArgumentSpec],
                                   controlRange: UInt64 = 0x1000) throws {
        let part = "xclbin builder: kernel '\(name)'"
        let tags = Set(memTopology.map(\.tag))
        var ports = [KernelPort(name: "s_axi_control", mode: "slave", range: controlRange, dataWidth: 32)]
        if arguments.contains(where: { if case .pointer = $0.kind { return true } else { return false } }) {
            ports.append(KernelPort(name: "m_axi_gmem", mode: "master", range: 0xFFFF_FFFF, dataWidth: 32))
        }
        var args: [KernelArgument] = []
        var offset = 0x10
        var wired: [(Int, String)] = []
        for (id, a) in arguments.enumerated() {
            switch a.kind {
            case .scalar, .pointer:
                let pointer: Bool
                if case .pointer(let memory) = a.kind {
                    pointer = true
                    if let memory {
                        guard tags.contains(memory) else {
                            throw MetadataError(.badField, part: part, reason: "argument '\(a.name)' names memory '\(memory)', which is not in the memory topology; add it first with addMemory")
                        }
                        wired.append((id, memory))
                    }
                } else {
                    pointer = false
                }
                args.append(KernelArgument(
                    name: a.name, index: id, addressQualifier: pointer ? .global : .scalar,
                    port: pointer ? "m_axi_gmem" : "s_axi_control", offset: offset, size: a.size, hostSize: a.size,
                    type: a.type))
                offset += (a.size + 3) / 4 * 4 + 4
            case .stream(let direction, let connection, let width):
                let port = a.name.uppercased() + "_STREAM"
                ports.append(KernelPort(name: port, mode: direction == .input ? "read_only" : "write_only", range: 0,
                                        dataWidth: width))
                if let connection {
                    guard memTopology.contains(where: { $0.tag == connection && $0.isStreamConnection }) else {
                        throw MetadataError(.badField, part: part, reason: "stream argument '\(a.name)' names stream connection '\(connection)', which is not in the memory topology; add it first with addStreamConnection")
                    }
                    wired.append((id, connection))
                }
                args.append(KernelArgument(name: a.name, index: id, addressQualifier: .stream, port: port, offset: 0,
                                           size: a.size, hostSize: a.size, type: a.type))
            }
        }
        guard UInt64(offset) <= controlRange else {
            throw MetadataError(.badField, part: part, reason: "the arguments need \(offset) bytes of registers but the control range is \(controlRange); pass a larger controlRange")
        }
        kernels.append(Kernel(
            name: name, vlnv: vlnv ?? "xilinx.com:hls:\(name):1.0", controlProtocol: controlProtocol, ports: ports,
            arguments: args, instances: instances.map { KernelInstance(name: $0.name, baseAddress: $0.baseAddress) }))
        for inst in instances {
            for (id, tag) in wired { bindings[Binding(instance: inst.name, argument: id), default: []].append(tag) }
        }
    }

    /// Connects argument `argument` of compute unit `instance` to memory `tag` (in addition to what
    /// `addKernel` wired), for designs whose kernels were given as `Kernel` values.
    public mutating func connect(instance: String, argument: Int, to tag: String) {
        bindings[Binding(instance: instance, argument: argument), default: []].append(tag)
    }

    // MARK: derived sections

    /// `IP_CONTROL` of a protocol, as the IP_LAYOUT stores it in bits 8–15 of `properties`.
    static func ipControl(_ p: ControlProtocol) -> UInt32 {
        switch p {
        case .apCtrlHs, .axiLite: return 0
        case .apCtrlChain: return 1
        case .apCtrlNone, .userManaged: return 2
        }
    }

    /// The IP layout to write.
    func effectiveIPLayout() -> [IPLayoutEntry] {
        if let ipLayout { return ipLayout }
        var out: [IPLayoutEntry] = []
        for k in kernels {
            let interrupt: UInt32 = k.controlProtocol == .apCtrlNone || k.controlProtocol == .userManaged ? 0 : 1
            for i in k.instances {
                out.append(IPLayoutEntry(type: IPLayoutEntry.kernelType,
                                         properties: Self.ipControl(k.controlProtocol) << 8 | interrupt,
                                         baseAddress: i.baseAddress, name: k.name + ":" + i.name))
            }
        }
        return out.enumerated().sorted { ($0.element.baseAddress, $0.offset) < ($1.element.baseAddress, $1.offset) }
            .map(\.element)
    }

    /// The connectivity to write.
    func effectiveConnections(layout: [IPLayoutEntry]) throws -> [Connection] {
        if let connections { return connections }
        var out: [Connection] = []
        for (ipIndex, ip) in layout.enumerated() where ip.type == IPLayoutEntry.kernelType {
            let instance = ip.instanceName
            for key in bindings.keys.filter({ $0.instance == instance }).sorted(by: { $0.argument < $1.argument }) {
                for tag in bindings[key] ?? [] {
                    guard let m = memTopology.firstIndex(where: { $0.tag == tag }) else {
                        throw MetadataError(.badField, part: "xclbin builder: instance '\(instance)'",
                                            reason: "argument \(key.argument) is connected to '\(tag)', which is not in the memory topology")
                    }
                    out.append(Connection(argumentIndex: key.argument, ipLayoutIndex: ipIndex, memoryIndex: m))
                }
            }
        }
        return out
    }

    /// Writes the xclbin.
    public func build() throws -> [UInt8] {
        let layout = effectiveIPLayout()
        let conns = try effectiveConnections(layout: layout)
        var mems = memTopology
        for i in derivedUse where i < mems.count {
            mems[i].used = conns.contains { $0.memoryIndex == i } ? 1 : 0
        }
        var w = XclbinWriter(part: "xclbin builder")
        if let bitstream { w.add(.bitstream, name: "bitstream", data: bitstream) }
        if !(mems.isEmpty && absent.contains(.memTopology)) {
            w.add(.memTopology, name: "mem_topology", data: try w.memTopology(mems))
        }
        if let groupTopology { w.add(.groupTopology, name: "group_topology", data: try w.memTopology(groupTopology)) }
        // Without kernels, IP_LAYOUT and CONNECTIVITY are left out unless given (as xclbinutil does).
        if ipLayout != nil || (!kernels.isEmpty && !absent.contains(.ipLayout)) {
            w.add(.ipLayout, name: "ip_layout", data: try w.ipLayout(layout))
        }
        if connections != nil
            || (!absent.contains(.connectivity) && (!conns.isEmpty || (!kernels.isEmpty && groupConnections == nil)))
        {
            w.add(.connectivity, name: "connectivity", data: w.connectivity(conns))
        }
        if let groupConnections { w.add(.groupConnectivity, name: "group_connectivity", data: w.connectivity(groupConnections)) }
        if !clocks.isEmpty { w.add(.clockFreqTopology, name: "clock_freq_topology", data: try w.clockTopology(clocks)) }
        w.add(.embeddedMetadata, name: "metadata",
              data: try MetadataXMLWriter.document(project: projectName, platform: platformVBNV, kernels: kernels))
        for s in extraSections { w.add(s.kind, name: s.name, data: s.data) }
        return try w.file(platformVBNV: platformVBNV, uuid: uuid, timeStamp: timeStamp, mode: mode)
    }
}
