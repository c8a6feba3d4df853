/* The virtual I/O APIC (arch/x86_64/vplatform/vioapic.c): its registers as
 * a guest's driver programs them, its pins as device models drive them, and
 * MSI messages. */
#include <criterion/criterion.h>

#include "arch/x86_64/vplatform/vioapic.h"

#define IOAPIC_ID 2
#define MAX_SENT  8

static struct vioapic io;
static struct vapic_ipi sent[MAX_SENT];
static unsigned sent_count;

static void record(void *context, const struct vapic_ipi *message)
{
    (void)context;
    cr_assert_lt(sent_count, MAX_SENT);
    sent[sent_count++] = *message;
}

static const struct vioapic_sink sink = {record, 0};

static void setup(void)
{
    vioapic_reset(&io, IOAPIC_ID);
    sent_count = 0;
}

TestSuite(vioapic, .init = setup);

static uint32_t rd(uint32_t reg)
{
    vioapic_mmio_write(&io, VIOAPIC_IOREGSEL, 4, reg, &sink);
    return vioapic_mmio_read(&io, VIOAPIC_IOWIN, 4);
}

static void wr(uint32_t reg, uint32_t value)
{
    vioapic_mmio_write(&io, VIOAPIC_IOREGSEL, 4, reg, &sink);
    vioapic_mmio_write(&io, VIOAPIC_IOWIN, 4, value, &sink);
}

/* As Linux does: the high half (destination) first, then the low half. */
static void program(unsigned pin, uint8_t destination, uint32_t low)
{
    wr(VIOAPIC_REG_REDIRECTION + 2 * pin + 1, (uint32_t)destination << 24);
    wr(VIOAPIC_REG_REDIRECTION + 2 * pin, low);
}

static uint64_t entry(unsigned pin)
{
    return rd(VIOAPIC_REG_REDIRECTION + 2 * pin) |
           (uint64_t)rd(VIOAPIC_REG_REDIRECTION + 2 * pin + 1) << 32;
}

static void line(unsigned pin, bool asserted)
{
    vioapic_set_line(&io, pin, asserted, &sink);
}

/* ---- registers ------------------------------------------------------------ */

Test(vioapic, identification_registers)
{
    cr_assert_eq(rd(VIOAPIC_REG_ID), IOAPIC_ID << 24);
    cr_assert_eq(rd(VIOAPIC_REG_VERSION), 0x00170011, "version 0x11, entries 0-23");
    cr_assert_eq(rd(VIOAPIC_REG_ARBITRATION), IOAPIC_ID << 24);
    wr(VIOAPIC_REG_ID, 0xffffffff);
    cr_assert_eq(rd(VIOAPIC_REG_ID), 0x0f000000, "bits 24-27 only");
    wr(VIOAPIC_REG_VERSION, 0);
    cr_assert_eq(rd(VIOAPIC_REG_VERSION), 0x00170011, "read-only");
    cr_assert_eq(rd(0x03), 0, "absent");
    cr_assert_eq(rd(VIOAPIC_REG_REDIRECTION + 48), 0, "past entry 23");
}

Test(vioapic, ioregsel_reads_back)
{
    vioapic_mmio_write(&io, VIOAPIC_IOREGSEL, 4, 0x12, &sink);
    cr_assert_eq(vioapic_mmio_read(&io, VIOAPIC_IOREGSEL, 4), 0x12);
}

Test(vioapic, odd_accesses_reach_no_register)
{
    cr_assert_eq(vioapic_mmio_read(&io, 0x20, 4), 0);
    cr_assert_eq(vioapic_mmio_read(&io, VIOAPIC_IOWIN, 2), 0);
    vioapic_mmio_write(&io, VIOAPIC_IOREGSEL, 4, VIOAPIC_REG_ID, &sink);
    vioapic_mmio_write(&io, VIOAPIC_IOWIN, 1, 0x0f000000, &sink);
    vioapic_mmio_write(&io, 0x40, 4, 0x0f000000, &sink); /* no directed EOI register */
    cr_assert_eq(rd(VIOAPIC_REG_ID), IOAPIC_ID << 24);
}

