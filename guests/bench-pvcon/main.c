/*
 * The cost of console output through the PV console ring that dom0 serves,
 * as the guest pays it (RDTSC around console_write(); under Bochs: emulated
 * instructions), the smallest of RUNS runs minus the cost of the
 * measurement itself:
 *   - a 64-byte line with the one event that announces it, and per byte;
 *   - a single byte with its event.
 * Before each run the guest waits, outside the measurement, until dom0 has
 * emptied the ring and asked for an event again, so every run pays for one
 * notification.
 */
#include "guests/lib/event.h"
#include "guests/lib/guest.h"
#include "guests/lib/hypercall.h"

#define RUNS        50
#define LINE_BYTES  64
#define PAUSES      1000
#define PAUSE_TICKS 100000ull

static volatile struct guest_console_ring *ring;
static char line[LINE_BYTES];

/* dom0 took everything and wants an event on the next byte. */
static bool backend_waiting(void)
{
    uint32_t producer = ring->producer;

    return ring->consumer == producer && ring->producer_event == producer + 1;
}

static bool wait_for_backend(void)
{
    for (unsigned i = 0; i < PAUSES; i++) {
        if (console_ring_connected() && backend_waiting())
            return true;
        hc_block(tsc_after(PAUSE_TICKS));
    }
    return false;
}

/* The smallest ticks of what(), each run after dom0 is waiting again. */
static uint64_t smallest(void (*what)(void))
{
    uint64_t best = UINT64_MAX;

    for (unsigned run = 0; run < RUNS; run++) {
        if (!wait_for_backend())
            return UINT64_MAX;
        uint64_t start = cpu_rdtsc_ordered();
        what();
        uint64_t ticks = cpu_rdtsc_ordered() - start;
        best = ticks < best ? ticks : best;
    }
    return best;
}

static void nothing(void)
{
}

static void write_line(void)
{
    console_write(line, LINE_BYTES);
}

static void write_byte(void)
{
    console_write("p", 1);
}

int guest_main(const struct bulkhead_boot_info *info)
{
    (void)info;
    ring = console_ring();
    if (!ring || !wait_for_backend()) {
        printf("bench-pvcon: FAIL no console backend connected\n");
        return GUEST_STATUS_FAIL;
    }
    for (unsigned i = 0; i < LINE_BYTES - 1; i++)
        line[i] = 'r';
    line[LINE_BYTES - 1] = '\n';
    uint64_t baseline = smallest(nothing);
    uint64_t one_line = smallest(write_line) - baseline;
    uint64_t one_byte = smallest(write_byte) - baseline;
    console_write("\n", 1);
    printf("bench-pvcon: bench ring %u-byte line with its event %llu ticks\n", LINE_BYTES,
           (unsigned long long)one_line);
    printf("bench-pvcon: bench ring byte amortized over a %u-byte line %llu ticks\n", LINE_BYTES,
           (unsigned long long)(one_line / LINE_BYTES));
    printf("bench-pvcon: bench ring single byte with its event %llu ticks\n",
           (unsigned long long)one_byte);
    EXPECT_EQ(console_ring_dropped(), 0);
    return guest_exit_status();
}
