// Zynq benchmarks (BENCHMARKS.md, "Zynq"): what the Zynq backend's layers add to the system calls and
// memory accesses they make, measured against a fake board in a temporary folder (regular files stand
// in for /dev/udmabuf0 and /dev/mem, so the kernel work is the page cache's, not a board's). Median over
// rounds of the time per operation in batches. Prints one line per measurement: <name> <ns per op>.
//   raw_mmio_rw:      cmmio_store32 + cmmio_load32 on a page mapped with mmap
//   window_mmio_rw:   PhysicalMemoryWindow.write32 + read32 (bounds and alignment checks included)
//   raw_alloc_4KiB:   open + mmap(4 KiB) + close + munmap of the u-dma-buf device file
//   backend_alloc_4KiB: ZynqBackend.allocate(4 KiB, cacheable: true) + release() (u-dma-buf allocator)
//   raw_sync_4KiB:    the four sysfs writes of a u-dma-buf flush (sync_offset, sync_size, sync_direction,
//                     sync_for_device), each open + write + close, here into tmpfs files
//   backend_sync_4KiB: BackendAllocation.sync(.toDevice) of 4 KiB (the same four writes)
import BenchSupport
import CMMIO
import Foundation
import PynqZynq

#if canImport(Glibc)
import Glibc
#endif

func makeFile(_ path: String, size: Int64, contents: String? = nil) throws {
    if let contents {
        try Data(contents.utf8).write(to: URL(fileURLWithPath: path))
        return
    }
    let fd = open(path, O_RDWR | O_CREAT, 0o644)
    defer { close(fd) }
    guard fd >= 0, ftruncate(fd, off_t(size)) == 0 else { throw CocoaError(.fileWriteUnknown) }
}

let rounds = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 41 : 41
// tmpfs when there is one: like sysfs it has no write-back, while ext4 flushes truncated-and-rewritten
// files on close (auto_da_alloc), which would make each sysfs-style write cost milliseconds.
let scratch = FileManager.default.fileExists(atPath: "/dev/shm") ? URL(fileURLWithPath: "/dev/shm") : FileManager.default.temporaryDirectory
let root = scratch.appendingPathComponent("zynq-bench-\(getpid())").path
defer { try? FileManager.default.removeItem(atPath: root) }

do {
    let sysfs = root + "/sys/class/u-dma-buf/udmabuf0"
    for dir in ["/dev", "/sys/class/u-dma-buf/udmabuf0", "/sys/class/fpga_manager/fpga0"] {
        try FileManager.default.createDirectory(atPath: root + dir, withIntermediateDirectories: true)
    }
    try makeFile(root + "/dev/udmabuf0", size: 16 << 20)
    try makeFile(root + "/dev/mem", size: 1 << 32)
    try makeFile(sysfs + "/phys_addr", size: 0, contents: "0x38000000\n")
    try makeFile(sysfs + "/size", size: 0, contents: "\(16 << 20)\n")
    for attribute in ["sync_mode", "dma_coherent", "sync_offset", "sync_size", "sync_direction", "sync_for_cpu", "sync_for_device"] {
        try makeFile(sysfs + "/" + attribute, size: 0, contents: attribute == "sync_mode" ? "1\n" : "0\n")
    }

    // Register access.
    let memFD = open(root + "/dev/mem", O_RDWR | O_SYNC)
    let page = mmap(nil, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, memFD, 0x4040_0000)!
    close(memFD)
    var sink: UInt32 = 0
    report("raw_mmio_rw", medianNanoseconds(rounds: rounds, batch: 100_000) {
        cmmio_store32(page + 0x40, sink &+ 1)
        sink = cmmio_load32(page + 0x40)
    })
    munmap(page, 4096)
    let system = SystemInterface(root: root)
    let window = try PhysicalMemoryWindow(system: system, name: "bench", baseAddress: 0x4040_0000, length: 0x10000)
    report("window_mmio_rw", try medianNanoseconds(rounds: rounds, batch: 100_000) {
        try window.write32(offset: 0x40, sink &+ 1)
        sink = try window.read32(offset: 0x40)
    })
    window.unmap()

    // Allocation.
    let device = root + "/dev/udmabuf0"
    report("raw_alloc_4KiB", medianNanoseconds(rounds: rounds, batch: 1000) {
        let fd = open(device, O_RDWR | O_CLOEXEC)
        let p = mmap(nil, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)
        close(fd)
        munmap(p, 4096)
    })
    let syncWrites = [("sync_offset", "0"), ("sync_size", "4096"), ("sync_direction", "1"), ("sync_for_device", "1")]
    report("raw_sync_4KiB", medianNanoseconds(rounds: rounds, batch: 1000) {
        for (attribute, value) in syncWrites {
            let fd = open(sysfs + "/" + attribute, O_WRONLY | O_TRUNC | O_CLOEXEC)
            _ = value.withCString { write(fd, $0, strlen($0)) }
            close(fd)
        }
    })
    let backend = ZynqBackend(configuration: .init(system: system, allocator: .udmabuf(nil)))
    report("backend_alloc_4KiB", try medianNanoseconds(rounds: rounds, batch: 1000) {
        try backend.allocate(byteCount: 4096, memory: 0, cacheable: true).release()
    })
    let allocation = try backend.allocate(byteCount: 4096, memory: 0, cacheable: true)
    report("backend_sync_4KiB", try medianNanoseconds(rounds: rounds, batch: 1000) {
        try allocation.sync(.toDevice, offset: 0, length: 4096)
    })
    allocation.release()
    if sink == 0x5A5A_5A5A { print("") }  // keep the loads alive
} catch {
    FileHandle.standardError.write(Data("ZynqBench: \(error)\n".utf8))
    exit(1)
}
