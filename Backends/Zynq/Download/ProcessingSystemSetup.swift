import PynqMetadataCore

/// What pynq's `EmbeddedDevice` does to the processing system around a download, besides clocks:
/// quiesce DFX shutdown managers before a full download, and on Zynq UltraScale+ set the AXI port
/// widths the design was built with after it.
enum ProcessingSystemSetup {
    /// IP types of DFX shutdown managers (`pr_axi_shutdown_manager`, `dfx_axi_shutdown_manager`).
    static let shutdownManagerTypes: Set<String> = [
        "xilinx.com:ip:pr_axi_shutdown_manager:1.0", "xilinx.com:ip:dfx_axi_shutdown_manager:1.0",
    ]
    /// How often a shutdown manager's status is read before giving up (pynq's count).
    static let shutdownPolls = 16000

    /// Asks every shutdown manager of `overlay` to decouple (write 1 at offset 0) and waits until its
    /// status (offset 0) reads 0x0F. Returns a warning for each that does not.
    static func shutDown(_ overlay: OverlayDescription, system: SystemInterface) throws -> [String] {
        var warnings: [String] = []
        for ip in overlay.ips where shutdownManagerTypes.contains(ip.type) {
            let window = try PhysicalMemoryWindow(system: system, name: ip.name, baseAddress: ip.baseAddress, length: 4)
            defer { window.unmap() }
            try window.write32(offset: 0, 1)
            var polls = 0
            while try window.read32(offset: 0) != 0x0F, polls < shutdownPolls { polls += 1 }
            if polls == shutdownPolls {
                warnings.append("DFX shutdown manager \(ip.name) did not report decoupled (0x0F) after \(shutdownPolls) reads")
            }
        }
        return warnings
    }

    /// One register field that a PS parameter sets: bits `low...high` at `address`, with the value for
    /// each width.
    struct PortWidthField {
        var parameter: String
        var address: UInt64
        var low: UInt32
        var high: UInt32
        var values: [String: UInt32]
    }

    /// pynq's `ZU_FPD_SLCR_REG` / `ZU_AXIFM_REG` tables (embedded_device.py; Xilinx answer record 66295):
    /// master ports' widths in FPD_SLCR / LPD_SLCR `AXI_FS`, slave ports' in the AFIFM read and write
    /// control registers.
    static let ultraScalePortWidthFields: [PortWidthField] = {
        let master = ["32": UInt32(0), "64": 1, "128": 2]
        let slave = ["32": UInt32(2), "64": 1, "128": 0]
        var fields = [
            PortWidthField(parameter: "C_MAXIGP0_DATA_WIDTH", address: 0xFD61_5000, low: 8, high: 9, values: master),
            PortWidthField(parameter: "C_MAXIGP1_DATA_WIDTH", address: 0xFD61_5000, low: 10, high: 11, values: master),
            PortWidthField(parameter: "C_MAXIGP2_DATA_WIDTH", address: 0xFF41_9000, low: 8, high: 9, values: master),
        ]
        let afifm: [UInt64] = [0xFD36_0000, 0xFD37_0000, 0xFD38_0000, 0xFD39_0000, 0xFD3A_0000, 0xFD3B_0000, 0xFF9B_0000]
        for (port, base) in afifm.enumerated() {
            for register in [base, base + 0x14] {  // AFIFM_RDCTRL, AFIFM_WRCTRL
                fields.append(PortWidthField(parameter: "C_SAXIGP\(port)_DATA_WIDTH", address: register, low: 0, high: 1, values: slave))
            }
        }
        return fields
    }()

    /// The UltraScale+ AXI port-width fields to set from the `C_*AXIGP*_DATA_WIDTH` parameters of the
    /// design's processing system (`ip_dict[ps]["parameters"]`), with their values; empty for other
    /// families and for designs without a processing system (partial bitstreams).
    /// - Throws: `ZynqError.unsupportedDesign` for a width other than 32, 64 or 128.
    static func portWidths(_ overlay: OverlayDescription, family: ZynqFamily?) throws -> [(field: PortWidthField, value: UInt32)] {
        guard family == .zynqUltraScale else { return [] }
        let ipDict = overlay.ipDict
        guard let ps = ipDict.keys.first(where: { ipDict[$0]?["type"]?.stringValue?.contains(":zynq_ultra_ps_e:") == true }),
              let parameters = ipDict[ps]?["parameters"] else { return [] }
        var writes: [(PortWidthField, UInt32)] = []
        for field in ultraScalePortWidthFields {
            guard let width = parameters[field.parameter]?.stringValue else { continue }
            guard let value = field.values[width] else {
                throw ZynqError.unsupportedDesign(reason: "\(field.parameter) is \(width); AXI ports are 32, 64 or 128 bits wide")
            }
            writes.append((field, value))
        }
        return writes
    }

    /// Writes port-width fields (read-modify-write through `/dev/mem`).
    static func apply(_ writes: [(field: PortWidthField, value: UInt32)], system: SystemInterface) throws {
        for (field, value) in writes {
            let window = try PhysicalMemoryWindow(system: system, name: field.parameter, baseAddress: field.address, length: 4)
            defer { window.unmap() }
            let mask: UInt32 = ((1 << (field.high - field.low + 1)) - 1) << field.low
            try window.write32(offset: 0, try window.read32(offset: 0) & ~mask | value << field.low)
        }
    }
}
