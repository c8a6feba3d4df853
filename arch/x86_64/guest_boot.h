/* The structures a guest needs at entry, written into its RAM, and the
 * entry state of a kernel its loader asked for. */
#ifndef ARCH_X86_64_GUEST_BOOT_H
#define ARCH_X86_64_GUEST_BOOT_H

#include <stdint.h>

#include "arch/x86_64/vcpu_run.h"

#define GUEST_GDT_LIMIT      (3 * 8 - 1)
#define KERNEL_GDT_LIMIT     (4 * 8 - 1)
#define KERNEL_CODE_SELECTOR 0x10
#define KERNEL_DATA_SELECTOR 0x18

struct partition;

/* Writes the GDT at GUEST_GDT_ADDRESS and the identity-mapping page tables at
 * GUEST_PAGE_TABLES_ADDRESS (include/bulkhead/guest_abi.h); ram maps guest-physical 0. */
void guest_boot_write_tables(uint8_t *ram);

/* The entry of a kernel (ARCH_ENTRY_FLAT32 or ARCH_ENTRY_LINUX64): mode,
 * tables, selectors and registers; the caller sets RIP. */
void guest_boot_kernel_entry(const struct partition *p, struct vcpu_entry *entry);

#endif
