// Typed values that describe an overlay: what the readers (xclbin, HWH) produce besides pynq's
// dictionaries, and what the xclbin writer and the runtime consume.

/// Memory kinds of an xclbin MEM_TOPOLOGY entry (`MEM_TYPE` in XRT's xclbin.h). The raw value is the
/// byte stored in the file; pynq's name for each is `pynqName`.
public struct MemoryType: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let ddr3 = MemoryType(rawValue: 0)
    public static let ddr4 = MemoryType(rawValue: 1)
    public static let dram = MemoryType(rawValue: 2)
    public static let streaming = MemoryType(rawValue: 3)
    public static let preallocatedGlobal = MemoryType(rawValue: 4)
    public static let are = MemoryType(rawValue: 5)
    public static let hbm = MemoryType(rawValue: 6)
    public static let bram = MemoryType(rawValue: 7)
    public static let uram = MemoryType(rawValue: 8)
    /// An AXI-Stream connection between two kernels (`dc_N` tags in Vitis xclbins).
    public static let streamingConnection = MemoryType(rawValue: 9)

    /// The name pynq gives this type in `mem_dict[...]["type"]`.
    public var pynqName: String {
        let names = ["DDR3", "DDR4", "DRAM", "Streaming", "Preallocated", "ARE", "HBM", "BRAM", "URAM", "AXI Stream"]
        return Int(rawValue) < names.count ? names[Int(rawValue)] : "UNKNOWN(\(rawValue))"
    }

    public var description: String { pynqName }
}

/// A memory bank of the design: a range of device addresses that buffers can be allocated in.
public struct MemoryBank: Sendable, Hashable {
    /// Index in the MEM_TOPOLOGY (XRT's memory index / bank index).
    public var index: Int
    /// Name as the design gives it, e.g. `bank1`, `DDR[0]`, `PSDDR`, `HBM[3]`.
    public var tag: String
    public var type: MemoryType
    /// Whether any kernel in the design is connected to the bank (`m_used`).
    public var used: Bool
    /// Device address of the first byte.
    public var baseAddress: UInt64
    /// Size in bytes.
    public var size: UInt64

    public init(index: Int, tag: String, type: MemoryType, used: Bool, baseAddress: UInt64, size: UInt64) {
        self.index = index
        self.tag = tag
        self.type = type
        self.used = used
        self.baseAddress = baseAddress
        self.size = size
    }
}

/// An AXI-Stream connection between two kernel ports (a MEM_TOPOLOGY entry of type
/// `streamingConnection`). `source` and `sink` are `"ip.port"` as pynq prints them.
public struct StreamConnection: Sendable, Hashable {
    public var index: Int
    /// Name, e.g. `dc_0`.
    public var tag: String
    public var used: Bool
    /// `"ip.port"` of the producing end (an output stream argument), or `nil` if nothing drives it.
    public var source: String?
    /// `"ip.port"` of the consuming end (an input stream argument), or `nil` if nothing reads it.
    public var sink: String?
    public var routeID: Int64
    public var flowID: Int64

    public init(index: Int, tag: String, used: Bool = true, source: String?, sink: String?,
                routeID: Int64 = 0, flowID: Int64 = 0) {
        self.index = index
        self.tag = tag
        self.used = used
        self.source = source
        self.sink = sink
        self.routeID = routeID
        self.flowID = flowID
    }

    /// The IP name of `source` (the part before the last `.`).
    public var sourceIP: String? { source.map { String($0[..<($0.lastIndex(of: ".") ?? $0.endIndex)]) } }
    /// The IP name of `sink`.
    public var sinkIP: String? { sink.map { String($0[..<($0.lastIndex(of: ".") ?? $0.endIndex)]) } }
}

/// Access rule of a register or field, as Vivado / pynq spell it.
public struct RegisterAccess: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let readWrite = RegisterAccess(rawValue: "read-write")
    public static let readOnly = RegisterAccess(rawValue: "read-only")
    public static let writeOnly = RegisterAccess(rawValue: "write-only")
    /// Whether software may write it (anything but read-only).
    public var isWritable: Bool { !rawValue.hasPrefix("read-only") }
    /// Whether software may read it (anything but write-only).
    public var isReadable: Bool { !rawValue.hasPrefix("write-only") }
    public var description: String { rawValue }
}

/// A bit field of a register.
public struct RegisterField: Sendable, Hashable {
    public var name: String
    public var bitOffset: Int
    public var bitWidth: Int
    public var access: RegisterAccess
    public var description: String

    public init(name: String, bitOffset: Int, bitWidth: Int, access: RegisterAccess, description: String = "") {
        self.name = name
        self.bitOffset = bitOffset
        self.bitWidth = bitWidth
        self.access = access
        self.description = description
    }
}

