/*
 * A quiet pv neighbour: it prints a tick now and then and sleeps in
 * between (HC_BLOCK), so that it shares the machine without spinning, as
 * a partition beside a guest whose speed matters should (the emulator
 * divides its instructions among the CPUs that run). Exits 0 after the
 * last tick.
 */
#include "guests/lib/event.h"
#include "guests/lib/guest.h"
#include "guests/lib/hypercall.h"

#define TICKER_TICKS       10
#define TICKER_PAUSE_TICKS 200000000ull /* TSC ticks: a second under Bochs */

int guest_main(const struct bulkhead_boot_info *info)
{
    (void)info;
    for (unsigned tick = 1; tick <= TICKER_TICKS; tick++) {
        uint64_t wake = tsc_after(TICKER_PAUSE_TICKS);
        while (cpu_rdtsc_ordered() < wake)
            hc_block(wake);
        printf("pv-ticker: tick %u of %u\n", tick, TICKER_TICKS);
    }
    printf("pv-ticker: done\n");
    return GUEST_STATUS_PASS;
}
