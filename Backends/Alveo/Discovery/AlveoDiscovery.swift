import Foundation

/// An Alveo device XRT can open.
public struct AlveoDeviceDescription: Sendable, Hashable {
    /// XRT's device index.
    public var index: Int
    /// The device (shell) name from XRT's device layer; "xrt device N" when the layer gives none.
    public var name: String
    /// PCI address (`dddd:bb:dd.f`) when the device is a PCI card.
    public var pciAddress: String?
    /// Kernel clocks in MHz, as the device layer reports them.
    public var clocksMHz: [Int]
    /// `XCL_EMULATION_MODE` when XRT emulates the device (`noop`, `sw_emu`, `hw_emu`).
    public var emulationMode: String?
}

/// Finds Alveo devices, and says precisely why there are none: no card, a card without XRT, a card
/// without XRT's driver.
public enum AlveoDiscovery {
    /// The devices XRT can open on this machine (XRT from the standard search, PCI functions from
    /// `pci`). Throws ``AlveoError/noCard(reason:)``, ``AlveoError/cardWithoutXRT(functions:cause:)``,
    /// ``AlveoError/driverNotLoaded(functions:)`` or XRT's loading error when there are none.
    public static func devices(pci: PCIEnumerator = .udev) throws(AlveoError) -> [AlveoDeviceDescription] {
        try devices(xrt: XRTLibrary.shared, pci: pci, environment: LoaderSystem.live.environment)
    }

    static func devices(
        xrt loaded: Result<XRTLibrary, AlveoError>, pci: PCIEnumerator, environment: (String) -> String?
    ) throws(AlveoError) -> [AlveoDeviceDescription] {
        let xrt: XRTLibrary
        switch loaded {
        case .success(let library): xrt = library
        case .failure(let error):
            if case .success(let functions) = pci.list(), !functions.isEmpty {
                throw .cardWithoutXRT(functions: functions.map(\.description), cause: error.description)
            }
            throw error
        }
        let count = xrt.deviceCount()
        guard count > 0 else {
            switch pci.list() {
            case .success(let functions) where functions.isEmpty:
                throw .noCard(reason: "libudev lists no PCI function with vendor 0x10ee and XRT reports no device.")
            case .success(let functions) where !functions.contains(where: { $0.driver == "xocl" }):
                throw .driverNotLoaded(functions: functions.map(\.description))
            case .success(let functions):
                throw .noDevice(
                    index: 0, count: 0,
                    detail: "The xocl-bound function(s) \(functions.map(\.description).joined(separator: ", ")) "
                        + "are not opened by XRT at \(xrt.path): check that XRT and its driver have the same version (xbutil examine).")
            case .failure(let error):
                throw .noCard(reason: "XRT reports no device, and PCI functions could not be listed (\(error.reason)).")
            }
        }
        let mode = environment("XCL_EMULATION_MODE").flatMap { $0.isEmpty ? nil : $0 }
        return (0..<count).map { index in
            let info = try? XRTDevice(xrt: xrt, index: index).info()
            let name = info.map(\.name).flatMap { $0.isEmpty ? nil : $0 } ?? "xrt device \(index)"
            return AlveoDeviceDescription(
                index: index, name: name, pciAddress: info.flatMap { pciAddress(slot: $0.pciSlot) },
                clocksMHz: info?.clocksMHz ?? [], emulationMode: mode)
        }
    }

    /// `dddd:bb:dd.f` from the driver's slot encoding (domain << 16 | bus << 8 | device << 3 | function).
    static func pciAddress(slot: UInt32) -> String? {
        guard slot != 0 else { return nil }
        return String(
            format: "%04x:%02x:%02x.%x", slot >> 16, (slot >> 8) & 0xFF, (slot >> 3) & 0x1F, slot & 0x7)
    }
}
