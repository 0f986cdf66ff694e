import CZynq
import Foundation
import PynqBackend
import Synchronization
@testable import PynqZynq

#if canImport(Glibc)
import Glibc
#endif

/// A temporary folder laid out like a PYNQ board's file system, for the Zynq backend's real code.
final class FakeTree: Sendable {
    let root: URL

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("zynq-\(UUID().uuidString)")
        for dir in ["dev", "proc", "lib/firmware", "sys/class/fpga_manager/fpga0", "sys/class/u-dma-buf",
                    "sys/kernel/config/device-tree/overlays"] {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(dir), withIntermediateDirectories: true)
        }
        try write("/proc/meminfo", "MemTotal:         509368 kB\nCmaTotal:         131072 kB\nCmaFree:          120000 kB\n")
        try write("/proc/vmstat", "nr_free_pages 1000\nnr_free_cma 30000\nnr_zone_inactive_anon 12\n")
        try write("/sys/class/fpga_manager/fpga0/firmware", "")
        try write("/sys/class/fpga_manager/fpga0/flags", "0")
        try write("/sys/class/fpga_manager/fpga0/state", "operating")
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    func url(_ path: String) -> URL { root.appendingPathComponent(String(path.dropFirst())) }

    func write(_ path: String, _ text: String) throws {
        try Data(text.utf8).write(to: url(path))
    }

    func text(_ path: String) throws -> String { try String(contentsOf: url(path), encoding: .utf8) }

    func bytes(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: url(path))) }

    /// Creates (sparse) file `path` of `size` bytes.
    func makeFile(_ path: String, size: Int64) throws {
        _ = FileManager.default.createFile(atPath: url(path).path, contents: nil)
        let fd = Glibc.open(url(path).path, O_RDWR)
        defer { Glibc.close(fd) }
        guard ftruncate(fd, off_t(size)) == 0 else { throw SyscallFailure(errno) }
    }

    /// `count` bytes of file `path` at `offset`.
    func bytes(_ path: String, at offset: Int64, count: Int) throws -> [UInt8] {
        let handle = try FileHandle(forReadingFrom: url(path))
        defer { try? handle.close() }
        try handle.seek(toOffset: UInt64(offset))
        return [UInt8](try handle.read(upToCount: count) ?? Data())
    }

    /// A u-dma-buf region `name` of `size` bytes at physical `base`.
    func addUDMABuf(_ name: String, base: UInt64, size: Int, syncMode: Int? = 1, dmaCoherent: Bool = false) throws {
        let dir = "/sys/class/u-dma-buf/" + name
        try FileManager.default.createDirectory(at: url(dir), withIntermediateDirectories: true)
        try write(dir + "/phys_addr", String(format: "0x%016llx\n", base))
        try write(dir + "/size", "\(size)\n")
        if let syncMode { try write(dir + "/sync_mode", "\(syncMode)\n") }
        try write(dir + "/dma_coherent", dmaCoherent ? "1\n" : "0\n")
        for attr in ["sync_offset", "sync_size", "sync_direction", "sync_for_cpu", "sync_for_device"] {
            try write(dir + "/" + attr, "0\n")
        }
        try makeFile("/dev/" + name, size: Int64(size))
    }
}

/// Records calls and injects failures; shared by the hooks of one test.
final class CallLog: Sendable {
    struct Entry: Sendable, Hashable {
        var call: String
        var path: String
        var detail: String
    }
    private let entries = Mutex<[Entry]>([])
    /// Failures to inject: call name (`open /dev/mem`, `ioctl XLNK_IOCALLOCBUF`, `mmap /dev/xlnk`, `write <path>`) → errno.
    private let failures = Mutex<[String: Int32]>([:])

    func record(_ call: String, _ path: String, _ detail: String = "") {
        entries.withLock { $0.append(Entry(call: call, path: path, detail: detail)) }
    }
    var all: [Entry] { entries.withLock { $0 } }
    func calls(_ call: String) -> [Entry] { all.filter { $0.call == call } }

    func fail(_ key: String, with code: Int32) { failures.withLock { $0[key] = code } }
    func clearFailure(_ key: String) { failures.withLock { _ = $0.removeValue(forKey: key) } }
    func check(_ key: String) throws(SyscallFailure) {
        if let code = failures.withLock({ $0[key] }) { throw SyscallFailure(code) }
    }
}

/// An in-process stand-in for the kernel's `/dev/xlnk` driver: ALLOCBUF carves buffers out of a
/// backing file that plays physical CMA memory, mmap at `id << shift` maps that part of the file,
/// FREEBUF / CACHECTRL / RECRES check ids and physical addresses as the kernel does.
final class FakeXlnkDriver: @unchecked Sendable {
    // @unchecked: `backingFD` and the constants are immutable; `state` is a Mutex.
    struct Buffer: Sendable { var physical: UInt64; var length: Int; var cacheable: Bool }
    struct State: Sendable {
        var nextID: Int32 = 1
        var buffers: [Int32: Buffer] = [:]
        var blocks: RangeAllocator
    }

