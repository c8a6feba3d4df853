/* dom0's virtqueue walker (guests/dom0/virtqueue.c) on a fake guest RAM that
 * a hostile "driver" fills in. */
#include <criterion/criterion.h>
#include <string.h>

#include "guests/dom0/virtqueue.h"

#define RAM_SIZE   0x10000u
#define QUEUE_SIZE 8u
#define DESC       0x1000u
#define AVAIL      0x2000u
#define USED       0x3000u
#define BUFFERS    0x8000u
#define LIMIT      0x4000u

static uint8_t ram[RAM_SIZE];
static unsigned desc_reads[QUEUE_SIZE];
static bool tamper_after_read; /* the driver rewrites each descriptor once it was read */
static uint64_t write_log[8];  /* guest addresses written, in order */
static unsigned writes;
static struct virtqueue queue;
static struct virtqueue_chain chain;
static uint16_t driver_avail_idx;

static bool in_ram(uint64_t addr, uint64_t length)
{
    return addr < RAM_SIZE && length <= RAM_SIZE - addr;
}

static void tamper(uint64_t addr)
{
    struct virtq_desc hostile = {~0ull, ~0u, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_INDIRECT, 999};

    memcpy(ram + addr, &hostile, sizeof(hostile));
}

static bool fake_read(void *context, uint64_t addr, void *buffer, uint32_t length)
{
    (void)context;
    if (!in_ram(addr, length))
        return false;
    memcpy(buffer, ram + addr, length);
    if (addr >= DESC && addr < DESC + 16 * QUEUE_SIZE) {
        desc_reads[(addr - DESC) / 16]++;
        if (tamper_after_read)
            tamper(addr);
    }
    return true;
}

static bool fake_write(void *context, uint64_t addr, const void *buffer, uint32_t length)
{
    (void)context;
    if (!in_ram(addr, length))
        return false;
    memcpy(ram + addr, buffer, length);
    write_log[writes++ % 8] = addr;
    return true;
}

static bool fake_contains(void *context, uint64_t addr, uint64_t length)
{
    (void)context;
    return in_ram(addr, length);
}

static const struct guest_ram_access fake_ram = {NULL, fake_read, fake_write, fake_contains};
static const struct virtqueue_layout default_layout = {QUEUE_SIZE, DESC, AVAIL, USED};

static void setup(void)
{
    memset(ram, 0, sizeof(ram));
    memset(desc_reads, 0, sizeof(desc_reads));
    tamper_after_read = false;
    writes = 0;
    driver_avail_idx = 0;
    cr_assert_eq(virtqueue_setup(&queue, &fake_ram, &default_layout, LIMIT), VIRTQUEUE_SETUP_OK);
}

TestSuite(virtqueue, .init = setup);

static void set_desc(uint16_t index, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
    struct virtq_desc desc = {addr, len, flags, next};

    memcpy(ram + DESC + 16 * index, &desc, sizeof(desc));
}

static void set_avail_idx(uint16_t idx)
{
    memcpy(ram + AVAIL + VIRTQ_AVAIL_IDX_OFFSET, &idx, sizeof(idx));
}

/* The driver makes the chain at `head` available. */
static void offer(uint16_t head)
{
    uint16_t slot = driver_avail_idx % QUEUE_SIZE;

    memcpy(ram + AVAIL + VIRTQ_AVAIL_RING_OFFSET + 2 * slot, &head, sizeof(head));
    set_avail_idx(++driver_avail_idx);
}

static uint16_t used_idx_in_ram(void)
{
    uint16_t idx;

    memcpy(&idx, ram + USED + VIRTQ_USED_IDX_OFFSET, sizeof(idx));
    return idx;
}

static struct virtq_used_elem used_elem_in_ram(unsigned slot)
{
    struct virtq_used_elem elem;

    memcpy(&elem, ram + USED + VIRTQ_USED_RING_OFFSET + 8 * slot, sizeof(elem));
    return elem;
}

