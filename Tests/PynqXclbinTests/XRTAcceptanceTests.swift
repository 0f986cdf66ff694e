import Glibc
import PynqAlveo
import PynqMetadata
import Testing
import TestSupport

/// Every xclbin the builder writes must load in XRT: as an `xrt::xclbin` (no device needed) and into
/// XRT's no-op device (`XCL_EMULATION_MODE=noop`, set by scripts/test.sh), where kernels open and report
/// the argument offsets and memory banks we wrote.
@Suite(.serialized, .xrtExclusive) struct XclbinXRTAcceptanceTests {
    static func designs() throws -> [(String, [UInt8])] {
        var out = [("kernel_opt-like", try kernelOptLikeBuilder().build())]
        for name in Reference.fileNames(withExtension: "xclbin") {
            let f = try Xclbin.read(bytes: try Reference.bytes(name), source: name)
            out.append(("rewritten " + name, try XclbinBuilder(file: f).build()))
        }
        return out
    }

    @Test func xrtParsesWhatWeWrite() throws {
        for (name, bytes) in try Self.designs() {
            let file = try Xclbin.read(bytes: bytes, source: name)
            let report: XRTXclbinAcceptance.FileReport
            do {
                report = try XRTXclbinAcceptance.inspect(bytes: bytes)
            } catch {
                Issue.record("\(name): XRT refused the xclbin: \(error)")
                continue
            }
            #expect(report.uuid == file.header.uuid, "\(name)")
            #expect(report.platformName == file.header.platformVBNV, "\(name)")
            #expect(report.kernelCount == file.kernels.count, "\(name)")
            #expect(report.computeUnitCount == file.kernels.reduce(0) { $0 + $1.instances.count }, "\(name)")
        }
    }

    @Test func noopDeviceLoadsWhatWeWrite() throws {
        let env = (getenv("XCL_EMULATION_MODE").map { String(cString: $0) }, getenv("XILINX_XRT"))
        try #require(env.0 == "noop" && env.1 != nil,
                     "run through scripts/test.sh: XRT's no-op device needs XCL_EMULATION_MODE=noop and XILINX_XRT")
        for (name, bytes) in try Self.designs() {
            let file = try Xclbin.read(bytes: bytes, source: name)
            let kernels = file.kernels.filter { $0.instances.contains(where: { $0.baseAddress != .max }) }
            let report: XRTXclbinAcceptance.Report
            do {
                report = try XRTXclbinAcceptance.load(bytes: bytes, kernels: kernels.map(\.name))
            } catch {
                Issue.record("\(name): XRT did not load the xclbin or open its kernels: \(error)")
                continue
            }
            #expect(report.uuid == file.header.uuid, "\(name)")
            #expect(report.kernels.map(\.name) == kernels.map(\.name), "\(name)")
            for (k, seen) in zip(kernels, report.kernels) {
                for a in k.arguments where !a.isStream {
                    let argument = seen.arguments.first { $0.index == a.index }
                    #expect(argument?.offset == UInt32(a.offset), "\(name) \(k.name).\(a.name)")
                    guard a.isPointer else { continue }
                    let layoutIndex = file.ipLayout?.firstIndex { $0.name == k.name + ":" + k.instances[0].name }
                    let bank = file.effectiveConnectivity.first {
                        $0.ipLayoutIndex == layoutIndex && $0.argumentIndex == a.index
                    }?.memoryIndex
                    #expect(bank != nil && argument?.memoryGroup == bank,
                            "\(name) \(k.name).\(a.name): group \(String(describing: argument?.memoryGroup)) vs bank \(String(describing: bank))")
                }
            }
        }
    }
}
