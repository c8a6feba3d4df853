/* A cheap pseudo-random sequence (xorshift32) for guests that throw
 * garbage or pick places at random: the same seed, the same sequence. */
#ifndef GUESTS_LIB_RANDOM_H
#define GUESTS_LIB_RANDOM_H

#include <stdint.h>

/* The next number of the sequence in *state (which must not be 0). */
static inline uint32_t random_next(uint32_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 17;
    *state ^= *state << 5;
    return *state;
}

#endif
