#include "drivers/acpi.h"

#include "arch/x86_64/cpu.h"
#include "lib/acpi.h"

#define FADT_DSDT            40
#define FADT_PM1A_CONTROL    64
#define FADT_PM1B_CONTROL    68
#define FADT_PM_TIMER        76
#define FADT_FLAGS           112
#define FADT_RESET_REGISTER  116 /* a Generic Address Structure */
#define FADT_RESET_VALUE     128
#define FADT_X_DSDT          140
#define FADT_RESET_REG_SUP   (1u << 10)
#define FADT_TMR_VAL_EXT     (1u << 8)
#define HPET_ADDRESS         40 /* a Generic Address Structure */
#define GAS_SYSTEM_MEMORY    0
#define GAS_SYSTEM_IO        1
#define MADT_IOAPIC_LENGTH   12
#define MADT_IOAPIC_ADDRESS  4
#define MADT_IOAPIC_GSI_BASE 8
#define MADT_OVERRIDE_LENGTH 10
#define MADT_OVERRIDE_BUS    2 /* 0: ISA, the only bus defined */
#define MADT_OVERRIDE_SOURCE 3
#define MADT_OVERRIDE_GSI    4
#define MADT_OVERRIDE_FLAGS  8
#define SLP_EN               (1u << 13)

/* What parse_table needs besides the table: the FADT leads on to the DSDT. */
struct parse_context {
    acpi_map_fn map;
    struct acpi_info *info;
};

/* The one that takes GSI 0 up serves the ISA IRQs. */
static void note_ioapic(const struct acpi_header *madt, uint32_t at, uint8_t len,
                        struct acpi_info *info)
{
    info->madt_ioapics++;
    if (len >= MADT_IOAPIC_LENGTH && acpi_read32(madt, at + MADT_IOAPIC_GSI_BASE) == 0)
        info->ioapic_address = acpi_read32(madt, at + MADT_IOAPIC_ADDRESS);
}

static void note_override(const struct acpi_header *madt, uint32_t at, uint8_t len,
                          struct acpi_info *info)
{
    const uint8_t *p = (const uint8_t *)madt + at;

    if (len < MADT_OVERRIDE_LENGTH || p[MADT_OVERRIDE_BUS] != 0 ||
        p[MADT_OVERRIDE_SOURCE] >= IOAPIC_ISA_IRQS)
        return;
    info->isa_overrides[p[MADT_OVERRIDE_SOURCE]] = (struct ioapic_isa_override){
        true, acpi_read32(madt, at + MADT_OVERRIDE_GSI),
        (uint16_t)(p[MADT_OVERRIDE_FLAGS] | p[MADT_OVERRIDE_FLAGS + 1] << 8)};
}

static void note_madt_entry(const struct acpi_header *madt, struct acpi_madt_entry entry,
                            void *context)
{
    struct acpi_info *info = context;
    uint32_t apic_id;

    if (acpi_madt_enabled_cpu(madt, entry, &apic_id))
        info->madt_cpus++;
    else if (entry.type == ACPI_MADT_IOAPIC)
        note_ioapic(madt, entry.offset, entry.length, info);
    else if (entry.type == ACPI_MADT_OVERRIDE)
        note_override(madt, entry.offset, entry.length, info);
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
        if (p[0] != 0x08 || !acpi_bytes_are(p + 1, "_S5_", 4) || p[5] != 0x12)
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

    if (fadt->length <= FADT_RESET_VALUE || !(acpi_read32(fadt, FADT_FLAGS) & FADT_RESET_REG_SUP) ||
        p[FADT_RESET_REGISTER] != GAS_SYSTEM_IO)
        return;
    uint64_t port = acpi_read64(fadt, FADT_RESET_REGISTER + 4);
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
    info->pm1a_control = acpi_read32(fadt, FADT_PM1A_CONTROL);
    info->pm1b_control = acpi_read32(fadt, FADT_PM1B_CONTROL);
    uint32_t pm_timer = acpi_read32(fadt, FADT_PM_TIMER);
    if (pm_timer <= 0xffff) {
        info->pm_timer_port = (uint16_t)pm_timer;
        info->pm_timer_32bit = acpi_read32(fadt, FADT_FLAGS) & FADT_TMR_VAL_EXT;
    }

    uint64_t dsdt_phys = acpi_read64(fadt, FADT_X_DSDT);
    if (!dsdt_phys)
        dsdt_phys = acpi_read32(fadt, FADT_DSDT);
    const struct acpi_header *dsdt = acpi_map_table(dsdt_phys, map);
    if (dsdt)
        info->s5_found = acpi_find_s5((const uint8_t *)(dsdt + 1), dsdt->length - sizeof(*dsdt),
                                      &info->s5_type_a, &info->s5_type_b);
}

static void parse_hpet(const struct acpi_header *hpet, struct acpi_info *info)
{
    if (hpet->length >= HPET_ADDRESS + 12 &&
        ((const uint8_t *)hpet)[HPET_ADDRESS] == GAS_SYSTEM_MEMORY)
        info->hpet_address = acpi_read64(hpet, HPET_ADDRESS + 4);
}

static void parse_table(const struct acpi_header *table, void *context)
{
    struct parse_context *parse = context;

    if (acpi_table_is(table, "APIC"))
        acpi_walk_madt(table, note_madt_entry, parse->info);
    else if (acpi_table_is(table, "FACP"))
        parse_fadt(table, parse->map, parse->info);
    else if (acpi_table_is(table, "HPET"))
        parse_hpet(table, parse->info);
}

bool acpi_parse(uint64_t rsdp_phys, acpi_map_fn map, struct acpi_info *info)
{
    struct parse_context parse = {map, info};

    *info = (struct acpi_info){0};
    info->present = acpi_walk_tables(rsdp_phys, map, parse_table, &parse);
    return info->present;
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
