#include <criterion/criterion.h>
#include <stdbool.h>
#include <string.h>

#include "drivers/acpi.h"
#include "lib/acpi.h"

/* A fake physical memory holding RSDP, XSDT, MADT, FADT and DSDT. */
static uint8_t memory[0x4000];

static void *fake_map(uint64_t phys)
{
    return phys < sizeof(memory) ? memory + phys : NULL;
}

static void set_checksum(uint8_t *table, uint32_t len, uint32_t checksum_offset)
{
    uint8_t sum = 0;
    table[checksum_offset] = 0;
    for (uint32_t i = 0; i < len; i++)
        sum += table[i];
    table[checksum_offset] = (uint8_t)-sum;
}

static void put32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

static void put64(uint8_t *p, uint64_t v)
{
    memcpy(p, &v, 8);
}

static void header(uint8_t *t, const char *sig, uint32_t len)
{
    memcpy(t, sig, 4);
    put32(t + 4, len);
    t[8] = 2;
}

/* \_S5 = Package (4) { 5, 5, 0, 0 } as AML: NameOp "_S5_" PackageOp ... */
static const uint8_t s5_aml[] = {0x10, 0x08, '_',  'S',  '5',  '_',  0x12, 0x0a,
                                 0x04, 0x0a, 0x05, 0x0a, 0x05, 0x00, 0x00};

static void build_tables(void)
{
    memset(memory, 0, sizeof(memory));
    uint8_t *rsdp = memory + 0x100, *xsdt = memory + 0x200, *madt = memory + 0x400,
            *fadt = memory + 0x800, *dsdt = memory + 0x1000;

    memcpy(rsdp, "RSD PTR ", 8);
    rsdp[15] = 2;
    put64(rsdp + 24, 0x200);
    set_checksum(rsdp, 20, 8);

    header(xsdt, "XSDT", 36 + 16);
    put64(xsdt + 36, 0x400);
    put64(xsdt + 44, 0x800);
    set_checksum(xsdt, 36 + 16, 9);

    /* Two enabled local APICs, one disabled, one x2APIC, one IOAPIC; overrides
     * of ISA IRQ 0 (GSI 2) and 9 (level, active high), one of another bus
     * and one of a source past the ISA IRQs (both ignored). */
    uint8_t entries[] = {0, 8, 0, 0,  1, 0, 0,  0,  0,    8,    1,  1, 1, 0,    0, 0,  0,  8, 2,
                         2, 0, 0, 0,  0, 9, 16, 0,  0,    7,    0,  0, 0, 1,    0, 0,  0,  3, 0,
                         0, 0, 1, 12, 0, 0, 0,  0,  0xc0, 0xfe, 0,  0, 0, 0,    2, 10, 0,  0, 2,
                         0, 0, 0, 0,  0, 2, 10, 0,  9,    9,    0,  0, 0, 0x0d, 0, 2,  10, 1, 5,
                         5, 0, 0, 0,  0, 0, 2,  10, 0,    16,   16, 0, 0, 0,    0, 0};
    header(madt, "APIC", 44 + sizeof(entries));
    memcpy(madt + 44, entries, sizeof(entries));
    set_checksum(madt, 44 + sizeof(entries), 9);

    header(fadt, "FACP", 244);
    put32(fadt + 40, 0x1000);
    put32(fadt + 64, 0x604);
    set_checksum(fadt, 244, 9);

    header(dsdt, "DSDT", 36 + sizeof(s5_aml));
    memcpy(dsdt + 36, s5_aml, sizeof(s5_aml));
    set_checksum(dsdt, 36 + sizeof(s5_aml), 9);
}

Test(acpi, finds_cpus_ioapics_and_power_off)
{
    struct acpi_info info;
    build_tables();
    cr_assert(acpi_parse(0x100, fake_map, &info));
    cr_assert_eq(info.madt_cpus, 3);
    cr_assert_eq(info.madt_ioapics, 1);
    cr_assert_eq(info.ioapic_address, 0xfec00000);
    cr_assert(info.isa_overrides[0].present);
    cr_assert_eq(info.isa_overrides[0].gsi, 2);
    cr_assert_eq(info.isa_overrides[0].flags, 0);
    cr_assert(info.isa_overrides[9].present);
    cr_assert_eq(info.isa_overrides[9].gsi, 9);
    cr_assert_eq(info.isa_overrides[9].flags, 0x0d);
    cr_assert_not(info.isa_overrides[5].present, "an override of a bus other than ISA");
    for (unsigned irq = 1; irq < IOAPIC_ISA_IRQS; irq++)
        cr_assert(irq == 9 || !info.isa_overrides[irq].present, "IRQ %u", irq);
    cr_assert(info.fadt_found);
    cr_assert_eq(info.pm1a_control, 0x604);
    cr_assert(info.s5_found);
    cr_assert_eq(info.s5_type_a, 5);
    cr_assert_eq(info.s5_type_b, 5);
}

