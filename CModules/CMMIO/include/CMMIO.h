// Volatile loads and stores for memory-mapped registers.
//
// Every function performs exactly one access of exactly the given width through a volatile pointer,
// so the compiler neither merges, splits, elides nor reorders them relative to each other. They are
// `static inline` so that Swift code calling them compiles to a single load or store instruction.
// Callers guarantee that the address is mapped and naturally aligned for the width.

#ifndef CMMIO_H
#define CMMIO_H

#include <stdint.h>

static inline uint8_t cmmio_load8(const void *address) { return *(const volatile uint8_t *)address; }
static inline uint16_t cmmio_load16(const void *address) { return *(const volatile uint16_t *)address; }
static inline uint32_t cmmio_load32(const void *address) { return *(const volatile uint32_t *)address; }
static inline uint64_t cmmio_load64(const void *address) { return *(const volatile uint64_t *)address; }
static inline float cmmio_load_float(const void *address) { return *(const volatile float *)address; }
static inline double cmmio_load_double(const void *address) { return *(const volatile double *)address; }

static inline void cmmio_store8(void *address, uint8_t value) { *(volatile uint8_t *)address = value; }
static inline void cmmio_store16(void *address, uint16_t value) { *(volatile uint16_t *)address = value; }
static inline void cmmio_store32(void *address, uint32_t value) { *(volatile uint32_t *)address = value; }
static inline void cmmio_store64(void *address, uint64_t value) { *(volatile uint64_t *)address = value; }
static inline void cmmio_store_float(void *address, float value) { *(volatile float *)address = value; }
static inline void cmmio_store_double(void *address, double value) { *(volatile double *)address = value; }

#endif
