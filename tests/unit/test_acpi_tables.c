/* A full partition's ACPI tables, built into a buffer that stands for its
 * RAM at PC_FIRMWARE_TABLES and read back with the walker the hypervisor
 * itself uses on real firmware (lib/acpi.c, drivers/acpi.c). */
#include <criterion/criterion.h>
#include <string.h>

#include "drivers/acpi.h"
#include "lib/acpi.h"
#include "lib/acpi_aml.h"
#include "lib/acpi_tables.h"
#include "lib/pc_layout.h"

#define AREA_SIZE (PC_LEGACY_HOLE_END - PC_FIRMWARE_TABLES)

static uint8_t area[AREA_SIZE];

static void *guest_map(uint64_t phys)
{
    if (phys < PC_FIRMWARE_TABLES || phys >= PC_LEGACY_HOLE_END)
        return NULL;
    return area + (phys - PC_FIRMWARE_TABLES);
}

static uint64_t build(unsigned cpus)
{
    struct acpi_partition partition = {PC_FIRMWARE_TABLES, cpus, false, true};

    memset(area, 0xa5, sizeof(area)); /* whatever was there before */
    return acpi_tables_build(area, sizeof(area), &partition);
}

static uint64_t le(const uint8_t *p, unsigned bytes)
{
    uint64_t value = 0;

    for (unsigned i = bytes; i-- > 0;)
        value = value << 8 | p[i];
    return value;
}

static uint8_t sum(const uint8_t *p, unsigned length)
{
    uint8_t s = 0;

    for (unsigned i = 0; i < length; i++)
        s = (uint8_t)(s + p[i]);
    return s;
}

/* ---- the tables, as the walker finds them ---------------------------------- */

struct found {
    const struct acpi_header *tables[8];
    unsigned count;
};

static void collect(const struct acpi_header *table, void *context)
{
    struct found *f = context;

    if (f->count < 8)
        f->tables[f->count++] = table;
}

static struct found walk(void)
{
    struct found f = {{0}, 0};

    cr_assert(acpi_walk_tables(PC_FIRMWARE_TABLES, guest_map, collect, &f));
    return f;
}

static const struct acpi_header *table_named(const char *signature)
{
    struct found f = walk();

    for (unsigned i = 0; i < f.count; i++) {
        if (acpi_table_is(f.tables[i], signature))
            return f.tables[i];
    }
    cr_assert_fail("no %s table", signature);
    return NULL;
}

Test(acpi_tables, rsdp_at_the_start_with_both_checksums)
{
    cr_assert_gt(build(1), 0);
    cr_assert_eq(memcmp(area, "RSD PTR ", 8), 0);
    cr_assert_eq(area[15], 2, "ACPI 2.0+: revision 2");
    cr_assert_eq(le(area + 20, 4), 36);
    cr_assert_eq(sum(area, 20), 0, "the ACPI 1.0 checksum");
    cr_assert_eq(sum(area, 36), 0, "the extended checksum");
    const struct acpi_header *xsdt = acpi_map_table(le(area + 24, 8), guest_map);
    const struct acpi_header *rsdt = acpi_map_table(le(area + 16, 4), guest_map);
    cr_assert(xsdt && acpi_table_is(xsdt, "XSDT"));
    cr_assert(rsdt && acpi_table_is(rsdt, "RSDT"));
    cr_assert_eq(xsdt->length, 36 + 3 * 8);
    cr_assert_eq(rsdt->length, 36 + 3 * 4);
}

Test(acpi_tables, every_table_is_listed_and_valid)
{
    struct found f;

    cr_assert_gt(build(2), 0);
    f = walk();
    cr_assert_eq(f.count, 3, "FADT, MADT, MCFG: each with a right checksum");
    cr_assert(acpi_table_is(f.tables[0], "FACP"));
    cr_assert(acpi_table_is(f.tables[1], "APIC"));
    cr_assert(acpi_table_is(f.tables[2], "MCFG"));
    for (unsigned i = 0; i < f.count; i++) {
        cr_assert_eq(sum((const uint8_t *)f.tables[i], f.tables[i]->length), 0);
        cr_assert_eq((uintptr_t)f.tables[i] % 16, (uintptr_t)area % 16);
    }
}

Test(acpi_tables, tables_stay_inside_the_area)
{
    uint64_t used = build(8);

    cr_assert_gt(used, 0);
    cr_assert_lt(used, 4096, "a few hundred bytes, not the whole area");
    struct found f = walk();
    for (unsigned i = 0; i < f.count; i++)
        cr_assert_leq((const uint8_t *)f.tables[i] + f.tables[i]->length, area + used);
}

