import PynqBackend
import PynqMetadataCore
import TestSupport

/// Hand-built overlay descriptions with the shape of the reference designs (pynqz2_resizer: an AXI DMA
/// and the resizer at 0x40400000 / 0x43C00000, FCLK0 enabled with divisors 4 × 4).
enum ZynqTestOverlays {
    static let dma = IPBlock(name: "axi_dma_0", type: "xilinx.com:ip:axi_dma:7.1", baseAddress: 0x4040_0000, addressRange: 0x10000)
    static let resizer = IPBlock(name: "resize_accel_0", type: "xilinx.com:hls:resize_accel:1.0",
                                 baseAddress: 0x43C0_0000, addressRange: 0x10000)

    static func description(ps: String? = "xilinx.com:ip:processing_system7:5.5", clocks: MetaValue? = nil,
                            ips: [IPBlock] = [dma, resizer]) -> OverlayDescription {
        var blocks = ips
        if let ps { blocks.append(IPBlock(name: "processing_system7_0", type: ps, baseAddress: 0, addressRange: 0)) }
        let clockDict: MetaValue = clocks ?? [
            "0": ["enable": 1, "divisor0": 4, "divisor1": 4],
            "1": ["enable": 0, "divisor0": 1, "divisor1": 1],
            "2": ["enable": 1, "divisor0": 10, "divisor1": 2],
        ]
        return OverlayDescription(format: .hwh, ips: blocks, memories: [], streams: [], clocks: [],
                                  dictionaries: ["clock_dict": clockDict])
    }

    /// The reference bitstream as an image with `description`.
    static func resizer(description: OverlayDescription = description(), path: String? = nil) throws -> OverlayImage {
        let file = Reference.filesDirectory.appendingPathComponent("pynqz2_resizer.bit").path
        return OverlayImage(description: description, path: path ?? file, bytes: try Reference.bytes("pynqz2_resizer.bit"))
    }
}
