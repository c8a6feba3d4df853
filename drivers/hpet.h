/* The HPET's main counter: a free-running clock whose period the chip itself
 * states, used as a known clock to measure the TSC. */
#ifndef DRIVERS_HPET_H
#define DRIVERS_HPET_H

#include <stdbool.h>
#include <stdint.h>

struct hpet {
    volatile uint64_t *regs;
    uint64_t hz;
    uint64_t mask; /* the counter's width: 32 or 64 bits */
};

/* Starts the main counter (it keeps its value) when the block at regs states
 * a period the specification allows; false when it does not. */
bool hpet_start(struct hpet *hpet, volatile void *regs);

uint64_t hpet_read(const struct hpet *hpet);

#endif
