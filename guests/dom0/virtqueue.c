/* The device side of a split virtqueue: see virtqueue.h. */
#include "guests/dom0/virtqueue.h"

static bool is_power_of_2(uint32_t value)
{
    return value && !(value & (value - 1));
}

/* An area of `length` bytes (length >= 1) that does not wrap around. */
static bool area_fits(uint64_t addr, uint64_t length)
{
    return addr + (length - 1) >= addr;
}

static enum virtqueue_setup_result check_layout(const struct virtqueue_layout *layout)
{
    uint32_t size = layout->size;

    if (!is_power_of_2(size) || size > VIRTQ_SIZE_MAX)
        return VIRTQUEUE_SETUP_BAD_SIZE;
    if (layout->desc % VIRTQ_DESC_ALIGN || layout->avail % VIRTQ_AVAIL_ALIGN ||
        layout->used % VIRTQ_USED_ALIGN)
        return VIRTQUEUE_SETUP_MISALIGNED;
    if (!area_fits(layout->desc, virtq_desc_area_size(size)) ||
        !area_fits(layout->avail, virtq_avail_area_size(size)) ||
        !area_fits(layout->used, virtq_used_area_size(size)))
        return VIRTQUEUE_SETUP_AREA_OVERFLOW;
    return VIRTQUEUE_SETUP_OK;
}

enum virtqueue_setup_result virtqueue_setup(struct virtqueue *queue,
                                            const struct guest_ram_access *ram,
                                            const struct virtqueue_layout *layout,
                                            uint32_t chain_length_limit)
{
    enum virtqueue_setup_result result = check_layout(layout);

    if (result != VIRTQUEUE_SETUP_OK)
        return result;
    *queue = (struct virtqueue){
        .ram = *ram,
        .layout = *layout,
        .chain_length_limit = chain_length_limit,
    };
    return VIRTQUEUE_SETUP_OK;
}

static bool read_u16(const struct virtqueue *queue, uint64_t guest_phys, uint16_t *value)
{
    return queue->ram.read(queue->ram.context, guest_phys, value, sizeof(*value));
}

static enum virtqueue_take_result break_queue(struct virtqueue *queue)
{
    queue->broken = true;
    return VIRTQUEUE_BROKEN;
}

/* Copies the head of the next available entry, or says why there is none.
 * The idx is read before the entry, so the entry is one the driver had
 * finished writing (x86 does not reorder loads, and each copy is a call). */
static enum virtqueue_take_result take_head(struct virtqueue *queue, uint16_t *head)
{
    const struct virtqueue_layout *layout = &queue->layout;
    uint16_t avail_idx, pending, slot;

    if (!read_u16(queue, layout->avail + VIRTQ_AVAIL_IDX_OFFSET, &avail_idx))
        return break_queue(queue);
    pending = (uint16_t)(avail_idx - queue->last_avail);
    if (pending > layout->size) /* a driver cannot make more than size entries available */
        return break_queue(queue);
    if (!pending)
        return VIRTQUEUE_EMPTY;
    slot = queue->last_avail & (layout->size - 1);
    if (!read_u16(queue, layout->avail + VIRTQ_AVAIL_RING_OFFSET + 2u * slot, head))
        return break_queue(queue);
    queue->last_avail++;
    return *head < layout->size ? VIRTQUEUE_TAKEN : VIRTQUEUE_BAD_HEAD;
}

/* Checks one copied descriptor against the chain so far. */
static enum virtqueue_take_result check_desc(const struct virtqueue *queue,
                                             const struct virtqueue_chain *chain,
                                             const struct virtq_desc *desc)
{
    bool writable = desc->flags & VIRTQ_DESC_F_WRITE;
    uint64_t total = (uint64_t)chain->readable_length + chain->writable_length + desc->len;

    if (desc->flags & VIRTQ_DESC_F_INDIRECT)
        return VIRTQUEUE_INDIRECT;
    if (!writable && chain->writable_length)
        return VIRTQUEUE_READABLE_AFTER_WRITABLE;
    if (!desc->len)
        return VIRTQUEUE_EMPTY_SEGMENT;
    if (!area_fits(desc->addr, desc->len))
        return VIRTQUEUE_SEGMENT_OVERFLOW;
    if (total > queue->chain_length_limit)
        return VIRTQUEUE_CHAIN_TOO_BIG;
    if (!queue->ram.contains(queue->ram.context, desc->addr, desc->len))
        return VIRTQUEUE_SEGMENT_OUTSIDE;
    return VIRTQUEUE_TAKEN;
}

