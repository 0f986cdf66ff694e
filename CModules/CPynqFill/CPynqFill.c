// The module's function is `static inline` in include/CPynqFill.h; SwiftPM needs one C file to build
// the module, and this file also checks that the header compiles on its own as C.
#include "CPynqFill.h"
