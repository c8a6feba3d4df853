/* The structures a long-mode guest needs at entry, written into its RAM. */
#ifndef ARCH_X86_64_GUEST_BOOT_H
#define ARCH_X86_64_GUEST_BOOT_H

#include <stdint.h>

#define GUEST_GDT_LIMIT (3 * 8 - 1)

/* Writes the GDT at GUEST_GDT_ADDRESS and the identity-mapping page tables at
 * GUEST_PAGE_TABLES_ADDRESS (include/bulkhead/guest_abi.h); ram maps guest-physical 0. */
void guest_boot_write_tables(uint8_t *ram);

#endif
