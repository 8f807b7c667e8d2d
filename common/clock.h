/* clock.h - host time in nanoseconds, for wall-time timeouts and measured run times: one
 * definition for every backend and report that reads a clock. */
#ifndef ODPU_COMMON_CLOCK_H
#define ODPU_COMMON_CLOCK_H

#include <stdint.h>
#include <time.h>

enum { ODPU_NS_PER_MS = 1000000 };
#define ODPU_NS_PER_S UINT64_C(1000000000)

/* A clock of clock_gettime (CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID) in nanoseconds. */
static inline uint64_t odpu_clock_ns(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (uint64_t)ts.tv_sec * ODPU_NS_PER_S + (uint64_t)ts.tv_nsec;
}

/* Wall time for deadlines and durations: monotonic, never stepped by the system clock. */
static inline uint64_t odpu_now_ns(void)
{
    return odpu_clock_ns(CLOCK_MONOTONIC);
}

#endif
