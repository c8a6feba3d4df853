#include "lib/page_tables.h"

#define LEVELS  4
#define ENTRIES 512

/* Bytes one entry covers at each level: PML4E, PDPTE, PDE, PTE. */
static const uint64_t level_span[LEVELS] = {1ull << 39, PAGE_SIZE_1G, PAGE_SIZE_2M, PAGE_SIZE};

static unsigned entry_index(uint64_t va, unsigned level)
{
    return (unsigned)(va >> (39 - 9 * level)) & (ENTRIES - 1);
}

static uint64_t *table_at(const struct pt_builder *b, uint64_t phys)
{
    return b->table_pointer(b->ctx, phys);
}

static int entry_present(const struct pt_builder *b, uint64_t entry)
{
    return (entry & b->present_mask) != 0;
}

/* Returns the next-level table behind *entry, creating it if needed. */
static uint64_t *next_table(const struct pt_builder *b, uint64_t *entry, enum pt_status *status)
{
    if (entry_present(b, *entry)) {
        if (*entry & PTE_LARGE) {
            *status = PT_ERR_ALREADY_MAPPED;
            return 0;
        }
        return table_at(b, *entry & PTE_ADDRESS_MASK);
    }
    uint64_t phys = b->alloc_table(b->ctx);
    if (!phys) {
        *status = PT_ERR_NO_MEMORY;
        return 0;
    }
    *entry = phys | b->table_flags;
    return table_at(b, phys);
}

/* Largest level (1 = 1 GiB, 2 = 2 MiB, 3 = 4 KiB) usable at this point. */
static unsigned leaf_level(const struct pt_builder *b, uint64_t va, uint64_t pa, uint64_t left)
{
    for (unsigned level = 1; level < LEVELS - 1; level++) {
        uint64_t span = level_span[level];
        if ((b->large_sizes & span) && !(va & (span - 1)) && !(pa & (span - 1)) && left >= span)
            return level;
    }
    return LEVELS - 1;
}

static enum pt_status map_one(const struct pt_builder *b, uint64_t va, uint64_t pa, unsigned target,
                              uint64_t leaf_flags)
{
    enum pt_status status = PT_OK;
    uint64_t *table = table_at(b, b->root);

    for (unsigned level = 0; level < target; level++) {
        table = next_table(b, &table[entry_index(va, level)], &status);
        if (!table)
            return status;
    }
    uint64_t *entry = &table[entry_index(va, target)];
    if (entry_present(b, *entry))
        return PT_ERR_ALREADY_MAPPED;
    *entry = pa | leaf_flags | (target < LEVELS - 1 ? PTE_LARGE : 0);
    return PT_OK;
}

enum pt_status pt_map(const struct pt_builder *b, uint64_t va, uint64_t pa, uint64_t size,
                      uint64_t leaf_flags)
{
    if ((va | pa | size) & (PAGE_SIZE - 1))
        return PT_ERR_MISALIGNED;
    while (size) {
        unsigned level = leaf_level(b, va, pa, size);
        enum pt_status status = map_one(b, va, pa, level, leaf_flags);
        if (status != PT_OK)
            return status;
        va += level_span[level];
        pa += level_span[level];
        size -= level_span[level];
    }
    return PT_OK;
}

int pt_translate(const struct pt_builder *b, uint64_t va, uint64_t *pa, uint64_t *flags)
{
    uint64_t *table = table_at(b, b->root);

    for (unsigned level = 0; level < LEVELS; level++) {
        uint64_t entry = table[entry_index(va, level)];
        if (!entry_present(b, entry))
            return 0;
        if (level == LEVELS - 1 || (level > 0 && (entry & PTE_LARGE))) {
            uint64_t span = level_span[level];
            *pa = (entry & PTE_ADDRESS_MASK & ~(span - 1)) | (va & (span - 1));
            *flags = entry & ~(PTE_ADDRESS_MASK & ~(span - 1));
            return 1;
        }
        table = table_at(b, entry & PTE_ADDRESS_MASK);
    }
    return 0;
}

/* The 4 KiB leaf entry of va, or 0 when the walk meets a hole or a large
 * page. */
static uint64_t *small_leaf(const struct pt_builder *b, uint64_t va)
{
    uint64_t *table = table_at(b, b->root);

    for (unsigned level = 0; level < LEVELS - 1; level++) {
        uint64_t entry = table[entry_index(va, level)];
        if (!entry_present(b, entry) || (level > 0 && (entry & PTE_LARGE)))
            return 0;
        table = table_at(b, entry & PTE_ADDRESS_MASK);
    }
    uint64_t *leaf = &table[entry_index(va, LEVELS - 1)];
    return entry_present(b, *leaf) ? leaf : 0;
}

enum pt_status pt_unmap(const struct pt_builder *b, uint64_t va, uint64_t size)
{
    enum pt_status status = PT_OK;

    if ((va | size) & (PAGE_SIZE - 1))
        return PT_ERR_MISALIGNED;
    for (uint64_t offset = 0; offset < size; offset += PAGE_SIZE) {
        uint64_t *leaf = small_leaf(b, va + offset);
        if (leaf)
            *leaf = 0;
        else
            status = PT_ERR_NOT_MAPPED;
    }
    return status;
}

bool pt_range_unmapped(const struct pt_builder *b, uint64_t va, uint64_t size)
{
    uint64_t pa, flags;

    for (uint64_t offset = 0; offset < size; offset += PAGE_SIZE) {
        if (pt_translate(b, va + offset, &pa, &flags))
            return false;
    }
    return true;
}
