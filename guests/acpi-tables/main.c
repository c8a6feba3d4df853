/*
 * What an unmodified kernel finds of a full partition's firmware: the RSDP
 * at 0xE0000, the tables it leads to (walked with the same reader the
 * hypervisor uses on real firmware), a MADT with one CPU per vCPU, a FADT
 * naming the PM ports, a PM timer that runs, CPUID leaves that agree with
 * them, and finally a power-off through PM1a_CNT with \_S5's sleep type,
 * which stops the partition with exit status 0.
 */
#include "guests/lib/guest.h"
#include "lib/acpi.h"
#include "lib/pc_layout.h"

#define FADT_PM1A_CONTROL 64
#define FADT_PM_TIMER     76
#define FADT_X_DSDT       140
#define SLP_TYP_SHIFT     10
#define SLP_EN            (1u << 13)
#define SPIN_ITERATIONS   100000u

struct findings {
    const struct acpi_header *fadt, *madt;
    unsigned tables, madt_cpus;
};

/* The partition's RAM is identity-mapped: a physical address is a pointer. */
static void *identity(uint64_t phys)
{
    return (void *)phys;
}

static void count_cpu(const struct acpi_header *madt, struct acpi_madt_entry entry, void *context)
{
    uint32_t apic_id;

    if (acpi_madt_enabled_cpu(madt, entry, &apic_id))
        ((struct findings *)context)->madt_cpus++;
}

static void note_table(const struct acpi_header *table, void *context)
{
    struct findings *f = context;

    f->tables++;
    if (acpi_table_is(table, "FACP"))
        f->fadt = table;
    if (acpi_table_is(table, "APIC")) {
        f->madt = table;
        acpi_walk_madt(table, count_cpu, f);
    }
}

/* \_S5's first element: NameOp "_S5_" PackageOp PkgLength NumElements, then
 * an integer (ZeroOp, OneOp or BytePrefix). 0xff when there is none. */
static unsigned s5_sleep_type(const struct acpi_header *dsdt)
{
    const uint8_t *aml = (const uint8_t *)dsdt;

    for (uint32_t i = sizeof(*dsdt); i + 10 <= dsdt->length; i++) {
        const uint8_t *p = aml + i;
        if (p[0] != 0x08 || !acpi_bytes_are(p + 1, "_S5_", 4) || p[5] != 0x12)
            continue;
        const uint8_t *element = p + 6 + 1 + (p[6] >> 6) + 1;
        return element[0] == 0x0a ? element[1] : element[0] <= 1 ? element[0] : 0xff;
    }
    return 0xff;
}

static void check_pm_timer(uint16_t port)
{
    uint32_t before = cpu_inl(port);

    for (volatile uint32_t i = 0; i < SPIN_ITERATIONS; i++)
        ;
    uint32_t after = cpu_inl(port);
    EXPECT_TRUE(after != before);
    EXPECT_EQ((before | after) >> 24, 0);
}

/* CPUID says what the tables say: vCPU 0 of cpu_count cores, and the TSC
 * rate so a kernel need not calibrate. */
static void check_cpuid(unsigned cpu_count)
{
    EXPECT_EQ(cpu_cpuid(0xb, 0).edx, 0);
    EXPECT_EQ(cpu_cpuid(0xb, 1).ebx, cpu_count);
    EXPECT_TRUE(cpu_cpuid(0, 0).eax >= 0x15);
    EXPECT_TRUE(cpu_cpuid(0x15, 0).ecx != 0);
    EXPECT_EQ(cpu_cpuid(1, 0).ecx & (1u << 3), 0); /* no MONITOR/MWAIT */
}

int guest_main(const struct bulkhead_boot_info *info)
{
    struct findings f = {0, 0, 0, 0};

    EXPECT_TRUE(acpi_walk_tables(PC_FIRMWARE_TABLES, identity, note_table, &f));
    printf("acpi: %u tables, the MADT lists %u CPU(s)\n", f.tables, f.madt_cpus);
    EXPECT_EQ(f.madt_cpus, info->cpu_count);
    if (!f.fadt || !f.madt)
        return GUEST_STATUS_FAIL;
    uint16_t control = (uint16_t)acpi_read32(f.fadt, FADT_PM1A_CONTROL);
    const struct acpi_header *dsdt = acpi_map_table(acpi_read64(f.fadt, FADT_X_DSDT), identity);
    EXPECT_EQ(control, PC_PM1A_CONTROL_PORT);
    EXPECT_TRUE(dsdt != 0);
    check_pm_timer((uint16_t)acpi_read32(f.fadt, FADT_PM_TIMER));
    check_cpuid(info->cpu_count);
    unsigned s5 = dsdt ? s5_sleep_type(dsdt) : 0xff;
    EXPECT_TRUE(s5 < 8);
    if (guest_exit_status() != GUEST_STATUS_PASS)
        return guest_exit_status();
    printf("acpi: powering off through PM1a_CNT (SLP_TYP %u)\n", s5);
    cpu_outw(control, (uint16_t)(s5 << SLP_TYP_SHIFT | SLP_EN));
    printf("FAIL still running after S5\n");
    return GUEST_STATUS_FAIL;
}
