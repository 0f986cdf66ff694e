// Binds CUdev's function table from a dlopen handle. See include/CUdev.h.
#include "CUdev.h"
#include <dlfcn.h>

const char *cudev_bind(void *library, cudev_api *api) {
#define CUDEV_BIND(ret, name, params) \
  api->name = (cudev_fn_##name)dlsym(library, #name); \
  if (api->name == NULL) return #name;
  CUDEV_FUNCTIONS(CUDEV_BIND)
#undef CUDEV_BIND
  return NULL;
}

size_t cudev_function_count(void) {
#define CUDEV_COUNT(ret, name, params) +1
  return 0 CUDEV_FUNCTIONS(CUDEV_COUNT);
#undef CUDEV_COUNT
}
