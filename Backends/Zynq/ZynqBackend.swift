import PynqBackend
import PynqBitstream
import PynqMetadataCore
import Synchronization

/// A Zynq-7000 or Zynq UltraScale+ board (PYNQ-Z1/Z2, Ultra96, ZCU104, KV260 …): bitstreams go through
/// the kernel's FPGA manager, buffers come from a CMA allocator (u-dma-buf or xlnk), registers are
/// reached by mapping `/dev/mem`.
///
/// Every file and system call goes through `system` (a `SystemInterface`), so the whole backend runs
/// against a fake tree in tests.
public final class ZynqBackend: Backend, @unchecked Sendable {
    // @unchecked: immutable properties plus `state` behind a Mutex.

    /// Which CMA allocator to use.
    public enum AllocatorChoice: Sendable, Hashable {
        /// u-dma-buf if a region exists, else `/dev/xlnk`.
        case automatic
        /// The u-dma-buf region `name` (or the first one when `nil`).
        case udmabuf(String?)
        /// `/dev/xlnk` with the given ABI and cache maintenance.
        case xlnk(XlnkABI, CacheMaintenanceMethod)
    }

    /// How to build a backend.
    public struct Configuration: Sendable {
        /// Folder standing in for `/` (tests) and hooks replacing system calls.
        public var system: SystemInterface
        public var allocator: AllocatorChoice
        /// The family whose PL clock registers to program; `nil`: from the overlay's processing system,
        /// else from the CPU this runs on.
        public var family: ZynqFamily?

        public init(system: SystemInterface = .live, allocator: AllocatorChoice = .automatic, family: ZynqFamily? = nil) {
            self.system = system
            self.allocator = allocator
            self.family = family
        }
    }

    private struct State {
        var loaded: OverlayImage?
        var warnings: [String] = []
        var partials: [OverlayImage] = []
        /// Device-tree overlays this backend applied, removed before the next full download.
        var deviceTrees: [DeviceTreeOverlay] = []
        var allocator: (any CMAAllocator)?
    }

    public let kind: BackendKind = .zynq
    /// `fpga0`, the FPGA manager's device.
    public let name = "fpga0"
    public let capabilities: BackendCapabilities = [.memoryMapped]
    public let configuration: Configuration
    public var system: SystemInterface { configuration.system }
    private let state = Mutex(State())

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    // MARK: Probing

    /// pynq's `EmbeddedDevice._probe_`: a board has `/sys/class/fpga_manager/fpga0/firmware`.
    public static func probe(system: SystemInterface) -> ProbeResult {
        let path = FPGAManager.path + "/firmware"
        guard FPGAManager(system: system).exists else {
            return .rejected(reason: "\(path) not found: not a Zynq board, or its kernel has no FPGA manager")
        }
        return .found([ZynqBackend(configuration: Configuration(system: system))])
    }

    /// The registry entry for the real system.
    public static let probe = BackendProbe(kind: .zynq) { probe(system: .live) }

    // MARK: Overlay

    public var loadedOverlayID: String? { state.withLock { $0.loaded?.identity } }

    /// The overlay downloaded last (full), if any.
    public var loadedOverlay: OverlayImage? { state.withLock { $0.loaded } }

