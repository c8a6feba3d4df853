/* A virtio console (virtio spec 5.3) with one port and no control queue:
 * what a driver sends on its transmit queue becomes the partition's
 * console lines, and what is typed for it fills the buffers it left on its
 * receive queue. Linux's virtio_console makes it /dev/hvc0. */
#ifndef GUESTS_DOM0_VIRTIO_CONSOLE_H
#define GUESTS_DOM0_VIRTIO_CONSOLE_H

#include <stdbool.h>
#include <stdint.h>

#include "guests/dom0/console_line.h"
#include "guests/dom0/virtqueue.h"

#define VIRTIO_CONSOLE_RECEIVEQ  0u
#define VIRTIO_CONSOLE_TRANSMITQ 1u
#define VIRTIO_CONSOLE_INPUT_MAX 64u /* typed bytes kept until the driver gives buffers */

struct virtio_console {
    struct console_line line; /* what the transmit queue brought since the last newline */
    uint8_t input[VIRTIO_CONSOLE_INPUT_MAX];
    unsigned input_length;
};

/* Called with each line the partition completed (without its newline). */
typedef void (*virtio_console_print)(void *context, const char *line);

/* Serves the transmit queue: each chain's readable bytes, copied out,
 * collect into lines (printable ASCII, others shown as '?'). Returns the
 * chains put back (refused ones too); publishes the used ring. */
unsigned virtio_console_transmit(struct virtqueue *queue, struct virtio_console *console,
                                 virtio_console_print print, void *context);

/* Moves the typed bytes kept in console->input into the receive queue's
 * buffers, as many as they hold. Returns the chains put back. */
unsigned virtio_console_receive(struct virtqueue *queue, struct virtio_console *console);

/* Keeps a typed byte for the receive queue; false when the buffer is full. */
bool virtio_console_type(struct virtio_console *console, uint8_t byte);

#endif
