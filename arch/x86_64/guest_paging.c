#include "arch/x86_64/guest_paging.h"

#define PAGE_SIZE     4096ull
#define ENTRY_PRESENT 0x1ull
#define ENTRY_HUGE    0x80ull /* PS: a 1 GiB or 2 MiB page at this level */
#define ENTRY_ADDRESS 0x000ffffffffff000ull
#define LEVELS        4

/* Bits of the linear address that index each level, PML4 first. */
static const unsigned level_shift[LEVELS] = {39, 30, 21, 12};

bool guest_page_walk(const struct guest_memory *memory, uint64_t cr3, uint64_t linear,
                     uint64_t *physical)
{
    uint64_t table = cr3 & ENTRY_ADDRESS;

    for (unsigned level = 0; level < LEVELS; level++) {
        unsigned shift = level_shift[level];
        uint64_t entry;
        if (!guest_copy_from(memory, &entry, table + ((linear >> shift) & 511) * 8,
                             sizeof(entry)) ||
            !(entry & ENTRY_PRESENT))
            return false;
        bool huge = (entry & ENTRY_HUGE) && (level == 1 || level == 2);
        if (huge || level == LEVELS - 1) {
            uint64_t offset_mask = (1ull << shift) - 1;
            *physical = (entry & ENTRY_ADDRESS & ~offset_mask) | (linear & offset_mask);
            return true;
        }
        table = entry & ENTRY_ADDRESS;
    }
    return false;
}

bool guest_copy_linear(const struct guest_memory *memory, bool paged, uint64_t cr3, uint64_t linear,
                       void *to, unsigned length)
{
    uint8_t *out = to;

    while (length) {
        unsigned chunk = (unsigned)(PAGE_SIZE - (linear % PAGE_SIZE));
        chunk = chunk < length ? chunk : length;
        uint64_t physical = linear;
        if ((paged && !guest_page_walk(memory, cr3, linear, &physical)) ||
            !guest_copy_from(memory, out, physical, chunk))
            return false;
        out += chunk;
        linear += chunk;
        length -= chunk;
    }
    return true;
}
