/// The kernel's contiguous memory allocator pool, as `/proc` reports it (pynq 2.x `Xlnk.cma_stats()`
/// and `cma_mem_size()`).
public struct CMAPool: Sendable, Hashable {
    /// `CmaTotal` of `/proc/meminfo` in bytes, when the kernel reports it.
    public var totalBytes: UInt64?
    /// `nr_free_cma` of `/proc/vmstat` × page size, when the kernel reports it.
    public var freeBytes: UInt64?

    /// Reads both figures; a missing file or line leaves its figure `nil`.
    public static func read(_ system: SystemInterface) -> CMAPool {
        var pool = CMAPool()
        if let vmstat = try? system.readFile("/proc/vmstat"),
           let pages = field(named: "nr_free_cma", in: vmstat) {
            pool.freeBytes = pages * UInt64(system.pageSize)
        }
        if let meminfo = try? system.readFile("/proc/meminfo"),
           let kib = field(named: "CmaTotal:", in: meminfo) {
            pool.totalBytes = kib * 1024
        }
        return pool
    }

    /// The number after `name` on the line that starts with it (`nr_free_cma 1234`, `CmaTotal: 262144 kB`).
    static func field(named name: String, in bytes: [UInt8]) -> UInt64? {
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if words.count >= 2, words[0] == name { return UInt64(words[1]) }
        }
        return nil
    }
}
