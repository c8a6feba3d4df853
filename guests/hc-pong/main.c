/*
 * The other side of hc-ping's channel (guests/hc-ping/channel.h): owns and
 * grants the ring page, checks every request hc-ping sends and replies with
 * it unchanged, until hc-ping says goodbye (CHANNEL_SEQUENCE_BYE). Its echo port's handler sends
 * each event straight back, for hc-ping's event benchmark.
 */
#include "guests/hc-ping/channel.h"
#include "guests/lib/event.h"
#include "guests/lib/guest.h"
#include "guests/lib/hypercall.h"

/* hc-ping sends 100 messages and 100 benchmark messages. */
#define EXPECTED_REQUESTS 200

/* Far longer than hc-ping takes between messages, even under Bochs. */
#define TIMEOUT_TICKS 20000000000ull

static struct channel_page channel __attribute__((aligned(4096)));
static volatile uint32_t ring_events, echo_events;
static volatile int64_t to_ping_ring = -1, to_ping_echo = -1;

static void on_ring_event(uint8_t vector)
{
    (void)vector;
    ring_events++;
}

static void on_echo(uint8_t vector)
{
    (void)vector;
    echo_events++;
    if (to_ping_echo >= 0)
        hc_event_send((uint32_t)to_ping_echo);
}

/* Ports and grant first, in the order hc-ping counts on; then hc-ping's
 * ports; then one event on the ring port to say we are ready. */
static bool offer_channel(void)
{
    ring_init(&channel.requests);
    ring_init(&channel.replies);
    event_enable_x2apic();
    EXPECT_EQ(event_bind(CHANNEL_VECTOR_RING, PING_ID, on_ring_event), CHANNEL_PORT_RING);
    EXPECT_EQ(event_bind(CHANNEL_VECTOR_ECHO, PING_ID, on_echo), CHANNEL_PORT_ECHO);
    EXPECT_EQ(hc_grant_create(PING_ID, &channel, 1, HC_GRANT_READ_WRITE), CHANNEL_GRANT_REF);
    to_ping_ring = event_connect_retrying(PING_ID, CHANNEL_PORT_RING, CHANNEL_ATTEMPTS);
    to_ping_echo = event_connect_retrying(PING_ID, CHANNEL_PORT_ECHO, CHANNEL_ATTEMPTS);
    EXPECT_TRUE(to_ping_ring >= 0);
    EXPECT_TRUE(to_ping_echo >= 0);
    if (guest_exit_status() != GUEST_STATUS_PASS)
        return false;
    EXPECT_EQ(hc_event_send((uint32_t)to_ping_ring), 0);
    return true;
}

/* The next request, asleep in HC_BLOCK until one comes; false on timeout. */
static bool take_request(struct channel_message *request)
{
    for (;;) {
        uint32_t seen = ring_events;
        bool notify;
        if (ring_get(&channel.requests, request, &notify)) {
            if (notify)
                hc_event_send((uint32_t)to_ping_ring);
            return true;
        }
        if (!event_wait(&ring_events, seen + 1, tsc_after(TIMEOUT_TICKS)))
            return false;
    }
}

static bool put_reply(const struct channel_message *reply)
{
    for (;;) {
        uint32_t seen = ring_events;
        bool notify;
        if (ring_put(&channel.replies, reply, &notify)) {
            if (notify)
                hc_event_send((uint32_t)to_ping_ring);
            return true;
        }
        if (!event_wait(&ring_events, seen + 1, tsc_after(TIMEOUT_TICKS)))
            return false;
    }
}

/* Checks a request: the sequence number it should have and its checksum. */
static bool request_is_good(const struct channel_message *request, uint32_t expected_sequence)
{
    if (request->sequence == expected_sequence && request->checksum == channel_checksum(request))
        return true;
    printf("hc-pong: FAIL bad request %u (expected %u)\n", request->sequence, expected_sequence);
    return false;
}

/* Replies to every request, goodbye included; then waits for hc-ping's echo
 * event that says it has unmapped the page, so no read of hc-ping's can
 * reach a page whose owner is gone. */
static void serve(void)
{
    struct channel_message message = {0};
    uint32_t good = 0, taken = 0;

    while (take_request(&message)) {
        uint32_t echoes_before = echo_events;
        bool bye = message.sequence == CHANNEL_SEQUENCE_BYE;
        if (!bye && request_is_good(&message, taken))
            good++;
        taken++;
        if (!put_reply(&message))
            break;
        if (bye) {
            EXPECT_TRUE(event_wait(&echo_events, echoes_before + 1, tsc_after(TIMEOUT_TICKS)));
            break;
        }
    }
    EXPECT_EQ(message.sequence, CHANNEL_SEQUENCE_BYE);
    EXPECT_EQ(good, EXPECTED_REQUESTS);
}

int guest_main(const struct bulkhead_boot_info *info)
{
    if (!hc_present()) {
        printf("hc-pong: FAIL no hypercall interface\n");
        return GUEST_STATUS_FAIL;
    }
    EXPECT_EQ(info->partition_id, PONG_ID);
    if (offer_channel())
        serve();
    printf("hc-pong: done\n");
    return guest_exit_status();
}
