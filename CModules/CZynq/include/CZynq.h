// C side of the Zynq backend (Backends/Zynq): what only a C compiler for the target can say.
//
// 1. The /dev/xlnk ioctl ABI (linux-xlnx drivers/staging/apf: xlnk-ioctl.h, xlnk.h). Request numbers are
//    written with the kernel's own _IOWR macro and the argument structs with the kernel's layout rules, so
//    the compiler computes numbers, sizes and offsets for the architecture being built (armv7: 4-byte
//    `unsigned long`, aarch64: 8-byte). Nothing here is a hand-typed request number.
// 2. Data-cache maintenance by virtual address (aarch64 `dc cvac` / `dc civac`, line size from CTR_EL0).
// (Volatile register loads and stores are CMMIO's.)
#ifndef CZYNQ_H
#define CZYNQ_H

#include <linux/ioctl.h>
#include <stddef.h>
#include <stdint.h>

#define CZYNQ_XLNK_IOC_MAGIC 'X'

// MARK: xlnk request numbers (native: what this build's kernel expects)

/// XLNK_IOCRESET: `_IO('X', 0)`.
static inline unsigned long czynq_xlnk_ioc_reset(void) { return _IO(CZYNQ_XLNK_IOC_MAGIC, 0); }
/// XLNK_IOCALLOCBUF: `_IOWR('X', 2, unsigned long)`.
static inline unsigned long czynq_xlnk_ioc_allocbuf(void) { return _IOWR(CZYNQ_XLNK_IOC_MAGIC, 2, unsigned long); }
/// XLNK_IOCFREEBUF: `_IOWR('X', 3, unsigned long)`.
static inline unsigned long czynq_xlnk_ioc_freebuf(void) { return _IOWR(CZYNQ_XLNK_IOC_MAGIC, 3, unsigned long); }
/// XLNK_IOCCACHECTRL: `_IOWR('X', 24, unsigned long)`.
static inline unsigned long czynq_xlnk_ioc_cachectrl(void) { return _IOWR(CZYNQ_XLNK_IOC_MAGIC, 24, unsigned long); }
/// XLNK_IOCRECRES: `_IOWR('X', 101, unsigned long)` (frees every buffer of the driver).
static inline unsigned long czynq_xlnk_ioc_recres(void) { return _IOWR(CZYNQ_XLNK_IOC_MAGIC, 101, unsigned long); }

/// The xlnk request number `nr` as a kernel whose `unsigned long` is `long_size` bytes encodes it
/// (`_IOC(_IOC_READ|_IOC_WRITE, 'X', nr, long_size)`; the generic encoding ARM, arm64 and x86 share).
/// Lets tests on one machine check the numbers of the other ABIs.
static inline unsigned long czynq_xlnk_ioc_iowr_for_long_size(unsigned nr, unsigned long_size) {
    return _IOC(_IOC_READ | _IOC_WRITE, CZYNQ_XLNK_IOC_MAGIC, nr, long_size);
}
/// `_IO('X', nr)` (no argument size).
static inline unsigned long czynq_xlnk_ioc_io(unsigned nr) { return _IO(CZYNQ_XLNK_IOC_MAGIC, nr); }

// MARK: xlnk argument structs, new ABI (linux-xlnx >= 2017: packed, 64-bit addresses on every architecture)

/// `allocbuf` of the new `union xlnk_args`: 17 bytes, packed.
typedef struct __attribute__((packed)) czynq_xlnk_allocbuf {
    uint32_t len;
    int32_t id;        // out: buffer id (mmap offset id << 16)
    uint64_t phyaddr;  // out: physical address
    uint8_t cacheable;
} czynq_xlnk_allocbuf;

/// `freebuf` of the new ABI: 12 bytes, packed.
typedef struct __attribute__((packed)) czynq_xlnk_freebuf {
    uint32_t id;
    uint64_t buf;
} czynq_xlnk_freebuf;

/// `dmabuf` of the new ABI: 12 bytes, packed.
typedef struct __attribute__((packed)) czynq_xlnk_dmabuf {
    int32_t dmabuf_fd;
    uint64_t user_addr;
} czynq_xlnk_dmabuf;

/// `cachecontrol` of the new ABI: 16 bytes, packed. `action` 0 = flush (clean), 1 = invalidate.
typedef struct __attribute__((packed)) czynq_xlnk_cachecontrol {
    uint64_t phys_addr;
    uint32_t size;
    int32_t action;
} czynq_xlnk_cachecontrol;

/// `memop` of the new ABI: 36 bytes, packed.
typedef struct __attribute__((packed)) czynq_xlnk_memop {
    uint64_t virt_addr;
    int32_t size;
    int32_t dir;
    int32_t flags;
    uint64_t phys_addr;
    uint64_t token;
} czynq_xlnk_memop;

