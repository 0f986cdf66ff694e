import OrderedCollections
import PynqMetadataCore
import PynqXML

/// The fixed header of an xclbin (`struct axlf` and its `axlf_header`).
public struct XclbinHeader: Sendable, Hashable {
    /// `m_signature_length`: -1 when the file is not signed.
    public var signatureLength: Int32
    /// `m_uniqueId`.
    public var uniqueID: UInt64
    /// `m_length`: the size of the whole file in bytes.
    public var length: UInt64
    /// Seconds since the epoch when the xclbin was made.
    public var timeStamp: UInt64
    public var featureROMTimeStamp: UInt64
    public var versionMajor: UInt8
    public var versionMinor: UInt8
    public var versionPatch: UInt16
    /// `XCLBIN_MODE`: 0 flat, 1 PR, 2 tandem stage 2, 3 tandem with PR, 4 hw emu, 5 sw emu, 6 hw emu PR.
    public var mode: UInt16
    public var actionMask: UInt16
    /// The feature-ROM union (`m_platformId`, `m_featureId` or a ROM UUID), 16 bytes.
    public var featureROM: [UInt8]
    /// Platform VBNV, e.g. `xilinx_u200_xdma_201830_2`.
    public var platformVBNV: String
    /// The xclbin's UUID, 16 bytes.
    public var uuid: [UInt8]
    /// `m_debug_bin`.
    public var debugBin: String

    public init(signatureLength: Int32 = -1, uniqueID: UInt64 = 0, length: UInt64 = 0, timeStamp: UInt64 = 0,
                featureROMTimeStamp: UInt64 = 0, versionMajor: UInt8 = 2, versionMinor: UInt8 = 13,
                versionPatch: UInt16 = 0, mode: UInt16 = 0, actionMask: UInt16 = 0,
                featureROM: [UInt8] = Array(repeating: 0, count: 16), platformVBNV: String = "",
                uuid: [UInt8] = Array(repeating: 0, count: 16), debugBin: String = "") {
        self.signatureLength = signatureLength
        self.uniqueID = uniqueID
        self.length = length
        self.timeStamp = timeStamp
        self.featureROMTimeStamp = featureROMTimeStamp
        self.versionMajor = versionMajor
        self.versionMinor = versionMinor
        self.versionPatch = versionPatch
        self.mode = mode
        self.actionMask = actionMask
        self.featureROM = featureROM
        self.platformVBNV = platformVBNV
        self.uuid = uuid
        self.debugBin = debugBin
    }

    /// The UUID as 32 lowercase hex digits (pynq's `xclbin_uuid`).
    public var uuidHex: String { hexString(uuid) }
}

/// One entry of the section table, with the section's bytes.
public struct XclbinSection: Sendable, Hashable {
    public var kind: XclbinSectionKind
    /// `m_sectionName` (free text, e.g. a build date or a container name). A name read from a file is
    /// decoded from its 16-byte field when asked for.
    public var name: String {
        get {
            switch storedName {
            case .string(let s): return s
            case .field(let low, let high):
                return withUnsafeBytes(of: (low.littleEndian, high.littleEndian)) { raw in
                    fieldName(raw.bindMemory(to: UInt8.self).baseAddress!, 16)
                }
            }
        }
        set { storedName = .string(newValue) }
    }
    /// Offset of the section in the file.
    public var offset: Int
    /// The section's bytes (a slice of the file; indices are file offsets).
    public var data: ArraySlice<UInt8>

    /// The name as given, or the file's 16-byte `m_sectionName` field as two little-endian words.
    enum Name: Sendable {
        case string(String)
        case field(UInt64, UInt64)
    }
    var storedName: Name

    public init(kind: XclbinSectionKind, name: String, offset: Int, data: ArraySlice<UInt8>) {
        self.kind = kind
        storedName = .string(name)
        self.offset = offset
        self.data = data
    }

    /// A section read from a file, its name still the raw field.
    init(kind: XclbinSectionKind, nameField: (UInt64, UInt64), offset: Int, data: ArraySlice<UInt8>) {
        self.kind = kind
        storedName = .field(nameField.0, nameField.1)
        self.offset = offset
        self.data = data
    }

