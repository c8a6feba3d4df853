#include "lib/acpi_tables.h"

#include "lib/acpi.h"
#include "lib/acpi_aml.h"
#include "lib/pc_layout.h"
#include "lib/string.h"

/* Field offsets and values from the ACPI specification (6.5, chapter 5). */
#define RSDP_LENGTH          36
#define RSDP_V1_LENGTH       20
#define RSDP_V1_CHECKSUM     8
#define RSDP_EXTENDED_SUM    32
#define HEADER_LENGTH        36
#define HEADER_CHECKSUM      9
#define FACS_LENGTH          64
#define FACS_ALIGNMENT       64
#define FACS_VERSION         2
#define FADT_LENGTH          276 /* revision 6 */
#define FADT_REVISION        6
#define FADT_MINOR_REVISION  5
#define MADT_REVISION        5
#define MADT_PCAT_COMPAT     1u
#define MADT_CPU_ENABLED     1u
#define MADT_MAX_XAPIC_ID    254 /* 255 is the broadcast ID: beyond, x2APIC entries */
#define MCFG_LENGTH          60
#define GAS_SYSTEM_IO        1
#define GAS_ACCESS_BYTE      1
#define GAS_ACCESS_WORD      2
#define GAS_ACCESS_DWORD     3
#define ISA_TIMER_IRQ        0
#define ISA_TIMER_GSI        2
#define MPS_ACTIVE_HIGH_EDGE 0x5 /* override flags: polarity 01, trigger 01 */
#define MPS_ACTIVE_HIGH_LVL  0xd /* polarity 01, trigger 11 */
#define TABLE_ALIGNMENT      16

/* An area being filled: what the guest sees at `address` is data[0]. */
struct area {
    uint8_t *data;
    uint64_t size, used, address;
    bool full;
};

/* Stores value as `bytes` little-endian bytes at table + offset. */
static void set(uint8_t *table, uint32_t offset, uint64_t value, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++)
        table[offset + i] = (uint8_t)(value >> (8 * i));
}

static uint64_t align_up(uint64_t value, uint64_t alignment)
{
    return (value + alignment - 1) & ~(alignment - 1);
}

/* `length` bytes of the area, aligned; 0 when they do not fit. */
static uint8_t *reserve(struct area *a, uint64_t length, uint64_t alignment)
{
    uint64_t at = align_up(a->used, alignment);

    if (a->full || at > a->size || a->size - at < length) {
        a->full = true;
        return 0;
    }
    a->used = at + length;
    return a->data + at;
}

static uint8_t *take_zeroed(struct area *a, uint64_t length, uint64_t alignment)
{
    uint8_t *bytes = reserve(a, length, alignment);

    if (bytes)
        memset(bytes, 0, length);
    return bytes;
}

static uint64_t guest_address(const struct area *a, const uint8_t *bytes)
{
    return a->address + (uint64_t)(bytes - a->data);
}

/* The room left, for a table whose length is known once written. */
static struct acpi_writer rest_of(struct area *a)
{
    uint64_t at = align_up(a->used, TABLE_ALIGNMENT);
    uint64_t room = at < a->size ? a->size - at : 0;

    return (struct acpi_writer){a->data + (at < a->size ? at : 0), 0,
                                (uint32_t)(room > 0xffffffffu ? 0xffffffffu : room), room == 0};
}

static void header(struct acpi_writer *w, const char signature[4], uint8_t revision)
{
    acpi_put_chars(w, signature, 4);
    acpi_put(w, 0, 4); /* length, once known */
    acpi_put(w, revision, 1);
    acpi_put(w, 0, 1); /* checksum, once the rest is written */
    acpi_put_chars(w, "BLKHD ", 6);
    acpi_put_chars(w, "BULKHEAD", 8);
    acpi_put(w, 1, 4);
    acpi_put_chars(w, "BLKH", 4);
    acpi_put(w, 1, 4);
}

/* A table's length and checksum, once its bytes are written. */
static void seal(uint8_t *table, uint32_t length)
{
    set(table, 4, length, 4);
    table[HEADER_CHECKSUM] = 0;
    table[HEADER_CHECKSUM] = (uint8_t)-acpi_byte_sum(table, length);
}

/* Seals a table written with rest_of() and gives it the area's bytes it
 * took; returns its guest-physical address (0: no room). */
