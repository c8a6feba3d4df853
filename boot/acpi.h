/*
 * The little ACPI the stub needs: where the RSDP is, and the MADT's list of
 * CPUs for firmware that has no MP Services protocol. The tables are read
 * with the walker the core uses too (lib/acpi.h).
 */
#ifndef BOOT_ACPI_H
#define BOOT_ACPI_H

#include <efi.h>

#include "hv/boot_info.h"

/* Physical address of the RSDP from the system table (ACPI 2.0 first); 0 if none. */
UINT64 acpi_find_rsdp(void);

/*
 * Fills cpus with the enabled processors the MADT lists (Local APIC and
 * x2APIC entries), flagging bsp_apic_id as the BSP. Returns how many were
 * found, at most max; 0 when there is no valid MADT.
 */
UINT32 acpi_madt_cpus(UINT64 rsdp, UINT32 bsp_apic_id, struct boot_cpu *cpus, UINT32 max);

#endif
