#include "drivers/acpi.h"

#include "arch/x86_64/cpu.h"

struct __attribute__((packed)) acpi_rsdp {
    char signature[8];
    uint8_t checksum;
    char oem[6];
    uint8_t revision;
    uint32_t rsdt;
    uint32_t length;
    uint64_t xsdt;
    uint8_t extended_checksum;
    uint8_t reserved[3];
};

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

#define ACPI_MAX_TABLE_LENGTH (16u << 20)
#define FADT_DSDT             40
#define FADT_PM1A_CONTROL     64
#define FADT_PM1B_CONTROL     68
#define FADT_PM_TIMER         76
#define FADT_FLAGS            112
#define FADT_RESET_REGISTER   116 /* a Generic Address Structure */
#define FADT_RESET_VALUE      128
#define FADT_X_DSDT           140
#define FADT_RESET_REG_SUP    (1u << 10)
#define FADT_TMR_VAL_EXT      (1u << 8)
#define HPET_ADDRESS          40 /* a Generic Address Structure */
#define GAS_SYSTEM_MEMORY     0
#define GAS_SYSTEM_IO         1
#define MADT_ENTRIES          44
#define MADT_LOCAL_APIC       0
#define MADT_IOAPIC           1
#define MADT_IOAPIC_LENGTH    12
#define MADT_IOAPIC_ADDRESS   4
#define MADT_IOAPIC_GSI_BASE  8
#define MADT_LOCAL_X2APIC     9
#define MADT_OVERRIDE         2 /* interrupt source override */
#define MADT_OVERRIDE_LENGTH  10
#define MADT_OVERRIDE_BUS     2 /* 0: ISA, the only bus defined */
#define MADT_OVERRIDE_SOURCE  3
#define MADT_OVERRIDE_GSI     4
#define MADT_OVERRIDE_FLAGS   8
#define SLP_EN                (1u << 13)

static bool checksum_ok(const uint8_t *bytes, uint32_t len)
{
    uint8_t sum = 0;

    for (uint32_t i = 0; i < len; i++)
        sum = (uint8_t)(sum + bytes[i]);
    return sum == 0;
}

static bool signature_is(const char *have, const char *want, unsigned len)
{
    for (unsigned i = 0; i < len; i++) {
        if (have[i] != want[i])
            return false;
    }
    return true;
}

static const struct acpi_header *map_table(uint64_t phys, acpi_map_fn map)
{
    const struct acpi_header *h = phys ? map(phys) : 0;

    if (!h || h->length < sizeof(*h) || h->length > ACPI_MAX_TABLE_LENGTH ||
        !checksum_ok((const uint8_t *)h, h->length))
        return 0;
    return h;
}