static uint64_t finish(struct area *a, struct acpi_writer *w)
{
    if (w->overflow || w->length < HEADER_LENGTH || !reserve(a, w->length, TABLE_ALIGNMENT)) {
        a->full = true;
        return 0;
    }
    seal(w->data, w->length);
    return guest_address(a, w->data);
}

/* ---- MADT ---------------------------------------------------------------- */

static void madt_cpu(struct acpi_writer *w, uint32_t index)
{
    if (index <= MADT_MAX_XAPIC_ID) {
        acpi_put(w, ACPI_MADT_LOCAL_APIC, 1);
        acpi_put(w, 8, 1);
        acpi_put(w, index, 1); /* ACPI processor UID */
        acpi_put(w, index, 1); /* APIC ID */
        acpi_put(w, MADT_CPU_ENABLED, 4);
        return;
    }
    acpi_put(w, ACPI_MADT_LOCAL_X2APIC, 1);
    acpi_put(w, 16, 1);
    acpi_put(w, 0, 2);
    acpi_put(w, index, 4); /* x2APIC ID */
    acpi_put(w, MADT_CPU_ENABLED, 4);
    acpi_put(w, index, 4); /* ACPI processor UID */
}

static void madt_override(struct acpi_writer *w, uint8_t irq, uint32_t gsi, uint16_t flags)
{
    acpi_put(w, ACPI_MADT_OVERRIDE, 1);
    acpi_put(w, 10, 1);
    acpi_put(w, 0, 1); /* bus: ISA */
    acpi_put(w, irq, 1);
    acpi_put(w, gsi, 4);
    acpi_put(w, flags, 2);
}

static uint64_t build_madt(struct area *a, const struct acpi_partition *partition)
{
    struct acpi_writer w = rest_of(a);

    header(&w, "APIC", MADT_REVISION);
    acpi_put(&w, PC_LAPIC_BASE, 4);
    acpi_put(&w, MADT_PCAT_COMPAT, 4);
    for (uint32_t i = 0; i < partition->cpu_count; i++)
        madt_cpu(&w, i);
    acpi_put(&w, ACPI_MADT_IOAPIC, 1);
    acpi_put(&w, 12, 1);
    acpi_put(&w, ACPI_IOAPIC_ID, 1);
    acpi_put(&w, 0, 1);
    acpi_put(&w, PC_IOAPIC_BASE, 4);
    acpi_put(&w, 0, 4); /* its inputs start at GSI 0 */
    madt_override(&w, ISA_TIMER_IRQ, ISA_TIMER_GSI, MPS_ACTIVE_HIGH_EDGE);
    madt_override(&w, PC_SCI_IRQ, PC_SCI_IRQ, MPS_ACTIVE_HIGH_LVL);
    return finish(a, &w);
}

/* ---- DSDT ---------------------------------------------------------------- */

/* Name(_S5, Package() {SLP_TYPa, SLP_TYPb, 0, 0}) */
static void dsdt_s5(struct acpi_writer *w)
{
    static const uint8_t package = AML_PACKAGE;

    aml_name(w, "_S5_");
    uint32_t open = aml_open(w, &package, 1);
    acpi_put(w, 4, 1); /* elements */
    aml_integer(w, ACPI_S5_SLEEP_TYPE);
    aml_integer(w, 0);
    aml_integer(w, 0);
    aml_integer(w, 0);
    aml_close(w, open);
}

/* A Word Address Space descriptor the bridge produces, fixed bounds. */
static void word_range(struct acpi_writer *w, uint8_t type, uint8_t type_flags, uint16_t min,
                       uint16_t max)
{
    acpi_put(w, 0x88, 1);
    acpi_put(w, 13, 2);
    acpi_put(w, type, 1);
    acpi_put(w, 0x0c, 1); /* minimum and maximum fixed, producer */
    acpi_put(w, type_flags, 1);
    acpi_put(w, 0, 2); /* granularity */
    acpi_put(w, min, 2);
    acpi_put(w, max, 2);
    acpi_put(w, 0, 2); /* translation */
    acpi_put(w, (uint32_t)max - min + 1, 2);
}

static void memory_window(struct acpi_writer *w, uint32_t min, uint32_t max)
{
    acpi_put(w, 0x87, 1); /* DWord Address Space descriptor */
    acpi_put(w, 23, 2);
    acpi_put(w, 0, 1);    /* memory */
    acpi_put(w, 0x0c, 1); /* minimum and maximum fixed, producer */
    acpi_put(w, 0x01, 1); /* read-write, not cacheable */
    acpi_put(w, 0, 4);
    acpi_put(w, min, 4);
    acpi_put(w, max, 4);
    acpi_put(w, 0, 4);
    acpi_put(w, max - min + 1, 4);
}

