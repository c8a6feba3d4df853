#include "guests/lib/bench.h"

#include "guests/lib/cpu.h"

uint64_t bench_smallest(bench_operation operation, uint32_t runs)
{
    uint64_t best = UINT64_MAX;

    for (uint32_t run = 0; run < runs; run++) {
        uint64_t start = rdtsc_ordered();
        if (!operation(run))
            return UINT64_MAX;
        uint64_t ticks = rdtsc_ordered() - start;
        if (ticks < best)
            best = ticks;
    }
    return best;
}