    public static func == (a: XclbinSection, b: XclbinSection) -> Bool {
        a.kind == b.kind && a.offset == b.offset && a.data == b.data && a.name == b.name
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(kind)
        hasher.combine(name)
        hasher.combine(offset)
        hasher.combine(data)
    }

    public var size: Int { data.count }
}

/// An entry of MEM_TOPOLOGY or GROUP_TOPOLOGY (`struct mem_data`), as stored.
public struct MemoryTopologyEntry: Sendable, Hashable {
    public var type: MemoryType
    /// `m_used` as stored (pynq reports the byte, not a Bool).
    public var used: UInt8
    /// `m_size` in KiB for memories, `route_id` for stream connections (signed, as pynq reads it).
    public var sizeKBOrRouteID: Int64
    /// `m_base_address` for memories, `flow_id` for stream connections.
    public var baseAddressOrFlowID: Int64
    public var tag: String

    public init(type: MemoryType, used: UInt8, sizeKBOrRouteID: Int64, baseAddressOrFlowID: Int64, tag: String) {
        self.type = type
        self.used = used
        self.sizeKBOrRouteID = sizeKBOrRouteID
        self.baseAddressOrFlowID = baseAddressOrFlowID
        self.tag = tag
    }

    /// Whether this entry is an AXI-Stream connection between kernels rather than a memory.
    public var isStreamConnection: Bool { type == .streamingConnection }
}

/// An entry of IP_LAYOUT (`struct ip_data`).
public struct IPLayoutEntry: Sendable, Hashable {
    /// `IP_TYPE`: 0 MicroBlaze, 1 kernel (compute unit), 2 DNASC, 3 DDR4 controller, 4 DDR4 memory, …
    public var type: UInt32
    /// For kernels: bit 0 interrupt enable, bits 1–7 interrupt id, bits 8–15 `IP_CONTROL`.
    public var properties: UInt32
    public var baseAddress: UInt64
    /// `"kernel:instance"` for compute units.
    public var name: String

    public init(type: UInt32, properties: UInt32, baseAddress: UInt64, name: String) {
        self.type = type
        self.properties = properties
        self.baseAddress = baseAddress
        self.name = name
    }

    /// `IP_KERNEL`.
    public static let kernelType: UInt32 = 1
    /// The part of `name` after the first `:` (the instance), as pynq takes it.
    public var instanceName: String { Self.instanceName(of: name) }

    /// The part of `name` after its first `:`, or `""` without one.
    static func instanceName(of name: String) -> String {
        guard let colon = name.utf8.firstIndex(of: UInt8(ascii: ":")) else { return "" }
        return String(name[name.utf8.index(after: colon)...])
    }
    /// The part of `name` before the first `:` (the kernel).
    public var kernelName: String {
        String(name[..<(name.utf8.firstIndex(of: UInt8(ascii: ":")) ?? name.endIndex)])
    }
}

/// An entry of CLOCK_FREQ_TOPOLOGY (`struct clock_freq`).
public struct ClockFrequencyEntry: Sendable, Hashable {
    public var frequencyMHz: UInt16
    /// `CLOCK_TYPE`: 0 unused, 1 data, 2 kernel, 3 system.
    public var type: UInt8
    public var name: String

    public init(frequencyMHz: UInt16, type: UInt8, name: String) {
        self.frequencyMHz = frequencyMHz
        self.type = type
        self.name = name
    }
}

/// An entry of DEBUG_IP_LAYOUT (`struct debug_ip_data`).
public struct DebugIPEntry: Sendable, Hashable {
    /// `DEBUG_IP_TYPE` (1 LAPC, 2 ILA, 3 AXI MM monitor, … 7 accelerator monitor, 8 stream monitor, …).
    public var type: UInt8
    /// `m_index_lowbyte | m_index_highbyte << 8`.
    public var index: UInt16
    public var properties: UInt8
    public var major: UInt8
    public var minor: UInt8
    public var baseAddress: UInt64
    public var name: String

