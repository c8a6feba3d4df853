/*
 * A guest's own page tables, walked by the hypervisor to fetch the
 * instruction behind an exit it has to emulate. Only the 4-level tables of
 * long mode are walked (guests that run with paging off need no walk).
 * The tables are read through guest_memory, so tables outside the
 * partition's RAM end the walk instead of reaching anything else.
 */
#ifndef ARCH_X86_64_GUEST_PAGING_H
#define ARCH_X86_64_GUEST_PAGING_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/guest_memory.h"

/* The guest-physical address of `linear` under the tables at `cr3`; false
 * when a level is not present or lies outside RAM. */
bool guest_page_walk(const struct guest_memory *memory, uint64_t cr3, uint64_t linear,
                     uint64_t *physical);

/* Copies `length` bytes at guest-linear `linear` (paged: through `cr3`;
 * else linear is physical), page by page. False if any byte is unreachable. */
bool guest_copy_linear(const struct guest_memory *memory, bool paged, uint64_t cr3, uint64_t linear,
                       void *to, unsigned length);

#endif
