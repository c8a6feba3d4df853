/*
 * Host unit tests of the guest runtime's message ring (guests/lib/ring.c):
 * the message order, the full and empty cases, index wrap-around, and that
 * notification suppression never loses a wake-up, with a producer and a
 * consumer on two threads standing in for two partitions.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <time.h>

#include "guests/lib/ring.h"

static struct ring_shared ring;

static void setup(void)
{
    ring_init(&ring);
}

TestSuite(ring, .init = setup);

static void message_with(uint8_t *message, uint32_t value)
{
    memset(message, 0, RING_MESSAGE_SIZE);
    memcpy(message, &value, sizeof(value));
    message[RING_MESSAGE_SIZE - 1] = (uint8_t)~value;
}

static uint32_t value_of(const uint8_t *message)
{
    uint32_t value;

    memcpy(&value, message, sizeof(value));
    cr_assert_eq(message[RING_MESSAGE_SIZE - 1], (uint8_t)~value, "message %u is torn", value);
    return value;
}

static bool put_value(uint32_t value)
{
    uint8_t message[RING_MESSAGE_SIZE];
    bool notify;

    message_with(message, value);
    return ring_put(&ring, message, &notify) && notify;
}

Test(ring, starts_empty_and_asks_for_the_first_message)
{
    uint8_t message[RING_MESSAGE_SIZE];
    bool notify = true;

    cr_assert_not(ring_get(&ring, message, &notify));
    cr_assert_not(notify);
    cr_assert_eq(ring.producer_event, 1);
}

Test(ring, keeps_the_order)
{
    uint8_t message[RING_MESSAGE_SIZE];
    bool notify;

    for (uint32_t i = 0; i < RING_SLOTS; i++) {
        message_with(message, 100 + i);
        cr_assert(ring_put(&ring, message, &notify));
    }
    for (uint32_t i = 0; i < RING_SLOTS; i++) {
        cr_assert(ring_get(&ring, message, &notify));
        cr_assert_eq(value_of(message), 100 + i);
    }
    cr_assert_not(ring_get(&ring, message, &notify));
}

Test(ring, notifies_only_a_consumer_that_asked)
{
    uint8_t message[RING_MESSAGE_SIZE];
    bool notify;

    cr_assert(put_value(1), "the first message is asked for at init");
    cr_assert_not(put_value(2), "the consumer has not looked since");
    cr_assert(ring_get(&ring, message, &notify));
    cr_assert(ring_get(&ring, message, &notify));
    cr_assert_not(put_value(3), "the consumer has not run dry yet");
    cr_assert(ring_get(&ring, message, &notify));
    cr_assert_not(ring_get(&ring, message, &notify)); /* empty: asks */
    cr_assert(put_value(4));
}

Test(ring, full_ring_refuses_and_the_consumer_then_notifies)
{
    uint8_t message[RING_MESSAGE_SIZE];
    bool notify;

    for (uint32_t i = 0; i < RING_SLOTS; i++)
        put_value(i);
    message_with(message, 99);
    cr_assert_not(ring_put(&ring, message, &notify));
    cr_assert_not(notify);
    cr_assert(ring_get(&ring, message, &notify));
    cr_assert(notify, "the producer asked when it found the ring full");
    cr_assert_eq(value_of(message), 0);
    cr_assert(ring_get(&ring, message, &notify));
    cr_assert_not(notify, "only once");
    message_with(message, 99);
    cr_assert(ring_put(&ring, message, &notify));
}

Test(ring, indices_wrap_around)
{
    uint8_t message[RING_MESSAGE_SIZE];
    bool notify;

    ring.producer = ring.consumer = UINT32_MAX - 5;
    ring.producer_event = ring.producer + 1;
    for (uint32_t i = 0; i < 4 * RING_SLOTS; i++) {
        message_with(message, i);
        cr_assert(ring_put(&ring, message, &notify));
        cr_assert(notify, "the consumer ran dry before every message");
        cr_assert(ring_get(&ring, message, &notify));
        cr_assert_eq(value_of(message), i);
        cr_assert_not(ring_get(&ring, message, &notify));
    }
}

/* Two threads, each waiting only for the events the other sends; a lost
 * wake-up shows as a timeout. */
#define STRESS_MESSAGES 2000000u
#define STRESS_TIMEOUT  30 /* seconds */

static uint32_t consumer_events, producer_events;

static bool wait_for_event(uint32_t *events, uint32_t seen, time_t give_up)
{
    while (__atomic_load_n(events, __ATOMIC_ACQUIRE) == seen) {
        if (time(NULL) > give_up)
            return false;
        sched_yield();
    }
    return true;
}

static void send_event(uint32_t *events)
{
    __atomic_fetch_add(events, 1, __ATOMIC_RELEASE);
}

static void *produce(void *unused)
{
    uint8_t message[RING_MESSAGE_SIZE];
    time_t give_up = time(NULL) + STRESS_TIMEOUT;
    bool notify;

    (void)unused;
    for (uint32_t i = 0; i < STRESS_MESSAGES;) {
        uint32_t seen = __atomic_load_n(&producer_events, __ATOMIC_ACQUIRE);
        message_with(message, i);
        if (ring_put(&ring, message, &notify)) {
            if (notify)
                send_event(&consumer_events);
            i++;
        } else if (!wait_for_event(&producer_events, seen, give_up)) {
            return (void *)"producer never woken";
        }
    }
    return NULL;
}

static void *consume(void *unused)
{
    uint8_t message[RING_MESSAGE_SIZE];
    time_t give_up = time(NULL) + STRESS_TIMEOUT;
    bool notify;

    (void)unused;
    for (uint32_t i = 0; i < STRESS_MESSAGES;) {
        uint32_t seen = __atomic_load_n(&consumer_events, __ATOMIC_ACQUIRE);
        if (ring_get(&ring, message, &notify)) {
            if (value_of(message) != i)
                return (void *)"message out of order";
            if (notify)
                send_event(&producer_events);
            i++;
        } else if (!wait_for_event(&consumer_events, seen, give_up)) {
            return (void *)"consumer never woken";
        }
    }
    return NULL;
}

Test(ring, no_wakeup_is_lost_between_threads)
{
    pthread_t producer, consumer;
    void *producer_error, *consumer_error;

    pthread_create(&consumer, NULL, consume, NULL);
    pthread_create(&producer, NULL, produce, NULL);
    pthread_join(producer, &producer_error);
    pthread_join(consumer, &consumer_error);
    cr_assert_null(producer_error, "%s", (const char *)producer_error);
    cr_assert_null(consumer_error, "%s", (const char *)consumer_error);
    cr_assert_lt(consumer_events, STRESS_MESSAGES, "suppression saved some events");
}
