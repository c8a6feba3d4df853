/*
 * What hc-ping and hc-pong agree on. Nothing is published at run time: the
 * partition ids come from the scenario's config order, and the grant and the
 * ports are each side's first, so their numbers are known in advance.
 *
 * hc-pong owns one page with two rings and grants it, read-write, to hc-ping:
 * requests go ping -> pong, replies pong -> ping. Each side binds two ports
 * offered to the other and connects to the other's two:
 *   port 0 (CHANNEL_PORT_RING): "look at your ring";
 *   port 1 (CHANNEL_PORT_ECHO): for the event benchmark, pong's handler sends
 *           the event straight back.
 */
#ifndef GUESTS_HC_PING_CHANNEL_H
#define GUESTS_HC_PING_CHANNEL_H

#include "guests/lib/ring.h"

#include <stdint.h>

#define PING_ID 1
#define PONG_ID 2

#define CHANNEL_GRANT_REF 0
#define CHANNEL_PORT_RING 0
#define CHANNEL_PORT_ECHO 1

#define CHANNEL_VECTOR_RING 0x40
#define CHANNEL_VECTOR_ECHO 0x41

/* Waiting for the other side to bind or grant: attempts times
 * HC_RETRY_PAUSE_TICKS. */
#define CHANNEL_ATTEMPTS 2000

/* The sequence number of the goodbye: pong answers it, then waits for an
 * event on its echo port (ping has unmapped the page) and stops. */
#define CHANNEL_SEQUENCE_BYE 0xffffffffu

struct channel_page {
    struct ring_shared requests;
    struct ring_shared replies;
};

_Static_assert(sizeof(struct channel_page) <= 4096, "the channel fits in one page");

struct channel_message {
    uint32_t sequence;
    uint32_t checksum; /* channel_checksum() of the message */
    uint8_t payload[RING_MESSAGE_SIZE - 8];
};

_Static_assert(sizeof(struct channel_message) == RING_MESSAGE_SIZE, "one message per slot");

/* FNV-1a over the sequence number and the payload. */
static inline uint32_t channel_checksum(const struct channel_message *message)
{
    const uint8_t *sequence = (const uint8_t *)&message->sequence;
    uint32_t hash = 2166136261u;

    for (unsigned i = 0; i < sizeof(message->sequence); i++)
        hash = (hash ^ sequence[i]) * 16777619u;
    for (unsigned i = 0; i < sizeof(message->payload); i++)
        hash = (hash ^ message->payload[i]) * 16777619u;
    return hash;
}

#endif
