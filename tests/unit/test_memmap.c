#include <criterion/criterion.h>
#include <string.h>

#include "boot/memmap.h"

/* Firmware may use descriptors longer than the fields we read. */
#define STRIDE 48

static uint8_t map[64 * STRIDE];
static size_t map_bytes;
static struct boot_memory_region out[BOOT_MAX_MEMORY_REGIONS];

static void add(uint32_t type, uint64_t base, uint64_t pages)
{
    struct efi_memory_descriptor d = {
        .type = type, .physical_start = base, .number_of_pages = pages};
    memset(map + map_bytes, 0xee, STRIDE); /* the unknown tail must be ignored */
    memcpy(map + map_bytes, &d, sizeof(d));
    map_bytes += STRIDE;
}

static void setup(void)
{
    map_bytes = 0;
}

TestSuite(memmap, .init = setup);

static size_t convert(size_t max)
{
    return memmap_convert(map, map_bytes, STRIDE, out, max);
}

Test(memmap, types_are_simplified)
{
    cr_assert_eq(memmap_boot_type(EFI_MEMORY_CONVENTIONAL), BOOT_MEM_USABLE);
    cr_assert_eq(memmap_boot_type(EFI_MEMORY_BOOT_SERVICES_DATA), BOOT_MEM_USABLE);
    cr_assert_eq(memmap_boot_type(EFI_MEMORY_LOADER_CODE), BOOT_MEM_USABLE);
    cr_assert_eq(memmap_boot_type(EFI_MEMORY_ACPI_RECLAIM), BOOT_MEM_ACPI_RECLAIM);
    cr_assert_eq(memmap_boot_type(EFI_MEMORY_ACPI_NVS), BOOT_MEM_ACPI_NVS);
    cr_assert_eq(memmap_boot_type(EFI_MEMORY_MAPPED_IO), BOOT_MEM_MMIO);
    cr_assert_eq(memmap_boot_type(EFI_MEMORY_BULKHEAD_CORE), BOOT_MEM_CORE);
    cr_assert_eq(memmap_boot_type(EFI_MEMORY_BULKHEAD_TRAMPOLINE), BOOT_MEM_TRAMPOLINE);
    cr_assert_eq(memmap_boot_type(EFI_MEMORY_BULKHEAD_CRASH_PAGE), BOOT_MEM_CRASH_PAGE);
    cr_assert_eq(memmap_boot_type(5 /* runtime services code */), BOOT_MEM_RESERVED);
    cr_assert_eq(memmap_boot_type(0x7fffffff), BOOT_MEM_RESERVED, "unknown types are reserved");
}

Test(memmap, sorted_and_merged)
{
    add(EFI_MEMORY_CONVENTIONAL, 0x200000, 0x100);
    add(EFI_MEMORY_BOOT_SERVICES_DATA, 0x100000, 0x100); /* adjacent, also usable */
    add(EFI_MEMORY_BULKHEAD_CORE, 0x300000, 0x10);
    add(EFI_MEMORY_CONVENTIONAL, 0x100000000ull, 0x40000); /* above 4 GiB */
    size_t n = convert(BOOT_MAX_MEMORY_REGIONS);
    cr_assert_eq(n, 3);
    cr_assert_eq(out[0].base, 0x100000);
    cr_assert_eq(out[0].pages, 0x200);
    cr_assert_eq(out[0].type, BOOT_MEM_USABLE);
    cr_assert_eq(out[1].type, BOOT_MEM_CORE);
    cr_assert_eq(out[2].base, 0x100000000ull);
}

Test(memmap, overlaps_go_to_the_restrictive_type)
{
    add(EFI_MEMORY_CONVENTIONAL, 0x100000, 0x100);
    add(5 /* runtime services code */, 0x180000, 0x10);
    size_t n = convert(BOOT_MAX_MEMORY_REGIONS);
    cr_assert_eq(n, 3);
    cr_assert_eq(out[1].base, 0x180000);
    cr_assert_eq(out[1].pages, 0x10);
    cr_assert_eq(out[1].type, BOOT_MEM_RESERVED);
    cr_assert_eq(out[2].base, 0x190000);
    cr_assert_eq(out[2].type, BOOT_MEM_USABLE);
}

Test(memmap, full_output_drops_small_usable_regions_first)
{
    add(EFI_MEMORY_CONVENTIONAL, 0x100000, 1);
    add(EFI_MEMORY_ACPI_NVS, 0x101000, 1);
    add(EFI_MEMORY_CONVENTIONAL, 0x102000, 0x1000);
    add(EFI_MEMORY_ACPI_NVS, 0x1102000, 1);
    size_t n = convert(3);
    cr_assert_eq(n, 3);
    for (size_t i = 0; i < n; i++)
        cr_assert(out[i].type != BOOT_MEM_USABLE || out[i].pages == 0x1000,
                  "only the large usable region survives");
}

Test(memmap, short_descriptors_are_refused)
{
    add(EFI_MEMORY_CONVENTIONAL, 0x100000, 1);
    cr_assert_eq(memmap_convert(map, map_bytes, 8, out, BOOT_MAX_MEMORY_REGIONS), 0);
}

Test(memmap, wrapping_descriptors_do_not_overflow)
{
    add(EFI_MEMORY_CONVENTIONAL, 0xfffffffffffff000ull, 0x10);
    add(EFI_MEMORY_CONVENTIONAL, 0x100000, 0xffffffffffffffffull);
    size_t n = convert(BOOT_MAX_MEMORY_REGIONS);
    for (size_t i = 0; i < n; i++)
        cr_assert(out[i].base + out[i].pages * 4096 >= out[i].base, "region %zu wraps", i);
}
