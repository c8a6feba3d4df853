#include "hv/log_ring.h"

static uint64_t min_u64(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

void log_ring_append(struct log_ring *ring, const char *text, uint64_t length)
{
    /* Only the last LOG_RING_SIZE bytes of a longer text can survive. */
    if (length > LOG_RING_SIZE) {
        text += length - LOG_RING_SIZE;
        ring->end += length - LOG_RING_SIZE;
        length = LOG_RING_SIZE;
    }
    for (uint64_t i = 0; i < length; i++)
        ring->bytes[(ring->end + i) % LOG_RING_SIZE] = text[i];
    ring->end += length;
}

uint64_t log_ring_oldest(const struct log_ring *ring)
{
    return ring->end > LOG_RING_SIZE ? ring->end - LOG_RING_SIZE : 0;
}

uint64_t log_ring_read(const struct log_ring *ring, uint64_t cursor, char *to, uint64_t length,
                       uint64_t *start)
{
    uint64_t from = cursor < log_ring_oldest(ring) ? log_ring_oldest(ring) : cursor;

    if (from > ring->end) {
        *start = ring->end;
        return 0;
    }
    uint64_t count = min_u64(length, ring->end - from);
    for (uint64_t i = 0; i < count; i++)
        to[i] = ring->bytes[(from + i) % LOG_RING_SIZE];
    *start = from;
    return count;
}
