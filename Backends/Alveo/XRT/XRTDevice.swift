import CXRT
import Foundation
import Synchronization

/// One open XRT device (`xrtDeviceOpen`), closed when the last reference goes.
///
/// Keeps its own account of the buffers allocated through it (count and bytes per memory group), so
/// leaks are visible and `memUsed`/`numBuffers` can be reported where the device layer has no
/// usage report (XRT's no-op device has none).
final class XRTDevice: @unchecked Sendable {
    let xrt: XRTLibrary
    let index: Int
    let handle: UnsafeMutableRawPointer
    /// Live buffers and bytes, indexed by memory group.
    private let usage = Mutex<[BankUsage]>([])

    /// Live buffers and their bytes in one memory group.
    struct BankUsage: Sendable, Equatable {
        var buffers = 0
        var bytes = 0
    }

    /// Opens device `index`.
    init(xrt: XRTLibrary, index: Int) throws(AlveoError) {
        guard let raw = UInt32(exactly: index) else {
            throw .invalidArgument(context: "xrtDeviceOpen", reason: "device index \(index) is negative or too large")
        }
        self.xrt = xrt
        self.index = index
        clearErrno()
        handle = try xrt.unwrap(xrt.api.xrtDeviceOpen(raw), "xrtDeviceOpen", "device \(index)")
    }

    deinit {
        _ = xrt.api.xrtDeviceClose(handle)
    }

    // MARK: xclbin

    /// Loads the xclbin file at `path`; returns its UUID.
    @discardableResult
    func loadXclbin(path: String) throws(AlveoError) -> [UInt8] {
        try xrt.check(xrt.api.xrtDeviceLoadXclbinFile(handle, path), "xrtDeviceLoadXclbinFile", "device \(index), \(path)")
        return try xclbinUUID()
    }

    /// Loads an xclbin from memory (XRT copies and checks the bytes); returns its UUID.
    @discardableResult
    func loadXclbin(bytes: [UInt8]) throws(AlveoError) -> [UInt8] {
        let context = "device \(index), \(bytes.count)-byte xclbin"
        try xrt.withXclbin(bytes: bytes, context: context) { xclbin throws(AlveoError) in
            try xrt.check(xrt.api.xrtDeviceLoadXclbinHandle(handle, xclbin), "xrtDeviceLoadXclbinHandle", context)
        }
        return try xclbinUUID()
    }

    /// UUID of the xclbin loaded on the device.
    func xclbinUUID() throws(AlveoError) -> [UInt8] {
        var uuid = [UInt8](repeating: 0, count: 16)
        let code = uuid.withUnsafeMutableBufferPointer { xrt.api.xrtDeviceGetXclbinUUID(handle, $0.baseAddress) }
        try xrt.check(code, "xrtDeviceGetXclbinUUID", "device \(index)")
        return uuid
    }

    // MARK: Buffers

    /// Memory groups are 16-bit (XRT's flags keep the bank index in bits 0–15).
    static let maxGroup: UInt32 = 0xFFFF

    /// Allocates and maps a buffer object of `size` bytes in memory group `group`.
    func allocate(size: Int, flags: XRTBufferFlags = [], group: UInt32) throws(AlveoError) -> XRTBuffer {
        try XRTBuffer(device: self, size: size, flags: flags, group: group)
    }

    /// `xrtBOAlloc`, counted in our accounting. Pair with ``releaseHandle(_:group:size:)``.
    func allocateHandle(size: Int, flags: XRTBufferFlags, group: UInt32) throws(AlveoError) -> UnsafeMutableRawPointer {
        guard size > 0, group <= Self.maxGroup else {
            throw .invalidArgument(
                context: "xrtBOAlloc on device \(index), bank \(group)",
                reason: size > 0 ? "memory groups go up to \(Self.maxGroup)" : "size \(size) must be positive")
        }
        clearErrno()
        guard let bo = xrt.table.pointee.xrtBOAlloc(handle, size, flags.rawValue, group) else {
            throw xrt.failure("xrtBOAlloc", "device \(index), bank \(group), \(size) bytes", errno: currentErrno())
        }
        record(group: group, buffers: 1, bytes: size)
        return bo
    }