static enum virtqueue_take_result take(void)
{
    return virtqueue_take(&queue, &chain);
}

static enum virtqueue_setup_result setup_with(uint32_t size, uint64_t desc, uint64_t avail,
                                              uint64_t used)
{
    struct virtqueue_layout layout = {size, desc, avail, used};

    return virtqueue_setup(&queue, &fake_ram, &layout, LIMIT);
}

Test(virtqueue, setup_refuses_bad_sizes)
{
    cr_assert_eq(setup_with(0, DESC, AVAIL, USED), VIRTQUEUE_SETUP_BAD_SIZE);
    cr_assert_eq(setup_with(3, DESC, AVAIL, USED), VIRTQUEUE_SETUP_BAD_SIZE);
    cr_assert_eq(setup_with(24, DESC, AVAIL, USED), VIRTQUEUE_SETUP_BAD_SIZE);
    cr_assert_eq(setup_with(65536, DESC, AVAIL, USED), VIRTQUEUE_SETUP_BAD_SIZE);
    cr_assert_eq(setup_with(1, DESC, AVAIL, USED), VIRTQUEUE_SETUP_OK);
    cr_assert_eq(setup_with(32768, DESC, AVAIL, USED), VIRTQUEUE_SETUP_OK);
}

Test(virtqueue, setup_refuses_misaligned_areas)
{
    cr_assert_eq(setup_with(8, DESC + 8, AVAIL, USED), VIRTQUEUE_SETUP_MISALIGNED);
    cr_assert_eq(setup_with(8, DESC, AVAIL + 1, USED), VIRTQUEUE_SETUP_MISALIGNED);
    cr_assert_eq(setup_with(8, DESC, AVAIL, USED + 2), VIRTQUEUE_SETUP_MISALIGNED);
    cr_assert_eq(setup_with(8, DESC, AVAIL + 2, USED + 4), VIRTQUEUE_SETUP_OK);
}

Test(virtqueue, setup_refuses_areas_that_wrap)
{
    cr_assert_eq(setup_with(8, ~0ull - 15, AVAIL, USED), VIRTQUEUE_SETUP_AREA_OVERFLOW);
    cr_assert_eq(setup_with(8, DESC, ~0ull - 1, USED), VIRTQUEUE_SETUP_AREA_OVERFLOW);
    cr_assert_eq(setup_with(8, DESC, AVAIL, ~0ull - 3), VIRTQUEUE_SETUP_AREA_OVERFLOW);
    /* The last byte of the address space is still an address. */
    cr_assert_eq(setup_with(8, ~0ull - 127, AVAIL, USED), VIRTQUEUE_SETUP_OK);
}

Test(virtqueue, nothing_available_is_empty)
{
    cr_assert_eq(take(), VIRTQUEUE_EMPTY);
    cr_assert_not(queue.broken);
}

Test(virtqueue, single_segment_chain)
{
    set_desc(3, BUFFERS, 512, 0, 0);
    offer(3);
    cr_assert_eq(take(), VIRTQUEUE_TAKEN);
    cr_assert_eq(chain.head, 3);
    cr_assert_eq(chain.count, 1);
    cr_assert_eq(chain.segments[0].addr, BUFFERS);
    cr_assert_eq(chain.segments[0].length, 512);
    cr_assert_not(chain.segments[0].device_writable);
    cr_assert_eq(chain.readable_length, 512);
    cr_assert_eq(chain.writable_length, 0);
    cr_assert_eq(take(), VIRTQUEUE_EMPTY);
}