    /// Downloads a full bitstream: `image.bytes` is a `.bit` file. As pynq: the DFX shutdown managers of
    /// the overlay loaded before are asked to decouple; PL clocks are set from the overlay's
    /// `clock_dict` (enabled clocks get the design's divisors, the others 100 MHz from their source
    /// PLL); the `.bin` image is written to `/lib/firmware/<stem>.bin` and loaded by the FPGA manager
    /// with flags 0; on Zynq UltraScale+ the AXI port widths are set from the PS parameters; the
    /// `.dtbo` beside the bitstream, if any, is applied (device-tree overlays applied before are removed).
    /// Live CMA buffers stay valid (they are processor DDR, which a bitstream does not touch); whether
    /// to download while they are live is the public API's rule (`Device.download(_:force:)`).
    /// - Throws: `.badBitstream`, `.noFPGAManager`, `.downloadFailed`, `.badClock`,
    ///   `.permissionDenied`, `.systemCall`.
    public func download(_ image: OverlayImage) throws {
        let bin = try binImage(image)
        let family = configuration.family ?? ZynqFamily.of(image.description) ?? ZynqFamily.host
        let portWidths = try ProcessingSystemSetup.portWidths(image.description, family: family)
        var warnings: [String] = []
        if let previous = state.withLock({ $0.loaded }) {
            warnings += try ProcessingSystemSetup.shutDown(previous.description, system: system)
        }
        let clocks = try PLClockSetting.settings(in: image.description.clockDict)
        if !clocks.isEmpty {
            guard let family else {
                throw ZynqError.badClock(index: clocks[0].index,
                                         reason: "the overlay has no processing system and this CPU is no Zynq: set Configuration.family")
            }
            for clock in clocks { try clock.write(family: family, system: system) }
        }
        for tree in state.withLock({ s in defer { s.deviceTrees = [] }; return s.deviceTrees }) { tree.remove(system: system) }
        try FPGAManager(system: system).program(binName: binName(image), image: bin, partial: false)
        // The previous design is gone; the new one counts as loaded once it is set up.
        state.withLock {
            $0.loaded = nil
            $0.partials = []
            $0.warnings = warnings
        }
        try ProcessingSystemSetup.apply(portWidths, system: system)
        try insertDeviceTree(besides: image)
        state.withLock { $0.loaded = image }
    }

    /// Applies the `.dtbo` beside the image's bitstream, if there is one (pynq's `insert_dtbo`).
    private func insertDeviceTree(besides image: OverlayImage) throws {
        guard let path = image.path, let dtbo = OverlayFiles.locate(bitstream: path, system: system).dtbo else { return }
        let tree = DeviceTreeOverlay(path: dtbo)
        try tree.insert(system: system)
        state.withLock { $0.deviceTrees.append(tree) }
    }

    /// Device-tree overlays applied by this backend since the last full download.
    public var deviceTreeOverlays: [DeviceTreeOverlay] { state.withLock { $0.deviceTrees } }

    /// What the last full download reported without failing (e.g. a DFX shutdown manager that did not
    /// acknowledge), as pynq's warnings.
    public var downloadWarnings: [String] { state.withLock { $0.warnings } }

    /// Downloads a partial bitstream (DFX reconfigurable module) into the loaded overlay: FPGA manager
    /// flags 1; the partial's IPs become reachable through `registers(for:)` / `mmio`.
    public func downloadPartial(_ image: OverlayImage) throws {
        guard state.withLock({ $0.loaded }) != nil else { throw BackendError.noOverlay(backend: "zynq \(name)") }
        let bin = try binImage(image)
        try FPGAManager(system: system).program(binName: binName(image), image: bin, partial: true)
        state.withLock { $0.partials.append(image) }
        try insertDeviceTree(besides: image)
    }

    private func binImage(_ image: OverlayImage) throws -> [UInt8] {
        do {
            return try Bitstream.read(bytes: image.bytes, source: image.path ?? "bitstream").binData()
        } catch {
            throw ZynqError.badBitstream(path: image.path, reason: "\(error)")
        }
    }

    private func binName(_ image: OverlayImage) -> String {
        image.path.map { OverlayFiles(bitstream: $0, hwh: nil, xclbin: nil, dtbo: nil).binName } ?? "overlay.bin"
    }

    /// The files beside bitstream `path` (pynq's `.hwh`, `.xclbin`, `.dtbo` lookup), under the root.
    public func companionFiles(ofBitstream path: String) -> OverlayFiles {
        OverlayFiles.locate(bitstream: path, system: system)
    }

    // MARK: PL clocks