    let cmaBase: UInt64
    let poolSize: Int
    let abi: XlnkABI
    let tree: FakeTree
    let log: CallLog
    private let backingFD: Int32
    private let state: Mutex<State>

    init(tree: FakeTree, log: CallLog, abi: XlnkABI = .packed, cmaBase: UInt64 = 0x3000_0000, poolSize: Int = 1 << 20) throws {
        self.tree = tree
        self.log = log
        self.abi = abi
        self.cmaBase = cmaBase
        self.poolSize = poolSize
        try tree.makeFile("/dev/xlnk", size: 0)
        try tree.makeFile("/cma-memory", size: Int64(poolSize))
        backingFD = Glibc.open(tree.url("/cma-memory").path, O_RDWR)
        state = Mutex(State(blocks: RangeAllocator(size: UInt64(poolSize), alignment: 4096)))
        try updateVMStat()
    }

    deinit { Glibc.close(backingFD) }

    var liveBuffers: [Int32: Buffer] { state.withLock { $0.buffers } }

    private func updateVMStat() throws {
        let free = state.withLock { $0.blocks.freeBytes } / 4096
        try tree.write("/proc/vmstat", "nr_free_pages 1000\nnr_free_cma \(free)\n")
    }

    func ioctl(_ fd: Int32, _ path: String, _ request: UInt, _ argument: UnsafeMutableRawPointer) throws(SyscallFailure) -> Int32? {
        guard path == "/dev/xlnk" else { return nil }
        switch request {
        case czynq_xlnk_ioc_allocbuf():
            try log.check("ioctl XLNK_IOCALLOCBUF")
            let (length, cacheable): (Int, Bool)
            if abi == .packed {
                let args = argument.assumingMemoryBound(to: czynq_xlnk_args.self)
                (length, cacheable) = (Int(args.pointee.allocbuf.len), args.pointee.allocbuf.cacheable != 0)
            } else {
                let args = argument.assumingMemoryBound(to: czynq_xlnk_legacy_args.self)
                (length, cacheable) = (Int(args.pointee.allocbuf.len), args.pointee.allocbuf.cacheable != 0)
            }
            let result = state.withLock { s -> (Int32, UInt64)? in
                guard let offset = s.blocks.allocate(UInt64(length))?.offset else { return nil }
                let id = s.nextID
                s.nextID += 1
                s.buffers[id] = Buffer(physical: cmaBase + UInt64(offset), length: length, cacheable: cacheable)
                return (id, cmaBase + UInt64(offset))
            }
            guard let (id, physical) = result else { throw SyscallFailure(ENOMEM) }
            try? updateVMStat()
            log.record("ALLOCBUF", path, "id=\(id) len=\(length) cacheable=\(cacheable)")
            if abi == .packed {
                let args = argument.assumingMemoryBound(to: czynq_xlnk_args.self)
                args.pointee.allocbuf.id = id
                args.pointee.allocbuf.phyaddr = physical
            } else {
                let args = argument.assumingMemoryBound(to: czynq_xlnk_legacy_args.self)
                args.pointee.allocbuf.idptr.pointee = UInt32(id)
                args.pointee.allocbuf.phyaddrptr.pointee = UInt32(physical)
            }
            return 0
        case czynq_xlnk_ioc_freebuf():
            try log.check("ioctl XLNK_IOCFREEBUF")
            let id = abi == .packed
                ? Int32(bitPattern: argument.assumingMemoryBound(to: czynq_xlnk_args.self).pointee.freebuf.id)
                : Int32(bitPattern: argument.assumingMemoryBound(to: czynq_xlnk_legacy_args.self).pointee.freebuf.id)
            let freed = state.withLock { s -> Bool in
                guard let buffer = s.buffers.removeValue(forKey: id) else { return false }
                s.blocks.release(offset: buffer.physical - cmaBase)
                return true
            }
            guard freed else { throw SyscallFailure(EINVAL) }
            try? updateVMStat()
            log.record("FREEBUF", path, "id=\(id)")
            return 0
        case czynq_xlnk_ioc_cachectrl():
            try log.check("ioctl XLNK_IOCCACHECTRL")
            let (physical, size, action): (UInt64, UInt32, Int32)
            if abi == .packed {
                let c = argument.assumingMemoryBound(to: czynq_xlnk_args.self).pointee.cachecontrol
                (physical, size, action) = (c.phys_addr, c.size, c.action)
            } else {
                let c = argument.assumingMemoryBound(to: czynq_xlnk_legacy_args.self).pointee.cachecontrol
                (physical, size, action) = (UInt64(UInt(bitPattern: c.phys_addr)), UInt32(c.size), c.action)
            }
            // The kernel accepts only addresses inside a buffer it allocated.
            let known = state.withLock { s in
                s.buffers.values.contains { physical >= $0.physical && physical + UInt64(size) <= $0.physical + UInt64($0.length) }
            }
            guard known else { throw SyscallFailure(EINVAL) }
            log.record("CACHECTRL", path, "phys=0x\(String(physical, radix: 16)) size=\(size) action=\(action)")
            return 0
        case czynq_xlnk_ioc_recres():
            state.withLock { s in
                for buffer in s.buffers.values { s.blocks.release(offset: buffer.physical - cmaBase) }
                s.buffers = [:]
            }
            log.record("RECRES", path)
            return 0
        default:
            throw SyscallFailure(ENOTTY)
        }
    }

