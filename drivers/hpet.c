#include "drivers/hpet.h"

#define HPET_CAPABILITIES    0 /* in 64-bit registers */
#define HPET_CONFIG          2
#define HPET_MAIN_COUNTER    30 /* offset 0xf0 */
#define HPET_CONFIG_ENABLE   1ull
#define HPET_COUNTER_64BIT   (1ull << 13)
#define HPET_MAX_PERIOD_FS   100000000ull /* 100 ns: the specification's bound */
#define FEMTOSECONDS_PER_SEC 1000000000000000ull

bool hpet_start(struct hpet *hpet, volatile void *regs)
{
    hpet->regs = regs;
    uint64_t capabilities = hpet->regs[HPET_CAPABILITIES];
    uint64_t period_fs = capabilities >> 32;

    if (!period_fs || period_fs > HPET_MAX_PERIOD_FS)
        return false;
    hpet->hz = FEMTOSECONDS_PER_SEC / period_fs;
    hpet->mask = capabilities & HPET_COUNTER_64BIT ? ~0ull : 0xffffffffull;
    hpet->regs[HPET_CONFIG] |= HPET_CONFIG_ENABLE;
    return true;
}

uint64_t hpet_read(const struct hpet *hpet)
{
    return hpet->regs[HPET_MAIN_COUNTER] & hpet->mask;
}
