/*
 * Exit round trips as a guest sees them: TSC ticks (under Bochs, emulated
 * instructions) around a CPUID, an OUT to a port nobody owns and, for
 * comparison, a plain instruction that does not exit. Each figure is the
 * smallest of many runs, which drops the noise of the measurement itself.
 */
#include "guests/lib/guest.h"

#define RUNS         200
#define UNOWNED_PORT 0x80

static uint64_t smallest_of_runs(void (*operation)(void))
{
    uint64_t best = UINT64_MAX;

    for (unsigned i = 0; i < RUNS; i++) {
        uint64_t start = rdtsc_ordered();
        operation();
        uint64_t ticks = rdtsc_ordered() - start;
        if (ticks < best)
            best = ticks;
    }
    return best;
}

static void nothing(void)
{
}

static void cpuid_leaf0(void)
{
    cpuid(0, 0);
}

static void out_unowned(void)
{
    outb(UNOWNED_PORT, 0);
}

int guest_main(const struct bulkhead_boot_info *info)
{
    (void)info;
    uint64_t baseline = smallest_of_runs(nothing);

    printf("bench: baseline %llu ticks\n", (unsigned long long)baseline);
    printf("bench: cpuid exit round trip %llu ticks\n",
           (unsigned long long)(smallest_of_runs(cpuid_leaf0) - baseline));
    printf("bench: io exit round trip %llu ticks\n",
           (unsigned long long)(smallest_of_runs(out_unowned) - baseline));
    return 0;
}