#define PCI_CONFIG_FIRST 0xcf8
#define PCI_CONFIG_PORTS 8

/* Bus 0-255, the configuration ports it decodes, every other port, and
 * the PCI window below the MMIO hole's devices. */
static void pci_root_resources(struct acpi_writer *w)
{
    static const uint8_t buffer = AML_BUFFER;

    aml_name(w, "_CRS");
    uint32_t open = aml_open(w, &buffer, 1);
    uint32_t size_at = w->length + 1;
    aml_integer(w, 0xffff); /* WordConst: the size, once known */
    word_range(w, 2, 0, 0, 0xff);
    acpi_put(w, 0x47, 1); /* I/O port descriptor, 16-bit decode */
    acpi_put(w, 1, 1);
    acpi_put(w, PCI_CONFIG_FIRST, 2);
    acpi_put(w, PCI_CONFIG_FIRST, 2);
    acpi_put(w, 1, 1);
    acpi_put(w, PCI_CONFIG_PORTS, 1);
    word_range(w, 1, 3, 0, PCI_CONFIG_FIRST - 1);
    word_range(w, 1, 3, PCI_CONFIG_FIRST + PCI_CONFIG_PORTS, 0xffff);
    memory_window(w, (uint32_t)PC_PCI_WINDOW_START, (uint32_t)PC_PCI_WINDOW_END - 1);
    acpi_put(w, 0x79, 1); /* end tag, checksum 0: none */
    acpi_put(w, 0, 1);
    if (!w->overflow)
        set(w->data, size_at, w->length - size_at - 2, 2);
    aml_close(w, open);
}

/* Device(RTC) { _HID PNP0B00, _CRS { I/O 0x70-0x71, IRQ 8 } }: the CMOS
 * clock behind the bridge, so that a kernel finds it described. */
static void dsdt_rtc(struct acpi_writer *w)
{
    static const uint8_t device[] = {AML_EXT_PREFIX, AML_DEVICE}, buffer = AML_BUFFER;
    static const uint8_t resources[] = {
        0x47, 0x01, 0x70, 0x00, 0x70, 0x00, 0x01, 0x02, /* I/O 0x70, 2 ports, 16-bit decode */
        0x22, 0x00, 0x01,                               /* IRQ 8, edge, active high */
        0x79, 0x00,                                     /* end tag, checksum 0: none */
    };

    uint32_t device_open = aml_open(w, device, sizeof(device));
    acpi_put_chars(w, "RTC_", 4);
    aml_name(w, "_HID");
    aml_eisa_id(w, "PNP0B00");
    aml_name(w, "_CRS");
    uint32_t open = aml_open(w, &buffer, 1);
    aml_integer(w, sizeof(resources));
    for (unsigned i = 0; i < sizeof(resources); i++)
        acpi_put(w, resources[i], 1);
    aml_close(w, open);
    aml_close(w, device_open);
}

/* Scope(\_SB) { Device(PCI0) { _HID, _CID, _SEG, _BBN, _UID, _CRS, RTC } } */
static void dsdt_pci_root(struct acpi_writer *w)
{
    static const uint8_t scope = AML_SCOPE, device[] = {AML_EXT_PREFIX, AML_DEVICE};

    uint32_t scope_open = aml_open(w, &scope, 1);
    acpi_put(w, AML_ROOT, 1);
    acpi_put_chars(w, "_SB_", 4);
    uint32_t device_open = aml_open(w, device, sizeof(device));
    acpi_put_chars(w, "PCI0", 4);
    aml_name(w, "_HID");
    aml_eisa_id(w, "PNP0A08");
    aml_name(w, "_CID");
    aml_eisa_id(w, "PNP0A03");
    aml_name(w, "_SEG");
    aml_integer(w, 0);
    aml_name(w, "_BBN");
    aml_integer(w, 0);
    aml_name(w, "_UID");
    aml_integer(w, 0);
    pci_root_resources(w);
    dsdt_rtc(w);
    aml_close(w, device_open);
    aml_close(w, scope_open);
}

static uint64_t build_dsdt(struct area *a)
{
    struct acpi_writer w = rest_of(a);

    header(&w, "DSDT", 2); /* revision 2: integers are 64 bits */
    dsdt_s5(&w);
    dsdt_pci_root(&w);
    return finish(a, &w);
}

