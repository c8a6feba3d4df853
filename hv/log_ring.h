/*
 * The log ring: the newest LOG_RING_SIZE bytes of the hypervisor's log, kept
 * in hypervisor memory so that the privileged partition can read them back
 * (HC_LOG_READ). Bytes are numbered by their position in the whole log
 * since boot; the ring holds [oldest, end), and a reader that asks for a
 * position older than that learns where the bytes it got start instead.
 * The ring itself takes no lock: hv/log.c holds the log lock around it.
 */
#ifndef HV_LOG_RING_H
#define HV_LOG_RING_H

#include <stdint.h>

/* Room for the serial's backlog of a few seconds' flood (hv/log.h). */
#define LOG_RING_SIZE (64u * 1024)

struct log_ring {
    char bytes[LOG_RING_SIZE];
    uint64_t end; /* stream position of the next byte to be written */
};

void log_ring_append(struct log_ring *ring, const char *text, uint64_t length);

/* The stream position of the oldest byte the ring still holds. */
uint64_t log_ring_oldest(const struct log_ring *ring);

/* Copies up to `length` bytes starting at stream position `cursor`, or at
 * the oldest byte held when `cursor` is older than that; *start receives the
 * position of the first byte copied. Returns the number of bytes copied: 0
 * at the end of the log, and 0 with *start = end when `cursor` lies past the
 * end. */
uint64_t log_ring_read(const struct log_ring *ring, uint64_t cursor, char *to, uint64_t length,
                       uint64_t *start);

#endif