Test(vioapic, entries_reset_masked)
{
    for (unsigned pin = 0; pin < VIOAPIC_PINS; pin++)
        cr_assert_eq(entry(pin), VIOAPIC_MASKED);
}

Test(vioapic, entries_keep_their_writable_fields)
{
    program(5, 0xab, 0xffffffff);
    cr_assert_eq(entry(5), 0xab00000000000000ull | 0x1afff, "no delivery status or Remote IRR");
    wr(VIOAPIC_REG_REDIRECTION + 2 * 5 + 1, 0x00ffffff);
    cr_assert_eq(entry(5) >> 32, 0, "only bits 56-63 of the high half");
}

/* ---- edge pins ------------------------------------------------------------ */

Test(vioapic, edge_pin_sends_its_vector_on_a_rising_edge)
{
    program(4, 1, 0x34); /* fixed, physical, edge, unmasked */
    line(4, true);
    cr_assert_eq(sent_count, 1);
    cr_assert_eq(sent[0].kind, VAPIC_IPI_FIXED);
    cr_assert_eq(sent[0].vector, 0x34);
    cr_assert_eq(sent[0].destination, 1);
    cr_assert_not(sent[0].logical);
    cr_assert_not(sent[0].level);
    line(4, true);
    cr_assert_eq(sent_count, 1, "no edge while it stays asserted");
    line(4, false);
    line(4, true);
    cr_assert_eq(sent_count, 2);
}

Test(vioapic, edge_while_masked_is_lost)
{
    program(4, 0, VIOAPIC_MASKED | 0x34);
    line(4, true);
    program(4, 0, 0x34);
    cr_assert_eq(sent_count, 0);
}

Test(vioapic, logical_lowest_priority_and_broadcast)
{
    program(3, 0x03, VIOAPIC_LOGICAL | (VIOAPIC_LOWEST_PRIORITY << 8) | 0x33);
    line(3, true);
    cr_assert(sent[0].logical);
    cr_assert(sent[0].lowest_priority);
    cr_assert_eq(sent[0].destination, 0x03);
    program(6, 0xff, 0x36);
    line(6, true);
    cr_assert_eq(sent[1].destination, VAPIC_BROADCAST_ID);
}

Test(vioapic, nmi_init_and_extint_modes)
{
    program(7, 0, (VIOAPIC_NMI << 8) | 0x99);
    line(7, true);
    cr_assert_eq(sent[0].kind, VAPIC_IPI_NMI);
    cr_assert_eq(sent[0].vector, 0);
    program(8, 0, VIOAPIC_INIT << 8);
    line(8, true);
    cr_assert_eq(sent[1].kind, VAPIC_IPI_INIT);
    program(0, 0, VIOAPIC_EXTINT << 8);
    line(0, true);
    program(9, 0, VIOAPIC_SMI << 8);
    line(9, true);
    cr_assert_eq(sent_count, 2, "ExtINT and SMI send nothing");
}

Test(vioapic, pins_past_23_do_nothing)
{
    line(24, true);
    line(100, true);
    cr_assert_eq(sent_count, 0);
}

/* ---- level pins ----------------------------------------------------------- */

Test(vioapic, level_pin_waits_for_the_eoi)
{
    program(9, 0, VIOAPIC_LEVEL | VIOAPIC_ACTIVE_LOW | 0x49);
    line(9, true);
    cr_assert_eq(sent_count, 1);
    cr_assert(sent[0].level);
    cr_assert(entry(9) & VIOAPIC_REMOTE_IRR);
    line(9, false);
    line(9, true);
    cr_assert_eq(sent_count, 1, "Remote IRR holds it");
    vioapic_eoi(&io, 0x48, &sink);
    cr_assert(entry(9) & VIOAPIC_REMOTE_IRR, "another vector's EOI");
    vioapic_eoi(&io, 0x49, &sink);
    cr_assert_eq(sent_count, 2, "still asserted: it interrupts again");
    line(9, false);
    vioapic_eoi(&io, 0x49, &sink);
    cr_assert_eq(sent_count, 2);
    cr_assert_not(entry(9) & VIOAPIC_REMOTE_IRR);
}

