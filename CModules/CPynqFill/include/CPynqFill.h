// Filling memory with a repeating 64-bit pattern at memset speed (for PynqBuffer.fill).
//
// On x86-64, `rep stosq` uses the same fast-string machinery as glibc's memset for large sizes (no
// read-for-ownership of the destination lines), which a vectorised store loop does not get. Elsewhere
// it is a plain loop that the compiler vectorises. `static inline`, so Swift inlines it.

#ifndef CPYNQFILL_H
#define CPYNQFILL_H

#include <stddef.h>
#include <stdint.h>

/// Stores `pattern` into `words` consecutive 8-byte words starting at `destination` (8-byte aligned).
static inline void pynq_fill_words(uint64_t *destination, uint64_t pattern, size_t words) {
#if defined(__x86_64__)
    __asm__ volatile("rep stosq" : "+D"(destination), "+c"(words) : "a"(pattern) : "memory");
#else
    for (size_t index = 0; index < words; index++) destination[index] = pattern;
#endif
}

#endif
