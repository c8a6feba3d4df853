#include "lib/acpi.h"

#include <stddef.h>

/* Offsets from the ACPI specification (6.5, sections 5.2.5 - 5.2.12). */
#define RSDP_REVISION      15
#define RSDP_RSDT_ADDRESS  16
#define RSDP_V1_LENGTH     20
#define RSDP_XSDT_ADDRESS  24
#define MADT_ENTRIES       44
#define MADT_APIC_ID       3 /* Local APIC: one byte */
#define MADT_APIC_FLAGS    4
#define MADT_X2APIC_ID     4 /* x2APIC: four bytes */
#define MADT_X2APIC_FLAGS  8
#define MADT_ENABLED       1u
#define MADT_APIC_LENGTH   8
#define MADT_X2APIC_LENGTH 16
#define TABLE_MAX_LENGTH   (16u << 20) /* far above any real table, DSDTs included */

uint8_t acpi_byte_sum(const void *bytes, uint32_t length)
{
    const uint8_t *p = bytes;
    uint8_t sum = 0;

    for (uint32_t i = 0; i < length; i++)
        sum = (uint8_t)(sum + p[i]);
    return sum;
}

static bool checksum_ok(const uint8_t *bytes, uint32_t length)
{
    return acpi_byte_sum(bytes, length) == 0;
}

bool acpi_bytes_are(const void *bytes, const char *want, unsigned length)
{
    const char *have = bytes;

    for (unsigned i = 0; i < length; i++) {
        if (have[i] != want[i])
            return false;
    }
    return true;
}

bool acpi_table_is(const struct acpi_header *table, const char signature[4])
{
    return acpi_bytes_are(table->signature, signature, 4);
}

const struct acpi_header *acpi_map_table(uint64_t phys, acpi_map_fn map)
{
    const struct acpi_header *table = phys ? map(phys) : NULL;

    if (!table || table->length < sizeof(*table) || table->length > TABLE_MAX_LENGTH ||
        !checksum_ok((const uint8_t *)table, table->length))
        return NULL;
    return table;
}

uint32_t acpi_read32(const struct acpi_header *table, uint32_t offset)
{
    const uint8_t *p = (const uint8_t *)table + offset;

    if (offset > table->length || table->length - offset < 4)
        return 0;
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

uint64_t acpi_read64(const struct acpi_header *table, uint32_t offset)
{
    if (offset > table->length || table->length - offset < 8)
        return 0;
    return acpi_read32(table, offset) | (uint64_t)acpi_read32(table, offset + 4) << 32;
}

/* The RSDP's fields are byte-packed and it is no table: read them bytewise. */
static uint64_t rsdp_field(const uint8_t *rsdp, unsigned offset, unsigned size)
{
    uint64_t value = 0;

    for (unsigned i = size; i-- > 0;)
        value = value << 8 | rsdp[offset + i];
    return value;
}

/* The XSDT when it is there and valid, else the RSDT; *entry_size says which. */
static const struct acpi_header *root_table(uint64_t rsdp_phys, acpi_map_fn map,
                                            unsigned *entry_size)
{
    const uint8_t *rsdp = rsdp_phys ? map(rsdp_phys) : NULL;
    const struct acpi_header *xsdt = NULL;

    if (!rsdp || !acpi_bytes_are(rsdp, "RSD PTR ", 8) || !checksum_ok(rsdp, RSDP_V1_LENGTH))
        return NULL;
    if (rsdp[RSDP_REVISION] >= 2)
        xsdt = acpi_map_table(rsdp_field(rsdp, RSDP_XSDT_ADDRESS, 8), map);
    *entry_size = xsdt ? 8 : 4;
    return xsdt ? xsdt : acpi_map_table(rsdp_field(rsdp, RSDP_RSDT_ADDRESS, 4), map);
}

bool acpi_walk_tables(uint64_t rsdp_phys, acpi_map_fn map, acpi_table_fn visit, void *context)
{
    unsigned entry_size = 4;
    const struct acpi_header *root = root_table(rsdp_phys, map, &entry_size);

    if (!root)
        return false;
    for (uint32_t at = sizeof(*root); at + entry_size <= root->length; at += entry_size) {
        uint64_t phys = entry_size == 8 ? acpi_read64(root, at) : acpi_read32(root, at);
        const struct acpi_header *table = acpi_map_table(phys, map);
        if (table)
            visit(table, context);
    }
    return true;
}

void acpi_walk_madt(const struct acpi_header *madt, acpi_madt_fn visit, void *context)
{
    const uint8_t *bytes = (const uint8_t *)madt;

    for (uint32_t at = MADT_ENTRIES; at + 2 <= madt->length;) {
        struct acpi_madt_entry entry = {bytes[at], bytes[at + 1], at};
        if (entry.length < 2 || at + entry.length > madt->length)
            break;
        visit(madt, entry, context);
        at += entry.length;
    }
}

bool acpi_madt_enabled_cpu(const struct acpi_header *madt, struct acpi_madt_entry entry,
                           uint32_t *apic_id)
{
    const uint8_t *bytes = (const uint8_t *)madt + entry.offset;

    if (entry.type == ACPI_MADT_LOCAL_APIC && entry.length >= MADT_APIC_LENGTH &&
        (acpi_read32(madt, entry.offset + MADT_APIC_FLAGS) & MADT_ENABLED)) {
        *apic_id = bytes[MADT_APIC_ID];
        return true;
    }
    if (entry.type == ACPI_MADT_LOCAL_X2APIC && entry.length >= MADT_X2APIC_LENGTH &&
        (acpi_read32(madt, entry.offset + MADT_X2APIC_FLAGS) & MADT_ENABLED)) {
        *apic_id = acpi_read32(madt, entry.offset + MADT_X2APIC_ID);
        return true;
    }
    return false;
}
