/*
 * libFuzzer harness for dom0's virtqueue walker (guests/dom0/virtqueue.c),
 * which reads rings a hostile partition writes. The input is a header (queue
 * size, where the driver put the three areas, the indices the device had
 * reached, the chain length limit, how many chains to take, and whether the
 * driver rewrites each descriptor as soon as it was read) followed by the
 * partition's RAM. Whatever the bytes: the walker reads only the descriptor
 * table and the available ring, writes only the used ring, reads a bounded
 * number of times per chain, and every segment it returns is well formed and
 * lies in the RAM.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "guests/dom0/virtqueue.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define RAM_BASE    0x10000u
#define RAM_SIZE    0x4000u
#define HEADER_SIZE 15u

struct header {
    uint8_t size_code; /* queue size 1 << (code % 16), or size_raw if bit 7 is set */
    uint16_t size_raw, desc, avail, used; /* areas as offsets from RAM_BASE */
    uint16_t start_index, limit_16ths;
    uint8_t chains, tamper;
};

static uint8_t ram[RAM_SIZE];
static struct virtqueue queue;
static struct virtqueue_chain chain;
static uint8_t tamper_byte;
static unsigned reads;

static bool within(uint64_t addr, uint64_t length, uint64_t base, uint64_t area_length)
{
    return addr >= base && addr - base <= area_length && length <= area_length - (addr - base);
}

static bool in_ram(uint64_t addr, uint64_t length)
{
    return within(addr, length, RAM_BASE, RAM_SIZE);
}

static bool in_queue_area(uint64_t addr, uint64_t length, bool write)
{
    const struct virtqueue_layout *layout = &queue.layout;

    if (write)
        return within(addr, length, layout->used, virtq_used_area_size(layout->size));
    return within(addr, length, layout->desc, virtq_desc_area_size(layout->size)) ||
           within(addr, length, layout->avail, virtq_avail_area_size(layout->size));
}

static bool fake_read(void *context, uint64_t addr, void *buffer, uint32_t length)
{
    (void)context;
    if (!in_queue_area(addr, length, false))
        abort();
    reads++;
    if (!in_ram(addr, length))
        return false;
    memcpy(buffer, ram + (addr - RAM_BASE), length);
    if (tamper_byte && length == sizeof(struct virtq_desc))
        for (uint32_t i = 0; i < length; i++)
            ram[addr - RAM_BASE + i] ^= tamper_byte;
    return true;
}

static bool fake_write(void *context, uint64_t addr, const void *buffer, uint32_t length)
{
    (void)context;
    if (!in_queue_area(addr, length, true))
        abort();
    if (!in_ram(addr, length))
        return false;
    memcpy(ram + (addr - RAM_BASE), buffer, length);
    return true;
}

static bool fake_contains(void *context, uint64_t addr, uint64_t length)
{
    (void)context;
    return in_ram(addr, length);
}

static const struct guest_ram_access fake_ram = {NULL, fake_read, fake_write, fake_contains};

static uint16_t u16_at(const uint8_t *bytes)
{
    return (uint16_t)(bytes[0] | bytes[1] << 8);
}

static void read_header(const uint8_t *bytes, struct header *header)
{
    header->size_code = bytes[0];
    header->size_raw = u16_at(bytes + 1);
    header->desc = u16_at(bytes + 3);
    header->avail = u16_at(bytes + 5);
    header->used = u16_at(bytes + 7);
    header->start_index = u16_at(bytes + 9);
    header->limit_16ths = u16_at(bytes + 11);
    header->chains = bytes[13];
    header->tamper = bytes[14];
}

static void check_chain(void)
{
    uint64_t readable = 0, writable = 0;

    if (!chain.count || chain.count > VIRTQUEUE_SEGMENTS_MAX || chain.count > queue.layout.size ||
        chain.head >= queue.layout.size)
        abort();
    for (uint32_t i = 0; i < chain.count; i++) {
        const struct virtqueue_segment *segment = &chain.segments[i];
        if (!segment->length || !in_ram(segment->addr, segment->length))
            abort();
        if (!segment->device_writable && writable)
            abort();
        *(segment->device_writable ? &writable : &readable) += segment->length;
    }
    if (readable != chain.readable_length || writable != chain.writable_length ||
        readable + writable > queue.chain_length_limit)
        abort();
}

static void take_chains(unsigned count)
{
    uint32_t max_reads = 2 + (queue.layout.size < VIRTQUEUE_SEGMENTS_MAX ? queue.layout.size
                                                                         : VIRTQUEUE_SEGMENTS_MAX);

    for (unsigned i = 0; i < count; i++) {
        enum virtqueue_take_result result;

        reads = 0;
        result = virtqueue_take(&queue, &chain);
        if (reads > max_reads)
            abort();
        if (result == VIRTQUEUE_TAKEN)
            check_chain();
        if (result == VIRTQUEUE_BROKEN && !queue.broken)
            abort();
        if (result != VIRTQUEUE_EMPTY && result != VIRTQUEUE_BROKEN && result != VIRTQUEUE_BAD_HEAD)
            virtqueue_put(&queue, chain.head, chain.writable_length);
        if (i & 1)
            virtqueue_publish(&queue);
    }
    virtqueue_publish(&queue);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct header header;
    struct virtqueue_layout layout;
    size_t ram_bytes;

    if (size < HEADER_SIZE)
        return 0;
    read_header(data, &header);
    ram_bytes = size - HEADER_SIZE < RAM_SIZE ? size - HEADER_SIZE : RAM_SIZE;
    memset(ram, 0, sizeof(ram));
    memcpy(ram, data + HEADER_SIZE, ram_bytes);
    layout = (struct virtqueue_layout){
        .size = header.size_code & 0x80 ? header.size_raw : 1u << (header.size_code % 16),
        .desc = RAM_BASE + header.desc,
        .avail = RAM_BASE + header.avail,
        .used = RAM_BASE + header.used,
    };
    if (virtqueue_setup(&queue, &fake_ram, &layout, (uint32_t)header.limit_16ths * 16) !=
        VIRTQUEUE_SETUP_OK)
        return 0;
    /* A device that has run a while: its indices are anywhere. */
    queue.last_avail = queue.used_idx = queue.published_used_idx = header.start_index;
    tamper_byte = header.tamper;
    take_chains(header.chains % 64);
    return 0;
}
