/*
 * What the stub loads from its directory: the config, the core and the
 * images the config names. Each function prints one error sentence and
 * returns the failure; on success boot_info records what was loaded.
 */
#ifndef BOOT_LOADER_H
#define BOOT_LOADER_H

#include <efi.h>

#include "boot/esp.h"
#include "boot/handoff.h"
#include "hv/boot_info.h"
#include "lib/config.h"

#define LOADER_CONFIG_NAME "bulkhead.cfg"
#define LOADER_CORE_NAME   "bulkhead.elf"

/* The core as loaded: its link address range and where it sits in memory. */
struct core_image {
    UINT64 entry;
    UINT64 virt;
    EFI_PHYSICAL_ADDRESS phys;
    UINT64 pages;
};

EFI_STATUS loader_load_config(const struct esp_dir *dir, struct boot_info *info,
                              struct config *config);

/*
 * The config checks that need the machine: every partition's CPUs present
 * among the cpu_count found, all partitions' memory within the memory the
 * map shows free once the firmware is gone.
 */
EFI_STATUS loader_check_machine(const struct config *config, UINT32 cpu_count,
                                const struct memory_map *map);

EFI_STATUS loader_load_core(const struct esp_dir *dir, struct core_image *core);

EFI_STATUS loader_load_images(const struct esp_dir *dir, const struct config *config,
                              struct boot_info *info);

#endif
