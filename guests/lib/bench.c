#include "guests/lib/bench.h"

#include "arch/x86_64/cpu.h"

static void pause_for(uint64_t ticks)
{
    uint64_t until = cpu_rdtsc_ordered() + ticks;

    while (ticks && cpu_rdtsc_ordered() < until)
        cpu_pause();
}

uint64_t bench_smallest(bench_operation operation, uint32_t runs)
{
    return bench_smallest_after_pause(operation, runs, 0);
}

uint64_t bench_smallest_after_pause(bench_operation operation, uint32_t runs, uint64_t pause_ticks)
{
    uint64_t best = UINT64_MAX;

    for (uint32_t run = 0; run < runs; run++) {
        pause_for(pause_ticks);
        uint64_t start = cpu_rdtsc_ordered();
        if (!operation(run))
            return UINT64_MAX;
        uint64_t ticks = cpu_rdtsc_ordered() - start;
        if (ticks < best)
            best = ticks;
    }
    return best;
}
