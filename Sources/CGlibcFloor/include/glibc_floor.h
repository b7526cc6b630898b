#ifndef GONGSPOOL_GLIBC_FLOOR_H
#define GONGSPOOL_GLIBC_FLOOR_H

/// The release binary's glibc (and libstdc++) floor (scripts/package.sh): the static Swift runtime calls hypot and
/// hypotf, which glibc 2.35 gave new symbol versions; linked with -Wl,--wrap=hypot,--wrap=hypotf
/// those calls land here and go to the versions every glibc since 2.2.5 (x86_64) or 2.17
/// (aarch64) has, so the binary runs on glibc 2.34 (RHEL 9 and its rebuilds).
double __wrap_hypot(double x, double y);
float __wrap_hypotf(float x, float y);

/// The same for libstdc++'s floor, GLIBCXX_3.4.29 (GCC 11, EL9): std::condition_variable::wait,
/// versioned anew (3.4.30) by GCC 12, goes to its 3.4.11 version.
void __wrap__ZNSt18condition_variable4waitERSt11unique_lockISt5mutexE(void *condition, void *lock);

#endif
