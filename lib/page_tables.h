/*
 * The one builder of x86-64 four-level page tables: the stub's hand-off
 * tables (boot/paging.c), the hypervisor's own address space and (with EPT
 * entry bits) guest-physical address spaces (arch/x86_64/), and the tables a
 * guest extends for itself (guests/lib/paging.c). It takes table pages from
 * a callback and reaches them through another, so each user brings its own
 * allocator and its own view of physical memory, and host unit tests run it
 * on ordinary heap memory.
 */
#ifndef LIB_PAGE_TABLES_H
#define LIB_PAGE_TABLES_H

#include <stdbool.h>
#include <stdint.h>

#define PAGE_SIZE    4096ull
#define PAGE_SIZE_2M (1ull << 21)
#define PAGE_SIZE_1G (1ull << 30)

/* Host page-table entry bits */
#define PTE_PRESENT      (1ull << 0)
#define PTE_WRITABLE     (1ull << 1)
#define PTE_USER         (1ull << 2)
#define PTE_PWT          (1ull << 3)
#define PTE_PCD          (1ull << 4)
#define PTE_LARGE        (1ull << 7) /* PS in a PDPTE or PDE; same bit in EPT entries */
#define PTE_GLOBAL       (1ull << 8)
#define PTE_NX           (1ull << 63)
#define PTE_ADDRESS_MASK 0x000ffffffffff000ull

enum pt_status {
    PT_OK = 0,
    PT_ERR_NO_MEMORY,
    PT_ERR_MISALIGNED,
    PT_ERR_ALREADY_MAPPED,
    PT_ERR_NOT_MAPPED,
};

struct pt_builder {
    uint64_t root; /* physical address of the top-level table */
    /* Returns the physical address of a zeroed 4 KiB page, or 0. */
    uint64_t (*alloc_table)(void *ctx);
    void *(*table_pointer)(void *ctx, uint64_t phys);
    void *ctx;
    uint64_t table_flags;  /* bits of a non-leaf entry */
    uint64_t present_mask; /* any of these bits set = entry in use */
    uint64_t large_sizes;  /* PAGE_SIZE_2M and/or PAGE_SIZE_1G allowed for leaves */
};

/*
 * Maps [va, va + size) to [pa, pa + size) with leaf_flags, using the largest
 * pages that the alignment of va, pa and the remaining size allow. All three
 * must be 4 KiB aligned. Refuses to replace an existing mapping.
 */
enum pt_status pt_map(const struct pt_builder *b, uint64_t va, uint64_t pa, uint64_t size,
                      uint64_t leaf_flags);

/* Removes every 4 KiB mapping in [va, va + size) and goes on past holes;
 * returns PT_ERR_NOT_MAPPED when some page was not a 4 KiB mapping (large
 * pages are left alone), PT_ERR_MISALIGNED for an unaligned range. Tables
 * are kept. */
enum pt_status pt_unmap(const struct pt_builder *b, uint64_t va, uint64_t size);

/* Whether no page of [va, va + size) is mapped. */
bool pt_range_unmapped(const struct pt_builder *b, uint64_t va, uint64_t size);

/* Physical address va translates to, with the leaf entry's flags; returns
 * false when va is not mapped. */
int pt_translate(const struct pt_builder *b, uint64_t va, uint64_t *pa, uint64_t *flags);

#endif
