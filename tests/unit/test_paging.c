#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "arch/x86_64/ept.h"
#include "boot/paging.h"
#include "lib/page_tables.h"

/* Table pages come from a static pool; their "physical" address is the
 * pointer. */
#define POOL_PAGES 32
static uint8_t pool[POOL_PAGES][4096] __attribute__((aligned(4096)));
static unsigned tables_allocated;
static unsigned table_budget;

static uint64_t heap_table(void *ctx)
{
    (void)ctx;
    if (tables_allocated >= table_budget || tables_allocated >= POOL_PAGES)
        return 0;
    void *p = pool[tables_allocated++];
    memset(p, 0, 4096);
    return (uint64_t)(uintptr_t)p;
}

static void *heap_pointer(void *ctx, uint64_t phys)
{
    (void)ctx;
    return (void *)(uintptr_t)phys;
}

static struct pt_builder host_builder(uint64_t large)
{
    tables_allocated = 0;
    table_budget = 1000;
    struct pt_builder b = {
        .alloc_table = heap_table,
        .table_pointer = heap_pointer,
        .table_flags = PTE_PRESENT | PTE_WRITABLE,
        .present_mask = PTE_PRESENT,
        .large_sizes = large,
    };
    b.root = heap_table(0);
    return b;
}

Test(paging, small_pages_translate_back)
{
    struct pt_builder b = host_builder(0);
    cr_assert_eq(pt_map(&b, 0xffffffff80000000ull, 0x1234000, 3 * PAGE_SIZE, PTE_PRESENT), PT_OK);
    uint64_t pa, flags;
    cr_assert(pt_translate(&b, 0xffffffff80002abcull, &pa, &flags));
    cr_assert_eq(pa, 0x1236abc);
    cr_assert_eq(flags & PTE_WRITABLE, 0, "read-only stays read-only");
    cr_assert_not(pt_translate(&b, 0xffffffff80003000ull, &pa, &flags), "past the end");
    cr_assert_eq(tables_allocated, 4, "PML4, PDPT, PD, PT");
}

Test(paging, large_pages_where_alignment_allows)
{
    struct pt_builder b = host_builder(PAGE_SIZE_2M | PAGE_SIZE_1G);
    /* 4 KiB, then 2 MiB pages up to the 1 GiB boundary, then a 1 GiB page. */
    uint64_t start = PAGE_SIZE_1G - PAGE_SIZE_2M - PAGE_SIZE;
    uint64_t size = PAGE_SIZE + PAGE_SIZE_2M + PAGE_SIZE_1G;
    cr_assert_eq(pt_map(&b, start, start, size, PTE_PRESENT | PTE_WRITABLE | PTE_NX), PT_OK);
    uint64_t pa, flags;
    cr_assert(pt_translate(&b, start, &pa, &flags));
    cr_assert_eq(flags & PTE_LARGE, 0);
    cr_assert(pt_translate(&b, PAGE_SIZE_1G - PAGE_SIZE_2M + 5, &pa, &flags));
    cr_assert_eq(pa, PAGE_SIZE_1G - PAGE_SIZE_2M + 5);
    cr_assert(flags & PTE_LARGE);
    cr_assert(pt_translate(&b, PAGE_SIZE_1G + 0x3456789, &pa, &flags));
    cr_assert_eq(pa, PAGE_SIZE_1G + 0x3456789);
    cr_assert(flags & PTE_LARGE);
    cr_assert(flags & PTE_NX);
    cr_assert_eq(tables_allocated, 4, "PML4, PDPT, one PD, one PT");
}

Test(paging, misaligned_input_is_refused)
{
    struct pt_builder b = host_builder(0);
    cr_assert_eq(pt_map(&b, 0x1001, 0x2000, PAGE_SIZE, PTE_PRESENT), PT_ERR_MISALIGNED);
    cr_assert_eq(pt_map(&b, 0x1000, 0x2000, 100, PTE_PRESENT), PT_ERR_MISALIGNED);
}

Test(paging, existing_mappings_are_never_replaced)
{
    struct pt_builder b = host_builder(PAGE_SIZE_2M);
    cr_assert_eq(pt_map(&b, 0, 0, PAGE_SIZE_2M, PTE_PRESENT), PT_OK);
    cr_assert_eq(pt_map(&b, 0x1000, 0x99000, PAGE_SIZE, PTE_PRESENT), PT_ERR_ALREADY_MAPPED,
                 "cannot split a large page");
    cr_assert_eq(pt_map(&b, PAGE_SIZE_2M, 0, PAGE_SIZE, PTE_PRESENT), PT_OK);
    cr_assert_eq(pt_map(&b, PAGE_SIZE_2M, 0, PAGE_SIZE, PTE_PRESENT), PT_ERR_ALREADY_MAPPED);
}

