#include "guests/lib/paging.h"

#include "guests/lib/cpu.h"

#include <stddef.h>

#define PAGE_SIZE         4096
#define TABLE_ENTRIES     512
#define PTE_PRESENT       (1ull << 0)
#define PTE_WRITABLE      (1ull << 1)
#define PTE_WRITE_THROUGH (1ull << 3)
#define PTE_CACHE_DISABLE (1ull << 4)
#define PTE_LARGE         (1ull << 7)
#define PTE_ADDRESS_MASK  0x000ffffffffff000ull
#define LARGE_PAGE_MASK   (~((2ull << 20) - 1))
#define CANONICAL_LIMIT   (1ull << 47)

/* New tables come from here. The image is identity mapped, so a table's
 * address is also its physical address. */
#define TABLE_POOL_PAGES 4
static uint64_t table_pool[TABLE_POOL_PAGES][TABLE_ENTRIES] __attribute__((aligned(PAGE_SIZE)));
static unsigned tables_used;

static unsigned table_index(uint64_t address, unsigned shift)
{
    return (unsigned)(address >> shift) % TABLE_ENTRIES;
}

/* The table entry points at, made if missing; NULL if the pool is empty. */
static uint64_t *next_level(uint64_t *entry)
{
    if (*entry & PTE_PRESENT)
        return (uint64_t *)(uintptr_t)(*entry & PTE_ADDRESS_MASK);
    if (tables_used == TABLE_POOL_PAGES)
        return NULL;
    uint64_t *table = table_pool[tables_used++];
    *entry = (uint64_t)(uintptr_t)table | PTE_PRESENT | PTE_WRITABLE;
    return table;
}

/* Maps the 2 MiB page holding address to itself with the given cache bits. */
static bool map_2m(uint64_t address, uint64_t cache_bits)
{
    if (address >= CANONICAL_LIMIT)
        return false;
    uint64_t *pml4 = (uint64_t *)(uintptr_t)(read_cr3() & PTE_ADDRESS_MASK);
    uint64_t *pdpt = next_level(&pml4[table_index(address, 39)]);
    if (pdpt == NULL)
        return false;
    uint64_t *pdpt_entry = &pdpt[table_index(address, 30)];
    if ((*pdpt_entry & (PTE_PRESENT | PTE_LARGE)) == (PTE_PRESENT | PTE_LARGE))
        return true; /* inside a 1 GiB page already */
    uint64_t *pd = next_level(pdpt_entry);
    if (pd == NULL)
        return false;
    uint64_t *pd_entry = &pd[table_index(address, 21)];
    if (!(*pd_entry & PTE_PRESENT)) {
        *pd_entry =
            (address & LARGE_PAGE_MASK) | PTE_PRESENT | PTE_WRITABLE | PTE_LARGE | cache_bits;
        invlpg(address);
    }
    return true;
}

bool map_identity_2m(uint64_t address)
{
    return map_2m(address, PTE_WRITE_THROUGH | PTE_CACHE_DISABLE);
}

/* Write-back in the guest's tables: combined with the write-combining type
 * the hypervisor gives the framebuffer in the EPT, the CPU combines writes. */
bool map_framebuffer(uint64_t base, uint64_t size)
{
    if (size == 0 || base + size < base)
        return false;
    for (uint64_t page = base & LARGE_PAGE_MASK; page < base + size; page += 2ull << 20) {
        if (!map_2m(page, 0))
            return false;
    }
    return true;
}
