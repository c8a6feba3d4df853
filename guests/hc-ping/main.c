/*
 * One side of a para-virtualized channel (guests/hc-ping/channel.h): sends
 * MESSAGES numbered, checksummed 64-byte messages to hc-pong through a ring
 * in a page hc-pong granted, and checks that each comes back unchanged. Then
 * measures, in TSC ticks, a null hypercall, an event and a ring message.
 */
#include "guests/hc-ping/channel.h"
#include "guests/lib/event.h"
#include "guests/lib/bench.h"
#include "guests/lib/guest.h"
#include "guests/lib/hypercall.h"

#define MESSAGES   100
#define BENCH_RUNS 100

/* Far longer than any exchange takes, even under Bochs: only a peer that
 * stopped answering reaches it. */
#define TIMEOUT_TICKS 20000000000ull

static volatile uint32_t ring_events, echo_events;
static struct channel_page *channel;
static uint32_t to_pong_ring, to_pong_echo;

static void on_ring_event(uint8_t vector)
{
    (void)vector;
    ring_events++;
}

static void on_echo(uint8_t vector)
{
    (void)vector;
    echo_events++;
}

/* The order matters: our ports first, so they are ports 0 and 1 when pong
 * connects; then pong's grant and ports; then pong's "ready" event, which it
 * sends once it is connected to ours. */
static bool connect_to_pong(const struct bulkhead_boot_info *info)
{
    uint64_t window = hc_grant_window(info->memory_bytes);

    event_enable_x2apic();
    EXPECT_EQ(event_bind(CHANNEL_VECTOR_RING, PONG_ID, on_ring_event), CHANNEL_PORT_RING);
    EXPECT_EQ(event_bind(CHANNEL_VECTOR_ECHO, PONG_ID, on_echo), CHANNEL_PORT_ECHO);
    EXPECT_TRUE(window != 0);
    EXPECT_EQ(hc_grant_map_retrying(PONG_ID, CHANNEL_GRANT_REF, window, CHANNEL_ATTEMPTS), 0);
    int64_t ring_port = event_connect_retrying(PONG_ID, CHANNEL_PORT_RING, CHANNEL_ATTEMPTS);
    int64_t echo_port = event_connect_retrying(PONG_ID, CHANNEL_PORT_ECHO, CHANNEL_ATTEMPTS);
    EXPECT_TRUE(ring_port >= 0);
    EXPECT_TRUE(echo_port >= 0);
    EXPECT_TRUE(event_wait(&ring_events, 1, tsc_after(TIMEOUT_TICKS)));
    channel = (struct channel_page *)(uintptr_t)window;
    to_pong_ring = (uint32_t)ring_port;
    to_pong_echo = (uint32_t)echo_port;
    return guest_exit_status() == GUEST_STATUS_PASS;
}

static void send_request(uint32_t sequence)
{
    struct channel_message message = {.sequence = sequence};
    bool notify;

    for (unsigned i = 0; i < sizeof(message.payload); i++)
        message.payload[i] = (uint8_t)(sequence * 7 + i);
    message.checksum = channel_checksum(&message);
    /* One message in flight at a time: the ring always has room. */
    if (!ring_put(&channel->requests, &message, &notify))
        printf("hc-ping: FAIL request ring full at %u\n", sequence);
    if (notify)
        hc_event_send(to_pong_ring);
}

/* The next reply, or false after TIMEOUT_TICKS. Sleeps in HC_BLOCK between
 * looks, or polls the ring when sleep is false. */
static bool take_reply(struct channel_message *reply, bool sleep)
{
    uint64_t deadline = tsc_after(TIMEOUT_TICKS);

    for (;;) {
        uint32_t seen = ring_events;
        bool notify;
        if (ring_get(&channel->replies, reply, &notify)) {
            if (notify)
                hc_event_send(to_pong_ring);
            return true;
        }
        if (cpu_rdtsc_ordered() >= deadline)
            return false;
        if (sleep)
            event_wait(&ring_events, seen + 1, deadline);
    }
}

