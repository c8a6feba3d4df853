/* The hypervisor's own address space. */
#ifndef ARCH_X86_64_HOST_PAGING_H
#define ARCH_X86_64_HOST_PAGING_H

#include <stdint.h>

#include "lib/page_tables.h"

/* Per-CPU stacks live here, each between unmapped guard pages. */
#define STACK_AREA_BASE 0xfffffe0000000000ull

extern struct pt_builder host_tables;

/* pt_builder callbacks for tables in hypervisor memory (host tables, EPTs):
 * zeroed frames, reached through the direct map. */
uint64_t paging_table_alloc(void *ctx);
void *paging_table_pointer(void *ctx, uint64_t phys);

/* Maps fresh zeroed frames at va (RW, NX); returns false when out of memory. */
int host_map_fresh_pages(uint64_t va, uint64_t pages);

#endif
