import PynqBackend
import PynqMock
import Testing
@testable import Pynq

@Suite("Device selection")
struct DeviceSelectionTests {
    static let registry: [BackendProbe] = [
        BackendProbe(kind: .alveo) { .rejected(reason: "XRT not found (searched: /opt/xilinx/xrt/lib)") },
        BackendProbe(kind: .zynq) { .rejected(reason: "no /sys/class/fpga_manager/fpga0") },
        BackendProbe(kind: .mock, probedByDefault: false) { .found([MockBackend(name: "mockA")]) },
    ]

    @Test func mockIsNotChosenUnlessAsked() {
        let report = ProbeReport.run(registry: Self.registry, forced: nil)
        #expect(report.devices.isEmpty)
        #expect(report.entries.map(\.kind) == [.alveo, .zynq])
        #expect(report.skipped == [.mock])
        let text = PynqError.noDevice(report).description
        #expect(text.contains("alveo: rejected: XRT not found (searched: /opt/xilinx/xrt/lib)"))
        #expect(text.contains("zynq: rejected: no /sys/class/fpga_manager/fpga0"))
        #expect(text.contains("PYNQ_BACKEND=mock"))
    }

    @Test func forcingProbesOnlyThatBackend() {
        let report = ProbeReport.run(registry: Self.registry, forced: "MOCK")
        #expect(report.entries.map(\.kind) == [.mock])
        #expect(report.devices.map(\.name) == ["mockA"])
        let alveo = ProbeReport.run(registry: Self.registry, forced: "alveo")
        #expect(alveo.devices.isEmpty)
        #expect(alveo.description.contains("PYNQ_BACKEND=alveo"))
    }

    @Test func unknownForcedBackendIsExplained() {
        let report = ProbeReport.run(registry: Self.registry, forced: "fpga")
        #expect(report.devices.isEmpty)
        #expect(report.configurationError == "PYNQ_BACKEND=fpga names no backend of this build; use one of: alveo, zynq, mock")
    }

    @Test func hardwareComesFirstInRegistryOrder() {
        let registry = [
            BackendProbe(kind: .alveo) { .found([MockBackend(name: "card0"), MockBackend(name: "card1")]) },
            BackendProbe(kind: .zynq) { .found([]) },
            BackendProbe(kind: .mock, probedByDefault: false) { .found([MockBackend()]) },
        ]
        let report = ProbeReport.run(registry: registry, forced: "")
        #expect(report.devices.map(\.name) == ["card0", "card1"])
        #expect(report.entries[1].rejection == "no device found")
    }

    @Test func selectMockGivesTheSameDevice() throws {
        let first = try Device.select(.mock)
        let second = try Device.select(.mock)
        #expect(first === second)
        #expect(first.kind == .mock)
        #expect(try Device.active === first)
        #expect(throws: PynqError.self) { try Device.select("nosuch") }
    }
}