static bool reply_is(const struct channel_message *reply, uint32_t sequence)
{
    return reply->sequence == sequence && reply->checksum == channel_checksum(reply);
}

static void exchange_messages(void)
{
    struct channel_message reply;
    unsigned good = 0;

    for (uint32_t sequence = 0; sequence < MESSAGES; sequence++) {
        send_request(sequence);
        if (!take_reply(&reply, true)) {
            printf("hc-ping: FAIL no reply to message %u\n", sequence);
            break;
        }
        if (reply_is(&reply, sequence))
            good++;
        else
            printf("hc-ping: FAIL bad reply to message %u\n", sequence);
    }
    EXPECT_EQ(good, MESSAGES);
}

static bool nothing(uint32_t run)
{
    (void)run;
    return true;
}

static bool null_hypercall(uint32_t run)
{
    (void)run;
    return hc_null() == 0;
}

/* Ping sends on pong's echo port; pong's handler sends straight back; ping
 * (asleep in HC_BLOCK) takes the interrupt. Half the round trip is one way. */
static bool event_round_trip(uint32_t run)
{
    uint32_t before = echo_events;

    (void)run;
    hc_event_send(to_pong_echo);
    return event_wait(&echo_events, before + 1, tsc_after(TIMEOUT_TICKS));
}

/* From ping's put of a request until it has taken pong's reply (polling the
 * reply ring, pong woken by the event): two messages, so half is one. */
static bool ring_round_trip(uint32_t run)
{
    struct channel_message reply;

    send_request(MESSAGES + run);
    return take_reply(&reply, false) && reply_is(&reply, MESSAGES + run);
}

static void bench_event(void)
{
    uint64_t best = bench_smallest(event_round_trip, BENCH_RUNS);

    if (best == UINT64_MAX) {
        printf("hc-ping: FAIL no echo event\n");
        return;
    }
    printf("hc-ping: bench event one-way %llu ticks (half the smallest of %u round trips: "
           "event to pong, pong's handler sends one back)\n",
           (unsigned long long)(best / 2), BENCH_RUNS);
}

static void bench_ring(void)
{
    uint64_t best = bench_smallest(ring_round_trip, BENCH_RUNS);

    if (best == UINT64_MAX) {
        printf("hc-ping: FAIL a bench reply went missing\n");
        return;
    }
    printf("hc-ping: bench ring 64-byte message %llu ticks (half the smallest of %u "
           "request-reply round trips, from ping's put to ping's take of the reply)\n",
           (unsigned long long)(best / 2), BENCH_RUNS);
}

static void bench(void)
{
    uint64_t baseline = bench_smallest(nothing, BENCH_RUNS);

    printf("hc-ping: bench null hypercall %llu ticks\n",
           (unsigned long long)(bench_smallest(null_hypercall, BENCH_RUNS) - baseline));
    bench_event();
    bench_ring();
}

/* Pong leaves after the goodbye, and its page with it: ping takes pong's
 * answer, unmaps the page, and only then tells pong, on the echo port. */
static void say_goodbye(void)
{
    struct channel_message reply;

    send_request(CHANNEL_SEQUENCE_BYE);
    EXPECT_TRUE(take_reply(&reply, true) && reply.sequence == CHANNEL_SEQUENCE_BYE);
    EXPECT_EQ(hc_grant_unmap(PONG_ID, CHANNEL_GRANT_REF), 0);
    EXPECT_EQ(hc_event_send(to_pong_echo), 0);
}

int guest_main(const struct bulkhead_boot_info *info)
{
    if (!hc_present()) {
        printf("hc-ping: FAIL no hypercall interface\n");
        return GUEST_STATUS_FAIL;
    }
    EXPECT_EQ(info->partition_id, PING_ID);
    if (!connect_to_pong(info))
        return guest_exit_status();
    exchange_messages();
    bench();
    say_goodbye();
    printf("hc-ping: done\n");
    return guest_exit_status();
}
