// CXRT: the part of XRT's C API (libxrt_coreutil.so.2, XRT 2.13) that swift-pynq's Alveo backend calls,
// declared here so the package builds without XRT installed. The library is opened at run time
// (PynqAlveo's XRTLibrary: dlopen + cxrt_bind); every function lands in one table, `cxrt_api`.
//
// The function list below is the single source of truth: it makes the pointer typedefs, the table,
// the binder, and (in the test-support target CXRTHeaderCheck) the compile-time check that each
// pointer type matches XRT's own prototype in <xrt/xrt_*.h>.
//
// Handles (device, buffer, kernel, run, xclbin) are all `void *` in XRT's C API.
// Enumerations XRT passes by value (`enum xclBOSyncDirection`, `enum ert_cmd_state`) are declared as
// `unsigned int`, their compatible type; CXRTHeaderCheck verifies it.
#ifndef CXRT_H
#define CXRT_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

// Handles stay unannotated (they may be NULL: XRT reports failures that way).
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wnullability-completeness"

/// Functions every supported XRT (2.13 and later) exports from libxrt_coreutil.
/// F(return type, name, parameter list)
#define CXRT_REQUIRED_FUNCTIONS(F) \
  F(void *, xrtDeviceOpen, (unsigned int index)) \
  F(void *, xrtDeviceOpenByBDF, (const char *bdf)) \
  F(int, xrtDeviceClose, (void *device)) \
  F(int, xrtDeviceLoadXclbinFile, (void *device, const char *path)) \
  F(int, xrtDeviceLoadXclbinHandle, (void *device, void *xclbin)) \
  F(int, xrtDeviceGetXclbinUUID, (void *device, unsigned char *uuid)) \
  F(void *, xrtDeviceToXclDevice, (void *device)) \
  F(void *, xrtXclbinAllocRawData, (const char *data, int size)) \
  F(int, xrtXclbinFreeHandle, (void *xclbin)) \
  F(int, xrtXclbinGetUUID, (void *xclbin, unsigned char *uuid)) \
  F(int, xrtXclbinGetXSAName, (void *xclbin, char *name, int size, int *returnedSize)) \
  F(size_t, xrtXclbinGetNumKernels, (void *xclbin)) \
  F(size_t, xrtXclbinGetNumKernelComputeUnits, (void *xclbin)) \
  F(void *, xrtBOAlloc, (void *device, size_t size, uint64_t flags, uint32_t group)) \
  F(void *, xrtBOSubAlloc, (void *parent, size_t size, size_t offset)) \
  F(int, xrtBOFree, (void *buffer)) \
  F(size_t, xrtBOSize, (void *buffer)) \
  F(uint64_t, xrtBOAddress, (void *buffer)) \
  F(int, xrtBOSync, (void *buffer, unsigned int direction, size_t size, size_t offset)) \
  F(void *, xrtBOMap, (void *buffer)) \
  F(int, xrtBOWrite, (void *buffer, const void *source, size_t size, size_t seek)) \
  F(int, xrtBORead, (void *buffer, void *destination, size_t size, size_t skip)) \
  F(void *, xrtPLKernelOpen, (void *device, const unsigned char *uuid, const char *name)) \
  F(void *, xrtPLKernelOpenExclusive, (void *device, const unsigned char *uuid, const char *name)) \
  F(int, xrtKernelClose, (void *kernel)) \
  F(int, xrtKernelArgGroupId, (void *kernel, int argument)) \
  F(uint32_t, xrtKernelArgOffset, (void *kernel, int argument)) \
  F(int, xrtKernelReadRegister, (void *kernel, uint32_t offset, uint32_t *value)) \
  F(int, xrtKernelWriteRegister, (void *kernel, uint32_t offset, uint32_t value)) \
  F(void *, xrtRunOpen, (void *kernel)) \
  F(int, xrtRunSetArg, (void *run, int index, ...)) \
  F(int, xrtRunStart, (void *run)) \
  F(unsigned int, xrtRunWait, (void *run)) \
  F(unsigned int, xrtRunWaitFor, (void *run, unsigned int timeoutMilliseconds)) \
  F(unsigned int, xrtRunState, (void *run)) \
  F(int, xrtRunClose, (void *run))

/// Functions libxrt_coreutil may lack (older XRTs): bound when present, NULL otherwise.
#define CXRT_OPTIONAL_FUNCTIONS(F) \
  F(int, xrtIniStringSet, (const char *key, const char *value))

/// Old-HAL functions of the device layer XRT loads at run time (libxrt_core.so.2 on a card,
/// libxrt_noop.so.2 … under XCL_EMULATION_MODE); looked up after the first device open.
#define CXRT_HAL_FUNCTIONS(F) \
  F(unsigned int, xclProbe, (void)) \
  F(int, xclGetDeviceInfo2, (void *xclDevice, struct cxrt_device_info2 *info)) \
  F(int, xclGetUsageInfo, (void *xclDevice, struct cxrt_device_usage *usage))

