#include "hv/rate_limit.h"

void rate_limit_init(struct rate_limit *limit, uint64_t per_second, uint64_t burst, uint64_t tsc_hz)
{
    uint64_t cost = per_second ? tsc_hz / per_second : 0;

    cost = cost ? cost : 1;
    *limit = (struct rate_limit){.cost = cost, .burst = cost * burst, .empty = INT64_MIN / 2};
}

/* Where the bucket's level stands at `now`: it holds (now - level) ticks'
 * worth of units, never more than its burst. */
static int64_t level_at(const struct rate_limit *limit, int64_t now)
{
    int64_t full = now - (int64_t)limit->burst;

    return limit->empty > full ? limit->empty : full;
}

bool rate_limit_take(struct rate_limit *limit, uint64_t now, uint64_t units)
{
    if (!limit->cost)
        return true;
    int64_t level = level_at(limit, (int64_t)now);
    uint64_t wanted = units * limit->cost;

    if (level > (int64_t)now || (uint64_t)((int64_t)now - level) < wanted)
        return false;
    limit->empty = level + (int64_t)wanted;
    return true;
}

uint64_t rate_limit_next_unit(const struct rate_limit *limit)
{
    return (uint64_t)(limit->empty + (int64_t)limit->cost);
}
