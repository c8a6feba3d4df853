/*
 * Prints this host's TSC frequency in MHz (one decimal): the median of five
 * 100 ms windows of the TSC against CLOCK_MONOTONIC_RAW. QEMU without KVM
 * hands its guests the host's TSC, so this is what they should measure.
 * Build: cc -O2 -o host-tsc-mhz tools/host-tsc-mhz.c
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <x86intrin.h>

#define WINDOWS 5

static double now_ns(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC_RAW, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

static double window_mhz(void)
{
    struct timespec pause = {0, 100000000};
    double start_ns = now_ns();
    uint64_t start = __rdtsc();

    nanosleep(&pause, NULL);
    uint64_t end = __rdtsc();
    double end_ns = now_ns();
    return (double)(end - start) / (end_ns - start_ns) * 1e3;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

int main(void)
{
    double mhz[WINDOWS];

    for (int i = 0; i < WINDOWS; i++)
        mhz[i] = window_mhz();
    qsort(mhz, WINDOWS, sizeof(mhz[0]), by_value);
    printf("%.1f\n", mhz[WINDOWS / 2]);
    return 0;
}
