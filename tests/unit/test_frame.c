#include <criterion/criterion.h>

#include "hv/frame.h"

static struct frame_allocator fa;

static void setup(void)
{
    frame_allocator_init(&fa);
}

TestSuite(frame, .init = setup);

Test(frame, usable_regions_above_the_floor_only)
{
    struct boot_memory_region map[] = {
        {0x0, 0x9f, BOOT_MEM_USABLE, 0},       /* below 1 MiB: kept back */
        {0x100000, 0x100, BOOT_MEM_USABLE, 0}, /* 1 MiB */
        {0x200000, 0x10, BOOT_MEM_RESERVED, 0}, {0x210000, 0x10, BOOT_MEM_CORE, 0},
        {0x80000, 0x100, BOOT_MEM_USABLE, 0}, /* straddles the floor */
    };
    frame_add_boot_memory(&fa, map, 5);
    /* 0x100 pages at 1 MiB; the straddling region adds nothing new above
     * the floor because it overlaps the first one there. */
    cr_assert_eq(fa.free_pages, 0x100);
    cr_assert_eq(fa.count, 1);
    cr_assert_eq(fa.ranges[0].base, 0x100000);
}

Test(frame, alloc_respects_alignment_and_ceiling)
{
    frame_add_range(&fa, 0x101000, 0x800000);
    uint64_t a = frame_alloc(&fa, 1, 0x200000, UINT64_MAX);
    cr_assert_eq(a, 0x200000);
    /* The split left a range below and one above. */
    cr_assert_eq(fa.count, 2);
    uint64_t low = frame_alloc(&fa, 2, FRAME_SIZE, 0x104000);
    cr_assert_eq(low, 0x101000);
    cr_assert_eq(frame_alloc(&fa, 0x10, FRAME_SIZE, 0x104000), 0, "nothing fits below");
    cr_assert_eq(fa.free_pages, (0x800000 - 0x101000) / FRAME_SIZE - 3);
}

Test(frame, free_merges_back_into_one_range)
{
    frame_add_range(&fa, 0x100000, 0x200000);
    uint64_t a = frame_alloc(&fa, 4, FRAME_SIZE, UINT64_MAX);
    uint64_t b = frame_alloc(&fa, 4, FRAME_SIZE, UINT64_MAX);
    uint64_t c = frame_alloc(&fa, 4, FRAME_SIZE, UINT64_MAX);
    cr_assert(a && b && c && a != b && b != c);
    frame_free(&fa, b, 4);
    frame_free(&fa, a, 4);
    frame_free(&fa, c, 4);
    cr_assert_eq(fa.count, 1);
    cr_assert_eq(fa.ranges[0].base, 0x100000);
    cr_assert_eq(fa.ranges[0].end, 0x200000);
    cr_assert_eq(fa.free_pages, 0x100);
}

Test(frame, double_free_is_refused)
{
    frame_add_range(&fa, 0x100000, 0x110000);
    uint64_t a = frame_alloc(&fa, 1, FRAME_SIZE, UINT64_MAX);
    frame_free(&fa, a, 1);
    frame_free(&fa, a, 1);
    cr_assert_eq(fa.free_pages, 0x10);
}

Test(frame, bad_requests_get_zero)
{
    frame_add_range(&fa, 0x100000, 0x200000);
    cr_assert_eq(frame_alloc(&fa, 0, FRAME_SIZE, UINT64_MAX), 0);
    cr_assert_eq(frame_alloc(&fa, 1, 3 * FRAME_SIZE, UINT64_MAX), 0,
                 "alignment not a power of two");
    cr_assert_eq(frame_alloc(&fa, UINT64_MAX, FRAME_SIZE, UINT64_MAX), 0, "size overflows");
    cr_assert_eq(frame_alloc(&fa, 0x101, FRAME_SIZE, UINT64_MAX), 0, "more than there is");
}

Test(frame, unaligned_ranges_shrink_inward)
{
    frame_add_range(&fa, 0x100001, 0x102fff);
    cr_assert_eq(fa.free_pages, 1);
    cr_assert_eq(fa.ranges[0].base, 0x101000);
}

Test(frame, a_full_table_counts_what_it_drops)
{
    for (uint64_t i = 0; i < FRAME_MAX_RANGES + 10; i++)
        frame_add_range(&fa, 0x100000 + i * 0x2000, 0x101000 + i * 0x2000);
    cr_assert_eq(fa.count, FRAME_MAX_RANGES);
    cr_assert_eq(fa.dropped_pages, 10);
}

Test(frame, wrapping_region_is_ignored)
{
    struct boot_memory_region map[] = {{0xfffffffffffff000ull, 0x10, BOOT_MEM_USABLE, 0}};
    frame_add_boot_memory(&fa, map, 1);
    cr_assert_eq(fa.free_pages, 0);
}
