import CZynq
import Testing

/// The xlnk request numbers and struct layouts that the C compiler computes, checked against the
/// table in pynq-reference.md §4.2 (linux-xlnx xlnk-ioctl.h / xlnk.h).
@Suite struct CZynqABITests {
    // (name, nr, armv7 value, aarch64 value) from the reference table.
    static let table: [(String, UInt32, UInt, UInt)] = [
        ("XLNK_IOCALLOCBUF", 2, 0xC004_5802, 0xC008_5802),
        ("XLNK_IOCFREEBUF", 3, 0xC004_5803, 0xC008_5803),
        ("XLNK_IOCCACHECTRL", 24, 0xC004_5818, 0xC008_5818),
        ("XLNK_IOCRECRES", 101, 0xC004_5865, 0xC008_5865),
    ]

    @Test func requestNumbersForArmv7AndAarch64() {
        for (name, nr, armv7, aarch64) in Self.table {
            #expect(czynq_xlnk_ioc_iowr_for_long_size(nr, 4) == armv7, "\(name) armv7")
            #expect(czynq_xlnk_ioc_iowr_for_long_size(nr, 8) == aarch64, "\(name) aarch64")
        }
        #expect(czynq_xlnk_ioc_reset() == 0x5800)
        #expect(czynq_xlnk_ioc_io(0) == 0x5800)
    }

    @Test func nativeRequestNumbersMatchThisArchitecture() {
        let longSize = UInt32(MemoryLayout<CUnsignedLong>.size)
        let native = [czynq_xlnk_ioc_allocbuf(), czynq_xlnk_ioc_freebuf(), czynq_xlnk_ioc_cachectrl(), czynq_xlnk_ioc_recres()]
        #expect(native == Self.table.map { czynq_xlnk_ioc_iowr_for_long_size($0.1, longSize) })
        #if arch(x86_64) || arch(arm64)
        // 8-byte long: the same encoding as aarch64.
        #expect(native == Self.table.map(\.3))
        #elseif arch(arm)
        #expect(native == Self.table.map(\.2))
        #endif
    }

    @Test func packedStructLayout() {
        let l = czynq_xlnk_struct_layout()
        #expect(l.allocbuf_size == 17)
        #expect([l.allocbuf_len, l.allocbuf_id, l.allocbuf_phyaddr, l.allocbuf_cacheable] == [0, 4, 8, 16])
        #expect(l.freebuf_size == 12)
        #expect([l.freebuf_id, l.freebuf_buf] == [0, 4])
        #expect(l.dmabuf_size == 12)
        #expect(l.cachecontrol_size == 16)
        #expect([l.cachecontrol_phys_addr, l.cachecontrol_size_field, l.cachecontrol_action] == [0, 8, 12])
        #expect(l.memop_size == 36)
        #expect(l.args_size == 256)
        #expect(MemoryLayout<czynq_xlnk_args>.size == 256)
        #expect(MemoryLayout<czynq_xlnk_allocbuf>.size == 17)
    }

    @Test func legacyStructLayoutFollowsPointerSize() {
        let l = czynq_xlnk_struct_layout()
        let p = MemoryLayout<UnsafeRawPointer>.size
        // unsigned len; unsigned *idptr; unsigned *phyaddrptr; unsigned cacheable — natural alignment.
        #expect(l.legacy_allocbuf_idptr == p)
        #expect(l.legacy_allocbuf_phyaddrptr == 2 * p)
        #expect(l.legacy_allocbuf_cacheable == 3 * p)
        #expect(l.legacy_allocbuf_size == (p == 8 ? 32 : 16))
        #expect(l.legacy_freebuf_size == 2 * p)
        #expect(l.legacy_cachecontrol_action == p + 4)
        #expect(l.legacy_cachecontrol_size == (p == 8 ? 16 : 12))
    }

    @Test func cacheMaintenanceReportsWhatItDid() {
        var bytes = [UInt8](repeating: 1, count: 300)
        let result = bytes.withUnsafeMutableBytes { czynq_dcache_maintain($0.baseAddress, $0.count, CZYNQ_CACHE_CLEAN) }
        let result2 = bytes.withUnsafeMutableBytes {
            czynq_dcache_maintain($0.baseAddress! + 3, 200, CZYNQ_CACHE_CLEAN_INVALIDATE)
        }
        #if arch(arm64)
        let line = czynq_dcache_line_size()
        #expect(line >= 16 && line & (line - 1) == 0)
        #expect(result == CZYNQ_CACHE_DONE && result2 == CZYNQ_CACHE_DONE)
        #else
        #expect(czynq_dcache_line_size() == 0)
        #expect(result == CZYNQ_CACHE_UNSUPPORTED && result2 == CZYNQ_CACHE_UNSUPPORTED)
        #endif
        #expect(bytes.allSatisfy { $0 == 1 })
    }
}