/* A virtio-blk request: header, data the device writes, status byte. */
Test(virtqueue, multi_segment_chain_in_the_spec_order)
{
    set_desc(0, BUFFERS, 16, VIRTQ_DESC_F_NEXT, 5);
    set_desc(5, BUFFERS + 0x1000, 4096, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2);
    set_desc(2, BUFFERS + 0x10, 1, VIRTQ_DESC_F_WRITE, 0);
    offer(0);
    cr_assert_eq(take(), VIRTQUEUE_TAKEN);
    cr_assert_eq(chain.count, 3);
    cr_assert_eq(chain.segments[1].addr, BUFFERS + 0x1000);
    cr_assert(chain.segments[1].device_writable);
    cr_assert(chain.segments[2].device_writable);
    cr_assert_eq(chain.segments[2].length, 1);
    cr_assert_eq(chain.readable_length, 16);
    cr_assert_eq(chain.writable_length, 4097);
}

Test(virtqueue, head_out_of_range_is_consumed)
{
    offer(QUEUE_SIZE);
    cr_assert_eq(take(), VIRTQUEUE_BAD_HEAD);
    cr_assert_eq(take(), VIRTQUEUE_EMPTY);
    cr_assert_not(virtqueue_put(&queue, QUEUE_SIZE, 0), "no chain is in flight");
}

Test(virtqueue, next_out_of_range)
{
    set_desc(1, BUFFERS, 16, VIRTQ_DESC_F_NEXT, QUEUE_SIZE);
    offer(1);
    cr_assert_eq(take(), VIRTQUEUE_BAD_NEXT);
    cr_assert_eq(chain.head, 1);
    cr_assert(virtqueue_put(&queue, 1, 0), "a refused chain is returned unused");
}

Test(virtqueue, loop_is_refused)
{
    set_desc(0, BUFFERS, 16, VIRTQ_DESC_F_NEXT, 1);
    set_desc(1, BUFFERS, 16, VIRTQ_DESC_F_NEXT, 0);
    offer(0);
    cr_assert_eq(take(), VIRTQUEUE_CHAIN_TOO_LONG);
    cr_assert_leq(desc_reads[0] + desc_reads[1], QUEUE_SIZE);
}

Test(virtqueue, self_loop_is_refused)
{
    set_desc(4, BUFFERS, 16, VIRTQ_DESC_F_NEXT, 4);
    offer(4);
    cr_assert_eq(take(), VIRTQUEUE_CHAIN_TOO_LONG);
    cr_assert_eq(desc_reads[4], QUEUE_SIZE);
}

/* Every descriptor of the table in one chain is allowed: size, not size - 1. */
Test(virtqueue, chain_as_long_as_the_queue)
{
    for (uint16_t i = 0; i < QUEUE_SIZE; i++)
        set_desc(i, BUFFERS + i, 1, i + 1u < QUEUE_SIZE ? VIRTQ_DESC_F_NEXT : 0, i + 1);
    offer(0);
    cr_assert_eq(take(), VIRTQUEUE_TAKEN);
    cr_assert_eq(chain.count, QUEUE_SIZE);
}

Test(virtqueue, chain_longer_than_the_segment_list)
{
    uint32_t size = 4 * VIRTQUEUE_SEGMENTS_MAX;
    struct virtqueue_layout layout = {size, 0x4000, AVAIL, USED};
    uint16_t head = 0;

    cr_assert_eq(virtqueue_setup(&queue, &fake_ram, &layout, LIMIT), VIRTQUEUE_SETUP_OK);
    for (uint32_t i = 0; i < size; i++) {
        struct virtq_desc desc = {BUFFERS, 1, VIRTQ_DESC_F_NEXT, (uint16_t)(i + 1)};
        memcpy(ram + 0x4000 + 16 * i, &desc, sizeof(desc));
    }
    memcpy(ram + AVAIL + VIRTQ_AVAIL_RING_OFFSET, &head, sizeof(head));
    set_avail_idx(1);
    cr_assert_eq(take(), VIRTQUEUE_CHAIN_TOO_LONG);
    cr_assert_eq(chain.count, VIRTQUEUE_SEGMENTS_MAX);
}

Test(virtqueue, indirect_is_not_offered)
{
    set_desc(0, BUFFERS, 32, VIRTQ_DESC_F_INDIRECT, 0);
    offer(0);
    cr_assert_eq(take(), VIRTQUEUE_INDIRECT);
}

