import Foundation
import Testing
import TestSupport

@testable import PynqAlveo

@Suite("Alveo device discovery", .xrtExclusive)
struct DiscoveryTests {
    let card = PCIFunction(address: "0000:65:00.1", vendorID: 0x10ee, deviceID: 0x5005, driver: "xocl")
    let mgmt = PCIFunction(address: "0000:65:00.0", vendorID: 0x10ee, deviceID: 0x5004, driver: nil)
    let noEnv: (String) -> String? = { _ in nil }

    @Test("libudev lists no Xilinx PCI function on this machine (it has no card)")
    func udevOnThisMachine() throws {
        let functions = try PCIEnumerator.udev.list().get()
        #expect(functions.isEmpty)
    }

    @Test("with the no-op layer, XRT's device 0 is listed")
    func noopDevice() throws {
        let devices = try AlveoDiscovery.devices(
            xrt: XRTLibrary.shared, pci: .udev, environment: { $0 == "XCL_EMULATION_MODE" ? "noop" : nil })
        #expect(devices.count == 1)
        #expect(devices.first?.index == 0)
        #expect(devices.first?.emulationMode == "noop")
        #expect(devices.first?.name.isEmpty == false)
    }

    @Test("no card: the message says so, and how to test without one")
    func noCard() throws {
        let noDevices = try XRTLibrary.shared.get().replacing { $0.xclProbe = { 0 } }
        #expect(throws: AlveoError.self) {
            try AlveoDiscovery.devices(xrt: .success(noDevices), pci: .udev, environment: noEnv)
        }
        do {
            _ = try AlveoDiscovery.devices(xrt: .success(noDevices), pci: .udev, environment: noEnv)
        } catch {
            #expect(
                error.description
                    == "No Alveo card: libudev lists no PCI function with vendor 0x10ee and XRT reports no device. "
                    + "Without a card, XRT's no-op device serves for tests: export XCL_EMULATION_MODE=noop with "
                    + "XILINX_XRT set (scripts/test.sh does).")
        }
    }

    @Test("a card present without XRT names the card and XRT's problem")
    func cardWithoutXRT() throws {
        let missing = AlveoError.xrtNotFound(searched: ["/opt/xilinx/xrt/lib"], reasons: [])
        do {
            _ = try AlveoDiscovery.devices(xrt: .failure(missing), pci: .fixed([mgmt, card]), environment: noEnv)
            Issue.record("devices were listed without XRT")
        } catch {
            #expect(error == .cardWithoutXRT(functions: [mgmt.description, card.description], cause: missing.description))
            #expect(
                error.description.hasPrefix(
                    "Found Xilinx PCI function(s) 0000:65:00.0 [10ee:5004] driver none, 0000:65:00.1 [10ee:5005] driver xocl but XRT cannot be used: XRT not found (searched: /opt/xilinx/xrt/lib)."
                ))
        }
        // Without a card, XRT's own error is the answer.
        #expect(throws: missing) { try AlveoDiscovery.devices(xrt: .failure(missing), pci: .fixed([]), environment: noEnv) }
    }

    @Test("a card whose driver is not loaded")
    func driverNotLoaded() throws {
        let noDevices = try XRTLibrary.shared.get().replacing { $0.xclProbe = { 0 } }
        var unbound = card
        unbound.driver = nil
        #expect(throws: AlveoError.driverNotLoaded(functions: [mgmt.description, unbound.description])) {
            try AlveoDiscovery.devices(xrt: .success(noDevices), pci: .fixed([mgmt, unbound]), environment: noEnv)
        }
    }

    @Test("libudev missing is reported, not fatal")
    func udevMissing() {
        var system = LoaderSystem.live
        system.openLibrary = { _ in .failure(LoaderFailure(reason: "libudev.so.1: cannot open shared object file")) }
        guard case .failure(let error) = UdevLibrary.load(system: system) else {
            Issue.record("libudev loaded from a faked empty machine")
            return
        }
        #expect(error.reason == "libudev is not available (libudev.so.1: cannot open shared object file)")
    }

    @Test("PCI slot numbers become dddd:bb:dd.f addresses")
    func pciAddress() {
        #expect(AlveoDiscovery.pciAddress(slot: 0x65_01) == "0000:65:00.1")
        #expect(AlveoDiscovery.pciAddress(slot: 0x1_3b_0a) == "0001:3b:01.2")
        #expect(AlveoDiscovery.pciAddress(slot: 0) == nil)
    }
}
