import PynqXML

/// The `<kernel>` elements of EMBEDDED_METADATA as byte ranges of the XML, with only the attributes pynq
/// reads. pynq's dictionaries are derived from these directly: strings are made only for what it keeps,
/// and numbers are parsed from the bytes (`EmbeddedMetadata`, with every attribute as a string, is made
/// only when asked for).
struct KernelSpans {
    var name: XMLSpan?
    var vlnv: XMLSpan?
    var hwControlProtocol: XMLSpan?
    var ports: [Port] = []
    var args: [Arg] = []
    var instances: [Instance] = []
    var xmlOffset: Int

    struct Port {
        var name: XMLSpan?
        var mode: XMLSpan?
        var range: XMLSpan?
        var xmlOffset: Int
    }

    struct Arg {
        var name: XMLSpan?
        var addressQualifier: XMLSpan?
        var id: XMLSpan?
        var port: XMLSpan?
        var size: XMLSpan?
        var offset: XMLSpan?
        var hostSize: XMLSpan?
        var type: XMLSpan?
        var xmlOffset: Int
    }

    struct Instance {
        var name: XMLSpan?
        var hasAddrRemap: Bool
        var base: XMLSpan?
        var xmlOffset: Int
    }

    /// The kernels under `platform/device/core` of a parsed EMBEDDED_METADATA document. As with
    /// `XMLElement`'s subscript, the first of repeated attributes counts.
    static func kernels(of root: XMLElement) -> [KernelSpans] {
        var kernels: [KernelSpans] = []
        // `root.path("platform", "device", "core", "kernel")`, without its intermediate arrays.
        for platform in root.children where platform.isNamed("platform") {
            for device in platform.children where device.isNamed("device") {
                for core in device.children where core.isNamed("core") {
                    for k in core.children where k.isNamed("kernel") { kernels.append(kernel(k)) }
                }
            }
        }
        return kernels
    }

    private static func kernel(_ k: XMLElement) -> KernelSpans {
        var kernel = KernelSpans(xmlOffset: k.byteOffset)
        // Room for a typical kernel: one allocation per array instead of regrowing from one element.
        kernel.ports.reserveCapacity(4)
        kernel.args.reserveCapacity(8)
        kernel.instances.reserveCapacity(2)
        k.withRawAttributes { doc, attributes in
            for a in attributes {
                let n = a.name
                if n.equals("name", in: doc) { set(&kernel.name, a.value) }
                else if n.equals("vlnv", in: doc) { set(&kernel.vlnv, a.value) }
                else if n.equals("hwControlProtocol", in: doc) { set(&kernel.hwControlProtocol, a.value) }
            }
        }
        for child in k.children {
            if child.isNamed("port") {
                var port = Port(xmlOffset: child.byteOffset)
                child.withRawAttributes { doc, attributes in
                    for a in attributes {
                        let n = a.name
                        if n.equals("name", in: doc) { set(&port.name, a.value) }
                        else if n.equals("mode", in: doc) { set(&port.mode, a.value) }
                        else if n.equals("range", in: doc) { set(&port.range, a.value) }
                    }
                }
                kernel.ports.append(port)
            } else if child.isNamed("arg") {
                var arg = Arg(xmlOffset: child.byteOffset)
                child.withRawAttributes { doc, attributes in
                    for a in attributes {
                        let n = a.name
                        // Rejected by length first: the names have different lengths but for three pairs.
                        switch n.length {
                        case 2: if n.equals("id", in: doc) { set(&arg.id, a.value) }
                        case 4:
                            if n.equals("name", in: doc) { set(&arg.name, a.value) }
                            else if n.equals("port", in: doc) { set(&arg.port, a.value) }
                            else if n.equals("size", in: doc) { set(&arg.size, a.value) }
                            else if n.equals("type", in: doc) { set(&arg.type, a.value) }
                        case 6: if n.equals("offset", in: doc) { set(&arg.offset, a.value) }
                        case 8: if n.equals("hostSize", in: doc) { set(&arg.hostSize, a.value) }
                        case 16: if n.equals("addressQualifier", in: doc) { set(&arg.addressQualifier, a.value) }
                        default: break
                        }
                    }
                }
                kernel.args.append(arg)
            } else if child.isNamed("instance") {
                let remap = child.child(named: "addrRemap")
                var instance = Instance(hasAddrRemap: remap != nil, xmlOffset: child.byteOffset)
                child.withRawAttributes { doc, attributes in
                    for a in attributes where a.name.equals("name", in: doc) { set(&instance.name, a.value); break }
                }
                remap?.withRawAttributes { doc, attributes in
                    for a in attributes where a.name.equals("base", in: doc) { set(&instance.base, a.value); break }
                }
                kernel.instances.append(instance)
            }
        }
        return kernel
    }

    @inline(__always) private static func set(_ field: inout XMLSpan?, _ value: XMLSpan) {
        if field == nil { field = value }
    }
}
