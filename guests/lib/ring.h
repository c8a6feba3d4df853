/*
 * A single-producer, single-consumer ring of fixed-size messages in memory
 * two partitions share (a granted page). struct ring_shared is the whole
 * format; both sides see the same bytes:
 *
 *   producer        messages ever put (free-running; wraps at 2^32)
 *   consumer        messages ever taken
 *   producer_event  the consumer wants an event once producer reaches it
 *   consumer_event  the producer wants an event once consumer reaches it
 *   slots           RING_SLOTS messages of RING_MESSAGE_SIZE bytes; message
 *                   n lives in slot n % RING_SLOTS
 *
 * Only the producer writes producer and the slots, only the consumer writes
 * consumer; each side writes the other's *_event field when it is about to
 * wait, as in Xen's shared rings. A side sends an event only when the other
 * asked for one: this is the notification suppression that saves hypercalls
 * when both sides are busy. A spurious event is harmless; a lost one would
 * hang a side, so every "ask, then check again" below closes that window.
 */
#ifndef GUESTS_LIB_RING_H
#define GUESTS_LIB_RING_H

#include <stdbool.h>
#include <stdint.h>

#define RING_MESSAGE_SIZE 64
#define RING_SLOTS        16 /* a power of two, so indices may wrap */

struct ring_shared {
    uint32_t producer;
    uint32_t producer_event;
    uint32_t consumer;
    uint32_t consumer_event;
    uint8_t reserved[RING_MESSAGE_SIZE - 16]; /* slots start on a cache line */
    uint8_t slots[RING_SLOTS][RING_MESSAGE_SIZE];
};

_Static_assert(sizeof(struct ring_shared) == 17 * RING_MESSAGE_SIZE, "ring layout");

/* Empties the ring; the consumer asks for an event on the first message. Only
 * the side that owns the memory calls it, before sharing it. */
void ring_init(struct ring_shared *ring);

/*
 * Copies RING_MESSAGE_SIZE bytes from message into the next slot and
 * publishes it. *notify_consumer says whether the consumer asked for an
 * event. False when the ring is full: the producer has then asked the
 * consumer for an event when it takes the next message (*notify_consumer is
 * false).
 */
bool ring_put(struct ring_shared *ring, const void *message, bool *notify_consumer);

/*
 * Copies the oldest message into message (RING_MESSAGE_SIZE bytes) and frees
 * its slot. *notify_producer says whether the producer, finding the ring
 * full, asked for an event. False when the ring is empty: the consumer has
 * then asked the producer for an event on the next message.
 */
bool ring_get(struct ring_shared *ring, void *message, bool *notify_producer);

#endif
