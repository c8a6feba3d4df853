/*
 * Hand-off page tables. The identity map keeps the stub's own code, stack,
 * boot_info and the modules reachable across the CR3 switch; the core's
 * range is mapped at its link address so its entry point can run at once.
 * Every page is writable and executable: the core replaces these tables
 * with its own as soon as it can.
 */
#include "boot/paging.h"

#include "lib/page_tables.h"

#define TABLE_ENTRIES 512
#define GIB           (1ull << 30)
#define UPPER_HALF    0xffff800000000000ull

_Static_assert(PAGING_PAGE_SIZE == PAGE_SIZE, "one page size");

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

/* A zeroed table page from the pool; 0 once it has run dry. */
static uint64_t pool_take_table(void *context)
{
    struct paging_pool *pool = context;
    uint64_t *table;

    if (pool->end - pool->next < PAGE_SIZE)
        return 0;
    table = (uint64_t *)(uintptr_t)pool->next;
    pool->next += PAGE_SIZE;
    for (unsigned i = 0; i < TABLE_ENTRIES; i++)
        table[i] = 0;
    return (uint64_t)(uintptr_t)table;
}

/* Physical = virtual while the stub runs. */
static void *identity_pointer(void *context, uint64_t phys)
{
    (void)context;
    return (void *)(uintptr_t)phys;
}

uint64_t paging_build(struct paging_pool *pool, uint64_t identity_limit, uint64_t core_virt,
                      uint64_t core_phys, uint64_t core_pages)
{
    struct pt_builder tables = {
        .alloc_table = pool_take_table,
        .table_pointer = identity_pointer,
        .ctx = pool,
        .table_flags = PTE_PRESENT | PTE_WRITABLE,
        .present_mask = PTE_PRESENT,
        .large_sizes = PAGE_SIZE_2M,
    };
    uint64_t identity_size = divide_round_up(identity_limit, PAGE_SIZE_2M) * PAGE_SIZE_2M;

    /* Keeping the two maps in different halves means they can never collide. */
    if (identity_limit > PAGING_IDENTITY_LIMIT_MAX || core_virt < UPPER_HALF)
        return 0;
    tables.root = pool_take_table(pool);
    if (!tables.root || pt_map(&tables, 0, 0, identity_size, PTE_PRESENT | PTE_WRITABLE) != PT_OK)
        return 0;
    /* The core in 4 KiB pages, as the tables counted above assume. */
    tables.large_sizes = 0;
    if (pt_map(&tables, core_virt, core_phys, core_pages * PAGE_SIZE, PTE_PRESENT | PTE_WRITABLE) !=
        PT_OK)
        return 0;
    return tables.root;
}
