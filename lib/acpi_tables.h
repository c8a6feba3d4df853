/*
 * The ACPI tables of a full partition, describing exactly its platform
 * (lib/pc_layout.h): an RSDP at the start of the area, then the RSDT and
 * XSDT, the FADT (the PM1a event and control blocks, the PM timer, the
 * reset register 0xCF9, no SMI command port: ACPI is always on), its FACS,
 * a DSDT of generated AML (\_S5 and the PCI root bridge), the MADT (one
 * local APIC per vCPU with APIC ID = vCPU index, the IOAPIC, the ISA
 * interrupt overrides) and, when ECAM is offered, the MCFG. Every
 * checksum is right; lib/acpi.h reads them back.
 */
#ifndef LIB_ACPI_TABLES_H
#define LIB_ACPI_TABLES_H

#include <stdbool.h>
#include <stdint.h>

struct acpi_partition {
    uint64_t address;         /* guest-physical address of the area's first byte */
    unsigned cpu_count;       /* vCPUs, APIC IDs 0 .. cpu_count - 1 */
    bool keyboard_controller; /* an 8042 answers at ports 0x60 and 0x64 */
    bool pci_ecam;            /* PC_ECAM_BASE answers: the MCFG names it */
};

/* The SLP_TYP that \_S5 names: PM1a control with it and SLP_EN powers off. */
#define ACPI_S5_SLEEP_TYPE 5

/* The IOAPIC's ID in the MADT (its ID register after reset). */
#define ACPI_IOAPIC_ID 0

/* CMOS register of the century, as the FADT names it. */
#define ACPI_CMOS_CENTURY 0x32

/* Writes the tables into area (which the guest sees at partition->address)
 * and returns the bytes used, or 0 when they do not fit in area_size. */
uint64_t acpi_tables_build(void *area, uint64_t area_size, const struct acpi_partition *partition);

#endif