/* ---- FADT ---------------------------------------------------------------- */

#define FADT_DSDT           40
#define FADT_SCI_INT        46
#define FADT_PM1A_EVENT     56
#define FADT_PM1A_CONTROL   64
#define FADT_PM_TIMER       76
#define FADT_PM1_EVENT_LEN  88
#define FADT_PM1_CONTROL_LN 89
#define FADT_PM_TIMER_LEN   91
#define FADT_C2_LATENCY     96
#define FADT_C3_LATENCY     98
#define FADT_CENTURY        108
#define FADT_BOOT_ARCH      109
#define FADT_FLAGS          112
#define FADT_RESET_REGISTER 116
#define FADT_RESET_VALUE    128
#define FADT_MINOR_VERSION  131
#define FADT_X_FACS         132
#define FADT_X_DSDT         140
#define FADT_X_PM1A_EVENT   148
#define FADT_X_PM1A_CONTROL 172
#define FADT_X_PM_TIMER     208

#define PM1_EVENT_LENGTH   4
#define PM1_CONTROL_LENGTH 2
#define PM_TIMER_LENGTH    4
#define RESET_VALUE        0x06
#define NO_C2              101  /* a latency above 100 us: no C2 */
#define NO_C3              1001 /* above 1000 us: no C3 */

/* FADT flags: WBINVD works, C1 (HLT) on every CPU, no sleep button, RTC
 * wake status not fixed, the reset register; a fixed power button; not
 * hardware-reduced, since the PM timer and PM1 blocks are emulated. */
#define FADT_WBINVD        (1u << 0)
#define FADT_PROC_C1       (1u << 2)
#define FADT_SLP_BUTTON    (1u << 5)
#define FADT_FIX_RTC       (1u << 6)
#define FADT_RESET_REG_SUP (1u << 10)

/* IA-PC boot architecture flags. */
#define BOOT_LEGACY_DEVICES (1u << 0)
#define BOOT_8042           (1u << 1)
#define BOOT_NO_VGA         (1u << 2)

static void gas_io(uint8_t *table, uint32_t offset, uint16_t port, unsigned length, uint8_t access)
{
    set(table, offset, GAS_SYSTEM_IO, 1);
    set(table, offset + 1, 8 * length, 1);
    set(table, offset + 2, 0, 1);
    set(table, offset + 3, access, 1);
    set(table, offset + 4, port, 8);
}

static void fadt_ports(uint8_t *t)
{
    set(t, FADT_SCI_INT, PC_SCI_IRQ, 2);
    set(t, FADT_PM1A_EVENT, PC_PM1A_EVENT_PORT, 4);
    set(t, FADT_PM1A_CONTROL, PC_PM1A_CONTROL_PORT, 4);
    set(t, FADT_PM_TIMER, PC_PM_TIMER_PORT, 4);
    set(t, FADT_PM1_EVENT_LEN, PM1_EVENT_LENGTH, 1);
    set(t, FADT_PM1_CONTROL_LN, PM1_CONTROL_LENGTH, 1);
    set(t, FADT_PM_TIMER_LEN, PM_TIMER_LENGTH, 1);
    gas_io(t, FADT_X_PM1A_EVENT, PC_PM1A_EVENT_PORT, PM1_EVENT_LENGTH, GAS_ACCESS_WORD);
    gas_io(t, FADT_X_PM1A_CONTROL, PC_PM1A_CONTROL_PORT, PM1_CONTROL_LENGTH, GAS_ACCESS_WORD);
    gas_io(t, FADT_X_PM_TIMER, PC_PM_TIMER_PORT, PM_TIMER_LENGTH, GAS_ACCESS_DWORD);
    gas_io(t, FADT_RESET_REGISTER, PC_RESET_PORT, 1, GAS_ACCESS_BYTE);
    set(t, FADT_RESET_VALUE, RESET_VALUE, 1);
}