Test(acpi, bad_checksums_are_ignored)
{
    struct acpi_info info;
    build_tables();
    memory[0x400 + 50] ^= 0xff; /* corrupt the MADT */
    cr_assert(acpi_parse(0x100, fake_map, &info));
    cr_assert_eq(info.madt_cpus, 0);
    cr_assert(info.fadt_found);

    memory[0x100 + 9] ^= 0xff; /* corrupt the RSDP */
    cr_assert_not(acpi_parse(0x100, fake_map, &info));
    cr_assert_not(info.present);
}

Test(acpi, hostile_lengths_stay_in_bounds)
{
    struct acpi_info info;
    build_tables();
    put32(memory + 0x200 + 4, 0xffffffff); /* XSDT claims 4 GiB */
    cr_assert_not(acpi_parse(0x100, fake_map, &info));
    cr_assert_not(acpi_parse(0, fake_map, &info), "no RSDP");
}

Test(acpi, s5_forms)
{
    uint16_t a, b;
    const uint8_t zero_one[] = {0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x02, 0x00, 0x01};
    cr_assert(acpi_find_s5(zero_one, sizeof(zero_one), &a, &b));
    cr_assert_eq(a, 0);
    cr_assert_eq(b, 1);
    cr_assert_not(acpi_find_s5(s5_aml, 9, &a, &b), "cut short");
    const uint8_t none[] = {0x08, '_', 'S', '4', '_', 0x12, 0x06, 0x02, 0x00, 0x01};
    cr_assert_not(acpi_find_s5(none, sizeof(none), &a, &b));
}

/* The FADT's reset register (ACPI 6.5, 5.2.9): flag RESET_REG_SUP, a Generic
 * Address Structure at offset 116 and the value at 128. */
static void set_reset_register(uint8_t space, uint64_t address, bool supported)
{
    uint8_t *fadt = memory + 0x800;

    put32(fadt + 112, supported ? 1u << 10 : 0);
    fadt[116] = space;
    fadt[117] = 8;
    put64(fadt + 120, address);
    fadt[128] = 0x06;
    set_checksum(fadt, 244, 9);
}

Test(acpi, finds_a_reset_register_in_io_space)
{
    struct acpi_info info;
    build_tables();
    set_reset_register(1, 0xcf9, true);
    cr_assert(acpi_parse(0x100, fake_map, &info));
    cr_assert(info.reset_register_found);
    cr_assert_eq(info.reset_port, 0xcf9);
    cr_assert_eq(info.reset_value, 0x06);
}

Test(acpi, ignores_reset_registers_it_cannot_use)
{
    struct acpi_info info;
    build_tables();
    cr_assert(acpi_parse(0x100, fake_map, &info));
    cr_assert_not(info.reset_register_found, "no flag, no register");
    set_reset_register(1, 0xcf9, false);
    cr_assert(acpi_parse(0x100, fake_map, &info));
    cr_assert_not(info.reset_register_found, "RESET_REG_SUP clear");
    set_reset_register(0, 0xfed00000, true);
    cr_assert(acpi_parse(0x100, fake_map, &info));
    cr_assert_not(info.reset_register_found, "in memory space");
    set_reset_register(1, 0x10000, true);
    cr_assert(acpi_parse(0x100, fake_map, &info));
    cr_assert_not(info.reset_register_found, "past the I/O space");
    set_reset_register(1, 0xcf9, true);
    put32(memory + 0x800 + 4, 128); /* an ACPI 1.0 FADT ends before the value */
    set_checksum(memory + 0x800, 128, 9);
    cr_assert(acpi_parse(0x100, fake_map, &info));
    cr_assert_not(info.reset_register_found, "table too short");
}

/* The walker in lib/acpi.c as the stub uses it: the first MADT, then the
 * APIC IDs of its enabled CPUs. */
static void keep_first_madt(const struct acpi_header *table, void *context)
{
    const struct acpi_header **madt = context;

    if (!*madt && acpi_table_is(table, "APIC"))
        *madt = table;
}

struct id_list {
    uint32_t ids[8];
    unsigned count;
};

