#include "hv/memory.h"

#include "hv/log.h"
#include "hv/spinlock.h"

struct frame_allocator frames;
static uint64_t direct_map_offset;
static struct spinlock frames_lock; /* every CPU allocates once it runs */

static const char *memory_type_name(uint32_t type)
{
    static const char *const names[] = {
        [BOOT_MEM_USABLE] = "usable",
        [BOOT_MEM_RESERVED] = "reserved",
        [BOOT_MEM_ACPI_RECLAIM] = "acpi",
        [BOOT_MEM_ACPI_NVS] = "acpi-nvs",
        [BOOT_MEM_MMIO] = "mmio",
        [BOOT_MEM_CORE] = "core",
        [BOOT_MEM_MODULE] = "module",
        [BOOT_MEM_BOOT_DATA] = "boot-data",
        [BOOT_MEM_TRAMPOLINE] = "trampoline",
        [BOOT_MEM_CRASH_PAGE] = "crash-page",
    };

    if (type < sizeof(names) / sizeof(names[0]) && names[type])
        return names[type];
    return "unknown";
}

static void memory_report(const struct boot_info *boot)
{
    uint64_t highest = 0;

    for (unsigned i = 0; i < boot->memory_region_count; i++) {
        const struct boot_memory_region *r = &boot->memory[i];
        uint64_t end = r->base + r->pages * FRAME_SIZE;
        log_line("mem 0x%09llx-0x%09llx %s", (unsigned long long)r->base, (unsigned long long)end,
                 memory_type_name(r->type));
        if (r->type == BOOT_MEM_USABLE && end > highest)
            highest = end;
    }
    log_line("memory: %llu MiB usable in %u regions, highest 0x%llx",
             (unsigned long long)(frames.free_pages * FRAME_SIZE >> 20), boot->memory_region_count,
             (unsigned long long)highest);
}

void memory_init(const struct boot_info *boot)
{
    frame_allocator_init(&frames);
    frame_add_boot_memory(&frames, boot->memory, boot->memory_region_count);
    memory_report(boot);
}

void memory_use_direct_map(void)
{
    direct_map_offset = DIRECT_MAP_BASE;
}

void *phys_to_virt(uint64_t phys)
{
    return (void *)(uintptr_t)(phys + direct_map_offset);
}

void memory_zero(uint64_t phys, uint64_t bytes)
{
    uint64_t *words = phys_to_virt(phys);

    for (uint64_t i = 0; i < bytes / sizeof(uint64_t); i++)
        words[i] = 0;
}

static uint64_t alloc_zeroed(uint64_t pages, uint64_t align, uint64_t ceiling)
{
    spin_lock(&frames_lock);
    uint64_t phys = frame_alloc(&frames, pages, align, ceiling);
    spin_unlock(&frames_lock);
    if (phys)
        memory_zero(phys, pages * FRAME_SIZE);
    return phys;
}

uint64_t memory_alloc_pages_below(uint64_t pages, uint64_t ceiling)
{
    return alloc_zeroed(pages, FRAME_SIZE, ceiling);
}

uint64_t memory_alloc_pages(uint64_t pages)
{
    return alloc_zeroed(pages, FRAME_SIZE, UINT64_MAX);
}

uint64_t memory_alloc_aligned(uint64_t pages, uint64_t align)
{
    return alloc_zeroed(pages, align, UINT64_MAX);
}

void memory_free_pages(uint64_t phys, uint64_t pages)
{
    spin_lock(&frames_lock);
    frame_free(&frames, phys, pages);
    spin_unlock(&frames_lock);
}