Test(acpi_tables, no_tables_when_the_area_is_too_small)
{
    struct acpi_partition partition = {PC_FIRMWARE_TABLES, 2, false, true};
    uint64_t needed = build(2);

    cr_assert_eq(acpi_tables_build(area, needed - 1, &partition), 0);
    cr_assert_eq(acpi_tables_build(area, 40, &partition), 0);
    cr_assert_eq(acpi_tables_build(area, needed, &partition), needed);
}

Test(acpi_tables, no_mcfg_without_ecam)
{
    struct acpi_partition partition = {PC_FIRMWARE_TABLES, 1, false, false};

    cr_assert_gt(acpi_tables_build(area, sizeof(area), &partition), 0);
    struct found f = walk();
    cr_assert_eq(f.count, 2);
    for (unsigned i = 0; i < f.count; i++)
        cr_assert_not(acpi_table_is(f.tables[i], "MCFG"));
}

/* ---- MADT ------------------------------------------------------------------ */

struct madt_count {
    unsigned cpus, x2apic_cpus, ioapics, overrides, others;
    uint32_t next_id;
    bool ids_in_order;
};

static void count_entry(const struct acpi_header *madt, struct acpi_madt_entry entry, void *context)
{
    struct madt_count *c = context;
    const uint8_t *p = (const uint8_t *)madt + entry.offset;
    uint32_t id;

    if (acpi_madt_enabled_cpu(madt, entry, &id)) {
        c->ids_in_order &= id == c->next_id++;
        c->cpus++;
        c->x2apic_cpus += entry.type == ACPI_MADT_LOCAL_X2APIC;
    } else if (entry.type == ACPI_MADT_IOAPIC) {
        c->ioapics++;
        cr_assert_eq(entry.length, 12);
        cr_assert_eq(le(p + 4, 4), PC_IOAPIC_BASE);
        cr_assert_eq(le(p + 8, 4), 0, "GSI base 0");
    } else if (entry.type == ACPI_MADT_OVERRIDE) {
        c->overrides++;
    } else {
        c->others++;
    }
}

static struct madt_count count_madt(unsigned cpus)
{
    struct madt_count c = {0, 0, 0, 0, 0, 0, true};

    cr_assert_gt(build(cpus), 0);
    const struct acpi_header *madt = table_named("APIC");
    cr_assert_eq(acpi_read32(madt, 36), PC_LAPIC_BASE);
    cr_assert_eq(acpi_read32(madt, 40), 1, "PCAT_COMPAT: there are 8259s");
    acpi_walk_madt(madt, count_entry, &c);
    return c;
}

static void check_madt(unsigned cpus)
{
    struct madt_count c = count_madt(cpus);

    cr_assert_eq(c.cpus, cpus);
    cr_assert(c.ids_in_order, "APIC ID = vCPU index");
    cr_assert_eq(c.x2apic_cpus, 0);
    cr_assert_eq(c.ioapics, 1);
    cr_assert_eq(c.overrides, 2);
    cr_assert_eq(c.others, 0);
}

Test(acpi_tables, madt_of_1_vcpu)
{
    check_madt(1);
}

Test(acpi_tables, madt_of_2_vcpus)
{
    check_madt(2);
}

Test(acpi_tables, madt_of_8_vcpus)
{
    check_madt(8);
}

Test(acpi_tables, apic_ids_past_254_get_x2apic_entries)
{
    struct madt_count c = count_madt(256);

    cr_assert_eq(c.cpus, 256);
    cr_assert(c.ids_in_order);
    cr_assert_eq(c.x2apic_cpus, 1, "ID 255 is the broadcast ID in xAPIC mode");
}

Test(acpi_tables, the_hypervisor_parser_agrees)
{
    struct acpi_info info;

    cr_assert_gt(build(2), 0);
    cr_assert(acpi_parse(PC_FIRMWARE_TABLES, guest_map, &info));
    cr_assert_eq(info.madt_cpus, 2);
    cr_assert_eq(info.madt_ioapics, 1);
    cr_assert_eq(info.ioapic_address, PC_IOAPIC_BASE);
    cr_assert(info.isa_overrides[0].present);
    cr_assert_eq(info.isa_overrides[0].gsi, 2);
    cr_assert_eq(info.isa_overrides[0].flags, 0x5, "active high, edge");
    cr_assert(info.isa_overrides[PC_SCI_IRQ].present);
    cr_assert_eq(info.isa_overrides[PC_SCI_IRQ].gsi, PC_SCI_IRQ);
    cr_assert_eq(info.isa_overrides[PC_SCI_IRQ].flags, 0xd, "active high, level");
    cr_assert_eq(info.pm1a_control, PC_PM1A_CONTROL_PORT);
    cr_assert_eq(info.pm_timer_port, PC_PM_TIMER_PORT);
    cr_assert_not(info.pm_timer_32bit);
    cr_assert(info.reset_register_found);
    cr_assert_eq(info.reset_port, PC_RESET_PORT);
    cr_assert_eq(info.reset_value, 6);
    cr_assert(info.s5_found);
    cr_assert_eq(info.s5_type_a, ACPI_S5_SLEEP_TYPE);
}

