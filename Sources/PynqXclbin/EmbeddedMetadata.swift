import PynqMetadataCore
import PynqXML

/// EMBEDDED_METADATA as its XML says it: the kernels under `project/platform/device/core`, with every
/// attribute kept as text (pynq interprets them later, with Python's number rules).
public struct EmbeddedMetadata: Sendable, Hashable {
    public var kernels: [Kernel]

    public init(kernels: [Kernel]) { self.kernels = kernels }

    /// A `<kernel>` element.
    public struct Kernel: Sendable, Hashable {
        public var name: String?
        public var vlnv: String?
        /// `hwControlProtocol`, absent in old xclbins (pynq then assumes `s_axilite`).
        public var hwControlProtocol: String?
        public var ports: [Port]
        public var args: [Arg]
        public var instances: [Instance]
        /// Byte offset of the `<kernel>` tag in the XML, for errors.
        public var xmlOffset: Int

        public init(name: String?, vlnv: String?, hwControlProtocol: String?, ports: [Port], args: [Arg],
                    instances: [Instance], xmlOffset: Int = 0) {
            self.name = name
            self.vlnv = vlnv
            self.hwControlProtocol = hwControlProtocol
            self.ports = ports
            self.args = args
            self.instances = instances
            self.xmlOffset = xmlOffset
        }
    }

    /// A `<port>` of a kernel.
    public struct Port: Sendable, Hashable {
        public var name: String?
        /// `slave`, `master`, `read_only`, `write_only`.
        public var mode: String?
        public var range: String?
        public var dataWidth: String?
        public var portType: String?
        public var base: String?
        public var xmlOffset: Int

        public init(name: String?, mode: String?, range: String?, dataWidth: String?, portType: String?,
                    base: String?, xmlOffset: Int = 0) {
            self.name = name
            self.mode = mode
            self.range = range
            self.dataWidth = dataWidth
            self.portType = portType
            self.base = base
            self.xmlOffset = xmlOffset
        }
    }

    /// An `<arg>` of a kernel.
    public struct Arg: Sendable, Hashable {
        public var name: String?
        public var addressQualifier: String?
        public var id: String?
        public var port: String?
        public var size: String?
        public var offset: String?
        public var hostOffset: String?
        public var hostSize: String?
        public var type: String?
        public var xmlOffset: Int

        public init(name: String?, addressQualifier: String?, id: String?, port: String?, size: String?,
                    offset: String?, hostOffset: String?, hostSize: String?, type: String?, xmlOffset: Int = 0) {
            self.name = name
            self.addressQualifier = addressQualifier
            self.id = id
            self.port = port
            self.size = size
            self.offset = offset
            self.hostOffset = hostOffset
            self.hostSize = hostSize
            self.type = type
            self.xmlOffset = xmlOffset
        }
    }

    /// An `<instance>` (compute unit) of a kernel.
    public struct Instance: Sendable, Hashable {
        public var name: String?
        /// Whether the instance has an `<addrRemap>` child.
        public var hasAddrRemap: Bool
        /// `addrRemap@base` (empty for kernels without a control port).
        public var base: String?
        /// `addrRemap@port`.
        public var port: String?
        public var xmlOffset: Int

        public init(name: String?, hasAddrRemap: Bool = true, base: String?, port: String?, xmlOffset: Int = 0) {
            self.name = name
            self.hasAddrRemap = hasAddrRemap
            self.base = base
            self.port = port
            self.xmlOffset = xmlOffset
        }
    }

    /// Parses the XML of an EMBEDDED_METADATA section. `part` names the section in errors.
    static func parse(_ bytes: [UInt8], part: String) throws -> EmbeddedMetadata {
        EmbeddedMetadata(root: try document(bytes, part: part).root)
    }

    /// The XML document of an EMBEDDED_METADATA section that is `bytes[range]` (parsed in place: its
    /// byte ranges are positions in `bytes`), or an error naming `part`.
    /// `part` names the section in errors; it is made only when one is thrown.
    static func document(_ bytes: [UInt8], range: Range<Int>? = nil, part: @autoclosure () -> String) throws -> XMLDocument {
        do {
            return try XMLDocument(bytes: bytes, range: range ?? bytes.indices, source: "EMBEDDED_METADATA")
        } catch {
            throw MetadataError(.badText, part: part(), offset: error.offset,
                                reason: "the embedded XML metadata is not readable: \(error.reason)")
        }
    }

    /// The kernels under `platform/device/core` of a parsed EMBEDDED_METADATA document.
    init(root: XMLElement) {
        var kernels: [Kernel] = []
        for k in root.path("platform", "device", "core", "kernel") {
            var ports: [Port] = []
            var args: [Arg] = []
            var instances: [Instance] = []
            for child in k.children {
                if child.isNamed("port") {
                    ports.append(Port(name: child["name"], mode: child["mode"], range: child["range"],
                                      dataWidth: child["dataWidth"], portType: child["portType"], base: child["base"],
                                      xmlOffset: child.byteOffset))
                } else if child.isNamed("arg") {
                    args.append(Arg(name: child["name"], addressQualifier: child["addressQualifier"], id: child["id"],
                                    port: child["port"], size: child["size"], offset: child["offset"],
                                    hostOffset: child["hostOffset"], hostSize: child["hostSize"], type: child["type"],
                                    xmlOffset: child.byteOffset))
                } else if child.isNamed("instance") {
                    let remap = child.child(named: "addrRemap")
                    instances.append(Instance(name: child["name"], hasAddrRemap: remap != nil, base: remap?["base"],
                                              port: remap?["port"], xmlOffset: child.byteOffset))
                }
            }
            kernels.append(Kernel(name: k["name"], vlnv: k["vlnv"], hwControlProtocol: k["hwControlProtocol"],
                                  ports: ports, args: args, instances: instances, xmlOffset: k.byteOffset))
        }
        self.kernels = kernels
    }
}
