#include "hv/frame.h"

static uint64_t align_up(uint64_t v, uint64_t align)
{
    return (v + align - 1) & ~(align - 1);
}

static uint64_t align_down(uint64_t v, uint64_t align)
{
    return v & ~(align - 1);
}

void frame_allocator_init(struct frame_allocator *fa)
{
    fa->count = 0;
    fa->free_pages = 0;
    fa->dropped_pages = 0;
}

static void remove_range(struct frame_allocator *fa, unsigned index)
{
    for (unsigned i = index; i + 1 < fa->count; i++)
        fa->ranges[i] = fa->ranges[i + 1];
    fa->count--;
}

/* Inserts at index, keeping the list sorted; false when the table is full. */
static bool insert_range(struct frame_allocator *fa, unsigned index, uint64_t base, uint64_t end)
{
    if (fa->count == FRAME_MAX_RANGES)
        return false;
    for (unsigned i = fa->count; i > index; i--)
        fa->ranges[i] = fa->ranges[i - 1];
    fa->ranges[index] = (struct frame_range){base, end};
    fa->count++;
    return true;
}

/* Joins ranges[index] with the next one when they touch. */
static void merge_with_next(struct frame_allocator *fa, unsigned index)
{
    if (index + 1 < fa->count && fa->ranges[index].end == fa->ranges[index + 1].base) {
        fa->ranges[index].end = fa->ranges[index + 1].end;
        remove_range(fa, index + 1);
    }
}

void frame_add_range(struct frame_allocator *fa, uint64_t base, uint64_t end)
{
    base = align_up(base, FRAME_SIZE);
    end = align_down(end, FRAME_SIZE);
    if (end <= base)
        return;

    unsigned index = 0;
    while (index < fa->count && fa->ranges[index].base < base)
        index++;
    /* Overlap with a free range means a double free or a bad map: refuse. */
    if ((index > 0 && fa->ranges[index - 1].end > base) ||
        (index < fa->count && fa->ranges[index].base < end))
        return;
    if (!insert_range(fa, index, base, end)) {
        fa->dropped_pages += (end - base) / FRAME_SIZE;
        return;
    }
    fa->free_pages += (end - base) / FRAME_SIZE;
    merge_with_next(fa, index);
    if (index > 0)
        merge_with_next(fa, index - 1);
}

void frame_add_boot_memory(struct frame_allocator *fa, const struct boot_memory_region *regions,
                           unsigned count)
{
    for (unsigned i = 0; i < count; i++) {
        const struct boot_memory_region *r = &regions[i];
        uint64_t end = r->base + r->pages * FRAME_SIZE;

        if (r->type != BOOT_MEM_USABLE || end < r->base)
            continue;
        frame_add_range(fa, r->base < FRAME_FLOOR ? FRAME_FLOOR : r->base, end);
    }
}

/* Carves [base, base + size) out of ranges[index], which contains it. */
static bool carve(struct frame_allocator *fa, unsigned index, uint64_t base, uint64_t size)
{
    struct frame_range r = fa->ranges[index];

    if (base > r.base && base + size < r.end) {
        if (!insert_range(fa, index + 1, base + size, r.end))
            return false;
        fa->ranges[index].end = base;
    } else if (base > r.base) {
        fa->ranges[index].end = base;
    } else if (base + size < r.end) {
        fa->ranges[index].base = base + size;
    } else {
        remove_range(fa, index);
    }
    fa->free_pages -= size / FRAME_SIZE;
    return true;
}

uint64_t frame_alloc(struct frame_allocator *fa, uint64_t pages, uint64_t align, uint64_t ceiling)
{
    if (!pages || pages > (UINT64_MAX / FRAME_SIZE) || align < FRAME_SIZE || (align & (align - 1)))
        return 0;
    uint64_t size = pages * FRAME_SIZE;

    for (unsigned i = 0; i < fa->count; i++) {
        uint64_t base = align_up(fa->ranges[i].base, align);
        uint64_t limit = fa->ranges[i].end < ceiling ? fa->ranges[i].end : ceiling;

        if (base < fa->ranges[i].base || base > limit || limit - base < size)
            continue;
        if (carve(fa, i, base, size))
            return base;
    }
    return 0;
}

void frame_free(struct frame_allocator *fa, uint64_t base, uint64_t pages)
{
    if (pages && base + pages * FRAME_SIZE > base)
        frame_add_range(fa, base, base + pages * FRAME_SIZE);
}
