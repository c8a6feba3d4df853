#include "arch/x86_64/cpu.h"
#include "drivers/pit.h"
#include "hv/arch.h"

#define CALIBRATION_TICKS (PIT_HZ / 100) /* 10 ms */
#define FALLBACK_TSC_HZ   1000000000ull

static uint64_t tsc_now(void)
{
    return cpu_rdtsc();
}

uint64_t arch_read_tsc(void)
{
    return cpu_rdtsc();
}

/* Best of three: an SMI or emulator hiccup only ever lengthens a run. */
uint64_t arch_calibrate_tsc(void)
{
    uint64_t best = 0;

    for (int i = 0; i < 3; i++) {
        uint64_t cycles = pit_measure(CALIBRATION_TICKS, tsc_now);
        if (cycles && (!best || cycles < best))
            best = cycles;
    }
    if (!best)
        return FALLBACK_TSC_HZ;
    return best * PIT_HZ / CALIBRATION_TICKS;
}
