/*
 * A pv partition that floods: for FLOOD_TICKS it sends the event of its
 * console port (the one dom0's console backend listens on) and writes a
 * line with HC_CONSOLE_WRITE, back to back, as fast as it can. The
 * hypervisor's buckets keep it from starving dom0 and the others (its
 * excess sends merge into one, its excess lines are dropped and counted).
 * Then it rests until its buckets are full again and says how much it did.
 */
#include "guests/lib/event.h"
#include "guests/lib/guest.h"
#include "guests/lib/hypercall.h"
#include "lib/format.h"
#include "lib/string.h"

#define FLOOD_TICKS    200000000ull /* a second under Bochs */
#define REST_TICKS     200000000ull
#define CONNECT_PAUSES 1000

static bool wait_until_connected(void)
{
    for (unsigned i = 0; i < CONNECT_PAUSES && !console_ring_connected(); i++)
        hc_block(tsc_after(HC_RETRY_PAUSE_TICKS));
    return console_ring_connected();
}

int guest_main(const struct bulkhead_boot_info *info)
{
    static const char line[] = "pv-flood: flooding the console with lines of no interest ......"
                               "..............................................................\n";
    uint64_t sends = 0, writes = 0;

    (void)info;
    if (!wait_until_connected()) {
        printf("pv-flood: FAIL no console backend connected\n");
        return GUEST_STATUS_FAIL;
    }
    uint32_t port = console_ring_event_port();
    printf("pv-flood: flooding\n");
    for (uint64_t end = tsc_after(FLOOD_TICKS); cpu_rdtsc() < end;) {
        sends += hc_event_send(port) == 0;
        writes += hc_console_write(line, sizeof(line) - 1) == (int64_t)(sizeof(line) - 1);
    }
    hc_block(tsc_after(REST_TICKS));
    printf("pv-flood: done: %llu sends and %llu console writes taken\n", (unsigned long long)sends,
           (unsigned long long)writes);
    EXPECT_EQ(writes, sends);
    return guest_exit_status();
}
