import Foundation
import Testing
import TestSupport

/// `pynq inspect FILE --device N`, run as scripts/test.sh sets up XRT's no-op device.
@Suite("pynq inspect --device")
struct InspectDeviceTests {
    func inspect(_ arguments: [String]) throws -> Finished {
        let pynq = try #require(pynqExecutable, "the pynq executable is built beside the tests by swift test")
        return try run(URL(fileURLWithPath: "/usr/bin/env"), ["PYNQ_BACKEND=", pynq.path, "inspect"] + arguments)
    }

    let xclbin = Reference.filesDirectory.appendingPathComponent("xup_aws_f1_vitis_intro_lab.xclbin").path

    @Test("prints the file's tables, then the memories and their usage once loaded on the device")
    func loadsOnTheDevice() throws {
        let result = try inspect([xclbin, "--device", "0"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains("xrt device 0: loaded \(xclbin)"))
        #expect(lines.contains("0      bank0     DDR4  yes   0x800000000   17179869184  0        0           this process"))
        // The file's own tables come first.
        let loaded = try #require(lines.firstIndex(of: "xrt device 0: loaded \(xclbin)"))
        #expect(lines[..<loaded].contains { $0.hasPrefix("krnl_vadd_1") })
    }

    @Test("a device number past the list is an error that says how many there are")
    func noSuchDevice() throws {
        let result = try inspect([xclbin, "--device", "4"])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("pynq inspect: error: no device 4 (1 found;"))
    }

    @Test("--device refuses --json and files that are not xclbins")
    func misuse() throws {
        let withJSON = try inspect([xclbin, "--device", "0", "--json"])
        #expect(withJSON.status != 0)
        #expect(withJSON.stderr.contains("--device prints tables; leave out --json"))
        let hwh = Reference.filesDirectory.appendingPathComponent("pynqz2_resizer.hwh").path
        let notXclbin = try inspect([hwh, "--device", "0"])
        #expect(notXclbin.status != 0)
        #expect(notXclbin.stderr.contains("--device loads xclbins only"))
    }
}
