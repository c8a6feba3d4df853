/*
 * Prints through the console ring that dom0 serves. It waits (bounded) for
 * the backend to connect, so that every line it checks goes through the
 * ring, then prints PV_CONSOLE_LINES numbered lines, a pause between each.
 * With `script = restart` it crashes (a triple fault) after the lines of its
 * first run, once dom0 has taken them; the hypervisor restarts it
 * (on_crash = restart) and the second run prints its lines and passes.
 */
#include "guests/lib/event.h"
#include "guests/lib/guest.h"
#include "guests/lib/hypercall.h"
#include "lib/string.h"

#define PV_CONSOLE_LINES 5
#define CONNECT_PAUSES   1000
#define DRAIN_PAUSES     1000
#define LINE_PAUSE_TICKS 5000000ull

static bool wait_until_connected(void)
{
    for (unsigned i = 0; i < CONNECT_PAUSES && !console_ring_connected(); i++)
        hc_block(tsc_after(HC_RETRY_PAUSE_TICKS));
    return console_ring_connected();
}

/* Until dom0 has taken every byte: what a crash would otherwise lose. */
static bool wait_until_drained(void)
{
    volatile struct guest_console_ring *ring = console_ring();

    for (unsigned i = 0; i < DRAIN_PAUSES && ring->consumer != ring->producer; i++)
        hc_block(tsc_after(HC_RETRY_PAUSE_TICKS));
    return ring->consumer == ring->producer;
}

static _Noreturn void crash(void)
{
    struct cpu_table_pointer empty_idt = {.limit = 0, .base = 0};

    cpu_load_idt(&empty_idt);
    cpu_int3();
    guest_exit(GUEST_STATUS_NOT_STOPPED);
}

int guest_main(const struct bulkhead_boot_info *info)
{
    struct hc_self_info self;
    bool restart = strncmp(info->script, "restart", GUEST_SCRIPT_LEN) == 0;

    if (!console_ring() || !wait_until_connected()) {
        printf("pv-console: FAIL no console backend connected\n");
        return GUEST_STATUS_FAIL;
    }
    EXPECT_EQ(hc_self_info(&self), 0);
    unsigned run = self.restarts + 1;
    for (unsigned line = 1; line <= PV_CONSOLE_LINES; line++) {
        printf("pv-console: run %u line %u of %u\n", run, line, PV_CONSOLE_LINES);
        hc_block(tsc_after(LINE_PAUSE_TICKS));
    }
    if (restart && run == 1) {
        EXPECT_TRUE(wait_until_drained());
        crash();
    }
    EXPECT_EQ(console_ring_dropped(), 0);
    printf("pv-console: done\n");
    return guest_exit_status();
}
