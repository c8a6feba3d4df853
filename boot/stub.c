/*
 * Bulkhead's UEFI stub. It loads the core and everything the core needs from
 * the directory it was itself loaded from, describes the machine in one
 * boot_info, leaves the firmware and jumps into the core (DESIGN.md, "Boot
 * flow"). Until ExitBootServices every failure prints one sentence and goes
 * back to the firmware with every page handed back.
 */
#include <efi.h>
#include <efilib.h>

#include "arch/x86_64/cpu.h"
#include "boot/acpi.h"
#include "boot/clock.h"
#include "boot/cpus.h"
#include "boot/framebuffer.h"
#include "boot/handoff.h"
#include "boot/last_crash.h"
#include "boot/loader.h"
#include "boot/memmap.h"
#include "boot/pages.h"
#include "boot/paging.h"
#include "boot/pci_dma.h"
#include "boot/survey.h"

/* Long enough to read an error before the firmware moves on to the next boot option. */
#define ERROR_PAUSE_MICROSECONDS 3000000

/*
 * APs start in real mode at a SIPI vector, so their first code must sit in a
 * page below the 640 KiB legacy hole. Page 0 is avoided: it holds the
 * real-mode interrupt table, which firmware and SMM code may still read.
 */
#define TRAMPOLINE_HIGHEST_ADDRESS 0x9ffff
#define TRAMPOLINE_LOWEST_ADDRESS  0x1000

/* Always identity-map the 32-bit MMIO space: local APIC, IOAPIC, HPET live there. */
#define IDENTITY_MAP_MINIMUM (4ull << 30)

#define CR4_LA57 (1ull << 12)

struct stub {
    struct esp_dir dir;
    struct config config;
    struct core_image core;
    struct boot_info *info;
    const CHAR16 *cpu_source;
    struct memory_map map;
    UINT64 pml4;
};

/* Static rather than on the firmware's small stack. */
static struct stub stub;

static EFI_STATUS allocate_boot_info(struct boot_info **info)
{
    EFI_PHYSICAL_ADDRESS phys;
    EFI_STATUS status = pages_allocate(EFI_MEMORY_BULKHEAD_BOOT_DATA,
                                       EFI_SIZE_TO_PAGES(sizeof(**info)), 0, L"boot_info", &phys);

    if (EFI_ERROR(status))
        return status;
    *info = (struct boot_info *)(UINTN)phys;
    SetMem(*info, sizeof(**info), 0);
    (*info)->magic = BOOT_INFO_MAGIC;
    (*info)->version = BOOT_INFO_VERSION;
    (*info)->size = sizeof(**info);
    return EFI_SUCCESS;
}

static EFI_STATUS reserve_trampoline(struct boot_info *info)
{
    EFI_PHYSICAL_ADDRESS phys;
    EFI_STATUS status = pages_allocate(EFI_MEMORY_BULKHEAD_TRAMPOLINE, 1,
                                       TRAMPOLINE_HIGHEST_ADDRESS, L"the AP trampoline", &phys);

    if (EFI_ERROR(status))
        return status;
    /* The firmware allocates top-down: page 0 means nothing higher was free. */
    if (phys < TRAMPOLINE_LOWEST_ADDRESS) {
        Print(L"bulkhead: error: no free page between 4 KiB and 640 KiB for the AP trampoline\r\n");
        return EFI_OUT_OF_RESOURCES;
    }
    info->trampoline_phys = phys;
    return EFI_SUCCESS;
}

static EFI_STATUS load_files(struct stub *s)
{
    EFI_STATUS status = loader_load_config(&s->dir, s->info, &s->config);

    if (!EFI_ERROR(status))
        status = loader_load_core(&s->dir, &s->core);
    if (!EFI_ERROR(status))
        status = loader_load_images(&s->dir, &s->config, s->info);
    if (EFI_ERROR(status))
        return status;
    s->info->core_phys = s->core.phys;
    s->info->core_pages = s->core.pages;
    return EFI_SUCCESS;
}

static void collect_platform(struct stub *s)
{
    s->info->acpi_rsdp = acpi_find_rsdp();
    s->info->time_of_day = firmware_time_of_day();
    framebuffer_collect(&s->info->framebuffer);
    s->cpu_source = cpus_collect(s->info);
}

/* Everything the core may touch before it has its own tables: RAM, MMIO, framebuffer. */
static UINT64 identity_map_limit(const struct stub *s)
{
    const struct boot_framebuffer *fb = &s->info->framebuffer;
    UINT64 limit = handoff_memory_map_top(&s->map);

    if (limit < IDENTITY_MAP_MINIMUM)
        limit = IDENTITY_MAP_MINIMUM;
    if (fb->format != BOOT_FB_NONE && fb->phys + fb->size > limit)
        limit = fb->phys + fb->size;
    return limit;
}

