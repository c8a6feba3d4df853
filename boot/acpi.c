#include "boot/acpi.h"

#include <efilib.h>

/* Offsets from the ACPI specification (6.5, sections 5.2.5 - 5.2.12). */
#define RSDP_REVISION     15
#define RSDP_RSDT_ADDRESS 16
#define RSDP_V1_LENGTH    20
#define RSDP_XSDT_ADDRESS 24
#define SDT_LENGTH        4
#define SDT_HEADER_LENGTH 36
#define MADT_ENTRIES      44
#define MADT_LOCAL_APIC   0
#define MADT_LOCAL_X2APIC 9
#define MADT_ENABLED      1u

/* A sane upper bound: no real MADT or XSDT comes near it. */
#define TABLE_MAX_LENGTH (1u << 20)

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

/* ACPI tables are byte-packed; read fields bytewise. */
static UINT32 read_u32(const UINT8 *p)
{
    return (UINT32)p[0] | (UINT32)p[1] << 8 | (UINT32)p[2] << 16 | (UINT32)p[3] << 24;
}

static UINT64 read_u64(const UINT8 *p)
{
    return read_u32(p) | (UINT64)read_u32(p + 4) << 32;
}

static BOOLEAN checksum_ok(const UINT8 *bytes, UINT32 length)
{
    UINT8 sum = 0;

    for (UINT32 i = 0; i < length; i++)
        sum += bytes[i];
    return sum == 0;
}

static BOOLEAN has_signature(const UINT8 *bytes, const char *signature)
{
    for (UINTN i = 0; signature[i]; i++)
        if (bytes[i] != (UINT8)signature[i])
            return FALSE;
    return TRUE;
}

static const UINT8 *valid_table(UINT64 address, const char *signature)
{
    const UINT8 *table = (const UINT8 *)(UINTN)address;
    UINT32 length;

    if (!table || !has_signature(table, signature))
        return NULL;
    length = read_u32(table + SDT_LENGTH);
    if (length < SDT_HEADER_LENGTH || length > TABLE_MAX_LENGTH || !checksum_ok(table, length))
        return NULL;
    return table;
}

/* The XSDT (ACPI 2.0+) or else the RSDT, and the size of its entries. */
static const UINT8 *root_table(const UINT8 *rsdp, UINT32 *entry_size)
{
    const UINT8 *xsdt = NULL;

    if (!has_signature(rsdp, "RSD PTR "))
        return NULL;
    if (rsdp[RSDP_REVISION] >= 2)
        xsdt = valid_table(read_u64(rsdp + RSDP_XSDT_ADDRESS), "XSDT");
    *entry_size = xsdt ? 8 : 4;
    if (xsdt)
        return xsdt;
    if (!checksum_ok(rsdp, RSDP_V1_LENGTH))
        return NULL;
    return valid_table(read_u32(rsdp + RSDP_RSDT_ADDRESS), "RSDT");
}

static const UINT8 *find_madt(UINT64 rsdp)
{
    UINT32 entry_size = 0;
    const UINT8 *root = root_table((const UINT8 *)(UINTN)rsdp, &entry_size);
    UINT32 length = root ? read_u32(root + SDT_LENGTH) : 0;

    for (UINT32 at = SDT_HEADER_LENGTH; at + entry_size <= length; at += entry_size) {
        UINT64 address = entry_size == 8 ? read_u64(root + at) : read_u32(root + at);
        const UINT8 *madt = valid_table(address, "APIC");
        if (madt)
            return madt;
    }
    return NULL;
}

static void add_cpu(UINT32 apic_id, UINT32 bsp_apic_id, struct boot_cpu *cpus, UINT32 *count,
                    UINT32 max)
{
    /* Firmware may list a CPU both as Local APIC and as x2APIC. */
    for (UINT32 i = 0; i < *count; i++)
        if (cpus[i].apic_id == apic_id)
            return;
    if (*count == max)
        return;
    cpus[*count].apic_id = apic_id;
    cpus[*count].flags = apic_id == bsp_apic_id ? BOOT_CPU_BSP : 0;
    (*count)++;
}

UINT32 acpi_madt_cpus(UINT64 rsdp, UINT32 bsp_apic_id, struct boot_cpu *cpus, UINT32 max)
{
    const UINT8 *madt = rsdp ? find_madt(rsdp) : NULL;
    UINT32 count = 0;

    if (!madt)
        return 0;
    for (UINT32 at = MADT_ENTRIES, length = read_u32(madt + SDT_LENGTH); at + 2 <= length;) {
        const UINT8 *entry = madt + at;
        UINT8 type = entry[0], size = entry[1];
        if (size < 2 || at + size > length)
            break;
        if (type == MADT_LOCAL_APIC && size >= 8 && (read_u32(entry + 4) & MADT_ENABLED))
            add_cpu(entry[3], bsp_apic_id, cpus, &count, max);
        if (type == MADT_LOCAL_X2APIC && size >= 16 && (read_u32(entry + 8) & MADT_ENABLED))
            add_cpu(read_u32(entry + 4), bsp_apic_id, cpus, &count, max);
        at += size;
    }
    return count;
}
