#include <criterion/criterion.h>

#include "hv/rate_limit.h"

#define HZ    1000000ull /* one tick a microsecond */
#define START (10 * HZ)

static struct rate_limit limit;

/* 1000 units a second (one per 1000 ticks), 10 at once. */
static void setup(void)
{
    rate_limit_init(&limit, 1000, 10, HZ);
}

TestSuite(rate_limit, .init = setup);

Test(rate_limit, a_bucket_never_set_up_lets_everything_through)
{
    struct rate_limit none = {0};

    for (int i = 0; i < 100000; i++)
        cr_assert(rate_limit_take(&none, START, 1000));
}

Test(rate_limit, starts_full_and_gives_its_burst_at_once)
{
    for (int i = 0; i < 10; i++)
        cr_assert(rate_limit_take(&limit, START, 1), "unit %d of the burst", i);
    cr_assert_not(rate_limit_take(&limit, START, 1));
}

Test(rate_limit, is_full_even_right_after_boot)
{
    cr_assert(rate_limit_take(&limit, 5, 10));
    cr_assert_not(rate_limit_take(&limit, 5, 1));
}

Test(rate_limit, refills_at_its_rate)
{
    cr_assert(rate_limit_take(&limit, START, 10));
    cr_assert_not(rate_limit_take(&limit, START + 999, 1));
    cr_assert(rate_limit_take(&limit, START + 1000, 1));
    cr_assert_not(rate_limit_take(&limit, START + 1000, 1));
    cr_assert_eq(rate_limit_next_unit(&limit), START + 2000);
}

Test(rate_limit, never_holds_more_than_its_burst)
{
    cr_assert(rate_limit_take(&limit, START, 10));
    cr_assert(rate_limit_take(&limit, START + 1000 * HZ, 10));
    cr_assert_not(rate_limit_take(&limit, START + 1000 * HZ, 1));
}

Test(rate_limit, takes_all_or_nothing)
{
    cr_assert(rate_limit_take(&limit, START, 7));
    cr_assert_not(rate_limit_take(&limit, START, 4));
    cr_assert(rate_limit_take(&limit, START, 3));
}

Test(rate_limit, sustained_use_gets_the_rate_and_no_more)
{
    unsigned taken = 0;

    for (uint64_t now = START; now < START + HZ; now += 10)
        taken += rate_limit_take(&limit, now, 1);
    cr_assert(taken >= 1000 && taken <= 1010, "took %u in one second", taken);
}
