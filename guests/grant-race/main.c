/*
 * Two partitions of a pair (ids 1 and 2, or 3 and 4) grant a page to each
 * other, map it, check it and revoke it, round after round, taking turns as
 * granter; two pairs run at once, so four CPUs race on the grant table and
 * the EPT flushes. Each round proves that the mapping is the new grant's
 * (its round stamp), that a revoke returns success, and that the mapping
 * is gone for the grantee afterwards (nothing left to unmap or to map).
 */
#include "guests/lib/event.h"
#include "guests/lib/guest.h"
#include "guests/lib/hypercall.h"

#define RACE_ROUNDS        100
#define RACE_REPORT_EVERY  25
#define RACE_PORT          0
#define RACE_VECTOR        0x40
#define RACE_REF           0 /* a revoke frees it, so every round's grant gets it again */
#define RACE_ATTEMPTS      2000
#define RACE_TIMEOUT_TICKS 20000000000ull
#define RACE_PAGE_WORDS    512
#define RACE_ACK_WORD      (RACE_PAGE_WORDS - 1)

static volatile uint64_t page[RACE_PAGE_WORDS] __attribute__((aligned(4096)));
static volatile uint32_t events;
static uint32_t events_expected;
static uint32_t peer_id;
static uint32_t to_peer;
static volatile uint64_t *window;

static void on_event(uint8_t vector)
{
    (void)vector;
    events++;
}

static uint64_t stamp(unsigned round, unsigned word)
{
    return ((uint64_t)round << 32) | ((uint64_t)peer_id << 16) | word;
}

/* What the grantee writes back into the granter's page. */
static uint64_t ack(unsigned round, unsigned granter)
{
    return ~(((uint64_t)round << 32) | granter);
}

static bool wait_for_peer(void)
{
    events_expected++;
    return event_wait(&events, events_expected, tsc_after(RACE_TIMEOUT_TICKS));
}

/* Grant the page stamped for this round, wait for the grantee's ack,
 * revoke, and tell the grantee. */
static bool grant_round(unsigned round, unsigned self)
{
    for (unsigned i = 0; i < RACE_PAGE_WORDS; i++)
        page[i] = ((uint64_t)round << 32) | ((uint64_t)self << 16) | i;
    EXPECT_EQ(hc_grant_create(peer_id, (const void *)page, 1, HC_GRANT_READ_WRITE), RACE_REF);
    EXPECT_EQ(hc_event_send(to_peer), 0);
    EXPECT_TRUE(wait_for_peer());
    EXPECT_EQ(page[RACE_ACK_WORD], ack(round, self));
    EXPECT_EQ(hc_grant_revoke(RACE_REF), 0);
    EXPECT_EQ(hc_event_send(to_peer), 0);
    return guest_exit_status() == GUEST_STATUS_PASS;
}

/* Map the peer's grant, check its stamp, ack, and once it is revoked,
 * find nothing left to unmap and nothing to map. */
static bool map_round(unsigned round)
{
    EXPECT_TRUE(wait_for_peer());
    EXPECT_EQ(hc_grant_map(peer_id, RACE_REF, (uint64_t)(uintptr_t)window), 0);
    EXPECT_EQ(window[0], stamp(round, 0));
    EXPECT_EQ(window[RACE_ACK_WORD - 1], stamp(round, RACE_ACK_WORD - 1));
    window[RACE_ACK_WORD] = ack(round, peer_id);
    EXPECT_EQ(hc_event_send(to_peer), 0);
    EXPECT_TRUE(wait_for_peer());
    EXPECT_EQ(hc_grant_unmap(peer_id, RACE_REF), HC_ENOENT);
    EXPECT_EQ(hc_grant_map(peer_id, RACE_REF, (uint64_t)(uintptr_t)window), HC_ENOENT);
    return guest_exit_status() == GUEST_STATUS_PASS;
}

int guest_main(const struct bulkhead_boot_info *info)
{
    unsigned self = info->partition_id;
    bool first = self % 2 == 1; /* the odd partition of a pair grants first */

    peer_id = first ? self + 1 : self - 1;
    window = (volatile uint64_t *)(uintptr_t)hc_grant_window(info->memory_bytes);
    EXPECT_TRUE(window != 0);
    event_enable_x2apic();
    EXPECT_EQ(event_bind(RACE_VECTOR, peer_id, on_event), RACE_PORT);
    int64_t port = event_connect_retrying(peer_id, RACE_PORT, RACE_ATTEMPTS);
    EXPECT_TRUE(port >= 0);
    to_peer = (uint32_t)port;
    expect_passes_quietly(true);
    for (unsigned round = 0; round < RACE_ROUNDS && guest_exit_status() == GUEST_STATUS_PASS;
         round++) {
        bool granting = (round % 2 == 0) == first;
        if (!(granting ? grant_round(round, self) : map_round(round)))
            break;
        if ((round + 1) % RACE_REPORT_EVERY == 0)
            printf("grant-race: %u rounds with partition %u\n", round + 1, peer_id);
    }
    return guest_exit_status();
}
