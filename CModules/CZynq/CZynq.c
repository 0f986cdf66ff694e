// Out-of-line parts of CZynq.h: struct layout queries and cache maintenance.
#include "CZynq.h"

czynq_xlnk_layout czynq_xlnk_struct_layout(void) {
    czynq_xlnk_layout l;
    l.allocbuf_size = sizeof(czynq_xlnk_allocbuf);
    l.allocbuf_len = offsetof(czynq_xlnk_allocbuf, len);
    l.allocbuf_id = offsetof(czynq_xlnk_allocbuf, id);
    l.allocbuf_phyaddr = offsetof(czynq_xlnk_allocbuf, phyaddr);
    l.allocbuf_cacheable = offsetof(czynq_xlnk_allocbuf, cacheable);
    l.freebuf_size = sizeof(czynq_xlnk_freebuf);
    l.freebuf_id = offsetof(czynq_xlnk_freebuf, id);
    l.freebuf_buf = offsetof(czynq_xlnk_freebuf, buf);
    l.dmabuf_size = sizeof(czynq_xlnk_dmabuf);
    l.cachecontrol_size = sizeof(czynq_xlnk_cachecontrol);
    l.cachecontrol_phys_addr = offsetof(czynq_xlnk_cachecontrol, phys_addr);
    l.cachecontrol_size_field = offsetof(czynq_xlnk_cachecontrol, size);
    l.cachecontrol_action = offsetof(czynq_xlnk_cachecontrol, action);
    l.memop_size = sizeof(czynq_xlnk_memop);
    l.args_size = sizeof(czynq_xlnk_args);
    l.legacy_allocbuf_size = sizeof(czynq_xlnk_legacy_allocbuf);
    l.legacy_allocbuf_idptr = offsetof(czynq_xlnk_legacy_allocbuf, idptr);
    l.legacy_allocbuf_phyaddrptr = offsetof(czynq_xlnk_legacy_allocbuf, phyaddrptr);
    l.legacy_allocbuf_cacheable = offsetof(czynq_xlnk_legacy_allocbuf, cacheable);
    l.legacy_freebuf_size = sizeof(czynq_xlnk_legacy_freebuf);
    l.legacy_cachecontrol_size = sizeof(czynq_xlnk_legacy_cachecontrol);
    l.legacy_cachecontrol_action = offsetof(czynq_xlnk_legacy_cachecontrol, action);
    return l;
}

size_t czynq_dcache_line_size(void) {
#if defined(__aarch64__)
    uint64_t ctr;
    __asm__ volatile("mrs %0, ctr_el0" : "=r"(ctr));
    // DminLine, bits [19:16]: log2 of the number of 4-byte words in the smallest data-cache line.
    return (size_t)4 << ((ctr >> 16) & 0xF);
#else
    return 0;
#endif
}

czynq_cache_result czynq_dcache_maintain(void *addr, size_t size, czynq_cache_op op) {
#if defined(__aarch64__)
    if (size == 0) return CZYNQ_CACHE_DONE;
    const uintptr_t line = czynq_dcache_line_size();
    uintptr_t p = (uintptr_t)addr & ~(line - 1);
    const uintptr_t end = (uintptr_t)addr + size;
    __asm__ volatile("dsb sy" ::: "memory");
    if (op == CZYNQ_CACHE_CLEAN) {
        for (; p < end; p += line) __asm__ volatile("dc cvac, %0" ::"r"(p) : "memory");
    } else {
        for (; p < end; p += line) __asm__ volatile("dc civac, %0" ::"r"(p) : "memory");
    }
    __asm__ volatile("dsb sy" ::: "memory");
    return CZYNQ_CACHE_DONE;
#else
    (void)addr;
    (void)size;
    (void)op;
    return CZYNQ_CACHE_UNSUPPORTED;
#endif
}
