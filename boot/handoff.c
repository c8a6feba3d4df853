#include "boot/handoff.h"

#include <efilib.h>

#include "arch/x86_64/cpu.h"
#include "boot/memmap.h"
#include "boot/pages.h"

/*
 * Allocations made after the map was sized (page tables, pools freed and
 * re-split by the firmware) add descriptors; this much room covers them.
 */
#define MEMORY_MAP_SLACK_DESCRIPTORS 64
#define EXIT_BOOT_SERVICES_ATTEMPTS  16

/* The core's entry: a plain SysV function taking boot_info's physical address. */
typedef void (*core_entry_fn)(uint64_t boot_info_phys);

static EFI_STATUS read_memory_map(struct memory_map *map)
{
    map->size = map->capacity;
    return BS->GetMemoryMap(&map->size, map->buffer, &map->key, &map->descriptor_size,
                            &map->descriptor_version);
}

EFI_STATUS handoff_prepare_memory_map(struct memory_map *map)
{
    EFI_PHYSICAL_ADDRESS buffer;
    EFI_STATUS status;

    map->buffer = NULL;
    map->capacity = 0;
    status = read_memory_map(map);
    if (status != EFI_BUFFER_TOO_SMALL) {
        Print(L"bulkhead: error: cannot size the memory map: %r\r\n", status);
        return EFI_ERROR(status) ? status : EFI_DEVICE_ERROR;
    }
    map->capacity = map->size + MEMORY_MAP_SLACK_DESCRIPTORS * map->descriptor_size;
    status = pages_allocate(EfiLoaderData, EFI_SIZE_TO_PAGES(map->capacity), 0, L"the memory map",
                            &buffer);
    if (EFI_ERROR(status))
        return status;
    map->buffer = (EFI_MEMORY_DESCRIPTOR *)(UINTN)buffer;
    status = read_memory_map(map);
    if (EFI_ERROR(status))
        Print(L"bulkhead: error: cannot read the memory map: %r\r\n", status);
    return status;
}

UINT64 handoff_memory_map_top(const struct memory_map *map)
{
    UINT64 top = 0;

    for (UINTN at = 0; at + map->descriptor_size <= map->size; at += map->descriptor_size) {
        const EFI_MEMORY_DESCRIPTOR *d = (const EFI_MEMORY_DESCRIPTOR *)((UINT8 *)map->buffer + at);
        UINT64 end = d->PhysicalStart + d->NumberOfPages * EFI_PAGE_SIZE;
        if (end > top)
            top = end;
    }
    return top;
}

EFI_STATUS handoff_exit_boot_services(EFI_HANDLE image, struct memory_map *map)
{
    EFI_STATUS status = EFI_INVALID_PARAMETER;

    /* A stale key means an event changed the map between the two calls: read it again. */
    for (int attempt = 0; attempt < EXIT_BOOT_SERVICES_ATTEMPTS; attempt++) {
        status = read_memory_map(map);
        if (EFI_ERROR(status))
            return status;
        status = BS->ExitBootServices(image, map->key);
        if (status != EFI_INVALID_PARAMETER)
            return status;
    }
    return status;
}

void handoff_start_core(const struct memory_map *map, struct boot_info *info, UINT64 pml4,
                        UINT64 entry)
{
    cpu_disable_interrupts();
    info->memory_region_count = (uint32_t)memmap_convert(
        map->buffer, map->size, map->descriptor_size, info->memory, BOOT_MAX_MEMORY_REGIONS);
    cpu_write_cr3(pml4);
    ((core_entry_fn)(UINTN)entry)((uint64_t)(UINTN)info);
    cpu_stop(); /* the core never returns; if it did, there is nothing to return to */
}