static EFI_STATUS build_page_tables(struct stub *s)
{
    UINT64 limit = identity_map_limit(s);
    UINT64 tables = paging_tables_needed(limit, s->core.pages);
    struct paging_pool pool;
    EFI_STATUS status;

    if (cpu_read_cr4() & CR4_LA57) {
        Print(L"bulkhead: error: the firmware runs with 5-level paging, not supported\r\n");
        return EFI_UNSUPPORTED;
    }
    if (limit > PAGING_IDENTITY_LIMIT_MAX) {
        Print(L"bulkhead: error: memory reaches 0x%lx, beyond the 128 TiB that can be mapped\r\n",
              limit);
        return EFI_UNSUPPORTED;
    }
    status =
        pages_allocate(EFI_MEMORY_BULKHEAD_BOOT_DATA, tables, 0, L"the page tables", &pool.next);
    if (EFI_ERROR(status))
        return status;
    pool.end = pool.next + tables * EFI_PAGE_SIZE;
    s->pml4 = paging_build(&pool, limit, s->core.virt, s->core.phys, s->core.pages);
    if (!s->pml4) {
        Print(L"bulkhead: error: the page tables outgrew the %ld pages set aside\r\n", tables);
        return EFI_BUFFER_TOO_SMALL;
    }
    return EFI_SUCCESS;
}

static const CHAR16 *plural(UINT64 count)
{
    return count == 1 ? L"" : L"s";
}

static void report_loaded(const struct stub *s)
{
    const struct boot_info *info = s->info;
    const struct boot_framebuffer *fb = &info->framebuffer;

    Print(L"bulkhead: loaded %a (%ld KiB), %d image%s, %d CPU%s, ", LOADER_CORE_NAME,
          s->core.pages * 4, info->module_count, plural(info->module_count), info->cpu_count,
          plural(info->cpu_count));
    if (fb->format == BOOT_FB_NONE)
        Print(L"no framebuffer\r\n");
    else
        Print(L"framebuffer %dx%d\r\n", fb->width, fb->height);
    Print(L"bulkhead: CPU list from %s, ", s->cpu_source);
    if (info->acpi_rsdp)
        Print(L"ACPI RSDP at 0x%lx\r\n", info->acpi_rsdp);
    else
        Print(L"no ACPI RSDP\r\n");
}

static EFI_STATUS prepare(EFI_HANDLE image, struct stub *s)
{
    EFI_STATUS status = esp_open_own_dir(image, &s->dir);

    if (!EFI_ERROR(status)) {
        Print(L"bulkhead: loading from %s\r\n", s->dir.path);
        status = allocate_boot_info(&s->info);
    }
    if (!EFI_ERROR(status))
        last_crash_take(&s->dir, s->info);
    if (!EFI_ERROR(status))
        status = load_files(s);
    if (!EFI_ERROR(status))
        status = reserve_trampoline(s->info);
    if (EFI_ERROR(status))
        return status;
    collect_platform(s);
    status = handoff_prepare_memory_map(&s->map);
    if (!EFI_ERROR(status) && s->config.hypervisor.survey)
        survey_run(&s->dir, s->info, &s->map);
    if (!EFI_ERROR(status))
        status = loader_check_machine(&s->config, s->info->cpu_count, &s->map);
    if (!EFI_ERROR(status))
        status = build_page_tables(s);
    return status;
}

static EFI_STATUS boot(EFI_HANDLE image, struct stub *s)
{
    EFI_STATUS status = prepare(image, s);
    UINTN quieted;

    if (EFI_ERROR(status))
        return status;
    report_loaded(s);
    quieted = pci_dma_stop_bus_masters();
    Print(L"bulkhead: bus mastering off on %ld PCI device%s, starting the core\r\n",
          (UINT64)quieted, plural(quieted));
    status = handoff_exit_boot_services(image, &s->map);
    if (EFI_ERROR(status)) {
        Print(L"bulkhead: error: the firmware refused to exit boot services: %r\r\n", status);
        return status;
    }
    handoff_start_core(&s->map, s->info, s->pml4, s->core.entry);
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *system_table)
{
    EFI_STATUS status;

    InitializeLib(image, system_table);
    status = boot(image, &stub);
    /* Only a failure comes back here. */
    pages_free_all();
    BS->Stall(ERROR_PAUSE_MICROSECONDS);
    return status;
}
