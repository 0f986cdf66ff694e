import PynqMetadataCore
import PynqMock
import PynqXclbin

extension MockOverlays {
    /// The xclbin of `kernelOpt()`, written with the project's own `XclbinBuilder`: the file behind
    /// `Examples/overlays/kernel_opt.xclbin` (regenerate it with `swift run make-overlays`). Reading it
    /// gives the same memories, streams, IPs and argument registers as `kernelOpt()`.
    public static func kernelOptXclbin() throws -> [UInt8] {
        let description = kernelOpt()
        var builder = XclbinBuilder(platformVBNV: "xilinx_u200_gen3x16_xdma_base_2", uuid: description.uuid)
        builder.projectName = "kernel_opt"
        for bank in description.memories {
            builder.addMemory(tag: bank.tag, type: bank.type, baseAddress: bank.baseAddress, size: bank.size)
        }
        for stream in description.streams { builder.addStreamConnection(tag: stream.tag) }
        for clock in description.clocks {
            builder.addClock(name: clock.name, frequencyMHz: UInt16(clock.frequencyMHz), kind: clock.kind)
        }
        try builder.addKernel(
            name: "krnl_stream_vadd", controlProtocol: .apCtrlHs,
            instances: [("krnl_stream_vadd_1", 0x180_0000)],
            arguments: [
                .pointer("in1", memory: "bank1"), .pointer("in2", memory: "bank1"),
                .stream("out_r", .output, connection: "dc_0"), .scalar("size", type: "int"),
            ],
            controlRange: 0x1_0000)
        try builder.addKernel(
            name: "krnl_stream_vmult", controlProtocol: .apCtrlHs,
            instances: [("krnl_stream_vmult_1", 0x181_0000)],
            arguments: [
                .stream("in1", .input, connection: "dc_0"), .pointer("in2", memory: "bank2"),
                .pointer("out", memory: "bank1"), .scalar("size", type: "int"),
            ],
            controlRange: 0x1_0000)
        return try builder.build()
    }
}
