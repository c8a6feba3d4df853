/*
 * Host unit tests of the console ring (guests/lib/console_ring.c): bytes in
 * order across the wrap, a full ring, one event per burst, and the backend's
 * handling of hostile indices (reset, never a read outside the ring).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "guests/lib/console_ring.h"

static struct guest_console_ring ring;
static char out[GUEST_CONSOLE_RING_SIZE];

static void setup(void)
{
    memset(&ring, 0, sizeof(ring));
    ring.producer_event = 1; /* as the hypervisor prepares it */
}

TestSuite(console_ring, .init = setup);

static size_t put(const char *text, bool *notify)
{
    return console_ring_put(&ring, text, strlen(text), notify);
}

Test(console_ring, bytes_come_out_as_they_went_in)
{
    struct console_ring_take take;
    bool notify;

    cr_assert_eq(put("hello\n", &notify), 6);
    cr_assert(notify, "the first byte raises an event");
    cr_assert_eq(console_ring_take(&ring, out, &take), CONSOLE_RING_TOOK);
    cr_assert_eq(take.length, 6);
    cr_assert_eq(memcmp(out, "hello\n", 6), 0);
    cr_assert_eq(ring.consumer, 6);
    cr_assert_eq(console_ring_take(&ring, out, &take), CONSOLE_RING_EMPTY);
}

Test(console_ring, a_burst_costs_one_event_until_the_backend_rearms)
{
    struct console_ring_take take;
    bool notify;

    put("a", &notify);
    cr_assert(notify);
    put("b", &notify);
    cr_assert_not(notify, "the backend has not emptied the ring yet");
    console_ring_take(&ring, out, &take);
    cr_assert_not(console_ring_rearm(&ring, take.producer));
    put("c", &notify);
    cr_assert(notify, "the backend asked again");
}

Test(console_ring, rearm_sees_bytes_that_came_before_the_ask)
{
    struct console_ring_take take;
    bool notify;

    put("a", &notify);
    console_ring_take(&ring, out, &take);
    put("b", &notify); /* between the take and the rearm: no event asked */
    cr_assert_not(notify);
    cr_assert(console_ring_rearm(&ring, take.producer), "the backend must look again");
}

Test(console_ring, full_ring_takes_what_fits_and_wraps)
{
    static char big[GUEST_CONSOLE_RING_SIZE + 100];
    struct console_ring_take take;
    bool notify;

    ring.producer = ring.consumer = UINT32_MAX - 10; /* the indices wrap on the way */
    memset(big, 'x', sizeof(big));
    big[GUEST_CONSOLE_RING_SIZE - 1] = 'y';
    cr_assert_eq(console_ring_put(&ring, big, sizeof(big), &notify), GUEST_CONSOLE_RING_SIZE);
    cr_assert_eq(console_ring_room(&ring), 0);
    cr_assert_eq(console_ring_put(&ring, big, 1, &notify), 0);
    cr_assert_eq(console_ring_take(&ring, out, &take), CONSOLE_RING_TOOK);
    cr_assert_eq(take.length, GUEST_CONSOLE_RING_SIZE);
    cr_assert_eq(out[GUEST_CONSOLE_RING_SIZE - 1], 'y');
    cr_assert_eq(console_ring_room(&ring), GUEST_CONSOLE_RING_SIZE);
}

Test(console_ring, producer_far_ahead_resets_the_ring)
{
    struct console_ring_take take;

    ring.consumer = 100;
    ring.producer = 100 + GUEST_CONSOLE_RING_SIZE + 1;
    cr_assert_eq(console_ring_take(&ring, out, &take), CONSOLE_RING_BAD_INDEX);
    cr_assert_eq(take.length, 0);
    cr_assert_eq(take.producer, 100 + GUEST_CONSOLE_RING_SIZE + 1);
    cr_assert_eq(take.consumer, 100);
    cr_assert_eq(ring.consumer, ring.producer, "reset to the producer it read");
    cr_assert_eq(console_ring_take(&ring, out, &take), CONSOLE_RING_EMPTY);
}

