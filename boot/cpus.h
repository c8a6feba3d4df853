/*
 * The CPUs of the machine, found before ExitBootServices: through the UEFI MP
 * Services protocol where the firmware has it (it works without ACPI, as on
 * OVMF under Bochs), else through the ACPI MADT, else the boot CPU alone.
 */
#ifndef BOOT_CPUS_H
#define BOOT_CPUS_H

#include <efi.h>

#include "hv/boot_info.h"

/* Fills info->cpus and cpu_count (needs acpi_rsdp set); returns where the list came from. */
const CHAR16 *cpus_collect(struct boot_info *info);

#endif
