/*
 * A token bucket counted in TSC ticks: `per_second` units flow in, at most
 * `burst` of them wait to be spent. It keeps one time stamp, the moment the
 * bucket would be empty if nothing flowed out, so refilling costs nothing.
 * A bucket never set up (all zero) lets everything through. The caller
 * serializes the calls on one bucket.
 */
#ifndef HV_RATE_LIMIT_H
#define HV_RATE_LIMIT_H

#include <stdbool.h>
#include <stdint.h>

struct rate_limit {
    uint64_t cost;  /* ticks a unit takes to flow in; 0 = no limit */
    uint64_t burst; /* ticks' worth of units the bucket holds */
    int64_t empty;  /* TSC at which it was empty: signed, as a full bucket
                     * early after boot was empty before TSC 0 */
};

/* Full from the start. */
void rate_limit_init(struct rate_limit *limit, uint64_t per_second, uint64_t burst,
                     uint64_t tsc_hz);

/* Takes `units` at time `now` if the bucket holds them all; false (and
 * nothing taken) if not. */
bool rate_limit_take(struct rate_limit *limit, uint64_t now, uint64_t units);

/* The TSC at which one unit will be there again. */
uint64_t rate_limit_next_unit(const struct rate_limit *limit);

#endif
