#include "guests/lib/console_ring.h"

#define RING_MASK (GUEST_CONSOLE_RING_SIZE - 1)

_Static_assert((GUEST_CONSOLE_RING_SIZE & RING_MASK) == 0, "the ring size is a power of two");

/* Each index is read once per use, and ordered against the data it
 * publishes (acquire) or frees (release). */
static uint32_t index_read(const volatile uint32_t *index)
{
    return __atomic_load_n(index, __ATOMIC_ACQUIRE);
}

static void index_write(volatile uint32_t *index, uint32_t value)
{
    __atomic_store_n(index, value, __ATOMIC_RELEASE);
}

/* A store followed by a load is the one order x86 may break. */
static void full_fence(void)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/* Whether moving producer from old to new passed event: event lies in
 * (old, new], in wrapping arithmetic. */
static bool passed_event(uint32_t event, uint32_t old_index, uint32_t new_index)
{
    return (uint32_t)(new_index - event) < (uint32_t)(new_index - old_index);
}

/* A consumer the backend scribbled (or a guest's own stray write) leaves no
 * room rather than a wrong amount. */
static size_t room_between(uint32_t producer, uint32_t consumer)
{
    uint32_t used = producer - consumer;

    return used > GUEST_CONSOLE_RING_SIZE ? 0 : GUEST_CONSOLE_RING_SIZE - used;
}

size_t console_ring_room(const volatile struct guest_console_ring *ring)
{
    return room_between(ring->producer, index_read(&ring->consumer));
}

size_t console_ring_put(volatile struct guest_console_ring *ring, const char *text, size_t length,
                        bool *notify)
{
    uint32_t producer = ring->producer;
    size_t room = room_between(producer, index_read(&ring->consumer));
    size_t count = length < room ? length : room;

    *notify = false;
    if (count == 0)
        return 0;
    for (size_t i = 0; i < count; i++)
        ring->data[(producer + i) & RING_MASK] = text[i];
    index_write(&ring->producer, producer + (uint32_t)count);
    full_fence(); /* publish before reading what the backend asked for */
    *notify = passed_event(index_read(&ring->producer_event), producer, producer + (uint32_t)count);
    return count;
}

enum console_ring_take_status console_ring_take(volatile struct guest_console_ring *ring, char *out,
                                                struct console_ring_take *take)
{
    take->producer = index_read(&ring->producer);
    take->consumer = index_read(&ring->consumer);
    take->length = 0;
    uint32_t unread = take->producer - take->consumer;
    if (unread == 0)
        return CONSOLE_RING_EMPTY;
    if (unread > GUEST_CONSOLE_RING_SIZE) {
        index_write(&ring->consumer, take->producer);
        return CONSOLE_RING_BAD_INDEX;
    }
    for (uint32_t i = 0; i < unread; i++)
        out[i] = ring->data[(take->consumer + i) & RING_MASK];
    take->length = unread;
    index_write(&ring->consumer, take->producer);
    return CONSOLE_RING_TOOK;
}

bool console_ring_rearm(volatile struct guest_console_ring *ring, uint32_t consumer)
{
    index_write(&ring->producer_event, consumer + 1);
    full_fence(); /* ask, then look again: a byte may have come before the ask */
    return index_read(&ring->producer) != consumer;
}

#define INPUT_MASK (GUEST_CONSOLE_INPUT_SIZE - 1)

_Static_assert((GUEST_CONSOLE_INPUT_SIZE & INPUT_MASK) == 0, "the input size is a power of two");

size_t console_ring_get_input(volatile struct guest_console_ring *ring, char *out, size_t max)
{
    uint32_t consumer = ring->input_consumer;
    uint32_t unread = index_read(&ring->input_producer) - consumer;

    if (unread > GUEST_CONSOLE_INPUT_SIZE) {
        index_write(&ring->input_consumer, consumer + unread);
        return 0;
    }
    size_t count = unread < max ? unread : max;
    for (size_t i = 0; i < count; i++)
        out[i] = ring->input[(consumer + i) & INPUT_MASK];
    index_write(&ring->input_consumer, consumer + (uint32_t)count);
    return count;
}

size_t console_ring_give_input(volatile struct guest_console_ring *ring, uint32_t *producer,
                               const char *bytes, size_t length, bool *bad)
{
    /* A page whose producer is not the backend's was set up again (the
     * partition restarted): input resumes where the guest reads. */
    if (index_read(&ring->input_producer) != *producer)
        *producer = index_read(&ring->input_consumer);
    uint32_t used = *producer - index_read(&ring->input_consumer);

    *bad = used > GUEST_CONSOLE_INPUT_SIZE;
    if (*bad)
        return 0;
    size_t room = GUEST_CONSOLE_INPUT_SIZE - used;
    size_t count = length < room ? length : room;
    for (size_t i = 0; i < count; i++)
        ring->input[(*producer + i) & INPUT_MASK] = bytes[i];
    *producer += (uint32_t)count;
    index_write(&ring->input_producer, *producer);
    return count;
}
