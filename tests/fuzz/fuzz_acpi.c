/*
 * libFuzzer harness for the ACPI walker (lib/acpi.c) and what the core reads
 * with it (drivers/acpi.c): the input is physical memory from address 0 and
 * the RSDP sits at RSDP_ADDRESS. Memory maps only where a whole RSDP or a
 * whole table (as long as its header claims) lies inside the input, so
 * whatever offsets and entries the tables hold, a read past them is a bug
 * the address sanitizer sees.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/acpi.h"
#include "lib/acpi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define RSDP_ADDRESS 0x10
#define RSDP_LENGTH  36
#define TABLE_LENGTH 4 /* offset of a table header's length */

static const uint8_t *memory;
static size_t memory_size;

static uint32_t claimed_length(uint64_t phys)
{
    const uint8_t *p = memory + phys + TABLE_LENGTH;

    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void *fuzz_map(uint64_t phys)
{
    uint64_t length = RSDP_LENGTH;

    if (phys >= memory_size || memory_size - phys < TABLE_LENGTH + 4)
        return NULL;
    if (phys != RSDP_ADDRESS)
        length = claimed_length(phys);
    return length <= memory_size - phys ? (void *)(memory + phys) : NULL;
}

static void count_cpu(const struct acpi_header *madt, struct acpi_madt_entry entry, void *context)
{
    uint32_t apic_id;

    if (entry.offset + entry.length > madt->length)
        abort();
    if (acpi_madt_enabled_cpu(madt, entry, &apic_id))
        (*(unsigned *)context)++;
}

static void walk_madt(const struct acpi_header *table, void *context)
{
    if (acpi_table_is(table, "APIC"))
        acpi_walk_madt(table, count_cpu, context);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct acpi_info info;
    unsigned cpus = 0;
    uint8_t *copy = malloc(size ? size : 1);

    if (!copy)
        return 0;
    memcpy(copy, data, size);
    memory = copy;
    memory_size = size;
    if (acpi_parse(RSDP_ADDRESS, fuzz_map, &info) != info.present)
        abort();
    acpi_walk_tables(RSDP_ADDRESS, fuzz_map, walk_madt, &cpus);
    if (info.present && cpus != info.madt_cpus)
        abort();
    free(copy);
    return 0;
}
