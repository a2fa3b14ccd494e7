/*
 * What the in-process benchmarks share: their clocks and the order they
 * sort measurements in.
 */
#ifndef MB_BENCH_H
#define MB_BENCH_H

#include <time.h>

/* Milliseconds of the monotonic clock. */
static inline double bench_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/* Milliseconds of CPU time of the process: on a machine shared with others
 * the wall clock says more about them than about the code measured. */
static inline double bench_cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/* qsort order of doubles, smallest first. */
static inline int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

#endif
