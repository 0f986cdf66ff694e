import Foundation
import Testing
import TestSupport

/// `pynq devices`, run as scripts/test.sh sets up XRT (XILINX_XRT=<root>/.xrt, XCL_EMULATION_MODE=noop).
@Suite("pynq devices")
struct DevicesCommandTests {
    /// Runs `pynq devices arguments` with environment variables `unset` removed.
    func devices(_ arguments: [String], unset: [String] = []) throws -> Finished {
        let pynq = try #require(pynqExecutable, "the pynq executable is built beside the tests by swift test")
        return try run(
            URL(fileURLWithPath: "/usr/bin/env"),
            unset.flatMap { ["-u", $0] } + ["PYNQ_BACKEND=", pynq.path, "devices"] + arguments)
    }

    @Test("lists XRT's no-op device under the Alveo backend, why Zynq found nothing, and the Mock backend as not probed")
    func listsNoopDevice() throws {
        let result = try devices([])
        #expect(result.status == 0)
        #expect(
            result.stdout == """
                alveo: 1 device
                  [0] xrt device 0  (XRT device 0, emulated: XCL_EMULATION_MODE=noop)
                zynq: no device: /sys/class/fpga_manager/fpga0/firmware not found: not a Zynq board, or its kernel has no FPGA manager
                mock: not probed unless asked for (PYNQ_BACKEND=mock)

                """)
    }

    @Test("--load shows the loaded xclbin's memories and their usage")
    func loadShowsMemories() throws {
        let xclbin = Reference.filesDirectory.appendingPathComponent("xup_aws_f1_vitis_intro_lab.xclbin").path
        let result = try devices(["--load", xclbin])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains("xrt device 0: loaded \(xclbin)"))
        #expect(lines.contains("index  tag       type  used  base          size         buffers  bytes used  usage from"))
        #expect(lines.contains("0      bank0     DDR4  yes   0x800000000   17179869184  0        0           this process"))
        #expect(lines.contains("4      PLRAM[0]  DRAM  no    0x1000000000  131072       -        -           -"))
    }

    @Test("without XILINX_XRT the Alveo backend says what to set instead of letting XRT abort")
    func withoutXRTHome() throws {
        let result = try devices([], unset: ["XILINX_XRT"])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("alveo: no device: XILINX_XRT: not set (XCL_EMULATION_MODE=noop);"))
        #expect(result.stdout.contains("XRT would abort the process."))
    }

    @Test("without a card or the no-op layer the Alveo backend reports that no card is present")
    func noCard() throws {
        let result = try devices([], unset: ["XCL_EMULATION_MODE"])
        #expect(result.status == 0)
        #expect(
            result.stdout.hasPrefix(
                "alveo: no device: No Alveo card: libudev lists no PCI function with vendor 0x10ee and XRT reports no device."))
    }

    @Test("--load with an index past the list fails with a message")
    func badIndex() throws {
        let result = try devices(["--load", "x.xclbin", "--index", "5"])
        #expect(result.status != 0)
        #expect(result.stderr == "pynq devices: error: no device 5 (1 found)\n")
    }
}
