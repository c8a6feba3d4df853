/*
 * Both ends of the console ring of include/bulkhead/guest_abi.h (struct
 * guest_console_ring): the guest puts bytes, the console backend in dom0
 * takes them. The backend trusts nothing in the page: it reads each index
 * once, checks it, copies the bytes out and only then looks at them; a bad
 * index resets the ring instead of being followed.
 */
#ifndef GUESTS_LIB_CONSOLE_RING_H
#define GUESTS_LIB_CONSOLE_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "include/bulkhead/guest_abi.h"

/* Guest side: copies as many of the bytes as there is room for, publishes
 * them and returns how many. *notify says whether the backend asked for an
 * event (it emptied the ring and waits). */
size_t console_ring_put(volatile struct guest_console_ring *ring, const char *text, size_t length,
                        bool *notify);

/* Guest side: the bytes that still fit. */
size_t console_ring_room(const volatile struct guest_console_ring *ring);

enum console_ring_take_status {
    CONSOLE_RING_EMPTY = 0,
    CONSOLE_RING_TOOK,      /* bytes were copied out */
    CONSOLE_RING_BAD_INDEX, /* producer - consumer exceeded the ring: reset */
};

/* What the backend saw in one take: the indices as it read them, once. */
struct console_ring_take {
    uint32_t producer, consumer;
    size_t length; /* bytes copied into the caller's buffer */
};

/* Backend side: copies the unread bytes into out (GUEST_CONSOLE_RING_SIZE
 * bytes of room) and frees them. On a bad index the ring is reset (consumer
 * = producer as read) and nothing is copied. */
enum console_ring_take_status console_ring_take(volatile struct guest_console_ring *ring, char *out,
                                                struct console_ring_take *take);

/* Backend side, once it found the ring empty at `consumer`: asks for an
 * event on the next byte, then looks again. True when bytes came meanwhile
 * (take them: no event will come for them). */
bool console_ring_rearm(volatile struct guest_console_ring *ring, uint32_t consumer);

/* Input, the other way round. Guest side: copies up to `max` typed bytes
 * into out and frees them; an impossible producer index (more unread than
 * the input ring holds) drops what is there instead. */
size_t console_ring_get_input(volatile struct guest_console_ring *ring, char *out, size_t max);

/* Backend side: the backend keeps its own *producer (the page's copy is the
 * guest's to scribble); adds as many bytes as fit and returns how many. A
 * consumer index the guest moved impossibly far is reported by returning
 * 0 with *bad set, and input goes on from where the backend is. A page set
 * up again (its producer is not *producer) starts over at its consumer. */
size_t console_ring_give_input(volatile struct guest_console_ring *ring, uint32_t *producer,
                               const char *bytes, size_t length, bool *bad);

#endif