    public init(type: UInt8, index: UInt16, properties: UInt8, major: UInt8, minor: UInt8, baseAddress: UInt64,
                name: String) {
        self.type = type
        self.index = index
        self.properties = properties
        self.major = major
        self.minor = minor
        self.baseAddress = baseAddress
        self.name = name
    }
}

/// A parsed xclbin: the header, every section (raw), the parsed sections, the typed model and
/// pynq's dictionaries. Made by `Xclbin.read(bytes:source:)`.
public struct XclbinFile: Sendable {
    /// The name given to `read` (for messages).
    public var source: String
    public var header: XclbinHeader
    /// Every section in table order, duplicates included (made from the section table when asked for,
    /// unless set).
    public var sections: [XclbinSection] {
        get { sectionsOverride ?? sectionTable.map(section(of:)) }
        set { sectionsOverride = newValue }
    }

    /// The section an entry of the section table describes.
    private func section(of entry: SectionEntry) -> XclbinSection {
        XclbinSection(kind: entry.kind, nameField: entry.name, offset: entry.offset,
                      data: fileBytes[entry.offset..<(entry.offset + entry.size)])
    }

    /// One entry of the file's section table, as read (in range of `fileBytes`, checked).
    struct SectionEntry: Sendable {
        var kind: XclbinSectionKind
        var name: (UInt64, UInt64)
        var offset: Int
        var size: Int
    }
    /// The file's section table and bytes, which `sections` is made from (sections hold slices of the
    /// file: one reference each, counted when asked for rather than on every read).
    var sectionTable: [SectionEntry] = []
    var fileBytes: [UInt8] = []
    var sectionsOverride: [XclbinSection]?

    /// Bytes that the sections as read, EMBEDDED_METADATA's XML and `ipEntries` are ranges of: the file,
    /// or for a file of 2 GiB or more a compact copy of its metadata sections (`compactMetadata`).
    var metadataBytes: [UInt8] { compactMetadata ?? fileBytes }
    var compactMetadata: [UInt8]?

    /// Parsed sections, decoded from the file when asked for (their entries were checked when it was
    /// read), unless set. When a kind appears more than once, the last one wins (as in pynq).
    public var memTopology: [MemoryTopologyEntry]? {
        get { memTopologyStorage.value(in: metadataBytes, SectionParsers.memTopology) }
        set { memTopologyStorage = .value(newValue) }
    }
    /// GROUP_TOPOLOGY (pynq uses it when there is no MEM_TOPOLOGY).
    public var groupTopology: [MemoryTopologyEntry]? {
        get { groupTopologyStorage.value(in: metadataBytes, SectionParsers.memTopology) }
        set { groupTopologyStorage = .value(newValue) }
    }
    public var ipLayout: [IPLayoutEntry]? {
        get { ipLayoutStorage.value(in: metadataBytes, SectionParsers.ipLayout) }
        set { ipLayoutStorage = .value(newValue) }
    }
    /// CONNECTIVITY and GROUP_CONNECTIVITY (pynq uses the latter when there is no CONNECTIVITY): decoded when
    /// the file is read (their entries hold no names).
    public var connectivity: [Connection]?
    public var groupConnectivity: [Connection]?
    public var clockFrequencies: [ClockFrequencyEntry]? {
        get { clockStorage.value(in: metadataBytes, SectionParsers.clockTopology) }
        set { clockStorage = .value(newValue) }
    }
    public var debugIPLayout: [DebugIPEntry]? {
        get { debugIPStorage.value(in: metadataBytes, SectionParsers.debugIPLayout) }
        set { debugIPStorage = .value(newValue) }
    }
    /// EMBEDDED_METADATA as read from its XML (made from the parsed XML when asked for).
    public var metadata: EmbeddedMetadata? {
        get {
            switch metadataStorage {
            case .value(let value): return value
            case .xml(let root): return EmbeddedMetadata(root: root)
            }
        }
        set { metadataStorage = .value(newValue) }
    }

