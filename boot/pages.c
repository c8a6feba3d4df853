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

static EFI_STATUS allocate(UINT32 memory_type, UINT64 pages, EFI_PHYSICAL_ADDRESS max_address,
                           EFI_PHYSICAL_ADDRESS *phys)
{
    EFI_ALLOCATE_TYPE how = max_address ? AllocateMaxAddress : AllocateAnyPages;

    *phys = max_address;
    /* UEFI takes OS-defined types (0x80000000 and up) through the enum parameter. */
    return BS->AllocatePages(how, (EFI_MEMORY_TYPE)memory_type, pages, phys);
}

EFI_STATUS pages_allocate(UINT32 memory_type, UINT64 pages, EFI_PHYSICAL_ADDRESS max_address,
                          const CHAR16 *what, EFI_PHYSICAL_ADDRESS *phys)
{
    EFI_STATUS status = EFI_OUT_OF_RESOURCES;

    if (allocation_count < PAGES_MAX_ALLOCATIONS)
        status = allocate(memory_type, pages, max_address, phys);
    if (EFI_ERROR(status)) {
        Print(L"bulkhead: error: cannot allocate %ld KiB for %s: %r\r\n", pages * 4, what, status);
        return status;
    }
    allocations[allocation_count].phys = *phys;
    allocations[allocation_count].pages = pages;
    allocation_count++;
    return EFI_SUCCESS;
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
