import PynqMetadataCore

/// Writes EMBEDDED_METADATA: the XML v++ puts in an xclbin (`project/platform/device/core/kernel`),
/// with what XRT and pynq read from it. Attribute values are XML-escaped.
enum MetadataXMLWriter {
    static func document(project: String, platform: String, kernels: [Kernel]) throws -> [UInt8] {
        var x = XMLText()
        x.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        try x.open("project", ["name": project], depth: 0)
        try x.open("platform", ["vendor": "xilinx", "boardid": "", "name": platform, "featureRomTime": "0"], depth: 1)
        try x.open("device", ["name": "fpga0", "fpgaDevice": "", "addrWidth": "0"], depth: 2)
        try x.open("core", ["name": "OCL_REGION_0", "target": "bitstream", "type": "clc_region", "clockFreq": "0MHz",
                            "numComputeUnits": String(kernels.reduce(0) { $0 + $1.instances.count })], depth: 3)
        for k in kernels { try kernel(k, into: &x) }
        x.close("core", depth: 3)
        x.close("device", depth: 2)
        x.close("platform", depth: 1)
        x.close("project", depth: 0)
        return x.bytes
    }

    private static func hex(_ v: UInt64) -> String { "0x" + String(v, radix: 16, uppercase: true) }
    private static func hex(_ v: Int) -> String { v < 0 ? "-" + hex(UInt64(-v)) : hex(UInt64(v)) }

    private static func kernel(_ k: Kernel, into x: inout XMLText) throws {
        try x.open("kernel", [
            "name": k.name, "language": "c", "vlnv": k.vlnv, "preferredWorkGroupSizeMultiple": "0",
            "workGroupSize": "1", "debug": "false",
            "interrupt": k.controlProtocol == .apCtrlNone || k.controlProtocol == .userManaged ? "false" : "true",
            "hwControlProtocol": k.controlProtocol.rawValue,
        ], depth: 4)
        try x.empty("module", ["name": k.name], depth: 5)
        let slave = k.ports.first { $0.mode == "slave" }?.name ?? ""
        for p in k.ports {
            let stream = p.mode == "read_only" || p.mode == "write_only"
            try x.empty("port", [
                "name": p.name, "mode": p.mode, "range": stream && p.range == 0 ? "" : hex(p.range),
                "dataWidth": String(p.dataWidth), "portType": stream ? "stream" : "addressable",
                "base": stream ? "" : "0x0",
            ], depth: 5)
        }
        for a in k.arguments {
            var attrs: [(String, String)] = [
                ("name", a.name), ("addressQualifier", String(a.addressQualifier.rawValue)),
            ]
            if a.index >= 0 { attrs.append(("id", String(a.index))) }
            attrs += [
                ("port", a.port), ("size", hex(a.size)), ("offset", hex(a.offset)), ("hostOffset", "0x0"),
                ("hostSize", hex(a.hostSize)), ("type", a.type),
            ]
            try x.empty("arg", attrs, depth: 5)
        }
        try x.empty("compileWorkGroupSize", ["x": "1", "y": "1", "z": "1"], depth: 5)
        try x.empty("maxWorkGroupSize", ["x": "1", "y": "1", "z": "1"], depth: 5)
        for i in k.instances {
            try x.open("instance", ["name": i.name], depth: 5)
            // UInt64.max marks a compute unit without a control port (free-running).
            let free = i.baseAddress == .max
            try x.empty("addrRemap", ["base": free ? "" : hex(i.baseAddress), "port": free ? "" : slave], depth: 6)
            x.close("instance", depth: 5)
        }
        x.close("kernel", depth: 4)
    }
}

/// A small XML text builder: indentation, attributes in the given order, escaping.
struct XMLText {
    private(set) var bytes: [UInt8] = []

    mutating func raw(_ s: String) { bytes.append(contentsOf: s.utf8) }

    private mutating func indent(_ depth: Int) { bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * depth)) }

    private mutating func start(_ name: String, _ attrs: KeyValuePairs<String, String>, depth: Int) throws {
        try start(name, attrs.map { ($0.key, $0.value) }, depth: depth)
    }

    private mutating func start(_ name: String, _ attrs: [(String, String)], depth: Int) throws {
        indent(depth)
        raw("<" + name)
        for (k, v) in attrs {
            raw(" " + k + "=\"")
            try escape(v, element: name, attribute: k)
            raw("\"")
        }
    }

    mutating func open(_ name: String, _ attrs: KeyValuePairs<String, String>, depth: Int) throws {
        try start(name, attrs, depth: depth)
        raw(">\n")
    }

    mutating func empty(_ name: String, _ attrs: KeyValuePairs<String, String>, depth: Int) throws {
        try start(name, attrs, depth: depth)
        raw("/>\n")
    }

    mutating func empty(_ name: String, _ attrs: [(String, String)], depth: Int) throws {
        try start(name, attrs, depth: depth)
        raw("/>\n")
    }

    mutating func close(_ name: String, depth: Int) {
        indent(depth)
        raw("</" + name + ">\n")
    }

    /// Escapes an attribute value. Characters XML 1.0 cannot carry (controls other than tab, newline,
    /// carriage return) are refused rather than lost.
    private mutating func escape(_ value: String, element: String, attribute: String) throws {
        for b in value.utf8 {
            switch b {
            case UInt8(ascii: "&"): raw("&amp;")
            case UInt8(ascii: "<"): raw("&lt;")
            case UInt8(ascii: ">"): raw("&gt;")
            case UInt8(ascii: "\""): raw("&quot;")
            case UInt8(ascii: "'"): raw("&apos;")
            case 0x09: raw("&#9;")
            case 0x0A: raw("&#10;")
            case 0x0D: raw("&#13;")
            case 0..<0x20:
                throw MetadataError(.badText, part: "xclbin builder: EMBEDDED_METADATA <\(element) \(attribute)>",
                                    reason: "the value \(String(reflecting: value)) holds control character \(b), which XML cannot carry")
            default: bytes.append(b)
            }
        }
    }
}