static void add_segment(struct virtqueue_chain *chain, const struct virtq_desc *desc)
{
    bool writable = desc->flags & VIRTQ_DESC_F_WRITE;

    chain->segments[chain->count++] = (struct virtqueue_segment){
        .addr = desc->addr,
        .length = desc->len,
        .device_writable = writable,
    };
    if (writable)
        chain->writable_length += desc->len;
    else
        chain->readable_length += desc->len;
}

/* A chain visits each descriptor once at most, so one longer than the queue
 * has a loop; one longer than the segment list is refused as well. */
static uint32_t chain_count_limit(const struct virtqueue *queue)
{
    uint32_t size = queue->layout.size;

    return size < VIRTQUEUE_SEGMENTS_MAX ? size : VIRTQUEUE_SEGMENTS_MAX;
}

/* Follows the chain from chain->head. Each descriptor is copied once and
 * only the copy is checked and used: the driver may rewrite the table at any
 * time. */
static enum virtqueue_take_result walk_chain(struct virtqueue *queue, struct virtqueue_chain *chain)
{
    uint16_t index = chain->head;
    struct virtq_desc desc;
    enum virtqueue_take_result result;

    for (;;) {
        if (chain->count == chain_count_limit(queue))
            return VIRTQUEUE_CHAIN_TOO_LONG;
        if (!queue->ram.read(queue->ram.context, queue->layout.desc + sizeof(desc) * index, &desc,
                             sizeof(desc)))
            return break_queue(queue);
        result = check_desc(queue, chain, &desc);
        if (result != VIRTQUEUE_TAKEN)
            return result;
        add_segment(chain, &desc);
        if (!(desc.flags & VIRTQ_DESC_F_NEXT))
            return VIRTQUEUE_TAKEN;
        if (desc.next >= queue->layout.size)
            return VIRTQUEUE_BAD_NEXT;
        index = desc.next;
    }
}

enum virtqueue_take_result virtqueue_take(struct virtqueue *queue, struct virtqueue_chain *chain)
{
    enum virtqueue_take_result result;
    uint16_t head = 0;

    if (queue->broken)
        return VIRTQUEUE_BROKEN;
    result = take_head(queue, &head);
    if (result != VIRTQUEUE_TAKEN)
        return result;
    *chain = (struct virtqueue_chain){.head = head};
    queue->in_flight++;
    return walk_chain(queue, chain);
}

bool virtqueue_put(struct virtqueue *queue, uint16_t head, uint32_t written_length)
{
    const struct virtqueue_layout *layout = &queue->layout;
    struct virtq_used_elem elem = {.id = head, .len = written_length};
    uint16_t slot = queue->used_idx & (layout->size - 1);

    if (queue->broken || !queue->in_flight || head >= layout->size)
        return false;
    if (!queue->ram.write(queue->ram.context,
                          layout->used + VIRTQ_USED_RING_OFFSET + sizeof(elem) * slot, &elem,
                          sizeof(elem))) {
        break_queue(queue);
        return false;
    }
    queue->in_flight--;
    queue->used_idx++;
    return true;
}

/* The elements were written by earlier calls, so the guest that sees the new
 * idx finds them filled in (x86 does not reorder stores, and each copy is a
 * call the compiler cannot move the idx write across). */
bool virtqueue_publish(struct virtqueue *queue)
{
    if (queue->broken)
        return false;
    if (queue->used_idx == queue->published_used_idx)
        return true;
    if (!queue->ram.write(queue->ram.context, queue->layout.used + VIRTQ_USED_IDX_OFFSET,
                          &queue->used_idx, sizeof(queue->used_idx))) {
        break_queue(queue);
        return false;
    }
    queue->published_used_idx = queue->used_idx;
    return true;
}
