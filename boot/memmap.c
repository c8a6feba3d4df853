/*
 * UEFI memory map -> boot_info regions.
 *
 * The firmware's map is usually sorted and free of overlaps, but nothing
 * guarantees it, and the result must be exact: a page reported usable that is
 * not would be handed to a partition. So instead of trusting the order, the
 * conversion sweeps the address space from the bottom: at each step it finds
 * the next address where any descriptor starts or ends and gives the stretch
 * up to there the most restrictive type of the descriptors covering it. The
 * output is sorted and overlap-free by construction. It costs O(n^2) in the
 * number of descriptors, which for the few hundred a real map has is nothing.
 */
#include "boot/memmap.h"

#include <stdbool.h>

#define PAGE_SIZE 4096ull
#define PAGE_MASK (PAGE_SIZE - 1)
#define LAST_PAGE (UINT64_MAX & ~PAGE_MASK)

/* A descriptor as an address range [base, end) with its converted type. */
struct span {
    uint64_t base;
    uint64_t end;
    uint32_t type;
};

struct region_list {
    struct boot_memory_region *regions;
    size_t count;
    size_t capacity;
};

uint32_t memmap_boot_type(uint32_t efi_type)
{
    switch (efi_type) {
    case EFI_MEMORY_CONVENTIONAL:
    case EFI_MEMORY_BOOT_SERVICES_CODE:
    case EFI_MEMORY_BOOT_SERVICES_DATA:
    case EFI_MEMORY_LOADER_CODE:
    case EFI_MEMORY_LOADER_DATA:
        return BOOT_MEM_USABLE;
    case EFI_MEMORY_ACPI_RECLAIM:
        return BOOT_MEM_ACPI_RECLAIM;
    case EFI_MEMORY_ACPI_NVS:
        return BOOT_MEM_ACPI_NVS;
    case EFI_MEMORY_MAPPED_IO:
    case EFI_MEMORY_MAPPED_IO_PORT_SPACE:
        return BOOT_MEM_MMIO;
    case EFI_MEMORY_BULKHEAD_CORE:
        return BOOT_MEM_CORE;
    case EFI_MEMORY_BULKHEAD_MODULE:
        return BOOT_MEM_MODULE;
    case EFI_MEMORY_BULKHEAD_BOOT_DATA:
        return BOOT_MEM_BOOT_DATA;
    case EFI_MEMORY_BULKHEAD_TRAMPOLINE:
        return BOOT_MEM_TRAMPOLINE;
    case EFI_MEMORY_BULKHEAD_CRASH_PAGE:
        return BOOT_MEM_CRASH_PAGE;
    default:
        return BOOT_MEM_RESERVED;
    }
}

/* Higher wins where descriptors overlap: firmware-reserved memory beats all. */
static unsigned restrictiveness(uint32_t boot_type)
{
    switch (boot_type) {
    case BOOT_MEM_USABLE:
        return 0;
    case BOOT_MEM_CORE:
    case BOOT_MEM_MODULE:
    case BOOT_MEM_BOOT_DATA:
    case BOOT_MEM_TRAMPOLINE:
    case BOOT_MEM_CRASH_PAGE:
        return 1;
    case BOOT_MEM_ACPI_RECLAIM:
        return 2;
    case BOOT_MEM_ACPI_NVS:
        return 3;
    case BOOT_MEM_MMIO:
        return 4;
    default:
        return 5;
    }
}

static uint64_t align_down(uint64_t address)
{
    return address & ~PAGE_MASK;
}

static uint64_t align_up_saturating(uint64_t address)
{
    return address > LAST_PAGE ? LAST_PAGE : (address + PAGE_MASK) & ~PAGE_MASK;
}

static uint64_t range_end_saturating(uint64_t base, uint64_t pages)
{
    if (pages > (UINT64_MAX - base) / PAGE_SIZE)
        return UINT64_MAX;
    return base + pages * PAGE_SIZE;
}

/*
 * Reads descriptor index. Usable ranges are shrunk to whole pages and all
 * others grown to whole pages, so a partial page is never called usable.
 * Returns false for an empty range.
 */
