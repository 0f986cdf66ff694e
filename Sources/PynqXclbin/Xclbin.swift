import PynqMetadataCore

/// Reading and writing xclbin (`axlf`) files: `Xclbin.read(bytes:source:)` parses one, and
/// `XclbinBuilder` writes one. Layouts follow XRT's `xclbin.h`; pynq's dictionaries follow
/// pynq 4.0.0's `XclBin`.
public enum Xclbin {
    /// The 8 bytes every xclbin starts with.
    public static let magic: [UInt8] = Array("xclbin2".utf8) + [0]

    /// Reads an xclbin held in memory. `source` names the file in errors (a path or a label).
    /// Throws `MetadataError` naming the section and offset for anything that cannot be read;
    /// never traps on bad input.
    public static func read(bytes: [UInt8], source: String) throws -> XclbinFile {
        try XclbinReader(bytes: bytes, source: source).read()
    }
}

/// Kinds of xclbin sections (`axlf_section_kind` in XRT's `xclbin.h`).
public struct XclbinSectionKind: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let bitstream = Self(rawValue: 0)
    public static let clearingBitstream = Self(rawValue: 1)
    public static let embeddedMetadata = Self(rawValue: 2)
    public static let firmware = Self(rawValue: 3)
    public static let debugData = Self(rawValue: 4)
    public static let schedFirmware = Self(rawValue: 5)
    public static let memTopology = Self(rawValue: 6)
    public static let connectivity = Self(rawValue: 7)
    public static let ipLayout = Self(rawValue: 8)
    public static let debugIPLayout = Self(rawValue: 9)
    public static let designCheckPoint = Self(rawValue: 10)
    public static let clockFreqTopology = Self(rawValue: 11)
    public static let mcs = Self(rawValue: 12)
    public static let bmc = Self(rawValue: 13)
    public static let buildMetadata = Self(rawValue: 14)
    public static let keyValueMetadata = Self(rawValue: 15)
    public static let userMetadata = Self(rawValue: 16)
    public static let dnaCertificate = Self(rawValue: 17)
    public static let pdi = Self(rawValue: 18)
    public static let bitstreamPartialPDI = Self(rawValue: 19)
    public static let partitionMetadata = Self(rawValue: 20)
    public static let emulationData = Self(rawValue: 21)
    public static let systemMetadata = Self(rawValue: 22)
    public static let softKernel = Self(rawValue: 23)
    public static let askFlash = Self(rawValue: 24)
    public static let aieMetadata = Self(rawValue: 25)
    public static let groupTopology = Self(rawValue: 26)
    public static let groupConnectivity = Self(rawValue: 27)
    public static let smartNIC = Self(rawValue: 28)
    public static let aieResources = Self(rawValue: 29)
    public static let overlay = Self(rawValue: 30)
    public static let vendorMetadata = Self(rawValue: 31)

    private static let names = [
        "BITSTREAM", "CLEARING_BITSTREAM", "EMBEDDED_METADATA", "FIRMWARE", "DEBUG_DATA", "SCHED_FIRMWARE",
        "MEM_TOPOLOGY", "CONNECTIVITY", "IP_LAYOUT", "DEBUG_IP_LAYOUT", "DESIGN_CHECK_POINT",
        "CLOCK_FREQ_TOPOLOGY", "MCS", "BMC", "BUILD_METADATA", "KEYVALUE_METADATA", "USER_METADATA",
        "DNA_CERTIFICATE", "PDI", "BITSTREAM_PARTIAL_PDI", "PARTITION_METADATA", "EMULATION_DATA",
        "SYSTEM_METADATA", "SOFT_KERNEL", "ASK_FLASH", "AIE_METADATA", "GROUP_TOPOLOGY",
        "GROUP_CONNECTIVITY", "SMARTNIC", "AIE_RESOURCES", "OVERLAY", "VENDER_METADATA",
    ]

    /// XRT's name of the kind (`MEM_TOPOLOGY`), or `KIND_<n>` for kinds this reader does not know.
    public var name: String { rawValue < Self.names.count ? Self.names[Int(rawValue)] : "KIND_\(rawValue)" }
    public var description: String { name }
}

/// Sizes and offsets of XRT's structures (`xclbin.h`), shared by the reader and the writer.
enum Layout {
    /// `struct axlf` up to the first section header.
    static let headerOffset = 304
    static let sectionTableOffset = 456
    static let sectionHeaderSize = 40
    static let memDataSize = 40, memDataArray = 8
    static let connectionSize = 12, connectionArray = 4
    static let ipDataSize = 80, ipDataArray = 8
    static let clockFreqSize = 136, clockFreqArray = 2
    static let debugIPDataSize = 144, debugIPDataArray = 8
    /// `sizeof` of the section structs with their one built-in array element (XRT reads at least that).
    static let memTopologyStructSize = 48, connectivityStructSize = 16, ipLayoutStructSize = 88
    static let clockTopologyStructSize = 138
    /// XRT's `XCLBIN_MAX_NUM_SECTION`: the writer refuses to write more sections.
    static let maxSections = 0x10000
}