/* ---- FADT, FACS, MCFG ------------------------------------------------------ */

static void check_gas_io(const uint8_t *gas, uint64_t port, unsigned bytes)
{
    cr_assert_eq(gas[0], 1, "system I/O");
    cr_assert_eq(gas[1], 8 * bytes);
    cr_assert_eq(gas[2], 0);
    cr_assert_eq(le(gas + 4, 8), port);
}

Test(acpi_tables, fadt_names_the_fixed_hardware)
{
    cr_assert_gt(build(1), 0);
    const uint8_t *f = (const uint8_t *)table_named("FACP");

    cr_assert_eq(le(f + 4, 4), 276);
    cr_assert_eq(f[8], 6, "revision 6");
    cr_assert_eq(le(f + 46, 2), PC_SCI_IRQ);
    cr_assert_eq(le(f + 48, 4), 0, "no SMI command port: ACPI is always on");
    cr_assert_eq(le(f + 56, 4), PC_PM1A_EVENT_PORT);
    cr_assert_eq(le(f + 60, 4), 0, "no PM1b");
    cr_assert_eq(le(f + 64, 4), PC_PM1A_CONTROL_PORT);
    cr_assert_eq(le(f + 76, 4), PC_PM_TIMER_PORT);
    cr_assert_eq(le(f + 80, 4), 0, "no GPE block");
    cr_assert_eq(f[88], 4);
    cr_assert_eq(f[89], 2);
    cr_assert_eq(f[91], 4);
    check_gas_io(f + 148, PC_PM1A_EVENT_PORT, 4);
    check_gas_io(f + 172, PC_PM1A_CONTROL_PORT, 2);
    check_gas_io(f + 208, PC_PM_TIMER_PORT, 4);
    check_gas_io(f + 116, PC_RESET_PORT, 1);
    cr_assert_eq(f[128], 6, "reset value");
    uint32_t flags = (uint32_t)le(f + 112, 4);
    cr_assert(flags & (1u << 10), "RESET_REG_SUP");
    cr_assert_not(flags & (1u << 20), "not hardware-reduced: the PM timer is there");
    cr_assert_not(flags & (1u << 8), "a 24-bit PM timer");
    cr_assert_not(flags & (1u << 4), "a fixed-feature power button");
    cr_assert_eq(f[108], ACPI_CMOS_CENTURY);
    cr_assert_eq(le(f + 109, 2) & 0x3, 0x1, "legacy devices, no 8042");
}

Test(acpi_tables, fadt_says_8042_when_there_is_one)
{
    struct acpi_partition partition = {PC_FIRMWARE_TABLES, 1, true, true};

    cr_assert_gt(acpi_tables_build(area, sizeof(area), &partition), 0);
    const uint8_t *f = (const uint8_t *)table_named("FACP");
    cr_assert_eq(le(f + 109, 2) & 0x2, 0x2);
}

Test(acpi_tables, fadt_leads_to_the_dsdt_and_facs)
{
    cr_assert_gt(build(1), 0);
    const struct acpi_header *fadt = table_named("FACP");
    uint64_t dsdt = acpi_read64(fadt, 140), facs = acpi_read64(fadt, 132);

    cr_assert_eq(acpi_read32(fadt, 40), dsdt, "DSDT and X_DSDT agree");
    cr_assert_eq(acpi_read32(fadt, 36), 0, "only X_FIRMWARE_CTRL names the FACS");
    cr_assert_neq(facs, 0);
    const struct acpi_header *d = acpi_map_table(dsdt, guest_map);
    cr_assert(d && acpi_table_is(d, "DSDT"));
    const uint8_t *s = guest_map(facs);
    cr_assert(s);
    cr_assert_eq(facs % 64, 0, "the FACS is 64-byte aligned");
    cr_assert_eq(memcmp(s, "FACS", 4), 0);
    cr_assert_eq(le(s + 4, 4), 64);
}

