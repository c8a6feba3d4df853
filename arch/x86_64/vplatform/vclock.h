/*
 * The clock of the legacy platform devices: ticks of the PC's 1.193182 MHz
 * timer crystal, counted from an origin TSC value, so the PIT and the RTC
 * of a partition agree with each other and with its TSC.
 */
#ifndef ARCH_X86_64_VPLATFORM_VCLOCK_H
#define ARCH_X86_64_VPLATFORM_VCLOCK_H

#include <stdbool.h>
#include <stdint.h>

#define VCLOCK_HZ 1193182ull

/* a * b / c, rounded down or up, without overflow while (c - 1) * b fits
 * 64 bits (b and c are a TSC rate and the tick rate), whatever a is. */
static inline uint64_t vclock_scale(uint64_t a, uint64_t b, uint64_t c, bool round_up)
{
    uint64_t part = a % c * b;

    return a / c * b + part / c + (round_up && part % c);
}

/* The tick count at a TSC value; 0 before the origin. */
static inline uint64_t vclock_ticks(uint64_t tsc, uint64_t origin, uint64_t tsc_hz)
{
    return tsc > origin ? vclock_scale(tsc - origin, VCLOCK_HZ, tsc_hz, false) : 0;
}

/* The first TSC value at which the tick count reaches `ticks`. */
static inline uint64_t vclock_tsc(uint64_t ticks, uint64_t origin, uint64_t tsc_hz)
{
    return origin + vclock_scale(ticks, tsc_hz, VCLOCK_HZ, true);
}

#endif
