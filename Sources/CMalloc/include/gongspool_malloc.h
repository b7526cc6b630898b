#ifndef GONGSPOOL_MALLOC_H
#define GONGSPOOL_MALLOC_H

#include <stddef.h>

/// Whether glibc's malloc tuning is compiled in (<malloc.h> is not in Swift's Glibc module).
int gongspool_malloc_tuning_available(void);

/// Caps the number of malloc arenas. Returns 1 on success, 0 without glibc.
int gongspool_limit_malloc_arenas(int count);

/// Hands freed heap pages back to the system when more than `threshold` bytes of the heap lie
/// free (mallinfo2, all arenas). Returns 1 if memory was released.
int gongspool_trim_heap(size_t threshold);

#endif