Test(virtqueue, readable_after_writable)
{
    set_desc(0, BUFFERS, 16, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 1);
    set_desc(1, BUFFERS, 16, 0, 0);
    offer(0);
    cr_assert_eq(take(), VIRTQUEUE_READABLE_AFTER_WRITABLE);
}

Test(virtqueue, zero_length_segment)
{
    set_desc(0, BUFFERS, 16, VIRTQ_DESC_F_NEXT, 1);
    set_desc(1, BUFFERS, 0, VIRTQ_DESC_F_WRITE, 0);
    offer(0);
    cr_assert_eq(take(), VIRTQUEUE_EMPTY_SEGMENT);
}

Test(virtqueue, segment_that_wraps_around)
{
    set_desc(0, ~0ull - 0xff, 0x200, 0, 0);
    offer(0);
    cr_assert_eq(take(), VIRTQUEUE_SEGMENT_OVERFLOW);
}

Test(virtqueue, segment_outside_the_ram)
{
    set_desc(0, RAM_SIZE - 4, 8, 0, 0);
    offer(0);
    cr_assert_eq(take(), VIRTQUEUE_SEGMENT_OUTSIDE);
    set_desc(0, RAM_SIZE - 8, 8, 0, 0);
    offer(0);
    cr_assert_eq(take(), VIRTQUEUE_TAKEN, "the last bytes of the RAM are in it");
}

Test(virtqueue, chain_over_the_length_limit)
{
    set_desc(0, BUFFERS, LIMIT / 2, VIRTQ_DESC_F_NEXT, 1);
    set_desc(1, BUFFERS, LIMIT / 2 + 1, VIRTQ_DESC_F_WRITE, 0);
    offer(0);
    cr_assert_eq(take(), VIRTQUEUE_CHAIN_TOO_BIG);
    set_desc(1, BUFFERS, LIMIT / 2, VIRTQ_DESC_F_WRITE, 0);
    offer(0);
    cr_assert_eq(take(), VIRTQUEUE_TAKEN, "exactly the limit is allowed");
}

/* Lengths near 2^32 must not wrap the running total back under the limit. */
Test(virtqueue, chain_total_does_not_wrap)
{
    set_desc(0, BUFFERS, 0x1000, VIRTQ_DESC_F_NEXT, 1);
    set_desc(1, BUFFERS, 0xfffff000u, 0, 0);
    offer(0);
    cr_assert_eq(take(), VIRTQUEUE_CHAIN_TOO_BIG);
}

Test(virtqueue, avail_idx_running_ahead_breaks_the_queue)
{
    set_desc(0, BUFFERS, 16, 0, 0);
    set_avail_idx(QUEUE_SIZE + 1);
    cr_assert_eq(take(), VIRTQUEUE_BROKEN);
    cr_assert(queue.broken);
    set_avail_idx(1);
    cr_assert_eq(take(), VIRTQUEUE_BROKEN, "a broken queue stays broken until set up again");
    cr_assert_not(virtqueue_publish(&queue));
}

Test(virtqueue, a_full_ring_is_not_running_ahead)
{
    for (uint16_t i = 0; i < QUEUE_SIZE; i++) {
        set_desc(i, BUFFERS, 16, 0, 0);
        offer(i);
    }
    for (uint16_t i = 0; i < QUEUE_SIZE; i++)
        cr_assert_eq(take(), VIRTQUEUE_TAKEN);
    cr_assert_eq(take(), VIRTQUEUE_EMPTY);
}

Test(virtqueue, ring_outside_the_ram_breaks_the_queue)
{
    cr_assert_eq(setup_with(8, DESC, RAM_SIZE, USED), VIRTQUEUE_SETUP_OK);
    cr_assert_eq(take(), VIRTQUEUE_BROKEN);
    cr_assert(queue.broken);
}