static uint64_t build_fadt(struct area *a, const struct acpi_partition *partition, uint64_t facs,
                           uint64_t dsdt)
{
    uint8_t *t = take_zeroed(a, FADT_LENGTH, TABLE_ALIGNMENT);
    struct acpi_writer w = {t, 0, FADT_LENGTH, false};

    if (!t)
        return 0;
    header(&w, "FACP", FADT_REVISION);
    /* FIRMWARE_CTRL stays 0: ACPI 6 wants one of the two, and a kernel that
     * finds both lists the FACS twice. */
    set(t, FADT_X_FACS, facs, 8);
    set(t, FADT_DSDT, dsdt, 4);
    set(t, FADT_X_DSDT, dsdt, 8);
    fadt_ports(t);
    set(t, FADT_C2_LATENCY, NO_C2, 2);
    set(t, FADT_C3_LATENCY, NO_C3, 2);
    set(t, FADT_CENTURY, ACPI_CMOS_CENTURY, 1);
    set(t, FADT_BOOT_ARCH,
        BOOT_LEGACY_DEVICES | BOOT_NO_VGA | (partition->keyboard_controller ? BOOT_8042 : 0), 2);
    set(t, FADT_FLAGS,
        FADT_WBINVD | FADT_PROC_C1 | FADT_SLP_BUTTON | FADT_FIX_RTC | FADT_RESET_REG_SUP, 4);
    set(t, FADT_MINOR_VERSION, FADT_MINOR_REVISION, 1);
    seal(t, FADT_LENGTH);
    return guest_address(a, t);
}

/* ---- the rest ------------------------------------------------------------ */

/* The FACS: no waking vector (no S3), no global lock; it has no checksum. */
static uint64_t build_facs(struct area *a)
{
    uint8_t *t = take_zeroed(a, FACS_LENGTH, FACS_ALIGNMENT);

    if (!t)
        return 0;
    memcpy(t, "FACS", 4);
    set(t, 4, FACS_LENGTH, 4);
    set(t, 32, FACS_VERSION, 1);
    return guest_address(a, t);
}

/* ECAM for segment 0, buses 0-255. */
static uint64_t build_mcfg(struct area *a)
{
    struct acpi_writer w = rest_of(a);

    header(&w, "MCFG", 1);
    acpi_put(&w, 0, 8);
    acpi_put(&w, PC_ECAM_BASE, 8);
    acpi_put(&w, 0, 2);    /* segment */
    acpi_put(&w, 0, 1);    /* first bus */
    acpi_put(&w, 0xff, 1); /* last bus */
    acpi_put(&w, 0, 4);
    return finish(a, &w);
}

#define ROOT_ENTRIES 3 /* FADT, MADT, MCFG */

/* The RSDT (4-byte entries) or XSDT (8-byte entries) over the tables. */
static uint64_t build_root(struct area *a, const char signature[4], unsigned entry_size,
                           const uint64_t *tables, unsigned count)
{
    struct acpi_writer w = rest_of(a);

    header(&w, signature, 1);
    for (unsigned i = 0; i < count; i++)
        acpi_put(&w, tables[i], entry_size);
    return finish(a, &w);
}

static void build_rsdp(uint8_t *rsdp, uint64_t rsdt, uint64_t xsdt)
{
    memcpy(rsdp, "RSD PTR ", 8);
    memcpy(rsdp + 9, "BLKHD ", 6);
    set(rsdp, 15, 2, 1); /* revision 2: ACPI 2.0 or later, with an XSDT */
    set(rsdp, 16, rsdt, 4);
    set(rsdp, 20, RSDP_LENGTH, 4);
    set(rsdp, 24, xsdt, 8);
    rsdp[RSDP_V1_CHECKSUM] = (uint8_t)-acpi_byte_sum(rsdp, RSDP_V1_LENGTH);
    rsdp[RSDP_EXTENDED_SUM] = (uint8_t)-acpi_byte_sum(rsdp, RSDP_LENGTH);
}

uint64_t acpi_tables_build(void *area, uint64_t area_size, const struct acpi_partition *partition)
{
    struct area a = {area, area_size, 0, partition->address, false};
    uint8_t *rsdp = take_zeroed(&a, RSDP_LENGTH, 1);
    uint64_t facs = build_facs(&a);
    uint64_t dsdt = build_dsdt(&a);
    uint64_t tables[ROOT_ENTRIES];
    unsigned count = 0;

    tables[count++] = build_fadt(&a, partition, facs, dsdt);
    tables[count++] = build_madt(&a, partition);
    if (partition->pci_ecam)
        tables[count++] = build_mcfg(&a);
    uint64_t rsdt = build_root(&a, "RSDT", 4, tables, count);
    uint64_t xsdt = build_root(&a, "XSDT", 8, tables, count);
    if (a.full || !partition->cpu_count)
        return 0;
    build_rsdp(rsdp, rsdt, xsdt);
    return a.used;
}