    func mmap(_ fd: Int32, _ path: String, _ length: Int, _ protection: Int32, _ flags: Int32, _ offset: Int64) throws(SyscallFailure) -> UnsafeMutableRawPointer? {
        guard path == "/dev/xlnk" else { return nil }
        try log.check("mmap /dev/xlnk")
        let id = Int32(offset >> abi.mmapShift)
        guard offset & ((1 << abi.mmapShift) - 1) == 0, let buffer = liveBuffers[id],
              length <= (buffer.length + 4095) & ~4095 else { throw SyscallFailure(EINVAL) }
        let p = Glibc.mmap(nil, length, protection, flags, backingFD, off_t(buffer.physical - cmaBase))
        guard let p, p != MAP_FAILED else { throw SyscallFailure(errno) }
        log.record("mmap", path, "id=\(id) cached=\(buffer.cacheable)")
        return p
    }
}

/// A fake board: tree, call log, xlnk driver and a `SystemInterface` wired to them.
struct FakeBoard {
    let tree: FakeTree
    let log: CallLog
    let xlnk: FakeXlnkDriver
    let system: SystemInterface

    init(abi: XlnkABI = .packed, poolSize: Int = 1 << 20, uid: UInt32 = 0) throws {
        let tree = try FakeTree()
        let log = CallLog()
        let xlnk = try FakeXlnkDriver(tree: tree, log: log, abi: abi, poolSize: poolSize)
        var hooks = SyscallHooks()
        hooks.open = { path, flags throws(SyscallFailure) in
            try log.check("open " + path)
            log.record("open", path, "flags=\(flags)")
            return nil
        }
        hooks.ioctl = { fd, path, request, argument throws(SyscallFailure) in try xlnk.ioctl(fd, path, request, argument) }
        hooks.mmap = { fd, path, length, protection, flags, offset throws(SyscallFailure) in
            try log.check("mmap " + path)
            return try xlnk.mmap(fd, path, length, protection, flags, offset)
        }
        hooks.write = { fd, path, bytes throws(SyscallFailure) in
            try log.check("write " + path)
            log.record("write", path, String(decoding: bytes.prefix(64), as: UTF8.self))
            // configfs: the kernel applies a device-tree overlay when its blob is written (unless a
            // test makes it refuse with `fail("apply dtbo", …)`).
            if path.hasPrefix(DeviceTreeOverlay.overlaysPath), path.hasSuffix("/dtbo"), (try? log.check("apply dtbo")) != nil {
                try? tree.write(String(path.dropLast(5)) + "/status", "applied\n")
            }
            return nil
        }
        hooks.removeDirectory = { path throws(SyscallFailure) in
            guard path.hasPrefix(DeviceTreeOverlay.overlaysPath) else { return nil }
            log.record("rmdir", path)
            do { try FileManager.default.removeItem(at: tree.url(path)) } catch { throw SyscallFailure(ENOENT) }
            return true
        }
        hooks.geteuid = { uid }
        hooks.pageSize = 4096
        self.tree = tree
        self.log = log
        self.xlnk = xlnk
        self.system = SystemInterface(root: tree.root.path, hooks: hooks)
    }

    /// Whether every descriptor and mapping made through the system interface is gone.
    var nothingLeaked: Bool { system.openDescriptors.isEmpty && system.liveMappings.isEmpty }
}

extension FakeTree {
    /// A sparse 4 GiB `/dev/mem`: reads and writes at physical address A land at file offset A. The PS
    /// PLLs are set up as on a board: Zynq-7000 IO PLL ×20 (1000 MHz from 50 MHz), ARM PLL ×40,
    /// DDR PLL ×32; UltraScale+ IOPLL ×45 (1500 MHz from 33.333 MHz), RPLL ×72 / 2, DPLL ×64.
    func addDevMem() throws {
        try makeFile("/dev/mem", size: 1 << 32)
        try setWord(20 << 12, at: 0xF800_0108)
        try setWord(40 << 12, at: 0xF800_0100)
        try setWord(32 << 12, at: 0xF800_0104)
        try setWord(45 << 8, at: 0xFF5E_0020)
        try setWord(72 << 8 | 1 << 16, at: 0xFF5E_0030)
        try setWord(64 << 8, at: 0xFD1A_002C)
    }

    /// The 32-bit little-endian word at physical `address` of the fake `/dev/mem`.
    func word(at address: UInt64) throws -> UInt32 {
        let b = try bytes("/dev/mem", at: Int64(address), count: 4)
        return UInt32(b[0]) | UInt32(b[1]) << 8 | UInt32(b[2]) << 16 | UInt32(b[3]) << 24
    }

    func setWord(_ value: UInt32, at address: UInt64) throws {
        let handle = try FileHandle(forWritingTo: url("/dev/mem"))
        defer { try? handle.close() }
        try handle.seek(toOffset: address)
        try handle.write(contentsOf: withUnsafeBytes(of: value.littleEndian) { Data($0) })
    }
}