    /// The family whose clock registers to use: the configuration's, the loaded overlay's, or this CPU's.
    private func family() throws -> ZynqFamily {
        if let family = configuration.family ?? state.withLock({ $0.loaded.flatMap { ZynqFamily.of($0.description) } }) ?? ZynqFamily.host {
            return family
        }
        throw ZynqError.unsupportedDesign(reason: "unknown Zynq family: load an overlay with a processing system or set Configuration.family")
    }

    /// Frequency of PL clock `index` (0-3) in MHz as the registers set it (pynq's `Clocks.fclkN_mhz`).
    public func plClockMHz(_ index: Int) throws -> Double {
        try family().plClockMHz(index, system: system)
    }

    /// Sets PL clock `index` (0-3) as close to `mhz` as two 6-bit divisors of its source PLL allow
    /// (pynq's `Clocks.set_pl_clk(index, clk_mhz=mhz)`).
    public func setPLClock(_ index: Int, mhz: Double) throws {
        guard (0...3).contains(index) else { throw ZynqError.badClock(index: index, reason: "valid PL clock indices are 0-3") }
        guard mhz > 0, mhz.isFinite else { throw ZynqError.badClock(index: index, reason: "\(mhz) MHz is not a frequency") }
        try PLClockSetting(index: index, target: .frequency(mhz: mhz)).write(family: try family(), system: system)
    }

    // MARK: Memory

    /// The CMA allocator, opened on first use.
    public func cmaAllocator() throws -> any CMAAllocator {
        try state.withLock { s in
            if let allocator = s.allocator { return allocator }
            let allocator = try openAllocator()
            s.allocator = allocator
            return allocator
        }
    }

    private func openAllocator() throws -> any CMAAllocator {
        switch configuration.allocator {
        case .udmabuf(let name):
            return try UDMABufAllocator(system: system, deviceName: name)
        case .xlnk(let abi, let method):
            return try XlnkAllocator(system: system, abi: abi, cacheMethod: method)
        case .automatic:
            if !UDMABufAllocator.deviceNames(system: system).isEmpty { return try UDMABufAllocator(system: system) }
            if system.exists(XlnkAllocator.devicePath) { return try XlnkAllocator(system: system) }
            throw ZynqError.noCMADevice(searched: [UDMABufAllocator.classPath + "/*", XlnkAllocator.devicePath])
        }
    }

    /// Allocates from CMA, i.e. in the processor's DDR: `memory` must be the loaded overlay's PS DDR bank
    /// (`PSDDR`, base address 0, index 0 in a HWH design), or 0 when no overlay is loaded (pynq allows
    /// allocating before any download). Banks in the programmable logic are `notAllocatable`.
    public func allocate(byteCount: Int, memory: Int, cacheable: Bool) throws -> any BackendAllocation {
        guard byteCount > 0 else { throw BackendError.invalidSize(requested: byteCount) }
        try checkMemory(memory)
        let allocator = try cmaAllocator()
        do {
            return try allocator.allocate(byteCount: byteCount, cacheable: cacheable, memoryIndex: memory)
        } catch ZynqError.outOfMemory(let name, let requested, let free) {
            let largest = (allocator as? UDMABufAllocator)?.free.largestBlock
            throw BackendError.outOfMemory(bank: name, requested: requested, free: free ?? 0,
                                           largestFree: largest.map(UInt64.init) ?? free ?? 0)
        }
    }

    private func checkMemory(_ memory: Int) throws {
        let memories = state.withLock { $0.loaded?.description.memories ?? [] }
        guard memory >= 0, memory < max(memories.count, 1) else {
            throw BackendError.noSuchMemory(index: memory, count: memories.count)
        }
        if memory < memories.count, memories[memory].baseAddress != 0 {
            throw BackendError.notAllocatable(
                bank: memories[memory].tag,
                reason: "it is memory in the programmable logic; CMA buffers live in the processor's DDR (PSDDR, memory 0)")
        }
    }

    /// This process's CMA buffers (pynq 2.x `cma_stats()` "CMA Memory Usage" / "Buffer Count").
    public func usage(memory: Int) throws -> MemoryUsage {
        try checkMemory(memory)
        let usage = state.withLock { $0.allocator?.usage } ?? CMAUsage(memUsed: 0, numBuffers: 0)
        return MemoryUsage(memUsed: usage.memUsed, numBuffers: usage.numBuffers, source: .accounting)
    }

