#include "boot/acpi.h"

#include <efilib.h>

#include "lib/acpi.h"

static EFI_GUID acpi_20_table_guid = ACPI_20_TABLE_GUID;
static EFI_GUID acpi_10_table_guid = ACPI_TABLE_GUID;

static UINT64 configuration_table(EFI_GUID *guid)
{
    for (UINTN i = 0; i < ST->NumberOfTableEntries; i++)
        if (CompareGuid(&ST->ConfigurationTable[i].VendorGuid, guid) == 0)
            return (UINT64)(UINTN)ST->ConfigurationTable[i].VendorTable;
    return 0;
}

UINT64 acpi_find_rsdp(void)
{
    UINT64 rsdp = configuration_table(&acpi_20_table_guid);

    return rsdp ? rsdp : configuration_table(&acpi_10_table_guid);
}

/* Firmware tables sit in memory the stub reaches one to one. */
static void *identity_map(UINT64 phys)
{
    return (void *)(UINTN)phys;
}

/* The first valid MADT the root table lists. */
static void keep_first_madt(const struct acpi_header *table, void *context)
{
    const struct acpi_header **madt = context;

    if (!*madt && acpi_table_is(table, "APIC"))
        *madt = table;
}

struct cpu_list {
    UINT32 bsp_apic_id;
    struct boot_cpu *cpus;
    UINT32 count, max;
};

static void add_cpu(struct cpu_list *list, UINT32 apic_id)
{
    /* Firmware may list a CPU both as Local APIC and as x2APIC. */
    for (UINT32 i = 0; i < list->count; i++)
        if (list->cpus[i].apic_id == apic_id)
            return;
    if (list->count == list->max)
        return;
    list->cpus[list->count].apic_id = apic_id;
    list->cpus[list->count].flags = apic_id == list->bsp_apic_id ? BOOT_CPU_BSP : 0;
    list->count++;
}

static void add_enabled_cpu(const struct acpi_header *madt, struct acpi_madt_entry entry,
                            void *context)
{
    struct cpu_list *list = context;
    uint32_t apic_id;

    if (acpi_madt_enabled_cpu(madt, entry, &apic_id))
        add_cpu(list, apic_id);
}

UINT32 acpi_madt_cpus(UINT64 rsdp, UINT32 bsp_apic_id, struct boot_cpu *cpus, UINT32 max)
{
    const struct acpi_header *madt = NULL;
    struct cpu_list list = {bsp_apic_id, cpus, 0, max};

    acpi_walk_tables(rsdp, identity_map, keep_first_madt, &madt);
    if (madt)
        acpi_walk_madt(madt, add_enabled_cpu, &list);
    return list.count;
}
