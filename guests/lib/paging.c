#include "guests/lib/paging.h"

#include "arch/x86_64/cpu.h"
#include "lib/page_tables.h"

#define LARGE_PAGE_MASK (~(PAGE_SIZE_2M - 1))
#define CANONICAL_LIMIT (1ull << 47)

/* New tables come from here. The image is identity mapped, so a table's
 * address is also its physical address. */
#define TABLE_POOL_PAGES 4
static uint64_t table_pool[TABLE_POOL_PAGES][PAGE_SIZE / sizeof(uint64_t)]
    __attribute__((aligned(PAGE_SIZE)));
static unsigned tables_used;

/* A pool page: zero, as it is handed out only once. 0 when the pool is empty. */
static uint64_t pool_take_table(void *context)
{
    (void)context;
    if (tables_used == TABLE_POOL_PAGES)
        return 0;
    return (uint64_t)(uintptr_t)table_pool[tables_used++];
}

static void *identity_pointer(void *context, uint64_t phys)
{
    (void)context;
    return (void *)(uintptr_t)phys;
}

/* Maps the 2 MiB page holding address to itself with the given cache bits. A
 * page that is mapped already, alone or inside a 1 GiB page, is left as it is. */
static bool map_2m(uint64_t address, uint64_t cache_bits)
{
    const struct pt_builder tables = {
        .root = cpu_read_cr3() & PTE_ADDRESS_MASK,
        .alloc_table = pool_take_table,
        .table_pointer = identity_pointer,
        .table_flags = PTE_PRESENT | PTE_WRITABLE,
        .present_mask = PTE_PRESENT,
        .large_sizes = PAGE_SIZE_2M,
    };
    uint64_t page = address & LARGE_PAGE_MASK;

    if (address >= CANONICAL_LIMIT)
        return false;
    switch (pt_map(&tables, page, page, PAGE_SIZE_2M, PTE_PRESENT | PTE_WRITABLE | cache_bits)) {
    case PT_OK:
        cpu_invlpg(page);
        return true;
    case PT_ERR_ALREADY_MAPPED:
        return true;
    default:
        return false;
    }
}

bool map_identity_2m(uint64_t address)
{
    return map_2m(address, PTE_PWT | PTE_PCD);
}

bool map_memory(uint64_t base, uint64_t size)
{
    if (size == 0 || base + size < base)
        return false;
    for (uint64_t page = base & LARGE_PAGE_MASK; page < base + size; page += PAGE_SIZE_2M) {
        if (!map_2m(page, 0))
            return false;
    }
    return true;
}
