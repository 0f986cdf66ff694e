// CUdev: the few libudev functions swift-pynq uses to list PCI functions (Xilinx cards have vendor
// 0x10ee), declared here and bound at run time from libudev.so.1 (dlopen), so the package builds and
// runs without libudev; when it is missing, PCI enumeration reports that instead of failing.
// CHeaderChecks verifies every pointer type against <libudev.h> when that header is present.
#ifndef CUDEV_H
#define CUDEV_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

// Handles stay unannotated (they may be NULL: XRT reports failures that way).
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wnullability-completeness"

struct udev;
struct udev_enumerate;
struct udev_list_entry;
struct udev_device;

/// F(return type, name, parameter list)
#define CUDEV_FUNCTIONS(F) \
  F(struct udev *, udev_new, (void)) \
  F(struct udev *, udev_unref, (struct udev *udev)) \
  F(struct udev_enumerate *, udev_enumerate_new, (struct udev *udev)) \
  F(struct udev_enumerate *, udev_enumerate_unref, (struct udev_enumerate *enumerate)) \
  F(int, udev_enumerate_add_match_subsystem, (struct udev_enumerate *enumerate, const char *subsystem)) \
  F(int, udev_enumerate_add_match_sysattr, (struct udev_enumerate *enumerate, const char *sysattr, const char *value)) \
  F(int, udev_enumerate_scan_devices, (struct udev_enumerate *enumerate)) \
  F(struct udev_list_entry *, udev_enumerate_get_list_entry, (struct udev_enumerate *enumerate)) \
  F(struct udev_list_entry *, udev_list_entry_get_next, (struct udev_list_entry *entry)) \
  F(const char *, udev_list_entry_get_name, (struct udev_list_entry *entry)) \
  F(struct udev_device *, udev_device_new_from_syspath, (struct udev *udev, const char *syspath)) \
  F(struct udev_device *, udev_device_unref, (struct udev_device *device)) \
  F(const char *, udev_device_get_sysname, (struct udev_device *device)) \
  F(const char *, udev_device_get_driver, (struct udev_device *device)) \
  F(const char *, udev_device_get_sysattr_value, (struct udev_device *device, const char *sysattr))

#define CUDEV_TYPEDEF(ret, name, params) typedef ret (*cudev_fn_##name) params;
CUDEV_FUNCTIONS(CUDEV_TYPEDEF)
#undef CUDEV_TYPEDEF

/// The bound libudev functions; none is NULL once `cudev_bind` succeeded.
typedef struct cudev_api {
#define CUDEV_FIELD(ret, name, params) cudev_fn_##name _Nonnull name;
  CUDEV_FUNCTIONS(CUDEV_FIELD)
#undef CUDEV_FIELD
} cudev_api;

/// Looks every function up in `library` (a dlopen handle). Returns NULL on success, else the name of
/// the first missing function.
const char *_Nullable cudev_bind(void *_Nonnull library, cudev_api *_Nonnull api);

/// Number of functions in CUDEV_FUNCTIONS.
size_t cudev_function_count(void);

#pragma clang diagnostic pop

#ifdef __cplusplus
}
#endif

#endif
