#include "boot/loader.h"

#include <efilib.h>

#include "boot/memmap.h"
#include "boot/pages.h"
#include "lib/elf.h"

/* -mcmodel=kernel code runs in the top 2 GiB of the address space. */
#define CORE_LINK_BASE 0xffffffff80000000ull

static void copy_name(char *dest, const char *src)
{
    UINTN i = 0;

    for (; i + 1 < BOOT_NAME_LEN && src[i]; i++)
        dest[i] = src[i];
    dest[i] = 0;
}

static EFI_STATUS report_config_error(const struct config_error *error)
{
    char message[CONFIG_NAME_LEN + CONFIG_MESSAGE_LEN + 16];

    config_format_error(error, message, sizeof(message));
    Print(L"bulkhead: error: %a\r\n", message);
    return EFI_LOAD_ERROR;
}

EFI_STATUS loader_load_config(const struct esp_dir *dir, struct boot_info *info,
                              struct config *config)
{
    struct esp_file file;
    struct config_error error;
    EFI_STATUS status = esp_load_file(dir, LOADER_CONFIG_NAME, EFI_MEMORY_BULKHEAD_MODULE, &file);

    if (EFI_ERROR(status))
        return status;
    copy_name(info->config_name, LOADER_CONFIG_NAME);
    info->config_phys = file.phys;
    info->config_size = file.size;
    config_set_defaults(config);
    if (config_parse((const char *)(UINTN)file.phys, file.size, LOADER_CONFIG_NAME, config,
                     &error) != 0)
        return report_config_error(&error);
    return EFI_SUCCESS;
}

/* Free once the firmware is gone: free now, or held by boot services until ExitBootServices. */
static BOOLEAN is_usable_memory(UINT32 type)
{
    return type == EfiConventionalMemory || type == EfiBootServicesCode ||
           type == EfiBootServicesData;
}

static UINT64 usable_memory(const struct memory_map *map)
{
    UINT64 bytes = 0;

    for (UINTN offset = 0; offset + map->descriptor_size <= map->size;
         offset += map->descriptor_size) {
        const EFI_MEMORY_DESCRIPTOR *range =
            (const EFI_MEMORY_DESCRIPTOR *)((const UINT8 *)map->buffer + offset);
        if (is_usable_memory(range->Type))
            bytes += range->NumberOfPages * EFI_PAGE_SIZE;
    }
    return bytes;
}

EFI_STATUS loader_check_machine(const struct config *config, UINT32 cpu_count,
                                const struct memory_map *map)
{
    struct config_error error;

    if (config_check_machine(config, cpu_count, usable_memory(map), &error) != 0)
        return report_config_error(&error);
    return EFI_SUCCESS;
}

static EFI_STATUS reject_core(const struct esp_file *file, const char *reason)
{
    Print(L"bulkhead: error: %s is not a valid core: %a\r\n", file->path, reason);
    return EFI_LOAD_ERROR;
}

/* Copies the core's segments from its file into pages of its own. */
static EFI_STATUS place_core(const struct esp_file *file, struct core_image *core)
{
    const void *bytes = (const void *)(UINTN)file->phys;
    struct elf_image image;
    enum elf_status parsed = elf_parse(bytes, file->size, &image);
    EFI_STATUS status;

    if (parsed != ELF_OK)
        return reject_core(file, elf_status_text(parsed));
    if (image.vaddr_start < CORE_LINK_BASE || image.vaddr_end <= image.vaddr_start)
        return reject_core(file, "not linked in the top 2 GiB of the address space");
    core->entry = image.entry;
    core->virt = image.vaddr_start;
    core->pages = (image.vaddr_end - image.vaddr_start) / EFI_PAGE_SIZE;
    status = pages_allocate(EFI_MEMORY_BULKHEAD_CORE, core->pages, 0, L"the core", &core->phys);
    if (EFI_ERROR(status))
        return status;
    elf_copy_segments(bytes, &image, (void *)(UINTN)core->phys);
    return EFI_SUCCESS;
}

EFI_STATUS loader_load_core(const struct esp_dir *dir, struct core_image *core)
{
    struct esp_file file;
    EFI_STATUS status = esp_load_file(dir, LOADER_CORE_NAME, EfiLoaderData, &file);

    if (EFI_ERROR(status))
        return status;
    status = place_core(&file, core);
    pages_free(file.phys); /* the file itself is no longer needed */
    return status;
}

static EFI_STATUS load_image(const struct esp_dir *dir, const char *name,
                             struct boot_module *module)
{
    struct esp_file file;
    EFI_STATUS status = esp_load_file(dir, name, EFI_MEMORY_BULKHEAD_MODULE, &file);

    if (EFI_ERROR(status))
        return status;
    copy_name(module->name, name);
    module->phys = file.phys;
    module->size = file.size;
    return EFI_SUCCESS;
}

EFI_STATUS loader_load_images(const struct esp_dir *dir, const struct config *config,
                              struct boot_info *info)
{
    UINTN count = config_image_count(config);

    if (count > BOOT_MAX_MODULES) {
        Print(L"bulkhead: error: %a names %ld images, more than the %d Bulkhead can load\r\n",
              LOADER_CONFIG_NAME, (UINT64)count, BOOT_MAX_MODULES);
        return EFI_UNSUPPORTED;
    }
    for (UINTN i = 0; i < count; i++) {
        EFI_STATUS status = load_image(dir, config_image_name(config, i), &info->modules[i]);
        if (EFI_ERROR(status))
            return status;
        info->module_count++;
    }
    return EFI_SUCCESS;
}
