/* The 8254 PIT, used once as a known clock to measure the TSC. */
#ifndef DRIVERS_PIT_H
#define DRIVERS_PIT_H

#include <stdbool.h>
#include <stdint.h>

#define PIT_HZ 1193182u

/* Busy-waits `ticks` PIT ticks on channel 2 and returns the TSC cycles that
 * passed, or 0 when the PIT never signalled. read_tsc is passed in so this
 * file stays free of hypervisor state. */
uint64_t pit_measure(uint16_t ticks, uint64_t (*read_tsc)(void));

#endif
