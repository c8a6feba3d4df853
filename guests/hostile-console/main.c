/*
 * Attacks dom0's console backend through its own console ring: once it is
 * connected, it sets the producer index far beyond the ring (as if 64 KiB
 * were waiting), then races the producer through RACE_ROUNDS out-of-range
 * values, sending an event each time. dom0 must report the bad index, reset
 * the ring and go on serving everyone; this guest then prints one normal
 * line, which dom0 must still print.
 */
#include "guests/lib/random.h"
#include "guests/lib/event.h"
#include "guests/lib/guest.h"
#include "guests/lib/hypercall.h"

#define CONNECT_PAUSES 1000
#define RESET_PAUSES   1000
#define RACE_ROUNDS    2000
#define HUGE_AHEAD     0x10000u
#define RACE_PAUSE     300000ull /* every 16 rounds: the race outlasts good's lines */

static bool wait_until_connected(void)
{
    for (unsigned i = 0; i < CONNECT_PAUSES && !console_ring_connected(); i++)
        hc_block(tsc_after(HC_RETRY_PAUSE_TICKS));
    return console_ring_connected();
}

/* dom0 resets a bad ring by moving consumer up to the producer it read. */
static bool wait_until_reset(volatile struct guest_console_ring *ring)
{
    for (unsigned i = 0; i < RESET_PAUSES && ring->consumer != ring->producer; i++)
        hc_block(tsc_after(HC_RETRY_PAUSE_TICKS));
    return ring->consumer == ring->producer;
}

static void race_producer(volatile struct guest_console_ring *ring, uint32_t port)
{
    uint32_t state = 0x12345678u;

    for (unsigned round = 0; round < RACE_ROUNDS; round++) {
        uint32_t ahead = GUEST_CONSOLE_RING_SIZE + 1 + random_next(&state) % HUGE_AHEAD;
        ring->producer = ring->consumer + ahead;
        if (round % 16 == 0) {
            hc_event_send(port);
            hc_block(tsc_after(RACE_PAUSE));
        }
    }
}

int guest_main(const struct bulkhead_boot_info *info)
{
    (void)info;
    volatile struct guest_console_ring *ring = console_ring();

    if (!ring || !wait_until_connected()) {
        printf("hostile-console: FAIL no console backend connected\n");
        return GUEST_STATUS_FAIL;
    }
    uint32_t port = console_ring_event_port();
    ring->producer = ring->consumer + HUGE_AHEAD;
    EXPECT_EQ(hc_event_send(port), 0);
    EXPECT_TRUE(wait_until_reset(ring));
    race_producer(ring, port);
    hc_event_send(port);
    EXPECT_TRUE(wait_until_reset(ring));
    printf("hostile-console: heard after the reset\n");
    return guest_exit_status();
}