static uint32_t read32(const struct acpi_header *h, uint32_t offset)
{
    const uint8_t *p = (const uint8_t *)h + offset;

    return offset + 4 <= h->length
               ? (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24
               : 0;
}

static uint64_t read64(const struct acpi_header *h, uint32_t offset)
{
    return offset + 8 <= h->length ? read32(h, offset) | (uint64_t)read32(h, offset + 4) << 32 : 0;
}

/* The one that takes GSI 0 up serves the ISA IRQs. */
static void note_ioapic(const struct acpi_header *madt, uint32_t at, uint8_t len,
                        struct acpi_info *info)
{
    info->madt_ioapics++;
    if (len >= MADT_IOAPIC_LENGTH && read32(madt, at + MADT_IOAPIC_GSI_BASE) == 0)
        info->ioapic_address = read32(madt, at + MADT_IOAPIC_ADDRESS);
}

static void note_override(const struct acpi_header *madt, uint32_t at, uint8_t len,
                          struct acpi_info *info)
{
    const uint8_t *p = (const uint8_t *)madt + at;

    if (len < MADT_OVERRIDE_LENGTH || p[MADT_OVERRIDE_BUS] != 0 ||
        p[MADT_OVERRIDE_SOURCE] >= IOAPIC_ISA_IRQS)
        return;
    info->isa_overrides[p[MADT_OVERRIDE_SOURCE]] = (struct ioapic_isa_override){
        true, read32(madt, at + MADT_OVERRIDE_GSI),
        (uint16_t)(p[MADT_OVERRIDE_FLAGS] | p[MADT_OVERRIDE_FLAGS + 1] << 8)};
}

static void parse_madt(const struct acpi_header *madt, struct acpi_info *info)
{
    const uint8_t *p = (const uint8_t *)madt;

    for (uint32_t at = MADT_ENTRIES; at + 2 <= madt->length;) {
        uint8_t type = p[at], len = p[at + 1];
        if (len < 2 || at + len > madt->length)
            break;
        if (type == MADT_LOCAL_APIC && len >= 8 && (p[at + 4] & 1))
            info->madt_cpus++;
        else if (type == MADT_LOCAL_X2APIC && len >= 16 && (p[at + 8] & 1))
            info->madt_cpus++;
        else if (type == MADT_IOAPIC)
            note_ioapic(madt, at, len, info);
        else if (type == MADT_OVERRIDE)
            note_override(madt, at, len, info);
        at += len;
    }
}

/* Reads an AML integer constant (ZeroOp, OneOp, BytePrefix, WordPrefix). */
static const uint8_t *aml_integer(const uint8_t *p, const uint8_t *end, uint16_t *value)
{
    if (p >= end)
        return 0;
    if (*p == 0x00 || *p == 0x01) {
        *value = *p;
        return p + 1;
    }
    if (*p == 0x0a && p + 2 <= end) {
        *value = p[1];
        return p + 2;
    }
    if (*p == 0x0b && p + 3 <= end) {
        *value = (uint16_t)(p[1] | p[2] << 8);
        return p + 3;
    }
    return 0;
}

bool acpi_find_s5(const uint8_t *aml, uint32_t len, uint16_t *type_a, uint16_t *type_b)
{
    const uint8_t *end = aml + len;

    for (const uint8_t *p = aml; p + 8 <= end; p++) {
        if (p[0] != 0x08 || !signature_is((const char *)p + 1, "_S5_", 4) || p[5] != 0x12)
            continue;
        const uint8_t *q = p + 6;
        q += 1 + (*q >> 6); /* PkgLength: lead byte plus 0-3 more bytes */
        q++;                /* NumElements */
        q = aml_integer(q, end, type_a);
        if (q && aml_integer(q, end, type_b))
            return true;
    }
    return false;
}

/* Only a reset register in I/O space is taken: one in memory would need a
 * mapping the caller may not have at reset time. */
static void parse_reset_register(const struct acpi_header *fadt, struct acpi_info *info)
{
    const uint8_t *p = (const uint8_t *)fadt;

    if (fadt->length <= FADT_RESET_VALUE || !(read32(fadt, FADT_FLAGS) & FADT_RESET_REG_SUP) ||
        p[FADT_RESET_REGISTER] != GAS_SYSTEM_IO)
        return;
    uint64_t port = read64(fadt, FADT_RESET_REGISTER + 4);
    if (!port || port > 0xffff)
        return;
    info->reset_register_found = true;
    info->reset_port = (uint16_t)port;
    info->reset_value = p[FADT_RESET_VALUE];
}

static void parse_fadt(const struct acpi_header *fadt, acpi_map_fn map, struct acpi_info *info)
{
    info->fadt_found = true;
    parse_reset_register(fadt, info);
    info->pm1a_control = read32(fadt, FADT_PM1A_CONTROL);
    info->pm1b_control = read32(fadt, FADT_PM1B_CONTROL);
    uint32_t pm_timer = read32(fadt, FADT_PM_TIMER);
    if (pm_timer <= 0xffff) {
        info->pm_timer_port = (uint16_t)pm_timer;
        info->pm_timer_32bit = read32(fadt, FADT_FLAGS) & FADT_TMR_VAL_EXT;
    }

    uint64_t dsdt_phys = read64(fadt, FADT_X_DSDT);
    if (!dsdt_phys)
        dsdt_phys = read32(fadt, FADT_DSDT);
    const struct acpi_header *dsdt = map_table(dsdt_phys, map);
    if (dsdt)
        info->s5_found = acpi_find_s5((const uint8_t *)(dsdt + 1), dsdt->length - sizeof(*dsdt),
                                      &info->s5_type_a, &info->s5_type_b);
}

static void parse_hpet(const struct acpi_header *hpet, struct acpi_info *info)
{
    if (hpet->length >= HPET_ADDRESS + 12 &&
        ((const uint8_t *)hpet)[HPET_ADDRESS] == GAS_SYSTEM_MEMORY)
        info->hpet_address = read64(hpet, HPET_ADDRESS + 4);
}

static void parse_table(uint64_t phys, acpi_map_fn map, struct acpi_info *info)
{
    const struct acpi_header *h = map_table(phys, map);

    if (h && signature_is(h->signature, "APIC", 4))
        parse_madt(h, info);
    else if (h && signature_is(h->signature, "FACP", 4))
        parse_fadt(h, map, info);
    else if (h && signature_is(h->signature, "HPET", 4))
        parse_hpet(h, info);
}

bool acpi_parse(uint64_t rsdp_phys, acpi_map_fn map, struct acpi_info *info)
{
    *info = (struct acpi_info){0};
    const struct acpi_rsdp *rsdp = rsdp_phys ? map(rsdp_phys) : 0;
    if (!rsdp || !signature_is(rsdp->signature, "RSD PTR ", 8) ||
        !checksum_ok((const uint8_t *)rsdp, 20))
        return false;

    bool use_xsdt = rsdp->revision >= 2 && rsdp->xsdt;
    const struct acpi_header *root = map_table(use_xsdt ? rsdp->xsdt : rsdp->rsdt, map);
    if (!root)
        return false;
    info->present = true;
    unsigned entry_size = use_xsdt ? 8 : 4;
    for (uint32_t at = sizeof(*root); at + entry_size <= root->length; at += entry_size)
        parse_table(use_xsdt ? read64(root, at) : read32(root, at), map, info);
    return true;
}

void acpi_power_off(const struct acpi_info *info)
{
    if (!info->fadt_found || !info->s5_found || !info->pm1a_control)
        return;
    cpu_outw((uint16_t)info->pm1a_control, (uint16_t)(info->s5_type_a << 10 | SLP_EN));
    if (info->pm1b_control)
        cpu_outw((uint16_t)info->pm1b_control, (uint16_t)(info->s5_type_b << 10 | SLP_EN));
}

void acpi_reset(const struct acpi_info *info)
{
    if (info->reset_register_found)
        cpu_outb(info->reset_port, info->reset_value);
}
