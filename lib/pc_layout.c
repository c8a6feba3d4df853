#include "lib/pc_layout.h"

static uint64_t smaller(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

uint64_t pc_layout_low_ram_end(uint64_t ram_size)
{
    return smaller(ram_size, PC_MMIO_HOLE_START);
}

unsigned pc_layout_ram_pieces(uint64_t ram_size, struct pc_ram_piece pieces[PC_RAM_PIECES])
{
    uint64_t low = pc_layout_low_ram_end(ram_size);
    unsigned count = 0;

    pieces[count++] = (struct pc_ram_piece){0, 0, low};
    if (ram_size > low)
        pieces[count++] = (struct pc_ram_piece){low, PC_HIGH_RAM_START, ram_size - low};
    return count;
}

static unsigned add(struct pc_memory_range *map, unsigned count, uint64_t start, uint64_t end,
                    enum pc_memory_type type)
{
    if (end > start)
        map[count++] = (struct pc_memory_range){start, end - start, type};
    return count;
}

/* The hole from 640 KiB to 1 MiB and the RAM behind it are not the
 * kernel's to use: the firmware tables live at its top. The ECAM window is
 * listed as reserved because Linux uses MMCONFIG only where the map says so. */
unsigned pc_layout_memory_map(uint64_t ram_size, struct pc_memory_range map[PC_MEMORY_RANGES])
{
    uint64_t low_end = pc_layout_low_ram_end(ram_size);
    unsigned count = 0;

    count = add(map, count, 0, smaller(low_end, PC_LOW_RAM_END), PC_MEMORY_RAM);
    count =
        add(map, count, PC_FIRMWARE_TABLES, smaller(low_end, PC_LEGACY_HOLE_END), PC_MEMORY_ACPI);
    count = add(map, count, PC_LEGACY_HOLE_END, low_end, PC_MEMORY_RAM);
    count = add(map, count, PC_ECAM_BASE, PC_ECAM_BASE + PC_ECAM_SIZE, PC_MEMORY_RESERVED);
    if (ram_size > low_end)
        count = add(map, count, PC_HIGH_RAM_START, PC_HIGH_RAM_START + ram_size - low_end,
                    PC_MEMORY_RAM);
    return count;
}
