/*
 * Turns the UEFI memory map into the core's simplified, sorted list of
 * regions. Pure code with no firmware calls and no gnu-efi headers, so the
 * host unit tests can feed it any byte buffer.
 */
#ifndef BOOT_MEMMAP_H
#define BOOT_MEMMAP_H

#include <stddef.h>
#include <stdint.h>

#include "hv/boot_info.h"

/*
 * Memory types the stub allocates with. UEFI leaves 0x80000000 and above to
 * the OS loader, so these survive in the final map and tell the core which
 * pages the stub handed over.
 */
#define EFI_MEMORY_BULKHEAD_CORE       0x80000001u
#define EFI_MEMORY_BULKHEAD_MODULE     0x80000002u
#define EFI_MEMORY_BULKHEAD_BOOT_DATA  0x80000003u
#define EFI_MEMORY_BULKHEAD_TRAMPOLINE 0x80000004u
#define EFI_MEMORY_BULKHEAD_CRASH_PAGE 0x80000005u

/* The UEFI types the conversion cares about (UEFI spec, EFI_MEMORY_TYPE). */
enum efi_memory_type {
    EFI_MEMORY_LOADER_CODE = 1,
    EFI_MEMORY_LOADER_DATA = 2,
    EFI_MEMORY_BOOT_SERVICES_CODE = 3,
    EFI_MEMORY_BOOT_SERVICES_DATA = 4,
    EFI_MEMORY_CONVENTIONAL = 7,
    EFI_MEMORY_ACPI_RECLAIM = 9,
    EFI_MEMORY_ACPI_NVS = 10,
    EFI_MEMORY_MAPPED_IO = 11,
    EFI_MEMORY_MAPPED_IO_PORT_SPACE = 12,
};

/*
 * The leading fields of an EFI_MEMORY_DESCRIPTOR. Firmware may append more
 * fields, which is why the map is walked with the descriptor size it reports
 * and never with sizeof(struct efi_memory_descriptor).
 */
struct efi_memory_descriptor {
    uint32_t type;
    uint32_t padding;
    uint64_t physical_start;
    uint64_t virtual_start;
    uint64_t number_of_pages;
    uint64_t attribute;
};

/* The boot_memory_type a UEFI memory type becomes. */
uint32_t memmap_boot_type(uint32_t efi_type);

/*
 * Converts map_size bytes of descriptors, descriptor_size bytes apart, into
 * at most max_regions regions: sorted by base, adjacent regions of the same
 * type merged, overlaps given to the more restrictive type. When the result
 * does not fit, the smallest usable regions are dropped first (a missing
 * region is memory the core leaves alone, which is always safe). Returns the
 * number of regions written; 0 when descriptor_size is too small.
 */
size_t memmap_convert(const void *map, size_t map_size, size_t descriptor_size,
                      struct boot_memory_region *regions, size_t max_regions);

#endif
