import OrderedCollections
import PynqMetadataCore
import PynqXML

/// Reading Vivado hardware hand-off (`.hwh`) files.
public enum HWH {
    /// Reads an HWH file and computes pynq's dictionaries from it: for a full design (one with a Zynq,
    /// Zynq UltraScale+ or Versal processing system) with the rules of pynqmetadata's
    /// `RuntimeMetadataParser`, for a partial (DFX) design with those of pynq's legacy HWH parser.
    /// - Parameters:
    ///   - bytes: the file's content (UTF-8 XML).
    ///   - source: the file's name, for error messages.
    /// - Throws: `MetadataError` — `.badText` for bytes that are not UTF-8 or not well-formed XML (with the
    ///   byte offset), `.badMagic` when the root is not `EDKSYSTEM`, `.badField` for a missing or
    ///   malformed attribute that the dictionaries need (naming the element), `.unsupported` for a
    ///   design with more than one processing system.
    public static func read(bytes: [UInt8], source: String) throws(MetadataError) -> HWHFile {
        let document: XMLDocument
        do {
            document = try XMLDocument(bytes: bytes, source: source)
        } catch {
            throw MetadataError(.badText, part: source, offset: error.offset, reason: "not a well-formed XML file: \(error.reason)")
        }
        do {
            return try HWHFile(document: document, source: source)
        } catch let error as MetadataError {
            throw error
        } catch {
            throw MetadataError(.badField, part: source, reason: "\(error)")
        }
    }
}

/// An HWH file with pynq's dictionaries and the typed description of its design.
public struct HWHFile: Sendable {
    /// The file's name, as given to `HWH.read`.
    public let source: String
    /// The block design's name (`SYSTEMINFO NAME`).
    public let designName: String
    /// `SYSTEMINFO ARCH`: `zynq`, `zynquplus`, `versal`, …
    public let architecture: String?
    /// `SYSTEMINFO DEVICE`, e.g. `xczu7ev`.
    public let device: String?
    /// The processing system, or `nil` for a partial (DFX) design, which has none.
    public let processingSystem: ProcessingSystemKind?
    /// The PS instance's hierarchical name (`ip_dict` key), for full designs.
    public let processingSystemName: String?
    /// The four PL clocks as the design configures them (empty for partial designs).
    public let plClocks: [PLClock]

    /// pynq's `ip_dict`, `mem_dict`, `gpio_dict`, `interrupt_pins`, `interrupt_controllers`, `clock_dict`
    /// and `hierarchy_dict`, each a `.dict`.
    public let ipDict: MetaValue
    public let memDict: MetaValue
    public let gpioDict: MetaValue
    public let interruptPins: MetaValue
    public let interruptControllers: MetaValue
    public let clockDict: MetaValue
    public let hierarchyDict: MetaValue

    /// The IPs with an address, registers typed.
    public let ips: [IPBlock]
    /// The memory topology of the synthetic xclbin pynq makes for this design: `PSDDR` (256 MiB at 0),
    /// then one `MIG<n>` bank per `mem_dict` entry that is not a DFX region.
    public let memories: [MemoryBank]

    /// Whether this is a partial (DFX) design: no processing system.
    public var isPartial: Bool { processingSystem == nil }

    init(document: XMLDocument, source: String) throws {
        // The design reads the document through raw spans, valid for this call only: nothing of it escapes.
        self = try document.withRawElements { raw in try HWHFile(document: document, raw: raw, source: source) }
    }

    private init(document: XMLDocument, raw: XMLRawElements, source: String) throws {
        let design = try HWHDesign(document: document, raw: raw, source: source)
        self.source = source
        designName = design.systemName
        architecture = design.architecture
        device = design.device
        var ps: (block: Int32, kind: ProcessingSystemKind)?
        for (b, block) in design.blocks.enumerated() {
            guard case .processingSystem(let kind) = block.kind else { continue }
            if let first = ps {
                throw MetadataError(
                    .unsupported, part: "\(source): MODULE \(block.name)", offset: block.element.byteOffset,
                    reason: "a second processing system (the first is \(design.blocks[Int(first.block)].name)); pynq supports one")
            }
            ps = (Int32(b), kind)
        }
        let view: RuntimeView
        if let ps {
            view = try design.runtimeView(ps: ps.block, kind: ps.kind)
            processingSystem = ps.kind
            processingSystemName = design.blocks[Int(ps.block)].hierarchyName
        } else {
            view = try design.legacyPartialView()
            processingSystem = nil
            processingSystemName = nil
        }
        plClocks = view.clocks
        ipDict = .dict(view.ipDict)
        memDict = .dict(view.memDict)
        gpioDict = .dict(view.gpioDict)
        interruptPins = .dict(view.interruptPins)
        interruptControllers = .dict(view.interruptControllers)
        clockDict = .dict(view.clockDict)
        hierarchyDict = .dict(view.hierarchyDict)
        ips = view.ips
        memories = Self.memoryTopology(view.memDict)
    }

    /// pynq's `_ip_to_topology`: the MEM_TOPOLOGY of the synthetic xclbin.
    static func memoryTopology(_ memDict: OrderedDictionary<String, MetaValue>) -> [MemoryBank] {
        var banks = [MemoryBank(index: 0, tag: "PSDDR", type: .ddr4, used: true, baseAddress: 0, size: 256 << 20)]
        for (_, entry) in memDict where entry["dfx"]?.boolValue != true {
            let range = entry["addr_range"]?.intValue ?? 0
            let base = entry["phys_addr"]?.intValue ?? 0
            banks.append(MemoryBank(
                index: banks.count, tag: "MIG\(banks.count)", type: .ddr4, used: true,
                baseAddress: UInt64(max(0, base)), size: UInt64(max(0, range / 1024)) * 1024))
        }
        return banks
    }

    /// What `pynq inspect FILE.hwh --json` prints: the seven dictionaries, as `compare.py` expects them.
    public func inspectJSON() -> MetaValue {
        [
            "ip_dict": ipDict, "mem_dict": memDict, "gpio_dict": gpioDict, "interrupt_pins": interruptPins,
            "interrupt_controllers": interruptControllers, "clock_dict": clockDict, "hierarchy_dict": hierarchyDict,
        ]
    }

    /// The design as the runtime uses it: IPs with typed registers, the synthetic xclbin's memory banks,
    /// the enabled PL clocks, and pynq's dictionaries.
    public func overlayDescription() -> OverlayDescription {
        let clocks = plClocks.filter(\.enabled).map {
            Clock(index: $0.index, name: "fclk\($0.index)", frequencyMHz: $0.frequencyMHz ?? 0, kind: .system)
        }
        return OverlayDescription(
            format: .hwh, ips: ips, memories: memories, streams: [], clocks: clocks,
            dictionaries: [
                "ip_dict": ipDict, "mem_dict": memDict, "gpio_dict": gpioDict, "interrupt_pins": interruptPins,
                "interrupt_controllers": interruptControllers, "clock_dict": clockDict,
                "hierarchy_dict": hierarchyDict,
            ])
    }
}