Test(paging, running_out_of_tables_is_reported)
{
    struct pt_builder b = host_builder(0);
    table_budget = 2;
    cr_assert_eq(pt_map(&b, 0, 0, PAGE_SIZE, PTE_PRESENT), PT_ERR_NO_MEMORY);
}

Test(paging, ept_entries_use_rwx_as_present)
{
    struct pt_builder b = host_builder(PAGE_SIZE_2M);
    b.table_flags = EPT_RWX;
    b.present_mask = EPT_RWX;
    cr_assert_eq(pt_map(&b, 0, 0x40000000, 0x10000, EPT_RWX | EPT_MEMORY_TYPE_WB), PT_OK);
    uint64_t pa, flags;
    cr_assert(pt_translate(&b, 0xf123, &pa, &flags));
    cr_assert_eq(pa, 0x4000f123);
    cr_assert_eq(flags & 0x3f, EPT_RWX | EPT_MEMORY_TYPE_WB);
    cr_assert_not(pt_translate(&b, 0x10000, &pa, &flags), "nothing beyond guest RAM");
}

Test(paging, unmap_removes_small_pages_only)
{
    struct pt_builder b = host_builder(PAGE_SIZE_2M);
    uint64_t pa, flags;

    cr_assert_eq(pt_map(&b, 0x40000000, 0x1000000, 3 * PAGE_SIZE, PTE_PRESENT), PT_OK);
    cr_assert_eq(pt_unmap(&b, 0x40001000, PAGE_SIZE), PT_OK);
    cr_assert(pt_translate(&b, 0x40000000, &pa, &flags));
    cr_assert_not(pt_translate(&b, 0x40001000, &pa, &flags), "the middle page is gone");
    cr_assert(pt_translate(&b, 0x40002000, &pa, &flags));
    cr_assert_eq(pt_unmap(&b, 0x40001000, PAGE_SIZE), PT_ERR_NOT_MAPPED, "already gone");
    cr_assert_eq(pt_map(&b, 0x40001000, 0x5000, PAGE_SIZE, PTE_PRESENT), PT_OK, "can map again");

    cr_assert_eq(pt_map(&b, 0, 0, PAGE_SIZE_2M, PTE_PRESENT), PT_OK);
    cr_assert_eq(pt_unmap(&b, 0, PAGE_SIZE), PT_ERR_NOT_MAPPED, "large pages are not split");
    cr_assert_eq(pt_unmap(&b, 0x123, PAGE_SIZE), PT_ERR_MISALIGNED);
    cr_assert_eq(pt_unmap(&b, 0x7000000000, PAGE_SIZE), PT_ERR_NOT_MAPPED, "no tables there");
}

/* A revoke must remove every page of its range even when one is already
 * gone: an unmap that stopped at a hole would leave the rest mapped. */
Test(paging, unmap_goes_on_past_holes)
{
    struct pt_builder b = host_builder(0);
    uint64_t pa, flags;

    cr_assert_eq(pt_map(&b, 0x100000, 0x800000, 4 * PAGE_SIZE, PTE_PRESENT), PT_OK);
    cr_assert_eq(pt_unmap(&b, 0x101000, PAGE_SIZE), PT_OK);
    cr_assert_eq(pt_unmap(&b, 0x100000, 4 * PAGE_SIZE), PT_ERR_NOT_MAPPED);
    for (uint64_t page = 0; page < 4; page++)
        cr_assert_not(pt_translate(&b, 0x100000 + page * PAGE_SIZE, &pa, &flags), "page %llu",
                      (unsigned long long)page);
}

Test(paging, range_unmapped_sees_any_page)
{
    struct pt_builder b = host_builder(0);

    cr_assert(pt_range_unmapped(&b, 0x200000, 8 * PAGE_SIZE), "nothing there yet");
    cr_assert_eq(pt_map(&b, 0x205000, 0x900000, PAGE_SIZE, PTE_PRESENT), PT_OK);
    cr_assert_not(pt_range_unmapped(&b, 0x200000, 8 * PAGE_SIZE));
    cr_assert(pt_range_unmapped(&b, 0x200000, 5 * PAGE_SIZE), "stops before it");
}

/* ---- the stub's hand-off tables (boot/paging.c) --------------------------- */

/* A block of table pages, as the stub sets aside before it builds. */
static struct paging_pool stub_pool(uint64_t pages)
{
    uint8_t *block = aligned_alloc(PAGE_SIZE, pages * PAGE_SIZE);

