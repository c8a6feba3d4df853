/*
 * Exit round trips as a guest sees them: TSC ticks (under Bochs, emulated
 * instructions) around a CPUID, an OUT to a port nobody owns and, for
 * comparison, a plain instruction that does not exit. Each figure is the
 * smallest of many runs, which drops the noise of the measurement itself.
 */
#include "guests/lib/bench.h"
#include "guests/lib/guest.h"

#define RUNS         200
#define UNOWNED_PORT 0x80

static bool nothing(uint32_t run)
{
    (void)run;
    return true;
}

static bool cpuid_leaf0(uint32_t run)
{
    (void)run;
    cpu_cpuid(0, 0);
    return true;
}

static bool out_unowned(uint32_t run)
{
    (void)run;
    cpu_outb(UNOWNED_PORT, 0);
    return true;
}

int guest_main(const struct bulkhead_boot_info *info)
{
    (void)info;
    uint64_t baseline = bench_smallest(nothing, RUNS);

    printf("bench: baseline %llu ticks\n", (unsigned long long)baseline);
    printf("bench: cpuid exit round trip %llu ticks\n",
           (unsigned long long)(bench_smallest(cpuid_leaf0, RUNS) - baseline));
    printf("bench: io exit round trip %llu ticks\n",
           (unsigned long long)(bench_smallest(out_unowned, RUNS) - baseline));
    return 0;
}
