/* Time for hardware time-outs: a wait that ends only when both the TSC and
 * the reference timer the calibration used say the time has passed, so one
 * bad calibration cannot shorten it. */
#ifndef ARCH_X86_64_TSC_H
#define ARCH_X86_64_TSC_H

#include <stdbool.h>
#include <stdint.h>

struct wall_wait {
    uint64_t tsc_start, tsc_ticks;
    uint64_t ref_last, ref_elapsed, ref_ticks;
};

void wall_wait_start(struct wall_wait *wait, uint64_t milliseconds);

/* Poll this while spinning: it also counts the reference timer's ticks. */
bool wall_wait_over(struct wall_wait *wait);

#endif