    /// Typed values. The kernels are made from EMBEDDED_METADATA and the IP layout when asked for, unless
    /// set.
    public var kernels: [Kernel] {
        get { typedOverrides.kernels ?? PynqDictionaries.typedKernels(metadata?.kernels ?? [], layout: ipLayout ?? []) }
        set { typedOverrides.kernels = newValue }
    }
    /// The memory banks of the memory topology (made from it when asked for, unless set).
    public var memories: [MemoryBank] {
        get { typedOverrides.memories ?? PynqDictionaries.memoriesAndStreams(of: self).memories }
        set { typedOverrides.memories = newValue }
    }
    /// The AXI-Stream connections of the memory topology, with their endpoints (made when asked for,
    /// unless set).
    public var streams: [StreamConnection] {
        get { typedOverrides.streams ?? PynqDictionaries.memoriesAndStreams(of: self).streams }
        set { typedOverrides.streams = newValue }
    }
    /// The clocks of CLOCK_FREQ_TOPOLOGY (made from it when asked for, unless set).
    public var clocks: [PynqMetadataCore.Clock] {
        get { typedOverrides.clocks ?? PynqDictionaries.clocks(clockFrequencies ?? []) }
        set { typedOverrides.clocks = newValue }
    }
    /// The compute units that pynq lists in `ip_dict`, in its (name) order (made from the entries behind
    /// `ipDict` when asked for, unless set).
    public var ips: [IPBlock] {
        get {
            typedOverrides.ips ?? metadataBytes.withUnsafeBufferPointer { doc in ipEntries.map { $0.ipBlock(in: doc) } }
        }
        set { typedOverrides.ips = newValue }
    }

    /// Typed values set by a caller; `nil` ones are derived from the sections when asked for.
    struct TypedOverrides: Sendable {
        var kernels: [Kernel]?
        var memories: [MemoryBank]?
        var streams: [StreamConnection]?
        var clocks: [PynqMetadataCore.Clock]?
        var ips: [IPBlock]?
    }
    var typedOverrides = TypedOverrides()
    /// pynq's `ip_dict` entries as read (sorted by name, annotated with memories), for `ips`; their text is
    /// ranges of `metadataBytes`.
    var ipEntries: [PynqDictionaries.IPEntry] = []

    /// pynq's `ip_dict`, `mem_dict` and `clock_dict`.
    public var ipDict: MetaValue
    public var memDict: MetaValue
    public var clockDict: MetaValue

    /// Where `metadata` comes from: a value, or the root of EMBEDDED_METADATA's parsed XML.
    enum MetadataStorage: Sendable {
        case value(EmbeddedMetadata?)
        case xml(XMLElement)
    }
    var metadataStorage = MetadataStorage.value(nil)

    /// Where a section's entries come from: a value, or the section's bytes in `metadataBytes` (its
    /// entries checked to fit when the file was read), decoded when asked for.
    enum SectionStorage<Entry: Sendable>: Sendable {
        case value([Entry]?)
        case section(Range<Int>)

        /// The entries, decoded by `parse` from `bytes` if they come from the section.
        func value(in bytes: [UInt8], _ parse: (SectionBytes) throws -> [Entry]) -> [Entry]? {
            switch self {
            case .value(let value): return value
            case .section(let r):
                // Cannot fail: the count was checked against the section's size, and names are repaired.
                return bytes.withUnsafeBufferPointer {
                    (try? parse(SectionBytes($0, offset: r.lowerBound, length: r.count))) ?? []
                }
            }
        }
    }
    var memTopologyStorage = SectionStorage<MemoryTopologyEntry>.value(nil)
    var groupTopologyStorage = SectionStorage<MemoryTopologyEntry>.value(nil)
    var ipLayoutStorage = SectionStorage<IPLayoutEntry>.value(nil)
    var clockStorage = SectionStorage<ClockFrequencyEntry>.value(nil)
    var debugIPStorage = SectionStorage<DebugIPEntry>.value(nil)

    /// The last section of `kind`, if any.
    public func section(_ kind: XclbinSectionKind) -> XclbinSection? {
        if let sectionsOverride { return sectionsOverride.last { $0.kind == kind } }
        return sectionTable.last { $0.kind == kind }.map(section(of:))
    }