static bool read_span(const uint8_t *map, size_t index, size_t stride, struct span *span)
{
    struct efi_memory_descriptor d;

    /* memcpy: the stride need not keep the fields aligned. */
    __builtin_memcpy(&d, map + index * stride, sizeof(d));
    uint64_t end = range_end_saturating(d.physical_start, d.number_of_pages);
    span->type = memmap_boot_type(d.type);
    if (span->type == BOOT_MEM_USABLE) {
        span->base = align_up_saturating(d.physical_start);
        span->end = align_down(end);
    } else {
        span->base = align_down(d.physical_start);
        span->end = align_up_saturating(end);
    }
    return span->end > span->base;
}

/* The lowest address above cursor where a descriptor starts or ends; cursor if none. */
static uint64_t next_boundary(const uint8_t *map, size_t count, size_t stride, uint64_t cursor)
{
    uint64_t next = cursor;
    struct span span;

    for (size_t i = 0; i < count; i++) {
        if (!read_span(map, i, stride, &span))
            continue;
        if (span.base > cursor && (next == cursor || span.base < next))
            next = span.base;
        if (span.end > cursor && (next == cursor || span.end < next))
            next = span.end;
    }
    return next;
}

/* The most restrictive type covering address; false when nothing covers it. */
static bool type_at(const uint8_t *map, size_t count, size_t stride, uint64_t address,
                    uint32_t *type)
{
    bool covered = false;
    struct span span;

    for (size_t i = 0; i < count; i++) {
        if (!read_span(map, i, stride, &span) || address < span.base || address >= span.end)
            continue;
        if (!covered || restrictiveness(span.type) > restrictiveness(*type))
            *type = span.type;
        covered = true;
    }
    return covered;
}

/* True when a is the better region to give up than b: usable first, then smaller. */
static bool better_to_drop(const struct boot_memory_region *a, const struct boot_memory_region *b)
{
    bool a_usable = a->type == BOOT_MEM_USABLE;
    bool b_usable = b->type == BOOT_MEM_USABLE;

    if (a_usable != b_usable)
        return a_usable;
    return a->pages < b->pages;
}

static size_t best_to_drop(const struct region_list *list)
{
    size_t best = 0;

    for (size_t i = 1; i < list->count; i++)
        if (better_to_drop(&list->regions[i], &list->regions[best]))
            best = i;
    return best;
}

static void remove_region(struct region_list *list, size_t index)
{
    for (size_t i = index + 1; i < list->count; i++)
        list->regions[i - 1] = list->regions[i];
    list->count--;
}

static void append_region(struct region_list *list, uint64_t base, uint64_t end, uint32_t type)
{
    struct boot_memory_region region = {
        .base = base, .pages = (end - base) / PAGE_SIZE, .type = type, .reserved = 0};
    struct boot_memory_region *last = list->count ? &list->regions[list->count - 1] : NULL;

    if (last && last->type == type && last->base + last->pages * PAGE_SIZE == base) {
        last->pages += region.pages;
        return;
    }
    if (list->count == list->capacity) {
        size_t victim = best_to_drop(list);
        if (!better_to_drop(&list->regions[victim], &region))
            return;
        remove_region(list, victim);
    }
    list->regions[list->count++] = region;
}

size_t memmap_convert(const void *map, size_t map_size, size_t descriptor_size,
                      struct boot_memory_region *regions, size_t max_regions)
{
    struct region_list list = {.regions = regions, .count = 0, .capacity = max_regions};
    size_t count;
    uint64_t cursor = 0;
    uint32_t type = BOOT_MEM_RESERVED;

    if (!map || descriptor_size < sizeof(struct efi_memory_descriptor) || max_regions == 0)
        return 0;
    count = map_size / descriptor_size;
    for (;;) {
        uint64_t next = next_boundary(map, count, descriptor_size, cursor);
        if (next == cursor)
            break;
        if (type_at(map, count, descriptor_size, cursor, &type))
            append_region(&list, cursor, next, type);
        cursor = next;
    }
    return list.count;
}
