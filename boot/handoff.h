/*
 * Leaving the firmware: the memory map buffer (allocated while allocating is
 * still allowed), ExitBootServices, and the jump into the core.
 */
#ifndef BOOT_HANDOFF_H
#define BOOT_HANDOFF_H

#include <efi.h>

#include "hv/boot_info.h"

struct memory_map {
    EFI_MEMORY_DESCRIPTOR *buffer;
    UINTN capacity; /* bytes allocated */
    UINTN size;     /* bytes filled by the last read */
    UINTN key;
    UINTN descriptor_size;
    UINT32 descriptor_version;
};

/* Allocates a buffer big enough for the map plus what later allocations add, and reads it. */
EFI_STATUS handoff_prepare_memory_map(struct memory_map *map);

/* The end of the highest range in the last map read. */
UINT64 handoff_memory_map_top(const struct memory_map *map);

/*
 * Takes the final memory map and exits boot services, retrying while the map
 * key goes stale. Allocates nothing and prints nothing: after the first
 * attempt the firmware may be half shut down. On success the firmware is gone.
 */
EFI_STATUS handoff_exit_boot_services(EFI_HANDLE image, struct memory_map *map);

/*
 * Converts the final map into info->memory, switches to the hand-off page
 * tables and calls the core's entry point with info's physical address.
 */
__attribute__((noreturn)) void
handoff_start_core(const struct memory_map *map, struct boot_info *info, UINT64 pml4, UINT64 entry);

#endif