    /// `xrtBOFree` of a handle from ``allocateHandle(size:flags:group:)``.
    func releaseHandle(_ bo: UnsafeMutableRawPointer, group: UInt32, size: Int) {
        _ = xrt.table.pointee.xrtBOFree(bo)
        record(group: group, buffers: -1, bytes: size)
    }

    private func record(group: UInt32, buffers: Int, bytes: Int) {
        usage.withLock { usage in
            let index = Int(group)
            if index >= usage.count { usage.append(contentsOf: repeatElement(BankUsage(), count: index + 1 - usage.count)) }
            usage[index].buffers += buffers
            usage[index].bytes += buffers > 0 ? bytes : -bytes
        }
    }

    /// Our account of live buffers per memory group (groups with none left out).
    var accountedUsage: [UInt32: BankUsage] {
        usage.withLock { usage in
            var result: [UInt32: BankUsage] = [:]
            for (group, entry) in usage.enumerated() where entry != BankUsage() { result[UInt32(group)] = entry }
            return result
        }
    }

    /// Live buffers allocated through this device object.
    var liveBuffers: Int { accountedUsage.values.reduce(0) { $0 + $1.buffers } }

    // MARK: Information from the device layer

    /// The device layer's description of the device (name, PCI slot, clocks), when the layer
    /// exports `xclGetDeviceInfo2`.
    func info() -> XRTDeviceInfo? {
        let api = xrt.halAPI
        guard let getInfo = api.xclGetDeviceInfo2, let xcl = api.xrtDeviceToXclDevice(handle) else { return nil }
        var raw = cxrt_device_info2()
        guard getInfo(xcl, &raw) == 0 else { return nil }
        return XRTDeviceInfo(raw)
    }

    /// The device layer's memory usage report (first 8 banks), when the layer exports
    /// `xclGetUsageInfo` (XRT's PCIe layer does; the no-op layer does not).
    func usageReport() -> [XRTDevice.BankUsage]? {
        let api = xrt.halAPI
        guard let getUsage = api.xclGetUsageInfo, let xcl = api.xrtDeviceToXclDevice(handle) else { return nil }
        var raw = cxrt_device_usage()
        guard getUsage(xcl, &raw) == 0 else { return nil }
        let used = withUnsafeBytes(of: raw.ddrMemUsed) { Array($0.bindMemory(to: Int.self)) }
        let counts = withUnsafeBytes(of: raw.ddrBOAllocated) { Array($0.bindMemory(to: UInt32.self)) }
        return zip(used, counts).map { BankUsage(buffers: Int($1), bytes: $0) }
    }
}

/// Flags of a buffer object (XRT's `XRT_BO_FLAGS_*`).
struct XRTBufferFlags: OptionSet, Sendable, Hashable {
    let rawValue: UInt64
    static let cacheable = XRTBufferFlags(rawValue: 1 << 24)
}

/// What the device layer says about a device.
public struct XRTDeviceInfo: Sendable, Hashable {
    /// Device (shell) name, e.g. `xilinx_u250_gen3x16_xdma_shell_4_1`.
    public var name: String
    /// PCI vendor and device id.
    public var vendorID: UInt16, deviceID: UInt16
    /// PCI slot as the driver encodes it (bus << 8 | device << 3 | function); 0 when not on PCIe.
    public var pciSlot: UInt32
    /// Kernel clock frequencies in MHz (non-zero ones).
    public var clocksMHz: [Int]
    /// DDR size in bytes and bank count as the layer reports them.
    public var ddrSize: UInt64, ddrBankCount: Int

    init(_ raw: cxrt_device_info2) {
        name = withUnsafeBytes(of: raw.mName) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
        vendorID = raw.mVendorId
        deviceID = raw.mDeviceId
        pciSlot = raw.mPciSlot
        clocksMHz = withUnsafeBytes(of: raw.mOCLFrequency) { Array($0.bindMemory(to: UInt16.self)) }
            .filter { $0 != 0 }.map(Int.init)
        ddrSize = UInt64(raw.mDDRSize)
        ddrBankCount = Int(raw.mDDRBankCount)
    }
}
