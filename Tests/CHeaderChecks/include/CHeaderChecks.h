// Test support: compile-time checks that CXRT's and CUdev's declarations match XRT's and libudev's
// own headers (see CHeaderChecks.c), plus a failing variadic stand-in for fault injection.
#ifndef CHEADERCHECKS_H
#define CHEADERCHECKS_H

#include <stddef.h>

/// Number of CXRT function pointer types checked against XRT's headers at compile time (every
/// required, optional and HAL function, plus the two HAL structs' layouts); -1 when XRT's headers
/// were not found while compiling (then nothing was checked).
int cheader_xrt_checked(void);

/// Number of CUdev function pointer types checked against <libudev.h>; -1 when it was not found.
int cheader_udev_checked(void);

#include "CXRT.h"

/// A stand-in for `xrtRunSetArg` that always fails with -EINVAL (for fault-injection tests; Swift
/// sees variadic function pointers as opaque, hence the getter).
cxrt_fn_xrtRunSetArg cheader_failing_run_set_arg(void);

#endif
