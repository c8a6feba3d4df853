/* Physical memory as the core sees it: the frame allocator fed from the boot
 * map, and the direct map through which every physical page is reached. */
#ifndef HV_MEMORY_H
#define HV_MEMORY_H

#include <stdint.h>

#include "hv/boot_info.h"
#include "hv/frame.h"

#define DIRECT_MAP_BASE 0xffff800000000000ull

extern struct frame_allocator frames;

void memory_init(const struct boot_info *boot);

/* Before arch_paging_init() physical memory is identity mapped; after it,
 * reached at DIRECT_MAP_BASE. */
void memory_use_direct_map(void);
void *phys_to_virt(uint64_t phys);

/* Zeroed pages, or 0 when memory is exhausted. */
uint64_t memory_alloc_pages(uint64_t pages);
uint64_t memory_alloc_pages_below(uint64_t pages, uint64_t ceiling);

/* Zeroed pages aligned to align (a power of two), or 0. */
uint64_t memory_alloc_aligned(uint64_t pages, uint64_t align);
void memory_free_pages(uint64_t phys, uint64_t pages);

/* Zeroes whole pages of physical memory, eight bytes at a time. */
void memory_zero(uint64_t phys, uint64_t bytes);

#endif
