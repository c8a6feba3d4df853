/*
 * The queues of a virtio console. The walker (virtqueue.c) has copied and
 * checked every chain; bytes are copied out of the partition's RAM before
 * they are looked at. A transmit chain's writable buffers and a receive
 * chain's readable ones are not the device's to touch: they are left as
 * they are, and the chain goes back with what was done.
 */
#include "guests/dom0/virtio_console.h"

#define COPY_PIECE 256u

static void collect(struct virtio_console *console, uint8_t byte, virtio_console_print print,
                    void *context)
{
    if (!console_line_add(&console->line, byte))
        return;
    print(context, console->line.text);
    console_line_taken(&console->line);
}

/* The readable segments' bytes, a piece at a time. */
static void transmit_chain(const struct virtqueue *queue, const struct virtqueue_chain *chain,
                           struct virtio_console *console, virtio_console_print print,
                           void *context)
{
    const struct guest_ram_access *ram = &queue->ram;
    uint8_t piece[COPY_PIECE];

    for (uint32_t i = 0; i < chain->count; i++) {
        const struct virtqueue_segment *s = &chain->segments[i];
        for (uint32_t done = 0; !s->device_writable && done < s->length;) {
            uint32_t part = s->length - done < COPY_PIECE ? s->length - done : COPY_PIECE;
            if (!ram->read(ram->context, s->addr + done, piece, part))
                return;
            for (uint32_t b = 0; b < part; b++)
                collect(console, piece[b], print, context);
            done += part;
        }
    }
}

unsigned virtio_console_transmit(struct virtqueue *queue, struct virtio_console *console,
                                 virtio_console_print print, void *context)
{
    static struct virtqueue_chain chain;
    unsigned returned = 0;

    for (uint32_t taken = 0; taken < queue->layout.size; taken++) {
        enum virtqueue_take_result result = virtqueue_take(queue, &chain);
        if (result == VIRTQUEUE_EMPTY || result == VIRTQUEUE_BROKEN)
            break;
        if (result == VIRTQUEUE_TAKEN)
            transmit_chain(queue, &chain, console, print, context);
        if (result != VIRTQUEUE_BAD_HEAD)
            virtqueue_put(queue, chain.head, 0); /* the device writes nothing back */
        returned++;
    }
    if (returned)
        virtqueue_publish(queue);
    return returned;
}

/* Fills the chain's writable segments with kept input; how many bytes. */
static uint32_t fill_chain(const struct virtqueue *queue, const struct virtqueue_chain *chain,
                           struct virtio_console *console)
{
    const struct guest_ram_access *ram = &queue->ram;
    uint32_t written = 0;

    for (uint32_t i = 0; i < chain->count && written < console->input_length; i++) {
        const struct virtqueue_segment *s = &chain->segments[i];
        if (!s->device_writable)
            continue;
        uint32_t left = console->input_length - written;
        uint32_t part = s->length < left ? s->length : left;
        if (!ram->write(ram->context, s->addr, console->input + written, part))
            break;
        written += part;
    }
    return written;
}

unsigned virtio_console_receive(struct virtqueue *queue, struct virtio_console *console)
{
    static struct virtqueue_chain chain;
    unsigned returned = 0;

    for (uint32_t taken = 0; console->input_length && taken < queue->layout.size; taken++) {
        enum virtqueue_take_result result = virtqueue_take(queue, &chain);
        if (result == VIRTQUEUE_EMPTY || result == VIRTQUEUE_BROKEN)
            break;
        uint32_t written = result == VIRTQUEUE_TAKEN ? fill_chain(queue, &chain, console) : 0;
        if (result != VIRTQUEUE_BAD_HEAD)
            virtqueue_put(queue, chain.head, written);
        for (uint32_t i = written; i < console->input_length; i++)
            console->input[i - written] = console->input[i];
        console->input_length -= written;
        returned++;
    }
    if (returned)
        virtqueue_publish(queue);
    return returned;
}

bool virtio_console_type(struct virtio_console *console, uint8_t byte)
{
    if (console->input_length == VIRTIO_CONSOLE_INPUT_MAX)
        return false;
    console->input[console->input_length++] = byte;
    return true;
}
