#include "boot/pages.h"

#include <efilib.h>

/* Config, core, its file, images, boot_info, tables, map, trampoline: few. */
#define PAGES_MAX_ALLOCATIONS 64

struct allocation {
    EFI_PHYSICAL_ADDRESS phys;
    UINT64 pages;
};

static struct allocation allocations[PAGES_MAX_ALLOCATIONS];
static UINTN allocation_count;

static void remember(EFI_PHYSICAL_ADDRESS phys, UINT64 pages)
{
    allocations[allocation_count].phys = phys;
    allocations[allocation_count].pages = pages;
    allocation_count++;
}

static EFI_STATUS allocate(EFI_ALLOCATE_TYPE how, UINT32 memory_type, UINT64 pages,
                           EFI_PHYSICAL_ADDRESS *phys)
{
    if (allocation_count >= PAGES_MAX_ALLOCATIONS)
        return EFI_OUT_OF_RESOURCES;
    /* UEFI takes OS-defined types (0x80000000 and up) through the enum parameter. */
    EFI_STATUS status = BS->AllocatePages(how, (EFI_MEMORY_TYPE)memory_type, pages, phys);
    if (!EFI_ERROR(status))
        remember(*phys, pages);
    return status;
}

EFI_STATUS pages_allocate(UINT32 memory_type, UINT64 pages, EFI_PHYSICAL_ADDRESS max_address,
                          const CHAR16 *what, EFI_PHYSICAL_ADDRESS *phys)
{
    EFI_STATUS status;

    *phys = max_address;
    status =
        allocate(max_address ? AllocateMaxAddress : AllocateAnyPages, memory_type, pages, phys);
    if (EFI_ERROR(status))
        Print(L"bulkhead: error: cannot allocate %ld KiB for %s: %r\r\n", pages * 4, what, status);
    return status;
}

EFI_STATUS pages_allocate_at(UINT32 memory_type, UINT64 pages, EFI_PHYSICAL_ADDRESS phys)
{
    return allocate(AllocateAddress, memory_type, pages, &phys);
}

void pages_free(EFI_PHYSICAL_ADDRESS phys)
{
    for (UINTN i = 0; i < allocation_count; i++) {
        if (allocations[i].phys != phys)
            continue;
        BS->FreePages(phys, allocations[i].pages);
        allocations[i] = allocations[--allocation_count];
        return;
    }
}

void pages_free_all(void)
{
    while (allocation_count)
        pages_free(allocations[allocation_count - 1].phys);
}
