// Compile-time proof that the function pointer types CXRT and CUdev declare are the ones XRT's and
// libudev's headers declare. Each check is a _Static_assert, so a mismatch fails the build; the
// exported counters tell the Swift test how many checks ran (-1: header absent, nothing checked).
#include "CHeaderChecks.h"
#include "CXRT.h"
#include "CUdev.h"
#include <errno.h>
#include <stddef.h>

#define SAME_TYPE(a, b) __builtin_types_compatible_p(a, b)

#if __has_include(<xrt/xrt_bo.h>) && __has_include(<xrt/xrt_kernel.h>) && __has_include(<experimental/xrt_ini.h>)
#include <xrt/xrt_device.h>
#include <xrt/xrt_bo.h>
#include <xrt/xrt_kernel.h>
#include <experimental/xrt_xclbin.h>
#include <experimental/xrt_ini.h>
#include <xrt.h>

#define CHECK_XRT(ret, name, params) \
  _Static_assert(SAME_TYPE(__typeof__(&name), cxrt_fn_##name), #name " differs from XRT's prototype");
CXRT_REQUIRED_FUNCTIONS(CHECK_XRT)
CXRT_OPTIONAL_FUNCTIONS(CHECK_XRT)
#undef CHECK_XRT

// HAL functions take XRT's struct types where CXRT has its own copies: check the prototypes with
// those structs, then the structs field by field.
_Static_assert(SAME_TYPE(__typeof__(&xclProbe), cxrt_fn_xclProbe), "xclProbe");
_Static_assert(SAME_TYPE(__typeof__(&xclGetDeviceInfo2), int (*)(void *, struct xclDeviceInfo2 *)), "xclGetDeviceInfo2");
_Static_assert(SAME_TYPE(__typeof__(&xclGetUsageInfo), int (*)(void *, struct xclDeviceUsage *)), "xclGetUsageInfo");

#define SAME_FIELD(ours, theirs, field) \
  _Static_assert(offsetof(struct ours, field) == offsetof(struct theirs, field) && \
                 sizeof(((struct ours *)0)->field) == sizeof(((struct theirs *)0)->field), #theirs "." #field);
_Static_assert(sizeof(struct cxrt_device_info2) == sizeof(struct xclDeviceInfo2), "xclDeviceInfo2 size");
SAME_FIELD(cxrt_device_info2, xclDeviceInfo2, mName)
SAME_FIELD(cxrt_device_info2, xclDeviceInfo2, mVendorId)
SAME_FIELD(cxrt_device_info2, xclDeviceInfo2, mDeviceId)
SAME_FIELD(cxrt_device_info2, xclDeviceInfo2, mDDRSize)
SAME_FIELD(cxrt_device_info2, xclDeviceInfo2, mDDRBankCount)
SAME_FIELD(cxrt_device_info2, xclDeviceInfo2, mOCLFrequency)
SAME_FIELD(cxrt_device_info2, xclDeviceInfo2, mNumClocks)
SAME_FIELD(cxrt_device_info2, xclDeviceInfo2, mDriverVersion)
SAME_FIELD(cxrt_device_info2, xclDeviceInfo2, mPciSlot)
SAME_FIELD(cxrt_device_info2, xclDeviceInfo2, mFpga)
SAME_FIELD(cxrt_device_info2, xclDeviceInfo2, mNumCDMA)
_Static_assert(sizeof(struct cxrt_device_usage) == sizeof(struct xclDeviceUsage), "xclDeviceUsage size");
SAME_FIELD(cxrt_device_usage, xclDeviceUsage, ddrMemUsed)
SAME_FIELD(cxrt_device_usage, xclDeviceUsage, ddrBOAllocated)
SAME_FIELD(cxrt_device_usage, xclDeviceUsage, memSize)

// The values CXRT's users pass for XRT's enumerations.
_Static_assert(XCL_BO_SYNC_BO_TO_DEVICE == 0 && XCL_BO_SYNC_BO_FROM_DEVICE == 1, "sync directions");
_Static_assert(ERT_CMD_STATE_COMPLETED == 4 && ERT_CMD_STATE_ERROR == 5 && ERT_CMD_STATE_ABORT == 6, "run states");
_Static_assert(XCL_BO_FLAGS_CACHEABLE == (1U << 24), "cacheable flag");

// The xclbin header offsets PynqAlveo's XclbinBounds relies on.
#include <xclbin.h>
_Static_assert(sizeof(struct axlf) == 496 && offsetof(struct axlf, m_header.m_length) == 304 &&
               offsetof(struct axlf, m_header.m_numSections) == 448 && offsetof(struct axlf, m_sections) == 456 &&
               sizeof(struct axlf_section_header) == 40 &&
               offsetof(struct axlf_section_header, m_sectionOffset) == 24 &&
               offsetof(struct axlf_section_header, m_sectionSize) == 32, "xclbin header layout");

#define COUNT(ret, name, params) +1
int cheader_xrt_checked(void) {
  return 0 CXRT_REQUIRED_FUNCTIONS(COUNT) CXRT_OPTIONAL_FUNCTIONS(COUNT) CXRT_HAL_FUNCTIONS(COUNT) + 2;
}
#undef COUNT
#else
int cheader_xrt_checked(void) { return -1; }
#endif

#if __has_include(<libudev.h>)
#include <libudev.h>
#define CHECK_UDEV(ret, name, params) \
  _Static_assert(SAME_TYPE(__typeof__(&name), cudev_fn_##name), #name " differs from libudev's prototype");
CUDEV_FUNCTIONS(CHECK_UDEV)
#undef CHECK_UDEV
#define COUNT(ret, name, params) +1
int cheader_udev_checked(void) { return 0 CUDEV_FUNCTIONS(COUNT); }
#undef COUNT
#else
int cheader_udev_checked(void) { return -1; }
#endif

static int failing_run_set_arg(void *run, int index, ...) {
  (void)run;
  (void)index;
  return -EINVAL;
}

cxrt_fn_xrtRunSetArg cheader_failing_run_set_arg(void) { return failing_run_set_arg; }
