/*
 * Timing from inside a guest: the smallest TSC delta over many runs of an
 * operation, which drops the noise of the measurement itself. Under Bochs
 * the TSC counts emulated instructions, so the figures are deterministic.
 */
#ifndef GUESTS_LIB_BENCH_H
#define GUESTS_LIB_BENCH_H

#include <stdbool.h>
#include <stdint.h>

/* One run of what is measured; false when it failed (the measurement stops). */
typedef bool (*bench_operation)(uint32_t run);

/* The smallest ticks of one run over `runs` runs, or UINT64_MAX when a run
 * failed. */
uint64_t bench_smallest(bench_operation operation, uint32_t runs);

/* The same with a pause of pause_ticks before each run, outside the
 * measurement: whoever serves the operation has gone back to sleep. */
uint64_t bench_smallest_after_pause(bench_operation operation, uint32_t runs, uint64_t pause_ticks);

#endif
