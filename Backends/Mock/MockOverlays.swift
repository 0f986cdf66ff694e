import PynqMetadataCore

/// Ready-made overlay descriptions for the Mock device.
public enum MockOverlays {
    /// A design shaped like PYNQ's `kernel_opt.xclbin` example (an Alveo U200-style shell):
    /// four 16 GiB DDR4 banks `bank0`…`bank3` (only `bank1` and `bank2` used), three 128 KiB
    /// `PLRAM[n]` (unused) and one AXI-Stream connection `dc_0` from `krnl_stream_vadd_1.out_r` to
    /// `krnl_stream_vmult_1.in1`.
    ///
    /// `krnl_stream_vadd_1(in1: int*, in2: int*, out_r: stream, size: int)` adds `in1` and `in2`
    /// (both in `bank1`) into the stream; `krnl_stream_vmult_1(in1: stream, in2: int*, out: int*,
    /// size: int)` multiplies the stream by `in2` (in `bank2`) into `out` (in `bank1`).
    public static func kernelOpt() -> OverlayDescription {
        let gib16: UInt64 = 16 << 30
        var memories: [MemoryBank] = (0..<4).map { i in
            MemoryBank(index: i, tag: "bank\(i)", type: .ddr4, used: i == 1 || i == 2,
                       baseAddress: 0x40_0000_0000 + UInt64(i) * 0x10_0000_0000, size: gib16)
        }
        memories += (0..<3).map { i in
            MemoryBank(index: 4 + i, tag: "PLRAM[\(i)]", type: .dram, used: false,
                       baseAddress: 0x30_0000_0000 + UInt64(i) * 0x2_0000, size: 128 << 10)
        }
        let stream = StreamConnection(index: 7, tag: "dc_0", source: "krnl_stream_vadd_1.out_r",
                                      sink: "krnl_stream_vmult_1.in1")
        let vadd = IPBlock(
            name: "krnl_stream_vadd_1", type: "xilinx.com:hls:krnl_stream_vadd:1.0",
            baseAddress: 0x180_0000, addressRange: 0x1_0000,
            registers: [
                control,
                pointer("in1", offset: 0x10, argument: 0, memory: "bank1"),
                pointer("in2", offset: 0x1C, argument: 1, memory: "bank1"),
                scalar("size", offset: 0x28, argument: 3),
            ],
            controlProtocol: .apCtrlHs, cuName: "krnl_stream_vadd:krnl_stream_vadd_1", cuIndex: 0, ipLayoutIndex: 0,
            streams: ["out_r": .init(streamTag: "dc_0", direction: "output")])
        let vmult = IPBlock(
            name: "krnl_stream_vmult_1", type: "xilinx.com:hls:krnl_stream_vmult:1.0",
            baseAddress: 0x181_0000, addressRange: 0x1_0000,
            registers: [
                control,
                pointer("in2", offset: 0x10, argument: 1, memory: "bank2"),
                pointer("out", offset: 0x1C, argument: 2, memory: "bank1"),
                scalar("size", offset: 0x28, argument: 3),
            ],
            controlProtocol: .apCtrlHs, cuName: "krnl_stream_vmult:krnl_stream_vmult_1", cuIndex: 1, ipLayoutIndex: 1,
            streams: ["in1": .init(streamTag: "dc_0", direction: "input")])
        let clocks = [
            Clock(index: 0, name: "DATA_CLK", frequencyMHz: 300, kind: .data),
            Clock(index: 1, name: "KERNEL_CLK", frequencyMHz: 500, kind: .kernel),
        ]
        return OverlayDescription(format: .xclbin, uuid: Array(0x10...0x1F).map(UInt8.init), ips: [vadd, vmult],
                                  memories: memories, streams: [stream], clocks: clocks, dictionaries: [:])
    }

    /// Kernel models for `kernelOpt()`: `krnl_stream_vadd` pushes `in1[i] + in2[i]` (Int32) into its
    /// output stream, `krnl_stream_vmult` writes `stream[i] * in2[i]` to `out`.
    public static func installKernelOptModels(on backend: MockBackend) {
        backend.setKernelModel({ context in
            let count = Int(try context.argument("size"))
            let in1 = try context.memory(at: context.argument("in1"), byteCount: count * 4).bindMemory(to: Int32.self)
            let in2 = try context.memory(at: context.argument("in2"), byteCount: count * 4).bindMemory(to: Int32.self)
            try context.stream("out_r").write(values: (0..<count).map { in1[$0] &+ in2[$0] })
        }, for: "krnl_stream_vadd")
        backend.setKernelModel({ context in
            let count = Int(try context.argument("size"))
            let input = try context.stream("in1").read(count, of: Int32.self)
            let in2 = try context.memory(at: context.argument("in2"), byteCount: count * 4).bindMemory(to: Int32.self)
            let out = try context.memory(at: context.argument("out"), byteCount: count * 4).bindMemory(to: Int32.self)
            for i in 0..<count { out[i] = input[i] &* in2[i] }
        }, for: "krnl_stream_vmult")
    }

    private static let control = Register(name: "CTRL", offset: 0, sizeInBits: 32, access: .readWrite,
                                          description: "Control signals")

    private static func pointer(_ name: String, offset: Int, argument: Int, memory: String) -> Register {
        Register(name: name, offset: offset, sizeInBits: 64, access: .writeOnly, type: "int*",
                 argumentIndex: argument, memory: memory)
    }

    private static func scalar(_ name: String, offset: Int, argument: Int) -> Register {
        Register(name: name, offset: offset, sizeInBits: 32, access: .writeOnly, type: "int", argumentIndex: argument)
    }
}
