/*
 * The ACPI table walker the stub and the core share: from the RSDP to the
 * XSDT (or RSDT), to each table it lists, to the entries of a MADT. Tables
 * are reached through a caller-supplied mapping function (the stub runs on
 * an identity map, the core on its direct map, the unit tests on a buffer),
 * and every length and checksum is checked before a table is used. What the
 * tables mean is left to the callers (boot/acpi.c, drivers/acpi.c).
 */
#ifndef LIB_ACPI_H
#define LIB_ACPI_H

#include <stdbool.h>
#include <stdint.h>

/* The header every system description table starts with (ACPI 6.5, 5.2.6). */
struct __attribute__((packed)) acpi_header {
    char signature[4];
    uint32_t length;
    uint8_t revision;
    uint8_t checksum;
    char oem[6];
    char oem_table[8];
    uint32_t oem_revision;
    uint32_t creator;
    uint32_t creator_revision;
};

/* Where the caller can read the bytes at physical address phys; NULL if nowhere. */
typedef void *(*acpi_map_fn)(uint64_t phys);

typedef void (*acpi_table_fn)(const struct acpi_header *table, void *context);

/*
 * Calls visit for every valid table the root table lists, in its order: the
 * XSDT when the RSDP (revision 2 or later) names a valid one, else the RSDT.
 * False when there is no valid RSDP or root table.
 */
bool acpi_walk_tables(uint64_t rsdp_phys, acpi_map_fn map, acpi_table_fn visit, void *context);

/* The table at phys when its length and checksum are sane, else NULL. */
const struct acpi_header *acpi_map_table(uint64_t phys, acpi_map_fn map);

/* The sum of the bytes, modulo 256: 0 over a table whose checksum is right. */
uint8_t acpi_byte_sum(const void *bytes, uint32_t length);

bool acpi_table_is(const struct acpi_header *table, const char signature[4]);
/* Whether the length bytes at bytes spell want (a signature or an AML name). */
bool acpi_bytes_are(const void *bytes, const char *want, unsigned length);

/* Little-endian fields of a table; 0 when the field runs past its end. */
uint32_t acpi_read32(const struct acpi_header *table, uint32_t offset);
uint64_t acpi_read64(const struct acpi_header *table, uint32_t offset);

/* One MADT entry (ACPI 6.5, 5.2.12): its type, its length and where it starts. */
struct acpi_madt_entry {
    uint8_t type;
    uint8_t length;
    uint32_t offset; /* from the start of the MADT */
};

#define ACPI_MADT_LOCAL_APIC   0
#define ACPI_MADT_IOAPIC       1
#define ACPI_MADT_OVERRIDE     2 /* interrupt source override */
#define ACPI_MADT_LOCAL_X2APIC 9

typedef void (*acpi_madt_fn)(const struct acpi_header *madt, struct acpi_madt_entry entry,
                             void *context);

/* Calls visit for each MADT entry that lies wholly inside the table. */
void acpi_walk_madt(const struct acpi_header *madt, acpi_madt_fn visit, void *context);

/* Whether entry is a Local APIC or x2APIC entry of an enabled CPU, and its APIC ID. */
bool acpi_madt_enabled_cpu(const struct acpi_header *madt, struct acpi_madt_entry entry,
                           uint32_t *apic_id);

#endif
