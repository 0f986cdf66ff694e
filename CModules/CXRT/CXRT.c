// Binds CXRT's function table from a dlopen handle. See include/CXRT.h.
#define _GNU_SOURCE
#include "CXRT.h"
#include <dlfcn.h>

const char *cxrt_bind(void *library, cxrt_api *api) {
#define CXRT_BIND_REQUIRED(ret, name, params) \
  api->name = (cxrt_fn_##name)dlsym(library, #name); \
  if (api->name == NULL) return #name;
  CXRT_REQUIRED_FUNCTIONS(CXRT_BIND_REQUIRED)
#undef CXRT_BIND_REQUIRED
#define CXRT_BIND_OPTIONAL(ret, name, params) api->name = (cxrt_fn_##name)dlsym(library, #name);
  CXRT_OPTIONAL_FUNCTIONS(CXRT_BIND_OPTIONAL)
#undef CXRT_BIND_OPTIONAL
#define CXRT_CLEAR(ret, name, params) api->name = NULL;
  CXRT_HAL_FUNCTIONS(CXRT_CLEAR)
#undef CXRT_CLEAR
  return NULL;
}

void cxrt_bind_hal(cxrt_api *api) {
#define CXRT_BIND_HAL(ret, name, params) api->name = (cxrt_fn_##name)dlsym(RTLD_DEFAULT, #name);
  CXRT_HAL_FUNCTIONS(CXRT_BIND_HAL)
#undef CXRT_BIND_HAL
}

size_t cxrt_required_function_count(void) {
#define CXRT_COUNT(ret, name, params) +1
  return 0 CXRT_REQUIRED_FUNCTIONS(CXRT_COUNT);
#undef CXRT_COUNT
}
