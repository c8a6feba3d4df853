#include "guests/lib/ring.h"

#include "lib/string.h"

/* The indices are read with acquire and written with release ordering: the
 * slot contents are visible before the index that publishes them. On x86
 * these cost nothing but keep the compiler from reordering. The one order
 * x86 itself may break, a store followed by a load, needs the full fence. */
static uint32_t index_read(const uint32_t *index)
{
    return __atomic_load_n(index, __ATOMIC_ACQUIRE);
}

static void index_write(uint32_t *index, uint32_t value)
{
    __atomic_store_n(index, value, __ATOMIC_RELEASE);
}

static void full_fence(void)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/* Whether moving an index from old to new passed the event index the other
 * side asked for: it lies in (old, new], in wrapping arithmetic. */
static bool passed_event(uint32_t event, uint32_t old_index, uint32_t new_index)
{
    return (uint32_t)(new_index - event) < (uint32_t)(new_index - old_index);
}

void ring_init(struct ring_shared *ring)
{
    memset(ring, 0, sizeof(*ring));
    ring->producer_event = 1;
    /* The producer asks only when it finds the ring full; 0 is passed once in
     * 2^32 messages, and that event is merely spurious. */
    ring->consumer_event = 0;
}

static bool ring_full(struct ring_shared *ring, uint32_t producer)
{
    return producer - index_read(&ring->consumer) >= RING_SLOTS;
}

bool ring_put(struct ring_shared *ring, const void *message, bool *notify_consumer)
{
    uint32_t producer = ring->producer;

    *notify_consumer = false;
    if (ring_full(ring, producer)) {
        /* Ask to hear when a slot frees up, then look again: the consumer may
         * have freed one before it could see the request. */
        index_write(&ring->consumer_event, producer - RING_SLOTS + 1);
        full_fence();
        if (ring_full(ring, producer))
            return false;
    }
    memcpy(ring->slots[producer % RING_SLOTS], message, RING_MESSAGE_SIZE);
    index_write(&ring->producer, producer + 1);
    full_fence(); /* publish before reading what the consumer asked for */
    *notify_consumer = passed_event(index_read(&ring->producer_event), producer, producer + 1);
    return true;
}

static bool ring_empty(struct ring_shared *ring, uint32_t consumer)
{
    return index_read(&ring->producer) == consumer;
}

bool ring_get(struct ring_shared *ring, void *message, bool *notify_producer)
{
    uint32_t consumer = ring->consumer;

    *notify_producer = false;
    if (ring_empty(ring, consumer)) {
        /* Ask for an event on the next message, then look again: it may have
         * been put before the producer could see the request. */
        index_write(&ring->producer_event, consumer + 1);
        full_fence();
        if (ring_empty(ring, consumer))
            return false;
    }
    memcpy(message, ring->slots[consumer % RING_SLOTS], RING_MESSAGE_SIZE);
    index_write(&ring->consumer, consumer + 1);
    full_fence();
    *notify_producer = passed_event(index_read(&ring->consumer_event), consumer, consumer + 1);
    return true;
}
