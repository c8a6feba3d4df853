/*
 * Hand-off page tables. The identity map keeps the stub's own code, stack,
 * boot_info and the modules reachable across the CR3 switch; the core's
 * range is mapped at its link address so its entry point can run at once.
 * Every page is writable and executable: the core replaces these tables
 * with its own as soon as it can.
 */
#include "boot/paging.h"

#include <stdbool.h>
#include <stddef.h>

#define PTE_PRESENT  (1ull << 0)
#define PTE_WRITABLE (1ull << 1)
#define PTE_LARGE    (1ull << 7)
#define PTE_ADDRESS  0x000ffffffffff000ull

#define TABLE_ENTRIES   512
#define LARGE_PAGE_SIZE (2ull << 20)
#define GIB             (1ull << 30)
#define UPPER_HALF      0xffff800000000000ull

static uint64_t divide_round_up(uint64_t value, uint64_t unit)
{
    return (value + unit - 1) / unit;
}

uint64_t paging_tables_needed(uint64_t identity_limit, uint64_t core_pages)
{
    uint64_t identity_gib = divide_round_up(identity_limit, GIB);
    uint64_t identity_tables = identity_gib + divide_round_up(identity_gib, TABLE_ENTRIES);
    uint64_t core_bytes = core_pages * PAGING_PAGE_SIZE;
    /* One extra table per level because the core's range need not be aligned. */
    uint64_t core_tables = divide_round_up(core_pages, TABLE_ENTRIES) + 1 +
                           divide_round_up(core_bytes, GIB) + 1 +
                           divide_round_up(core_bytes, GIB * TABLE_ENTRIES) + 1;

    return 1 + identity_tables + core_tables;
}

static uint64_t *pool_take_table(struct paging_pool *pool)
{
    uint64_t *table;

    if (pool->end - pool->next < PAGING_PAGE_SIZE)
        return NULL;
    table = (uint64_t *)(uintptr_t)pool->next;
    pool->next += PAGING_PAGE_SIZE;
    for (size_t i = 0; i < TABLE_ENTRIES; i++)
        table[i] = 0;
    return table;
}

/* level 4 is the PML4, level 1 the page table. */
static unsigned table_index(uint64_t virt, unsigned level)
{
    return (virt >> (12 + 9 * (level - 1))) & (TABLE_ENTRIES - 1);
}

static uint64_t *table_below(struct paging_pool *pool, uint64_t *table, unsigned index)
{
    uint64_t *child;

    if (table[index] & PTE_PRESENT)
        return (uint64_t *)(uintptr_t)(table[index] & PTE_ADDRESS);
    child = pool_take_table(pool);
    if (child)
        table[index] = (uint64_t)(uintptr_t)child | PTE_PRESENT | PTE_WRITABLE;
    return child;
}

/* The table at level that translates virt, created on the way as needed. */
static uint64_t *walk_to_level(struct paging_pool *pool, uint64_t *pml4, uint64_t virt,
                               unsigned level)
{
    uint64_t *table = pml4;

    for (unsigned current = 4; table && current > level; current--)
        table = table_below(pool, table, table_index(virt, current));
    return table;
}

static bool map_identity(struct paging_pool *pool, uint64_t *pml4, uint64_t limit)
{
    for (uint64_t address = 0; address < limit; address += LARGE_PAGE_SIZE) {
        uint64_t *directory = walk_to_level(pool, pml4, address, 2);
        if (!directory)
            return false;
        directory[table_index(address, 2)] = address | PTE_PRESENT | PTE_WRITABLE | PTE_LARGE;
    }
    return true;
}

static bool map_core(struct paging_pool *pool, uint64_t *pml4, uint64_t virt, uint64_t phys,
                     uint64_t pages)
{
    for (uint64_t i = 0; i < pages; i++) {
        uint64_t address = virt + i * PAGING_PAGE_SIZE;
        uint64_t *table = walk_to_level(pool, pml4, address, 1);
        if (!table)
            return false;
        table[table_index(address, 1)] = (phys + i * PAGING_PAGE_SIZE) | PTE_PRESENT | PTE_WRITABLE;
    }
    return true;
}

uint64_t paging_build(struct paging_pool *pool, uint64_t identity_limit, uint64_t core_virt,
                      uint64_t core_phys, uint64_t core_pages)
{
    uint64_t *pml4;

    /* Keeping the two maps in different halves means they can never collide. */
    if (identity_limit > PAGING_IDENTITY_LIMIT_MAX || core_virt < UPPER_HALF)
        return 0;
    pml4 = pool_take_table(pool);
    if (!pml4 || !map_identity(pool, pml4, identity_limit) ||
        !map_core(pool, pml4, core_virt, core_phys, core_pages))
        return 0;
    return (uint64_t)(uintptr_t)pml4;
}