Test(console_ring, producer_behind_the_consumer_resets_the_ring)
{
    struct console_ring_take take;

    ring.consumer = 5000;
    ring.producer = 10;
    cr_assert_eq(console_ring_take(&ring, out, &take), CONSOLE_RING_BAD_INDEX);
    cr_assert_eq(ring.consumer, 10);
}

Test(console_ring, exactly_one_ring_of_bytes_is_still_good)
{
    struct console_ring_take take;

    ring.consumer = 7;
    ring.producer = 7 + GUEST_CONSOLE_RING_SIZE;
    cr_assert_eq(console_ring_take(&ring, out, &take), CONSOLE_RING_TOOK);
    cr_assert_eq(take.length, GUEST_CONSOLE_RING_SIZE);
}

Test(console_ring, guest_sees_no_room_when_the_consumer_is_scribbled)
{
    bool notify;

    ring.producer = 0;
    ring.consumer = 0x80000000u;
    cr_assert_eq(console_ring_room(&ring), 0);
    cr_assert_eq(put("x", &notify), 0);
    cr_assert_eq(ring.producer, 0);
}

/* ---- input: the backend gives, the guest gets ----------------------------- */

Test(console_ring, typed_input_reaches_the_guest_in_order)
{
    uint32_t producer = 0;
    bool bad = true;
    char got[8];

    cr_assert_eq(console_ring_give_input(&ring, &producer, "hello", 5, &bad), 5);
    cr_assert_not(bad);
    cr_assert_eq(ring.input_producer, 5);
    cr_assert_eq(console_ring_get_input(&ring, got, 3), 3);
    cr_assert(!memcmp(got, "hel", 3));
    cr_assert_eq(console_ring_get_input(&ring, got, sizeof(got)), 2);
    cr_assert(!memcmp(got, "lo", 2));
    cr_assert_eq(console_ring_get_input(&ring, got, sizeof(got)), 0, "nothing more");
}

Test(console_ring, input_wraps_and_stops_when_full)
{
    static char bytes[GUEST_CONSOLE_INPUT_SIZE + 8];
    static char got[GUEST_CONSOLE_INPUT_SIZE];
    uint32_t producer = 0xfffffff0u;
    bool bad;

    ring.input_producer = ring.input_consumer = producer;
    for (unsigned i = 0; i < sizeof(bytes); i++)
        bytes[i] = (char)i;
    cr_assert_eq(console_ring_give_input(&ring, &producer, bytes, sizeof(bytes), &bad),
                 GUEST_CONSOLE_INPUT_SIZE, "only what fits");
    cr_assert_eq(console_ring_give_input(&ring, &producer, bytes, 1, &bad), 0);
    cr_assert_not(bad);
    cr_assert_eq(console_ring_get_input(&ring, got, sizeof(got)), GUEST_CONSOLE_INPUT_SIZE);
    cr_assert(!memcmp(got, bytes, sizeof(got)));
}

Test(console_ring, a_scribbled_input_consumer_is_refused)
{
    uint32_t producer = 0;
    bool bad = false;

    ring.input_consumer = 0x80000000u;
    cr_assert_eq(console_ring_give_input(&ring, &producer, "x", 1, &bad), 0);
    cr_assert(bad);
    cr_assert_eq(producer, 0, "the backend's own index stays");
}

Test(console_ring, a_scribbled_input_producer_drops_the_input)
{
    char got[16];

    ring.input_producer = 0x40000000u;
    cr_assert_eq(console_ring_get_input(&ring, got, sizeof(got)), 0);
    cr_assert_eq(ring.input_consumer, 0x40000000u, "starts over at the producer");
}

Test(console_ring, input_starts_over_on_a_page_set_up_again)
{
    uint32_t producer = 7;
    bool bad;
    char got[4];

    /* the partition restarted: its page is zeroed, the backend still at 7 */
    cr_assert_eq(console_ring_give_input(&ring, &producer, "ab", 2, &bad), 2);
    cr_assert_eq(producer, 2);
    cr_assert_eq(console_ring_get_input(&ring, got, sizeof(got)), 2);
    cr_assert(!memcmp(got, "ab", 2));
}
