/*
 * The PC-shaped guest-physical map (lib/pc_layout.c): RAM split around the
 * MMIO hole, and a memory map that never offers the hole, the firmware
 * tables or the ECAM window as RAM.
 */
#include <criterion/criterion.h>

#include "lib/pc_layout.h"

#define MiB (1ull << 20)
#define GiB (1ull << 30)

Test(pc_layout, small_partition_is_one_piece_at_zero)
{
    struct pc_ram_piece pieces[PC_RAM_PIECES];

    cr_assert_eq(pc_layout_ram_pieces(64 * MiB, pieces), 1);
    cr_assert_eq(pieces[0].guest, 0);
    cr_assert_eq(pieces[0].block_offset, 0);
    cr_assert_eq(pieces[0].size, 64 * MiB);
}

Test(pc_layout, large_partition_continues_above_4_gib)
{
    struct pc_ram_piece pieces[PC_RAM_PIECES];

    cr_assert_eq(pc_layout_ram_pieces(4 * GiB, pieces), 2);
    cr_assert_eq(pieces[0].size, PC_MMIO_HOLE_START);
    cr_assert_eq(pieces[1].block_offset, PC_MMIO_HOLE_START);
    cr_assert_eq(pieces[1].guest, PC_HIGH_RAM_START);
    cr_assert_eq(pieces[1].size, 4 * GiB - PC_MMIO_HOLE_START);
    cr_assert(pieces[1].guest > PC_LAPIC_BASE && pieces[0].size <= PC_IOAPIC_BASE);
}

static uint64_t ram_in_map(uint64_t ram_size, uint64_t *reserved_low)
{
    struct pc_memory_range map[PC_MEMORY_RANGES];
    unsigned count = pc_layout_memory_map(ram_size, map);
    uint64_t ram = 0;

    *reserved_low = 0;
    for (unsigned i = 0; i < count; i++) {
        if (i)
            cr_assert(map[i].start >= map[i - 1].start + map[i - 1].size, "sorted, no overlap");
        if (map[i].type == PC_MEMORY_RAM)
            ram += map[i].size;
        else if (map[i].start < PC_LEGACY_HOLE_END)
            *reserved_low += map[i].size;
        if (map[i].type == PC_MEMORY_RAM)
            cr_assert(map[i].start + map[i].size <= PC_LOW_RAM_END ||
                          map[i].start >= PC_LEGACY_HOLE_END,
                      "no RAM in the legacy hole");
    }
    return ram;
}

Test(pc_layout, map_offers_all_ram_but_the_hole)
{
    uint64_t tables;

    cr_assert_eq(ram_in_map(64 * MiB, &tables), 64 * MiB - (PC_LEGACY_HOLE_END - PC_LOW_RAM_END));
    cr_assert_eq(tables, PC_LEGACY_HOLE_END - PC_FIRMWARE_TABLES);
    cr_assert_eq(ram_in_map(5 * GiB, &tables), 5 * GiB - (PC_LEGACY_HOLE_END - PC_LOW_RAM_END));
}

Test(pc_layout, map_reserves_the_ecam_window)
{
    struct pc_memory_range map[PC_MEMORY_RANGES];
    unsigned count = pc_layout_memory_map(16 * MiB, map);
    bool found = false;

    for (unsigned i = 0; i < count; i++)
        found |= map[i].start == PC_ECAM_BASE && map[i].size == PC_ECAM_SIZE &&
                 map[i].type == PC_MEMORY_RESERVED;
    cr_assert(found);
}