    /// This process's CMA buffers, as one bank named `PSDDR` (the processor's DDR, memory 0), whatever
    /// memories the overlay lists (pynq's HWH `mem_dict` of a Zynq design is often empty).
    public func liveBuffers(of overlay: OverlayDescription) -> [(bank: String, count: Int)] {
        let count = state.withLock { $0.allocator?.usage.numBuffers ?? 0 }
        return count > 0 ? [("PSDDR", count)] : []
    }

    /// The kernel's CMA pool (`/proc/meminfo` CmaTotal, `/proc/vmstat` nr_free_cma).
    public var cmaPool: CMAPool { CMAPool.read(system) }

    // MARK: Registers

    /// Physical ranges the loaded overlay (and its partials) declare: IPs' `phys_addr ..+ addr_range`
    /// and memories other than the processor's DDR.
    public var declaredRanges: [(name: String, range: Range<UInt64>)] {
        let images = state.withLock { s in (s.loaded.map { [$0] } ?? []) + s.partials }
        var ranges: [(String, Range<UInt64>)] = []
        for image in images {
            for ip in image.description.ips where ip.addressRange > 0 {
                ranges.append((ip.name, ip.baseAddress..<(ip.baseAddress &+ ip.addressRange)))
            }
            for bank in image.description.memories where bank.size > 0 && bank.tag != "PSDDR" {
                ranges.append((bank.tag, bank.baseAddress..<(bank.baseAddress &+ bank.size)))
            }
        }
        return ranges
    }

    /// Maps `length` bytes of physical memory at `address` through `/dev/mem` (pynq's `MMIO`).
    /// - Parameter allowOutsideOverlay: map even when no IP or memory of the loaded overlay covers the
    ///   range (the processor's own registers, a design without metadata). Off by default: a stray
    ///   write to an unmapped physical address can hang the board.
    public func mmio(address: UInt64, length: Int, name: String? = nil, allowOutsideOverlay: Bool = false) throws -> PhysicalMemoryWindow {
        guard length > 0, address <= UInt64.max - UInt64(length) else {
            throw ZynqError.invalidRange(address: address, length: length)
        }
        let wanted = address..<(address + UInt64(length))
        let owner = declaredRanges.first { $0.range.lowerBound <= wanted.lowerBound && wanted.upperBound <= $0.range.upperBound }
        guard owner != nil || allowOutsideOverlay else { throw ZynqError.outsideOverlay(address: address, length: length) }
        return try PhysicalMemoryWindow(system: system, name: name ?? owner?.name ?? "0x" + String(address, radix: 16),
                                        baseAddress: address, length: length)
    }

    public func registers(for ip: IPBlock) throws -> any RegisterSpace {
        guard state.withLock({ $0.loaded }) != nil else { throw BackendError.noOverlay(backend: "zynq \(name)") }
        guard ip.addressRange > 0, ip.addressRange <= UInt64(Int.max) else {
            throw ZynqError.invalidRange(address: ip.baseAddress, length: Int(clamping: ip.addressRange))
        }
        return try mmio(address: ip.baseAddress, length: Int(ip.addressRange), name: ip.name)
    }

    public func start(_ ip: IPBlock, arguments: [Int: KernelArgumentValue]) throws -> any KernelRun {
        try startThroughRegisters(ip, arguments: arguments)
    }

    /// Forgets the loaded overlay and closes the allocator's descriptors once no buffer is live
    /// (live buffers keep it open; they can still be released).
    public func close() {
        let allocator: (any CMAAllocator)? = state.withLock { s in
            s.loaded = nil
            s.partials = []
            guard let allocator = s.allocator, allocator.usage.numBuffers == 0 else { return nil }
            s.allocator = nil
            return allocator
        }
        allocator?.close()
    }
}