    /// The bytes of the last BITSTREAM section, if any.
    public var bitstream: ArraySlice<UInt8>? { section(.bitstream)?.data }
    /// BUILD_METADATA (JSON text, kept raw).
    public var buildMetadata: ArraySlice<UInt8>? { section(.buildMetadata)?.data }
    /// KEYVALUE_METADATA (JSON text, kept raw).
    public var keyValueMetadata: ArraySlice<UInt8>? { section(.keyValueMetadata)?.data }
    /// USER_METADATA (kept raw).
    public var userMetadata: ArraySlice<UInt8>? { section(.userMetadata)?.data }

    /// The connections pynq uses: CONNECTIVITY, else GROUP_CONNECTIVITY.
    public var effectiveConnectivity: [Connection] { connectivity ?? groupConnectivity ?? [] }
    /// The memory entries pynq uses: MEM_TOPOLOGY, else GROUP_TOPOLOGY.
    public var effectiveMemTopology: [MemoryTopologyEntry] { memTopology ?? groupTopology ?? [] }

    /// `{"uuid", "ip_dict", "mem_dict", "clock_dict"}`: what `pynq inspect --json` prints for an xclbin
    /// and what `compare.py` checks.
    public func inspectJSON() -> MetaValue {
        .dict(OrderedDictionary(uncheckedUniqueKeys: inspectKeys,
                                values: [.string(header.uuidHex), ipDict, memDict, clockDict]))
    }

    /// Everything the runtime needs, with pynq's dictionaries (`ip_dict`, `mem_dict`, `clock_dict`, and
    /// the empty `gpio_dict`, `interrupt_pins`, `interrupt_controllers`, `hierarchy_dict`).
    /// The typed model (`ips`, `memories`, `streams`, `clocks`) is made on each call: keep the result.
    public func overlayDescription() -> OverlayDescription {
        // The seven keys are hashed once per process: a copy of the template keeps its buckets, so the
        // three values are set by index.
        var dictionaries = DictionariesTemplate.value
        dictionaries.values[DictionariesTemplate.ipDict] = ipDict
        dictionaries.values[DictionariesTemplate.memDict] = memDict
        dictionaries.values[DictionariesTemplate.clockDict] = clockDict
        let (derivedMemories, derivedStreams) = typedOverrides.memories != nil && typedOverrides.streams != nil
            ? ([], []) : PynqDictionaries.memoriesAndStreams(of: self)
        return OverlayDescription(
            format: .xclbin, uuid: header.uuid, ips: ips, memories: typedOverrides.memories ?? derivedMemories,
            streams: typedOverrides.streams ?? derivedStreams, clocks: clocks, dictionaries: dictionaries)
    }
}

/// `OverlayDescription.dictionaries` of an xclbin with the four dictionaries pynq leaves empty, and the
/// positions of the three it fills.
private enum DictionariesTemplate {
    static let value: [String: MetaValue] = [
        "ip_dict": .emptyDict, "mem_dict": .emptyDict, "clock_dict": .emptyDict, "gpio_dict": .emptyDict,
        "interrupt_pins": .emptyDict, "interrupt_controllers": .emptyDict, "hierarchy_dict": .emptyDict,
    ]
    static let ipDict = value.index(forKey: "ip_dict")!
    static let memDict = value.index(forKey: "mem_dict")!
    static let clockDict = value.index(forKey: "clock_dict")!
}

/// The keys of `inspectJSON()`, made once and shared.
private let inspectKeys: [String] = ["uuid", "ip_dict", "mem_dict", "clock_dict"]

private let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

/// Lowercase hex of `bytes`.
func hexString(_ bytes: [UInt8]) -> String {
    String(unsafeUninitializedCapacity: bytes.count * 2) { out in
        for (i, b) in bytes.enumerated() {
            out[2 * i] = hexDigits[Int(b >> 4)]
            out[2 * i + 1] = hexDigits[Int(b & 15)]
        }
        return bytes.count * 2
    }
}