/// XRT's `struct xclDeviceInfo2` (xrt.h), field for field.
struct cxrt_device_info2 {
  unsigned int mMagic;
  char mName[256];
  unsigned short mHALMajorVersion, mHALMinorVersion, mVendorId, mDeviceId, mSubsystemId,
      mSubsystemVendorId, mDeviceVersion;
  size_t mDDRSize, mDataAlignment, mDDRFreeSize, mMinTransferSize;
  unsigned short mDDRBankCount;
  unsigned short mOCLFrequency[4];
  unsigned short mPCIeLinkWidth, mPCIeLinkSpeed, mDMAThreads, mOnChipTemp, mFanTemp, mVInt, mVAux, mVBram;
  float mCurrent;
  unsigned short mNumClocks, mFanSpeed;
  bool mMigCalib;
  unsigned long long mXMCVersion, mMBVersion;
  unsigned short m12VPex, m12VAux;
  unsigned long long mPexCurr, mAuxCurr;
  unsigned short mFanRpm;
  unsigned short mDimmTemp[4];
  unsigned short mSE98Temp[4];
  unsigned short m3v3Pex, m3v3Aux, mDDRVppBottom, mDDRVppTop, mSys5v5, m1v2Top, m1v8Top, m0v85, mMgt0v9,
      m12vSW, mMgtVtt, m1v2Bottom;
  unsigned long long mDriverVersion;
  unsigned int mPciSlot;
  bool mIsXPR;
  unsigned long long mTimeStamp;
  char mFpga[256];
  unsigned short mPCIeLinkWidthMax, mPCIeLinkSpeedMax, mVccIntVol, mVccIntCurr, mNumCDMA;
};

/// XRT's `struct xclDeviceUsage` (xrt.h): per-bank usage for the first 8 banks.
struct cxrt_device_usage {
  size_t h2c[8];
  size_t c2h[8];
  size_t ddrMemUsed[8];
  unsigned int ddrBOAllocated[8];
  unsigned int totalContexts;
  uint64_t xclbinId[4];
  unsigned int dma_channel_cnt;
  unsigned int mm_channel_cnt;
  uint64_t memSize[8];
};

#define CXRT_TYPEDEF(ret, name, params) typedef ret (*cxrt_fn_##name) params;
CXRT_REQUIRED_FUNCTIONS(CXRT_TYPEDEF)
CXRT_OPTIONAL_FUNCTIONS(CXRT_TYPEDEF)
CXRT_HAL_FUNCTIONS(CXRT_TYPEDEF)
#undef CXRT_TYPEDEF

/// The bound functions. Required ones are never NULL once `cxrt_bind` succeeded.
typedef struct cxrt_api {
#define CXRT_FIELD(ret, name, params) cxrt_fn_##name _Nonnull name;
  CXRT_REQUIRED_FUNCTIONS(CXRT_FIELD)
#undef CXRT_FIELD
#define CXRT_FIELD(ret, name, params) cxrt_fn_##name _Nullable name;
  CXRT_OPTIONAL_FUNCTIONS(CXRT_FIELD)
  CXRT_HAL_FUNCTIONS(CXRT_FIELD)
#undef CXRT_FIELD
} cxrt_api;

/// Looks every required and optional function up in `library` (a dlopen handle) and stores it in
/// `*api`. HAL functions are left NULL (see `cxrt_bind_hal`). Returns NULL on success, else the name
/// of the first required function the library lacks (then `*api` is partly filled: do not use it).
const char *_Nullable cxrt_bind(void *_Nonnull library, cxrt_api *_Nonnull api);

/// Looks the device-layer HAL functions up among the libraries loaded in the process (RTLD_DEFAULT);
/// call it after XRT opened a device (that is when XRT loads its device layer). Missing ones stay NULL.
void cxrt_bind_hal(cxrt_api *_Nonnull api);

/// Number of functions in CXRT_REQUIRED_FUNCTIONS.
size_t cxrt_required_function_count(void);

// Fixed-signature wrappers around the variadic `xrtRunSetArg`. XRT reads the variadic value with
// `va_arg` using a type chosen from the xclbin's argument metadata: a buffer (global/constant
// argument) as `xrtBufferHandle`; a scalar of host type "int" as int, "uint" as unsigned int,
// "float" and "double" as double, "int*"/"uint*" as a pointer to the value, any other 4-byte type
// as uint32_t, 8-byte type as uint64_t, anything else as size_t; streams and local memory take
// (and ignore) a `void *`.
static inline int cxrt_run_set_arg_buffer(cxrt_fn_xrtRunSetArg _Nonnull fn, void *_Nonnull run, int index,
                                          void *_Nullable buffer) {
  return fn(run, index, buffer);
}
static inline int cxrt_run_set_arg_int32(cxrt_fn_xrtRunSetArg _Nonnull fn, void *_Nonnull run, int index,
                                         int32_t value) {
  return fn(run, index, (int)value);
}
static inline int cxrt_run_set_arg_uint32(cxrt_fn_xrtRunSetArg _Nonnull fn, void *_Nonnull run, int index,
                                          uint32_t value) {
  return fn(run, index, (unsigned int)value);
}
static inline int cxrt_run_set_arg_uint64(cxrt_fn_xrtRunSetArg _Nonnull fn, void *_Nonnull run, int index,
                                          uint64_t value) {
  return fn(run, index, value);
}
static inline int cxrt_run_set_arg_size(cxrt_fn_xrtRunSetArg _Nonnull fn, void *_Nonnull run, int index,
                                        size_t value) {
  return fn(run, index, value);
}
static inline int cxrt_run_set_arg_double(cxrt_fn_xrtRunSetArg _Nonnull fn, void *_Nonnull run, int index,
                                          double value) {
  return fn(run, index, value);
}
static inline int cxrt_run_set_arg_pointer(cxrt_fn_xrtRunSetArg _Nonnull fn, void *_Nonnull run, int index,
                                           const void *_Nullable value) {
  return fn(run, index, value);
}

#pragma clang diagnostic pop

#ifdef __cplusplus
}
#endif

#endif
