/* The 8254 PIT's channel 2 as a free-running counter: a known clock to
 * measure the TSC against, and a wall clock for hardware time-outs. */
#ifndef DRIVERS_PIT_H
#define DRIVERS_PIT_H

#include <stdint.h>

#define PIT_HZ   1193182u
#define PIT_MASK 0xffffu

/* Channel 2 counts down from 65536 again and again (mode 2), gated on with
 * the speaker off. */
void pit_counter_start(void);

/* Ticks since some point, modulo 65536: rises by one per PIT tick. */
uint64_t pit_counter_read(void);

#endif
