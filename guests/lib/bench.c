#include "guests/lib/bench.h"

#include "arch/x86_64/cpu.h"

uint64_t bench_smallest(bench_operation operation, uint32_t runs)
{
    uint64_t best = UINT64_MAX;

    for (uint32_t run = 0; run < runs; run++) {
        uint64_t start = cpu_rdtsc_ordered();
        if (!operation(run))
            return UINT64_MAX;
        uint64_t ticks = cpu_rdtsc_ordered() - start;
        if (ticks < best)
            best = ticks;
    }
    return best;
}
