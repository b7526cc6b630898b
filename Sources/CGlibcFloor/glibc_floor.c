#define _GNU_SOURCE  // dlvsym, RTLD_DEFAULT

#include <math.h>  // features.h: __GLIBC__

#include "glibc_floor.h"

#if defined(__linux__) && defined(__GLIBC__)

#include <dlfcn.h>
#include <stdlib.h>

// The version of hypot/hypotf every glibc has. A link-time binding (.symver on an undefined
// name) does not survive --wrap: the linker wraps the versioned reference too, and
// __wrap_hypot became a jump to itself. So the old version is looked up once at run time.
#if defined(__x86_64__)
#define GONGSPOOL_LIBM_BASE "GLIBC_2.2.5"
#elif defined(__aarch64__)
#define GONGSPOOL_LIBM_BASE "GLIBC_2.17"
#else
#error "add the oldest hypot/hypotf symbol version of this architecture"
#endif

typedef double (*hypot_fn)(double, double);
typedef float (*hypotf_fn)(float, float);

static hypot_fn hypot_old;
static hypotf_fn hypotf_old;

/// hypot without overflow in the intermediate square, for a libm without the old symbol.
static double scaled_hypot(double x, double y) {
    x = fabs(x);
    y = fabs(y);
    if (isinf(x) || isinf(y)) return INFINITY;
    if (isnan(x) || isnan(y)) return NAN;
    double big = x > y ? x : y, small = x > y ? y : x;
    if (big == 0) return 0;
    double ratio = small / big;
    return big * sqrt(1 + ratio * ratio);
}

double __wrap_hypot(double x, double y) {
    hypot_fn fn = __atomic_load_n(&hypot_old, __ATOMIC_ACQUIRE);
    if (!fn) {
        fn = (hypot_fn)dlvsym(RTLD_DEFAULT, "hypot", GONGSPOOL_LIBM_BASE);
        if (!fn) return scaled_hypot(x, y);
        __atomic_store_n(&hypot_old, fn, __ATOMIC_RELEASE);
    }
    return fn(x, y);
}

float __wrap_hypotf(float x, float y) {
    hypotf_fn fn = __atomic_load_n(&hypotf_old, __ATOMIC_ACQUIRE);
    if (!fn) {
        fn = (hypotf_fn)dlvsym(RTLD_DEFAULT, "hypotf", GONGSPOOL_LIBM_BASE);
        if (!fn) return (float)scaled_hypot(x, y);
        __atomic_store_n(&hypotf_old, fn, __ATOMIC_RELEASE);
    }
    return fn(x, y);
}


// libstdc++ 12 (GCC 12) gave std::condition_variable::wait(unique_lock<mutex>&) a new version,
// GLIBCXX_3.4.30; EL9's libstdc++ (GCC 11) stops at 3.4.29. The function is the same: the call
// goes to the version every libstdc++ since GCC 4.4 has. (Member functions take `this` first.)
#define GONGSPOOL_CV_WAIT "_ZNSt18condition_variable4waitERSt11unique_lockISt5mutexE"
typedef void (*cv_wait_fn)(void *, void *);
static cv_wait_fn cv_wait_old;

void __wrap__ZNSt18condition_variable4waitERSt11unique_lockISt5mutexE(void *condition, void *lock) {
    cv_wait_fn fn = __atomic_load_n(&cv_wait_old, __ATOMIC_ACQUIRE);
    if (!fn) {
        fn = (cv_wait_fn)dlvsym(RTLD_DEFAULT, GONGSPOOL_CV_WAIT, "GLIBCXX_3.4.11");
        if (!fn) fn = (cv_wait_fn)dlsym(RTLD_DEFAULT, GONGSPOOL_CV_WAIT);
        if (!fn) abort();  // no libstdc++ at all: the process could not have started
        __atomic_store_n(&cv_wait_old, fn, __ATOMIC_RELEASE);
    }
    fn(condition, lock);
}
#endif
