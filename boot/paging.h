/*
 * The page tables the core starts on: an identity map of low physical memory
 * in 2 MiB pages plus the core's own virtual range in 4 KiB pages. Built in
 * memory the caller allocated up front, because nothing may be allocated
 * once the final memory map has been taken. Pure code: no firmware calls.
 */
#ifndef BOOT_PAGING_H
#define BOOT_PAGING_H

#include <stdint.h>

#define PAGING_PAGE_SIZE          4096ull
#define PAGING_IDENTITY_LIMIT_MAX (1ull << 47) /* the lower half of a 4-level space */

/* Page-table pages handed out one by one from a zeroed, contiguous block. */
struct paging_pool {
    uint64_t next; /* physical = virtual while the stub runs */
    uint64_t end;
};

/* How many table pages paging_build() may need, an upper bound. */
uint64_t paging_tables_needed(uint64_t identity_limit, uint64_t core_pages);

/*
 * Builds the tables from pool and returns the PML4's physical address, or 0 if
 * the pool ran dry. identity_limit is rounded up to 2 MiB and must not exceed
 * PAGING_IDENTITY_LIMIT_MAX; the core's range must lie in the upper half.
 */
uint64_t paging_build(struct paging_pool *pool, uint64_t identity_limit, uint64_t core_virt,
                      uint64_t core_phys, uint64_t core_pages);

#endif