static void note_cpu(const struct acpi_header *madt, struct acpi_madt_entry entry, void *context)
{
    struct id_list *list = context;
    uint32_t apic_id;

    if (acpi_madt_enabled_cpu(madt, entry, &apic_id) && list->count < 8)
        list->ids[list->count++] = apic_id;
}

static struct id_list enabled_cpus(void)
{
    const struct acpi_header *madt = NULL;
    struct id_list list = {{0}, 0};

    if (acpi_walk_tables(0x100, fake_map, keep_first_madt, &madt) && madt)
        acpi_walk_madt(madt, note_cpu, &list);
    return list;
}

Test(acpi, walker_lists_the_enabled_cpus_by_apic_id)
{
    struct id_list list;

    build_tables();
    list = enabled_cpus();
    cr_assert_eq(list.count, 3, "two local APICs and one x2APIC; the disabled one is left out");
    cr_assert_eq(list.ids[0], 0);
    cr_assert_eq(list.ids[1], 1);
    cr_assert_eq(list.ids[2], 7);
}

/* An RSDT at 0x300 listing the same MADT and FADT. */
static void add_rsdt(void)
{
    uint8_t *rsdp = memory + 0x100, *rsdt = memory + 0x300;

    header(rsdt, "RSDT", 36 + 8);
    put32(rsdt + 36, 0x400);
    put32(rsdt + 40, 0x800);
    set_checksum(rsdt, 36 + 8, 9);
    put32(rsdp + 16, 0x300);
    set_checksum(rsdp, 20, 8);
}

Test(acpi, walker_falls_back_to_the_rsdt)
{
    struct acpi_info info;

    build_tables();
    add_rsdt();
    memory[0x200 + 40] ^= 0xff; /* corrupt the XSDT */
    cr_assert(acpi_parse(0x100, fake_map, &info), "the RSDT still leads to the tables");
    cr_assert_eq(info.madt_cpus, 3);
    cr_assert(info.fadt_found);
    cr_assert_eq(enabled_cpus().count, 3);
}

Test(acpi, walker_takes_the_rsdt_of_an_acpi_1_rsdp)
{
    struct acpi_info info;

    build_tables();
    add_rsdt();
    put32(memory + 0x300 + 4, 36 + 4); /* the RSDT lists only the FADT */
    put32(memory + 0x300 + 36, 0x800);
    set_checksum(memory + 0x300, 36 + 4, 9);
    memory[0x100 + 15] = 0; /* revision 0: the valid XSDT is not looked at */
    set_checksum(memory + 0x100, 20, 8);
    cr_assert(acpi_parse(0x100, fake_map, &info));
    cr_assert(info.fadt_found);
    cr_assert_eq(info.madt_cpus, 0, "the MADT is listed only in the XSDT");
}

Test(acpi, madt_entries_past_the_table_end_are_not_visited)
{
    struct id_list list = {{0}, 0};
    const struct acpi_header *madt;

    build_tables();
    madt = (const struct acpi_header *)(memory + 0x400);
    put32(memory + 0x400 + 4, 44 + 8 + 8 + 8 + 15); /* cut into the x2APIC entry */
    acpi_walk_madt(madt, note_cpu, &list);
    cr_assert_eq(list.count, 2, "the cut x2APIC entry is not read");
}

/* The clocks the TSC is measured against: the FADT's PM timer (32 bits wide
 * by TMR_VAL_EXT) and the HPET table's register block, as QEMU's q35 has. */
Test(acpi, finds_pm_timer_and_hpet)
{
    struct acpi_info info;
    build_tables();
    uint8_t *xsdt = memory + 0x200, *fadt = memory + 0x800, *hpet = memory + 0x1800;

    put32(fadt + 76, 0x608);
    put32(fadt + 112, 1u << 8);
    set_checksum(fadt, 244, 9);
    header(hpet, "HPET", 56);
    put64(hpet + 44, 0xfed00000); /* the address of the GAS at 40 */
    set_checksum(hpet, 56, 9);
    header(xsdt, "XSDT", 36 + 24);
    put64(xsdt + 52, 0x1800);
    set_checksum(xsdt, 36 + 24, 9);

    cr_assert(acpi_parse(0x100, fake_map, &info));
    cr_assert_eq(info.pm_timer_port, 0x608);
    cr_assert(info.pm_timer_32bit);
    cr_assert_eq(info.hpet_address, 0xfed00000);
}

Test(acpi, no_timers_described)
{
    struct acpi_info info;
    build_tables();
    cr_assert(acpi_parse(0x100, fake_map, &info));
    cr_assert_eq(info.pm_timer_port, 0);
    cr_assert_eq(info.hpet_address, 0);
}