Test(acpi_tables, mcfg_names_ecam_for_every_bus)
{
    cr_assert_gt(build(1), 0);
    const uint8_t *m = (const uint8_t *)table_named("MCFG");

    cr_assert_eq(le(m + 4, 4), 60);
    cr_assert_eq(le(m + 44, 8), PC_ECAM_BASE);
    cr_assert_eq(le(m + 52, 2), 0, "segment 0");
    cr_assert_eq(m[54], 0);
    cr_assert_eq(m[55], 255);
}

/* ---- DSDT, decoded by hand ------------------------------------------------- */

/* A PkgLength at p: its value, and in *size the bytes it takes. */
static uint32_t pkg_length(const uint8_t *p, unsigned *size)
{
    unsigned extra = p[0] >> 6;
    uint32_t value = extra ? p[0] & 0xf : p[0] & 0x3f;

    for (unsigned i = 0; i < extra; i++)
        value |= (uint32_t)p[1 + i] << (4 + 8 * i);
    *size = 1 + extra;
    return value;
}

static const uint8_t *find_name(const uint8_t *aml, uint32_t length, const char *name)
{
    for (uint32_t i = 0; i + 4 <= length; i++) {
        if (memcmp(aml + i, name, 4) == 0)
            return aml + i;
    }
    return NULL;
}

static const uint8_t *dsdt_aml(uint32_t *length)
{
    const struct acpi_header *fadt = table_named("FACP");
    const struct acpi_header *dsdt = acpi_map_table(acpi_read64(fadt, 140), guest_map);

    cr_assert(dsdt);
    *length = dsdt->length - 36;
    return (const uint8_t *)dsdt + 36;
}

Test(acpi_tables, s5_is_a_package_of_sleep_types)
{
    uint32_t length;
    unsigned size;

    cr_assert_gt(build(1), 0);
    const uint8_t *aml = dsdt_aml(&length);
    cr_assert_eq(aml[0], 0x08, "NameOp");
    cr_assert_eq(memcmp(aml + 1, "_S5_", 4), 0);
    cr_assert_eq(aml[5], 0x12, "PackageOp");
    uint32_t package = pkg_length(aml + 6, &size);
    const uint8_t *p = aml + 6 + size;
    cr_assert_eq(p[0], 4, "NumElements");
    cr_assert_eq(p[1], 0x0a, "BytePrefix");
    cr_assert_eq(p[2], ACPI_S5_SLEEP_TYPE, "SLP_TYPa");
    cr_assert_eq(p[3], 0x00, "SLP_TYPb: Zero");
    cr_assert_eq(p[4], 0x00);
    cr_assert_eq(p[5], 0x00);
    cr_assert_eq(package, size + 6, "the package ends after its four elements");
}

/* The term after \_S5 is Scope(\_SB) with Device(PCI0) in it, and both
 * lengths end exactly at the table's end. */
Test(acpi_tables, pci_root_bridge_fills_the_rest)
{
    uint32_t length;
    unsigned size;

    cr_assert_gt(build(1), 0);
    const uint8_t *aml = dsdt_aml(&length);
    const uint8_t *scope = aml + 6 + pkg_length(aml + 6, &size);
    cr_assert_eq(scope[0], 0x10, "ScopeOp");
    uint32_t scope_length = pkg_length(scope + 1, &size);
    cr_assert_eq(scope + 1 + scope_length, aml + length);
    const uint8_t *name = scope + 1 + size;
    cr_assert_eq(memcmp(name, "\\_SB_", 5), 0);
    const uint8_t *device = name + 5;
    cr_assert_eq(device[0], 0x5b);
    cr_assert_eq(device[1], 0x82, "DeviceOp");
    uint32_t device_length = pkg_length(device + 2, &size);
    cr_assert_eq(device + 2 + device_length, aml + length);
    const uint8_t *body = device + 2 + size;
    cr_assert_eq(memcmp(body, "PCI0", 4), 0);
    static const uint8_t hid[] = {0x08, '_', 'H', 'I', 'D', 0x0c, 0x41, 0xd0, 0x0a, 0x08};
    static const uint8_t cid[] = {0x08, '_', 'C', 'I', 'D', 0x0c, 0x41, 0xd0, 0x0a, 0x03};
    cr_assert_eq(memcmp(body + 4, hid, sizeof(hid)), 0, "PNP0A08");
    cr_assert_eq(memcmp(body + 14, cid, sizeof(cid)), 0, "PNP0A03");
}

