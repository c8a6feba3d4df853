/*
 * A partition's event sends draw on its token bucket (hv/event.h): on the
 * fake machine of tests/hypercall_world.h, where time moves one tick each
 * time someone reads it, sends past the bucket are kept on their port and
 * go out together once it has a token again; none is lost.
 */
#include <criterion/criterion.h>

#include "hv/event.h"
#include "hv/partition.h"
#include "tests/hypercall_world.h"

#define GUEST  2
#define OTHER  3
#define VECTOR 0x41
#define BURST  4
#define COST   1000000ull /* ticks a token takes */

static void setup(void)
{
    world_reset();
    rate_limit_init(&world_partition(GUEST)->events.sends, 1, BURST, COST);
}

TestSuite(hypercall_flood, .init = setup);

#define FLOOD_TEST(name)                                                                           \
    WORLD_TEST(hypercall_flood, name, cr_expect_null(world.violation, "%s", world.violation))

/* A channel from GUEST to OTHER; returns GUEST's end. */
static int64_t channel(void)
{
    int64_t offered = world_call2(OTHER, HC_EVENT_BIND, VECTOR, GUEST);
    cr_assert_geq(offered, 0);
    int64_t local = world_call3(GUEST, HC_EVENT_CONNECT, OTHER, offered, 0);
    cr_assert_geq(local, 0);
    return local;
}

FLOOD_TEST(sends_past_the_burst_are_kept_and_released_as_one)
{
    int64_t port = channel();
    struct partition *guest = world_partition(GUEST);

    for (unsigned i = 0; i < BURST + 10; i++)
        cr_assert_eq(world_call1(GUEST, HC_EVENT_SEND, port), 0, "a kept send still succeeds");
    cr_assert_eq(world_record(OTHER)->interrupt_total, BURST);
    uint64_t due = event_deferred_deadline(guest);
    cr_assert_neq(due, 0);
    event_release_deferred(guest, due - 1);
    cr_assert_eq(world_record(OTHER)->interrupt_total, BURST, "not before a token is there");
    event_release_deferred(guest, due);
    cr_assert_eq(world_record(OTHER)->interrupt_total, BURST + 1, "the kept ones as one");
    cr_assert_eq(event_deferred_deadline(guest), 0);
}

FLOOD_TEST(other_partitions_keep_their_own_buckets)
{
    int64_t port = channel();
    int64_t back = world_call2(GUEST, HC_EVENT_BIND, VECTOR, 0);

    for (unsigned i = 0; i < BURST + 10; i++)
        world_call1(GUEST, HC_EVENT_SEND, port);
    cr_assert_eq(world_call1(OTHER, HC_EVENT_SEND, back), HC_ENOENT, "GUEST's port is its own");
    int64_t own = world_call2(OTHER, HC_EVENT_BIND, VECTOR + 1, 0);
    for (unsigned i = 0; i < 3 * BURST; i++)
        cr_assert_eq(world_call1(OTHER, HC_EVENT_SEND, own), 0);
    cr_assert_eq(world_record(OTHER)->interrupts[0][VECTOR + 1], 3 * BURST);
}

FLOOD_TEST(a_kept_send_on_a_port_unbound_meanwhile_goes_nowhere)
{
    int64_t port = channel();
    struct partition *guest = world_partition(GUEST);

    for (unsigned i = 0; i < BURST + 1; i++)
        world_call1(GUEST, HC_EVENT_SEND, port);
    cr_assert_eq(world_call1(GUEST, HC_EVENT_UNBIND, port), 0);
    event_release_deferred(guest, event_deferred_deadline(guest));
    cr_assert_eq(world_record(OTHER)->interrupt_total, BURST);
}
