#include "gongspool_malloc.h"
// Any libc header defines __GLIBC__ under glibc; <stddef.h> (the compiler's) does not.
#include <stdlib.h>

#if defined(__GLIBC__)
#include <malloc.h>

int gongspool_malloc_tuning_available(void) { return 1; }

int gongspool_limit_malloc_arenas(int count) { return mallopt(M_ARENA_MAX, count); }

int gongspool_trim_heap(size_t threshold) {
    struct mallinfo2 info = mallinfo2();
    if (info.fordblks <= threshold) return 0;
    return malloc_trim(0);
}
#else
int gongspool_malloc_tuning_available(void) { return 0; }

int gongspool_limit_malloc_arenas(int count) { (void)count; return 0; }

int gongspool_trim_heap(size_t threshold) { (void)threshold; return 0; }
#endif
