import PynqXML

/// The `<kernel>` elements of EMBEDDED_METADATA as byte ranges of the XML, with only the attributes pynq
/// reads. pynq's dictionaries are derived from these directly: strings are made only for what it keeps,
/// and numbers are parsed from the bytes (`EmbeddedMetadata`, with every attribute as a string, is made
/// only when asked for).
/// One kernel: its attributes and where its ports, arguments and instances are in the `List`'s arrays
/// (a plain value: copying it counts no references).
struct KernelSpans {
    var name: XMLSpan?
    var vlnv: XMLSpan?
    var hwControlProtocol: XMLSpan?
    var ports: Range<Int> = 0..<0
    var args: Range<Int> = 0..<0
    var instances: Range<Int> = 0..<0
    var xmlOffset: Int

    /// Every kernel of a document, and all their ports, arguments and instances in three arrays.
    struct List {
        var kernels: [KernelSpans] = []
        var ports: [Port] = []
        var args: [Arg] = []
        var instances: [Instance] = []
    }

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
    /// `XMLElement`'s subscript, the first of repeated attributes counts. Walks the document's raw
    /// element table: no `XMLElement` per element visited.
    static func kernels(of root: XMLElement) -> List {
        root.withRawElements { raw in
            var list = List()
            // `root.path("platform", "device", "core", "kernel")`.
            forEachChild(of: root.documentIndex, named: "platform", raw) { platform in
                forEachChild(of: platform, named: "device", raw) { device in
                    forEachChild(of: device, named: "core", raw) { core in
                        forEachChild(of: core, named: "kernel", raw) { k in list.kernels.append(kernel(k, raw, into: &list)) }
                    }
                }
            }
            return list
        }
    }

    private static func forEachChild(of e: Int, named name: StaticString, _ raw: XMLRawElements,
                                     _ body: (Int) -> Void) {
        var c = raw.firstChild(of: e)
        while c >= 0 {
            if raw.name(of: c).equals(name, in: raw.bytes) { body(c) }
            c = raw.nextSibling(of: c)
        }
    }

    /// Kernel `k`, its ports, arguments and instances appended to `list`.
    private static func kernel(_ k: Int, _ raw: XMLRawElements, into list: inout List) -> KernelSpans {
        let doc = raw.bytes
        var kernel = KernelSpans(xmlOffset: raw.byteOffset(of: k))
        if list.kernels.isEmpty {
            // Room for a typical design: one allocation per array instead of regrowing from one element.
            list.ports.reserveCapacity(8)
            list.args.reserveCapacity(16)
            list.instances.reserveCapacity(4)
        }
        let firstPort = list.ports.count, firstArg = list.args.count, firstInstance = list.instances.count
        for a in raw.attributes(of: k) {
            let n = a.name
            if n.equals("name", in: doc) { set(&kernel.name, a.value) }
            else if n.equals("vlnv", in: doc) { set(&kernel.vlnv, a.value) }
            else if n.equals("hwControlProtocol", in: doc) { set(&kernel.hwControlProtocol, a.value) }
        }
        var child = raw.firstChild(of: k)
        while child >= 0 {
            defer { child = raw.nextSibling(of: child) }
            let tag = raw.name(of: child)
            if tag.equals("port", in: doc) {
                var port = Port(xmlOffset: raw.byteOffset(of: child))
                for a in raw.attributes(of: child) {
                    let n = a.name
                    if n.equals("name", in: doc) { set(&port.name, a.value) }
                    else if n.equals("mode", in: doc) { set(&port.mode, a.value) }
                    else if n.equals("range", in: doc) { set(&port.range, a.value) }
                }
                list.ports.append(port)
            } else if tag.equals("arg", in: doc) {
                var arg = Arg(xmlOffset: raw.byteOffset(of: child))
                for a in raw.attributes(of: child) {
                    let n = a.name
                    // Rejected by length first: only the four-letter names share a length.
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
                list.args.append(arg)
            } else if tag.equals("instance", in: doc) {
                var remap = raw.firstChild(of: child)
                while remap >= 0, !raw.name(of: remap).equals("addrRemap", in: doc) { remap = raw.nextSibling(of: remap) }
                var instance = Instance(hasAddrRemap: remap >= 0, xmlOffset: raw.byteOffset(of: child))
                instance.name = raw.attributes(of: child).value("name", in: doc)
                if remap >= 0 { instance.base = raw.attributes(of: remap).value("base", in: doc) }
                list.instances.append(instance)
            }
        }
        kernel.ports = firstPort..<list.ports.count
        kernel.args = firstArg..<list.args.count
        kernel.instances = firstInstance..<list.instances.count
        return kernel
    }

    @inline(__always) private static func set(_ field: inout XMLSpan?, _ value: XMLSpan) {
        if field == nil { field = value }
    }
}