    cr_assert_not_null(block);
    return (struct paging_pool){(uint64_t)(uintptr_t)block,
                                (uint64_t)(uintptr_t)block + pages * PAGE_SIZE};
}

static struct pt_builder walker_of(uint64_t root)
{
    struct pt_builder b = host_builder(0);

    b.root = root;
    return b;
}

Test(paging, stub_maps_low_memory_and_the_core)
{
    uint64_t limit = 3 * PAGE_SIZE_1G + PAGE_SIZE, core_virt = 0xffffffff80000000ull;
    struct paging_pool tables = stub_pool(paging_tables_needed(limit, 5));
    void *block = (void *)(uintptr_t)tables.next;
    uint64_t pa, flags;

    uint64_t pml4 = paging_build(&tables, limit, core_virt, 0x1000000, 5);
    cr_assert_neq(pml4, 0);
    struct pt_builder b = walker_of(pml4);
    cr_assert(pt_translate(&b, 3 * PAGE_SIZE_1G + 0x1234, &pa, &flags), "rounded up to 2 MiB");
    cr_assert_eq(pa, 3 * PAGE_SIZE_1G + 0x1234);
    cr_assert_eq(flags & (PTE_LARGE | PTE_WRITABLE), PTE_LARGE | PTE_WRITABLE);
    cr_assert_not(pt_translate(&b, 3 * PAGE_SIZE_1G + PAGE_SIZE_2M, &pa, &flags));
    cr_assert(pt_translate(&b, core_virt + 4 * PAGE_SIZE + 8, &pa, &flags));
    cr_assert_eq(pa, 0x1004008);
    cr_assert_eq(flags & PTE_LARGE, 0, "the core in 4 KiB pages");
    cr_assert_not(pt_translate(&b, core_virt + 5 * PAGE_SIZE, &pa, &flags));
    cr_assert_leq(tables.next, tables.end, "within the bound paging_tables_needed gave");
    free(block);
}

Test(paging, stub_reports_a_pool_that_runs_dry)
{
    struct paging_pool tables = stub_pool(4);
    void *block = (void *)(uintptr_t)tables.next;

    cr_assert_eq(paging_build(&tables, PAGE_SIZE_1G, 0xffffffff80000000ull, 0x1000000, 1), 0);
    free(block);
}

Test(paging, stub_keeps_the_two_maps_in_their_halves)
{
    struct paging_pool tables = stub_pool(8);
    void *block = (void *)(uintptr_t)tables.next;

    cr_assert_eq(paging_build(&tables, PAGE_SIZE_2M, 0x40000000, 0x1000000, 1), 0);
    cr_assert_eq(paging_build(&tables, PAGING_IDENTITY_LIMIT_MAX + PAGE_SIZE_2M,
                              0xffffffff80000000ull, 0x1000000, 1),
                 0);
    free(block);
}

/* ---- a guest extending its own tables (guests/lib/paging.c) --------------- */

/* The guest maps 2 MiB pages into the tables it runs on and takes "already
 * mapped" (alone or inside a 1 GiB page) as done. */
Test(paging, guest_additions_leave_existing_mappings_alone)
{
    struct pt_builder b = host_builder(PAGE_SIZE_1G);
    uint64_t pa, flags;

    cr_assert_eq(pt_map(&b, 0, 0, PAGE_SIZE_1G, PTE_PRESENT | PTE_WRITABLE), PT_OK);
    b.large_sizes = PAGE_SIZE_2M;
    cr_assert_eq(pt_map(&b, 0x40000000 - PAGE_SIZE_2M, 0x40000000 - PAGE_SIZE_2M, PAGE_SIZE_2M,
                        PTE_PRESENT | PTE_PCD),
                 PT_ERR_ALREADY_MAPPED, "inside the 1 GiB page");
    cr_assert_eq(pt_map(&b, 0xfe000000, 0xfe000000, PAGE_SIZE_2M,
                        PTE_PRESENT | PTE_WRITABLE | PTE_PWT | PTE_PCD),
                 PT_OK);
    cr_assert(pt_translate(&b, 0xfe123456, &pa, &flags));
    cr_assert_eq(pa, 0xfe123456);
    cr_assert_eq(flags & (PTE_LARGE | PTE_PWT | PTE_PCD), PTE_LARGE | PTE_PWT | PTE_PCD);
    cr_assert_eq(pt_map(&b, 0xfe000000, 0xfe000000, PAGE_SIZE_2M, PTE_PRESENT),
                 PT_ERR_ALREADY_MAPPED, "a second call finds it mapped");
}