Test(vioapic, level_pin_unmasked_while_asserted_sends)
{
    program(10, 0, VIOAPIC_MASKED | VIOAPIC_LEVEL | 0x4a);
    line(10, true);
    cr_assert_eq(sent_count, 0);
    program(10, 0, VIOAPIC_LEVEL | 0x4a);
    cr_assert_eq(sent_count, 1);
    program(10, 0, VIOAPIC_LEVEL | 0x4a);
    cr_assert_eq(sent_count, 1, "Remote IRR survives a rewrite");
}

Test(vioapic, switching_to_edge_forgets_remote_irr)
{
    program(11, 0, VIOAPIC_LEVEL | 0x4b);
    line(11, true);
    program(11, 0, 0x4b);
    cr_assert_not(entry(11) & VIOAPIC_REMOTE_IRR);
}

Test(vioapic, one_eoi_serves_pins_that_share_a_vector)
{
    program(16, 0, VIOAPIC_LEVEL | 0x50);
    program(17, 0, VIOAPIC_LEVEL | 0x50);
    line(16, true);
    line(17, true);
    line(16, false);
    vioapic_eoi(&io, 0x50, &sink);
    cr_assert_eq(sent_count, 3, "pin 17 again, not 16");
    cr_assert_not(entry(16) & VIOAPIC_REMOTE_IRR);
    cr_assert(entry(17) & VIOAPIC_REMOTE_IRR);
}

/* ---- MSI -------------------------------------------------------------------- */

Test(vioapic, msi_fixed_physical)
{
    struct vapic_ipi m;
    cr_assert(vioapic_msi_message(0xfee01000, 0x0041, &m));
    cr_assert_eq(m.kind, VAPIC_IPI_FIXED);
    cr_assert_eq(m.vector, 0x41);
    cr_assert_eq(m.destination, 1);
    cr_assert_not(m.logical);
    cr_assert_not(m.level);
}

Test(vioapic, msi_logical_lowest_priority_nmi_init)
{
    struct vapic_ipi m;
    cr_assert(vioapic_msi_message(0xfee03000 | 0xc, 0x4142, &m), "hint and logical, level bit");
    cr_assert(m.logical);
    cr_assert(m.lowest_priority);
    cr_assert_eq(m.destination, 3);
    cr_assert(vioapic_msi_message(0xfeeff000, 0x0400, &m));
    cr_assert_eq(m.kind, VAPIC_IPI_NMI);
    cr_assert_eq(m.destination, VAPIC_BROADCAST_ID);
    cr_assert(vioapic_msi_message(0xfee00000, 0x0500, &m));
    cr_assert_eq(m.kind, VAPIC_IPI_INIT);
}

Test(vioapic, msi_refuses_what_is_no_message)
{
    struct vapic_ipi m;
    cr_assert_not(vioapic_msi_message(0xfed00000, 0x41, &m), "not 0xFEExxxxx");
    cr_assert_not(vioapic_msi_message(0x1fee00000ull, 0x41, &m), "upper address");
    cr_assert_not(vioapic_msi_message(0xfee00010, 0x41, &m), "reserved address bit");
    cr_assert_not(vioapic_msi_message(0xfee00000, 0x0f, &m), "vector below 16");
    cr_assert_not(vioapic_msi_message(0xfee00000, 0x8041, &m), "level-triggered");
    cr_assert_not(vioapic_msi_message(0xfee00000, 0x10041, &m), "reserved data bit");
    cr_assert_not(vioapic_msi_message(0xfee00000, 0x0241, &m), "SMI");
    cr_assert_not(vioapic_msi_message(0xfee00000, 0x0641, &m), "start-up");
    cr_assert_not(vioapic_msi_message(0xfee00000, 0x0741, &m), "ExtINT");
}
