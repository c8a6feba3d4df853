#include "hv/rate_limit.h"

void rate_limit_init(struct rate_limit *limit, uint64_t per_second, uint64_t burst,
                     uint64_t tsc_hz)
{
    uint64_t cost = per_second ? tsc_hz / per_second : 0;

    *limit = (struct rate_limit){.cost = cost ? cost : 1, .burst = (cost ? cost : 1) * burst};
}

/* Where the bucket's level stands at `now`: it holds (now - level) ticks'
 * worth of units, never more than its burst. */
static uint64_t level_at(const struct rate_limit *limit, uint64_t now)
{
    uint64_t full = now > limit->burst ? now - limit->burst : 0;

    return limit->empty > full ? limit->empty : full;
}

bool rate_limit_take(struct rate_limit *limit, uint64_t now, uint64_t units)
{
    if (!limit->cost)
        return true;
    uint64_t level = level_at(limit, now);
    uint64_t wanted = units * limit->cost;

    if (level > now || now - level < wanted)
        return false;
    limit->empty = level + wanted;
    return true;
}

uint64_t rate_limit_next_unit(const struct rate_limit *limit)
{
    return limit->empty + limit->cost;
}