/* The _CRS buffer: its size matches its descriptors, which end with an end tag. */
Test(acpi_tables, pci_root_resources_are_well_formed)
{
    uint32_t length;
    unsigned size;

    cr_assert_gt(build(1), 0);
    const uint8_t *aml = dsdt_aml(&length);
    const uint8_t *crs = find_name(aml, length, "_CRS");
    cr_assert(crs);
    cr_assert_eq(crs[4], 0x11, "BufferOp");
    uint32_t buffer_length = pkg_length(crs + 5, &size);
    const uint8_t *p = crs + 5 + size;
    cr_assert_eq(p[0], 0x0b, "WordPrefix");
    uint32_t bytes = (uint32_t)le(p + 1, 2);
    cr_assert_eq(size + 3 + bytes, buffer_length);
    const uint8_t *d = p + 3, *end = d + bytes;
    unsigned descriptors = 0;
    while (d < end && d[0] != 0x79) {
        d += d[0] & 0x80 ? 3 + le(d + 1, 2) : 1u + (d[0] & 7u);
        descriptors++;
    }
    cr_assert_eq(descriptors, 5, "bus numbers, 0xCF8, two I/O windows, the memory window");
    cr_assert_eq(d + 2, end, "the end tag closes the buffer");
}

/* Device(RTC_) in PCI0, after the bridge's own _CRS: PNP0B00 at 0x70, IRQ 8. */
Test(acpi_tables, rtc_is_described)
{
    uint32_t length;
    unsigned size;
    static const uint8_t hid[] = {0x08, '_', 'H', 'I', 'D', 0x0c, 0x41, 0xd0, 0x0b, 0x00};
    static const uint8_t resources[] = {0x47, 0x01, 0x70, 0x00, 0x70, 0x00, 0x01,
                                        0x02, 0x22, 0x00, 0x01, 0x79, 0x00};

    cr_assert_gt(build(1), 0);
    const uint8_t *aml = dsdt_aml(&length);
    const uint8_t *rtc = find_name(aml, length, "RTC_");
    cr_assert(rtc);
    cr_assert_eq(rtc[-3], 0x5b);
    cr_assert_eq(rtc[-2], 0x82, "DeviceOp");
    uint32_t device_length = pkg_length(rtc - 1, &size);
    cr_assert_eq(size, 1);
    cr_assert_eq(rtc - 1 + device_length, aml + length, "the last object of PCI0");
    cr_assert_eq(memcmp(rtc + 4, hid, sizeof(hid)), 0, "PNP0B00");
    const uint8_t *crs = rtc + 4 + sizeof(hid);
    cr_assert_eq(memcmp(crs, "\x08_CRS\x11", 6), 0, "Name(_CRS, Buffer");
    cr_assert_eq(crs[7], 0x0a, "BytePrefix");
    cr_assert_eq(crs[8], sizeof(resources));
    cr_assert_eq(memcmp(crs + 9, resources, sizeof(resources)), 0);
}

Test(aml, long_packages_take_more_length_bytes)
{
    uint8_t bytes[300];
    struct acpi_writer w = {bytes, 0, sizeof(bytes), false};
    static const uint8_t package = AML_PACKAGE;
    unsigned size;

    uint32_t open = aml_open(&w, &package, 1);
    for (unsigned i = 0; i < 100; i++)
        aml_integer(&w, 0x12);
    aml_close(&w, open);
    cr_assert_not(w.overflow);
    cr_assert_eq(pkg_length(bytes + 1, &size), 202);
    cr_assert_eq(size, 2);
    cr_assert_eq(w.length, 203);
    cr_assert_eq(bytes[3], 0x0a, "the contents moved behind the longer length");
}

Test(aml, integers_take_the_shortest_form)
{
    uint8_t bytes[32];
    struct acpi_writer w = {bytes, 0, sizeof(bytes), false};

    aml_integer(&w, 0);
    aml_integer(&w, 1);
    aml_integer(&w, 2);
    aml_integer(&w, 0x1234);
    aml_integer(&w, 0x12345678);
    static const uint8_t want[] = {0x00, 0x01, 0x0a, 0x02, 0x0b, 0x34,
                                   0x12, 0x0c, 0x78, 0x56, 0x34, 0x12};
    cr_assert_eq(w.length, sizeof(want));
    cr_assert_eq(memcmp(bytes, want, sizeof(want)), 0);
}

Test(aml, writes_past_the_end_are_dropped_and_remembered)
{
    uint8_t bytes[4];
    struct acpi_writer w = {bytes, 0, sizeof(bytes), false};

    acpi_put(&w, 0x11223344, 4);
    cr_assert_not(w.overflow);
    acpi_put(&w, 1, 1);
    cr_assert(w.overflow);
    cr_assert_eq(w.length, 4);
}
