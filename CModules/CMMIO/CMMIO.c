// The module's functions are all `static inline` in include/CMMIO.h; SwiftPM needs one C file to build
// the module, and this file also checks that the header compiles on its own as C.
#include "CMMIO.h"