/// A register of an IP's address space.
public struct Register: Sendable, Hashable {
    public var name: String
    /// Byte offset from the IP's base address.
    public var offset: Int
    /// Width in bits.
    public var sizeInBits: Int
    public var access: RegisterAccess
    public var description: String
    /// C type of a kernel argument register (`"int*"`, `"unsigned int"`), when known.
    public var type: String?
    /// Kernel argument index (xclbin `arg@id`), when the register holds an argument.
    public var argumentIndex: Int?
    /// Memory bank tag that a pointer argument is connected to (`memory` in pynq's ip_dict).
    public var memory: String?
    public var fields: [RegisterField]

    public init(name: String, offset: Int, sizeInBits: Int, access: RegisterAccess, description: String = "",
                type: String? = nil, argumentIndex: Int? = nil, memory: String? = nil, fields: [RegisterField] = []) {
        self.name = name
        self.offset = offset
        self.sizeInBits = sizeInBits
        self.access = access
        self.description = description
        self.type = type
        self.argumentIndex = argumentIndex
        self.memory = memory
        self.fields = fields
    }
}

/// Control protocol of an HLS kernel (`hwControlProtocol` in the xclbin).
public enum ControlProtocol: String, Sendable, Hashable {
    case apCtrlHs = "ap_ctrl_hs"
    case apCtrlChain = "ap_ctrl_chain"
    case apCtrlNone = "ap_ctrl_none"
    case userManaged = "user_managed"
    case axiLite = "s_axilite"
}

/// An argument of a kernel, from the xclbin's EMBEDDED_METADATA.
public struct KernelArgument: Sendable, Hashable {
    public enum AddressQualifier: Int, Sendable, Hashable {
        case scalar = 0, global = 1, constant = 2, local = 3, stream = 4
    }
    public var name: String
    /// Argument index (`id`), the index XRT's `xrtRunSetArg` takes.
    public var index: Int
    public var addressQualifier: AddressQualifier
    /// Name of the kernel port the argument uses (`s_axi_control`, `m_axi_gmem`, a stream port).
    public var port: String
    /// Register offset in the control port (0 for streams).
    public var offset: Int
    /// Size in bytes on the device.
    public var size: Int
    /// Size in bytes on the host.
    public var hostSize: Int
    /// C type, e.g. `"int*"`, `"unsigned int"`, `"stream<qdma_axis<32,0,0,0> >&"`.
    public var type: String

    public init(name: String, index: Int, addressQualifier: AddressQualifier, port: String, offset: Int,
                size: Int, hostSize: Int, type: String) {
        self.name = name
        self.index = index
        self.addressQualifier = addressQualifier
        self.port = port
        self.offset = offset
        self.size = size
        self.hostSize = hostSize
        self.type = type
    }

    /// Whether the argument is a pointer into a memory bank.
    public var isPointer: Bool { addressQualifier == .global || addressQualifier == .constant }
    /// Whether the argument is an AXI-Stream port.
    public var isStream: Bool { addressQualifier == .stream }
}

/// A port of a kernel, from EMBEDDED_METADATA (`port@mode`: `slave`, `master`, `read_only`, `write_only`).
public struct KernelPort: Sendable, Hashable {
    public var name: String
    public var mode: String
    public var range: UInt64
    public var dataWidth: Int

    public init(name: String, mode: String, range: UInt64, dataWidth: Int) {
        self.name = name
        self.mode = mode
        self.range = range
        self.dataWidth = dataWidth
    }
}

/// A compute unit (kernel instance) and its control registers' base address.
public struct KernelInstance: Sendable, Hashable {
    public var name: String
    public var baseAddress: UInt64

    public init(name: String, baseAddress: UInt64) {
        self.name = name
        self.baseAddress = baseAddress
    }
}

/// A kernel of an xclbin.
public struct Kernel: Sendable, Hashable {
    public var name: String
    /// VLNV, e.g. `xilinx.com:hls:krnl_vadd:1.0`.
    public var vlnv: String
    public var controlProtocol: ControlProtocol
    public var ports: [KernelPort]
    public var arguments: [KernelArgument]
    public var instances: [KernelInstance]

    public init(name: String, vlnv: String, controlProtocol: ControlProtocol, ports: [KernelPort],
                arguments: [KernelArgument], instances: [KernelInstance]) {
        self.name = name
        self.vlnv = vlnv
        self.controlProtocol = controlProtocol
        self.ports = ports
        self.arguments = arguments
        self.instances = instances
    }
}

/// Which argument of which compute unit is wired to which memory bank or stream (CONNECTIVITY).
public struct Connection: Sendable, Hashable {
    public var argumentIndex: Int
    /// Index into the IP_LAYOUT.
    public var ipLayoutIndex: Int
    /// Index into the MEM_TOPOLOGY.
    public var memoryIndex: Int

