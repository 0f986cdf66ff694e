import Foundation
import CUdev

#if canImport(Glibc)
import Glibc
#endif

/// One PCI function as the kernel's device model (udev) lists it.
public struct PCIFunction: Sendable, Hashable, CustomStringConvertible {
    /// Bus/device/function address, e.g. `0000:65:00.1`.
    public var address: String
    public var vendorID: UInt16
    public var deviceID: UInt16
    /// Bound kernel driver (`xocl` for an Alveo user function, `xclmgmt` for its management
    /// function); nil when no driver is bound.
    public var driver: String?

    public init(address: String, vendorID: UInt16, deviceID: UInt16, driver: String?) {
        self.address = address
        self.vendorID = vendorID
        self.deviceID = deviceID
        self.driver = driver
    }

    public var description: String {
        let id = String(format: "%04x:%04x", vendorID, deviceID)
        return "\(address) [\(id)] driver \(driver ?? "none")"
    }
}

/// Lists the Xilinx PCI functions (vendor 0x10ee) of the machine. The standard one asks libudev,
/// opened at run time (`libudev.so.1`, dlopen: no build dependency); tests inject their own.
public struct PCIEnumerator: Sendable {
    /// Xilinx's PCI vendor id.
    public static let xilinxVendorID: UInt16 = 0x10ee

    /// The functions, or why they could not be listed.
    public var list: @Sendable () -> Result<[PCIFunction], PCIEnumerationError>

    public init(list: @escaping @Sendable () -> Result<[PCIFunction], PCIEnumerationError>) {
        self.list = list
    }

    /// libudev's view of the machine.
    public static let udev = PCIEnumerator { UdevLibrary.shared.flatMap { $0.xilinxFunctions() } }

    /// A fixed list (tests, tools replaying a machine).
    public static func fixed(_ functions: [PCIFunction]) -> PCIEnumerator {
        PCIEnumerator { .success(functions) }
    }
}

/// Why PCI functions could not be listed.
public struct PCIEnumerationError: Error, Sendable, Hashable, CustomStringConvertible {
    public var reason: String
    public var description: String { reason }
}

/// libudev, opened at run time.
final class UdevLibrary: @unchecked Sendable {
    let api: cudev_api

    private init(api: cudev_api) { self.api = api }

    static let shared: Result<UdevLibrary, PCIEnumerationError> = load(system: .live)

    static func load(system: LoaderSystem) -> Result<UdevLibrary, PCIEnumerationError> {
        switch system.openLibrary("libudev.so.1") {
        case .failure(let failure):
            return .failure(PCIEnumerationError(reason: "libudev is not available (\(failure.reason))"))
        case .success(let handle):
            let table = UnsafeMutablePointer<cudev_api>.allocate(capacity: 1)
            defer { table.deallocate() }
            if let missing = cudev_bind(handle, table) {
                return .failure(PCIEnumerationError(reason: "libudev.so.1 lacks \(String(cString: missing))"))
            }
            return .success(UdevLibrary(api: table.pointee))
        }
    }

    /// PCI functions whose vendor is 0x10ee.
    func xilinxFunctions() -> Result<[PCIFunction], PCIEnumerationError> {
        guard let udev = api.udev_new() else { return .failure(PCIEnumerationError(reason: "udev_new failed")) }
        defer { _ = api.udev_unref(udev) }
        guard let enumerate = api.udev_enumerate_new(udev) else {
            return .failure(PCIEnumerationError(reason: "udev_enumerate_new failed"))
        }
        defer { _ = api.udev_enumerate_unref(enumerate) }
        let vendor = String(format: "0x%04x", PCIEnumerator.xilinxVendorID)
        guard api.udev_enumerate_add_match_subsystem(enumerate, "pci") >= 0,
            api.udev_enumerate_add_match_sysattr(enumerate, "vendor", vendor) >= 0
        else { return .failure(PCIEnumerationError(reason: "udev rejected the PCI vendor filter")) }
        let scanned = api.udev_enumerate_scan_devices(enumerate)
        guard scanned >= 0 else {
            return .failure(PCIEnumerationError(reason: "udev could not scan devices (error \(scanned))"))
        }
        var functions: [PCIFunction] = []
        var entry = api.udev_enumerate_get_list_entry(enumerate)
        while let current = entry {
            if let path = api.udev_list_entry_get_name(current), let device = api.udev_device_new_from_syspath(udev, path) {
                func attribute(_ name: String) -> String? {
                    api.udev_device_get_sysattr_value(device, name).map { String(cString: $0) }
                }
                functions.append(
                    PCIFunction(
                        address: api.udev_device_get_sysname(device).map { String(cString: $0) } ?? String(cString: path),
                        vendorID: attribute("vendor").flatMap(Self.hex) ?? PCIEnumerator.xilinxVendorID,
                        deviceID: attribute("device").flatMap(Self.hex) ?? 0,
                        driver: api.udev_device_get_driver(device).map { String(cString: $0) }))
                _ = api.udev_device_unref(device)
            }
            entry = api.udev_list_entry_get_next(current)
        }
        return .success(functions.sorted { $0.address < $1.address })
    }

    static func hex(_ text: String) -> UInt16? {
        UInt16(text.hasPrefix("0x") ? String(text.dropFirst(2)) : text, radix: 16)
    }
}
