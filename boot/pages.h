/*
 * Page allocations of the stub. Each one is remembered so that a boot that
 * fails half-way hands every page back before returning to the firmware,
 * which may then try the next boot option with all of its memory.
 */
#ifndef BOOT_PAGES_H
#define BOOT_PAGES_H

#include <efi.h>

/*
 * Allocates pages of memory_type anywhere, or at or below max_address when it
 * is not 0. On failure prints which allocation failed and how big it was;
 * what names its purpose ("the core", a file path).
 */
EFI_STATUS pages_allocate(UINT32 memory_type, UINT64 pages, EFI_PHYSICAL_ADDRESS max_address,
                          const CHAR16 *what, EFI_PHYSICAL_ADDRESS *phys);

/* Allocates pages of memory_type at exactly phys; silent, since a taken
 * address is an expected outcome for the caller. */
EFI_STATUS pages_allocate_at(UINT32 memory_type, UINT64 pages, EFI_PHYSICAL_ADDRESS phys);

/* Gives back one allocation made by pages_allocate(). */
void pages_free(EFI_PHYSICAL_ADDRESS phys);

/* Gives back every allocation still held. */
void pages_free_all(void);

#endif
