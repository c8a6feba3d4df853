/*
 * The physical frame allocator: a sorted list of free ranges, fed from the
 * boot memory map. It hands out page-aligned blocks (optionally with a larger
 * alignment and below a ceiling, e.g. under 4 GiB for the AP trampoline's
 * tables) and takes them back, merging neighbours. It never touches the
 * memory it manages, so it runs unchanged in host unit tests.
 */
#ifndef HV_FRAME_H
#define HV_FRAME_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/boot_info.h"

#define FRAME_SIZE       4096ull
#define FRAME_MAX_RANGES 256
/* Memory below 1 MiB stays with legacy users (real-mode structures, the AP
 * trampoline); the allocator never hands it out. */
#define FRAME_FLOOR 0x100000ull

struct frame_range {
    uint64_t base, end; /* [base, end), page aligned */
};

struct frame_allocator {
    struct frame_range ranges[FRAME_MAX_RANGES];
    unsigned count;
    uint64_t free_pages;
    uint64_t dropped_pages; /* usable memory lost because the range table was full */
};

void frame_allocator_init(struct frame_allocator *fa);

/* Adds the usable regions of a boot memory map (above FRAME_FLOOR). */
void frame_add_boot_memory(struct frame_allocator *fa, const struct boot_memory_region *regions,
                           unsigned count);

/* Adds [base, end) shrunk inward to page boundaries; merges with neighbours. */
void frame_add_range(struct frame_allocator *fa, uint64_t base, uint64_t end);

/* Returns the physical address of `pages` free frames aligned to `align`
 * (a power of two, >= FRAME_SIZE) and ending at or below `ceiling`, or 0. */
uint64_t frame_alloc(struct frame_allocator *fa, uint64_t pages, uint64_t align, uint64_t ceiling);

void frame_free(struct frame_allocator *fa, uint64_t base, uint64_t pages);

#endif