Test(virtqueue, descriptor_table_outside_the_ram_breaks_the_queue)
{
    cr_assert_eq(setup_with(8, RAM_SIZE, AVAIL, USED), VIRTQUEUE_SETUP_OK);
    offer(0);
    cr_assert_eq(take(), VIRTQUEUE_BROKEN);
}

Test(virtqueue, used_elements_then_the_idx)
{
    set_desc(0, BUFFERS, 16, VIRTQ_DESC_F_WRITE, 0);
    set_desc(1, BUFFERS, 16, VIRTQ_DESC_F_WRITE, 0);
    offer(0);
    offer(1);
    cr_assert_eq(take(), VIRTQUEUE_TAKEN);
    cr_assert_eq(take(), VIRTQUEUE_TAKEN);
    cr_assert(virtqueue_put(&queue, 1, 7));
    cr_assert(virtqueue_put(&queue, 0, 16));
    cr_assert_eq(used_idx_in_ram(), 0, "not shown before it is published");
    cr_assert(virtqueue_publish(&queue));
    cr_assert_eq(used_idx_in_ram(), 2);
    cr_assert_eq(used_elem_in_ram(0).id, 1);
    cr_assert_eq(used_elem_in_ram(0).len, 7);
    cr_assert_eq(used_elem_in_ram(1).id, 0);
    cr_assert_eq(used_elem_in_ram(1).len, 16);
    cr_assert_eq(writes, 3);
    cr_assert_eq(write_log[2], USED + VIRTQ_USED_IDX_OFFSET, "the idx is written last");
}

Test(virtqueue, put_needs_a_chain_in_flight)
{
    cr_assert_not(virtqueue_put(&queue, 0, 0));
    set_desc(0, BUFFERS, 16, 0, 0);
    offer(0);
    cr_assert_eq(take(), VIRTQUEUE_TAKEN);
    cr_assert_not(virtqueue_put(&queue, QUEUE_SIZE, 0), "an id out of range");
    cr_assert(virtqueue_put(&queue, 0, 0));
    cr_assert_not(virtqueue_put(&queue, 0, 0), "one put per chain");
}

/* More than 65536 chains through the queue: both 16-bit indices wrap. */
Test(virtqueue, indices_wrap_around)
{
    set_desc(0, BUFFERS, 16, VIRTQ_DESC_F_WRITE, 0);
    for (unsigned i = 0; i < 70000; i++) {
        offer(0);
        cr_assert_eq(take(), VIRTQUEUE_TAKEN, "chain %u", i);
        cr_assert(virtqueue_put(&queue, 0, i & 0xff));
        cr_assert(virtqueue_publish(&queue));
    }
    cr_assert_eq(used_idx_in_ram(), 70000 & 0xffff);
    cr_assert_eq(used_elem_in_ram((70000 - 1) % QUEUE_SIZE).len, (70000 - 1) & 0xff);
    cr_assert_eq(take(), VIRTQUEUE_EMPTY);
}

/* The driver rewrites every descriptor just after the walker copied it: the
 * walker must use what it copied and checked, reading each one once. */
Test(virtqueue, descriptors_are_copied_then_checked)
{
    set_desc(0, BUFFERS, 16, VIRTQ_DESC_F_NEXT, 1);
    set_desc(1, BUFFERS + 0x100, 32, VIRTQ_DESC_F_WRITE, 0);
    offer(0);
    tamper_after_read = true;
    cr_assert_eq(take(), VIRTQUEUE_TAKEN);
    cr_assert_eq(desc_reads[0], 1);
    cr_assert_eq(desc_reads[1], 1);
    cr_assert_eq(chain.count, 2);
    cr_assert_eq(chain.segments[0].addr, BUFFERS);
    cr_assert_eq(chain.segments[0].length, 16);
    cr_assert_eq(chain.segments[1].addr, BUFFERS + 0x100);
    cr_assert_eq(chain.segments[1].length, 32);
    cr_assert(chain.segments[1].device_writable);
    cr_assert_eq(chain.writable_length, 32);
}