/// Size of the zeroed argument block passed with every request. The kernel copies
/// `sizeof(union xlnk_args)` bytes in and out, which is larger than any member used here (its
/// dmasubmit/irqregister members), so the block must be at least that big: 256 bytes is.
#define CZYNQ_XLNK_ARGS_SIZE 256

/// The new-ABI `union xlnk_args`, padded to `CZYNQ_XLNK_ARGS_SIZE`.
typedef union czynq_xlnk_args {
    czynq_xlnk_allocbuf allocbuf;
    czynq_xlnk_freebuf freebuf;
    czynq_xlnk_dmabuf dmabuf;
    czynq_xlnk_cachecontrol cachecontrol;
    czynq_xlnk_memop memop;
    uint8_t raw[CZYNQ_XLNK_ARGS_SIZE];
} czynq_xlnk_args;

// MARK: xlnk argument structs, old ABI (≈2016: natural alignment, user pointers for the outputs)

/// `allocbuf` of the old ABI: the kernel stores the id and the (32-bit) physical address through the
/// two pointers. mmap offset is `id << 24`.
typedef struct czynq_xlnk_legacy_allocbuf {
    unsigned int len;
    unsigned int *idptr;
    unsigned int *phyaddrptr;
    unsigned int cacheable;
} czynq_xlnk_legacy_allocbuf;

/// `freebuf` of the old ABI.
typedef struct czynq_xlnk_legacy_freebuf {
    unsigned int id;
    void *buf;
} czynq_xlnk_legacy_freebuf;

/// `cachecontrol` of the old ABI.
typedef struct czynq_xlnk_legacy_cachecontrol {
    void *phys_addr;
    int size;
    int action;
} czynq_xlnk_legacy_cachecontrol;

/// The old-ABI `union xlnk_args`, padded to `CZYNQ_XLNK_ARGS_SIZE`.
typedef union czynq_xlnk_legacy_args {
    czynq_xlnk_legacy_allocbuf allocbuf;
    czynq_xlnk_legacy_freebuf freebuf;
    czynq_xlnk_legacy_cachecontrol cachecontrol;
    uint8_t raw[CZYNQ_XLNK_ARGS_SIZE];
} czynq_xlnk_legacy_args;

/// Byte offsets of the fields Swift reads and writes, as this compiler lays them out.
typedef struct czynq_xlnk_layout {
    size_t allocbuf_size, allocbuf_len, allocbuf_id, allocbuf_phyaddr, allocbuf_cacheable;
    size_t freebuf_size, freebuf_id, freebuf_buf;
    size_t dmabuf_size;
    size_t cachecontrol_size, cachecontrol_phys_addr, cachecontrol_size_field, cachecontrol_action;
    size_t memop_size;
    size_t args_size;
    size_t legacy_allocbuf_size, legacy_allocbuf_idptr, legacy_allocbuf_phyaddrptr, legacy_allocbuf_cacheable;
    size_t legacy_freebuf_size, legacy_cachecontrol_size, legacy_cachecontrol_action;
} czynq_xlnk_layout;

/// Sizes and offsets of the xlnk structs for this build (`sizeof` / `offsetof`).
czynq_xlnk_layout czynq_xlnk_struct_layout(void);

// MARK: data-cache maintenance

/// What `czynq_dcache_maintain` did.
typedef enum czynq_cache_result {
    /// The range was cleaned / cleaned and invalidated by instructions in user space.
    CZYNQ_CACHE_DONE = 0,
    /// Nothing: this architecture has no user-space cache maintenance (armv7 needs the kernel —
    /// the xlnk CACHECTRL ioctl or u-dma-buf's sync files; x86 DMA is cache-coherent, and there is no
    /// Zynq on x86). The caller must use a kernel interface.
    CZYNQ_CACHE_UNSUPPORTED = 1,
} czynq_cache_result;

/// Which maintenance to do.
typedef enum czynq_cache_op {
    /// Write dirty lines back to memory (before the device reads): `dc cvac`.
    CZYNQ_CACHE_CLEAN = 0,
    /// Write back and drop the lines (before the host reads what the device wrote): `dc civac`.
    /// Plain invalidation (`dc ivac`) is an EL1-only instruction — from user space it raises SIGILL —
    /// and would also lose dirty bytes sharing a line with the range, so clean+invalidate is used.
    CZYNQ_CACHE_CLEAN_INVALIDATE = 1,
} czynq_cache_op;

/// Smallest data-cache line in bytes (CTR_EL0.DminLine) on aarch64, 0 elsewhere.
size_t czynq_dcache_line_size(void);

/// Cleans (or cleans and invalidates) every data-cache line that overlaps `[addr, addr + size)`,
/// followed by `dsb sy`. Returns `CZYNQ_CACHE_UNSUPPORTED` without touching anything where user space
/// cannot do it.
czynq_cache_result czynq_dcache_maintain(void *addr, size_t size, czynq_cache_op op);

#endif