    public init(argumentIndex: Int, ipLayoutIndex: Int, memoryIndex: Int) {
        self.argumentIndex = argumentIndex
        self.ipLayoutIndex = ipLayoutIndex
        self.memoryIndex = memoryIndex
    }

    /// The memory this connects to in a topology of `count` memories, with Python's negative indexing
    /// (as pynq indexes its list), or `nil` when there is no such memory.
    public func memory(among count: Int) -> Int? {
        let m = memoryIndex < 0 ? memoryIndex + count : memoryIndex
        return m >= 0 && m < count ? m : nil
    }
}

/// A clock of the design.
public struct Clock: Sendable, Hashable {
    public enum Kind: Int, Sendable, Hashable { case unused = 0, data = 1, kernel = 2, system = 3 }
    public var index: Int
    public var name: String
    public var frequencyMHz: Double
    public var kind: Kind

    public init(index: Int, name: String, frequencyMHz: Double, kind: Kind) {
        self.index = index
        self.name = name
        self.frequencyMHz = frequencyMHz
        self.kind = kind
    }
}

/// An IP of the design as the runtime needs it: where its registers are, which registers it has,
/// and (for kernels of an xclbin) its compute-unit identity and argument connections.
public struct IPBlock: Sendable, Hashable {
    /// Key in `ip_dict` (full hierarchical path for HWH designs, instance name for xclbins).
    public var name: String
    /// VLNV, e.g. `xilinx.com:ip:axi_dma:7.1`.
    public var type: String
    public var baseAddress: UInt64
    public var addressRange: UInt64
    public var registers: [Register]
    /// Control protocol, for HLS kernels.
    public var controlProtocol: ControlProtocol?
    /// `"kernel:instance"`, for xclbin compute units.
    public var cuName: String?
    /// Compute unit index (order of base addresses), for xclbin compute units.
    public var cuIndex: Int?
    /// Index in the IP_LAYOUT, for xclbin compute units.
    public var ipLayoutIndex: Int?
    /// Stream arguments: port name → stream tag (`dc_0`) and direction (`"input"` / `"output"`).
    public var streams: [String: StreamPort]

    public struct StreamPort: Sendable, Hashable {
        public var streamTag: String?
        public var direction: String
        public init(streamTag: String?, direction: String) {
            self.streamTag = streamTag
            self.direction = direction
        }
    }

    public init(name: String, type: String, baseAddress: UInt64, addressRange: UInt64, registers: [Register] = [],
                controlProtocol: ControlProtocol? = nil, cuName: String? = nil, cuIndex: Int? = nil,
                ipLayoutIndex: Int? = nil, streams: [String: StreamPort] = [:]) {
        self.name = name
        self.type = type
        self.baseAddress = baseAddress
        self.addressRange = addressRange
        self.registers = registers
        self.controlProtocol = controlProtocol
        self.cuName = cuName
        self.cuIndex = cuIndex
        self.ipLayoutIndex = ipLayoutIndex
        self.streams = streams
    }
}

/// Which file format an overlay's metadata came from.
public enum OverlayFormat: String, Sendable, Hashable {
    case xclbin, hwh
}

/// Everything the runtime needs to know about an overlay, from whichever file described it, together
/// with pynq's dictionaries computed from the same file.
public struct OverlayDescription: Sendable {
    public var format: OverlayFormat
    /// The xclbin's UUID (16 bytes), for xclbins.
    public var uuid: [UInt8]?
    public var ips: [IPBlock]
    public var memories: [MemoryBank]
    public var streams: [StreamConnection]
    public var clocks: [Clock]
    /// pynq's dictionaries: `ip_dict`, `mem_dict`, `clock_dict`, `gpio_dict`, `interrupt_pins`,
    /// `interrupt_controllers`, `hierarchy_dict`, each a `.dict`.
    public var dictionaries: OrderedDictionaryOfDicts

    public typealias OrderedDictionaryOfDicts = [String: MetaValue]

    public init(format: OverlayFormat, uuid: [UInt8]? = nil, ips: [IPBlock], memories: [MemoryBank],
                streams: [StreamConnection], clocks: [Clock], dictionaries: [String: MetaValue]) {
        self.format = format
        self.uuid = uuid
        self.ips = ips
        self.memories = memories
        self.streams = streams
        self.clocks = clocks
        self.dictionaries = dictionaries
    }

    public var ipDict: MetaValue { dictionaries["ip_dict"] ?? .emptyDict }
    public var memDict: MetaValue { dictionaries["mem_dict"] ?? .emptyDict }
    public var clockDict: MetaValue { dictionaries["clock_dict"] ?? .emptyDict }
}
