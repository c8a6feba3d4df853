/* The xAPIC MMIO front end of the virtual local APIC (vapic_xapic.c), the
 * destinations a message names (vapic_names) and the EOI of level-triggered
 * vectors, which the I/O APIC waits for. */
#include <criterion/criterion.h>

#include "arch/x86_64/vplatform/vapic.h"

#define APIC_ID 3
#define NOW     1000

#define TPR         0x080
#define PPR         0x0a0
#define SVR         0x0f0
#define ISR0        0x100
#define TMR0        0x180
#define IRR0        0x200
#define ESR         0x280
#define LVT_TIMER   0x320
#define LVT_LINT0   0x350
#define INITIAL     0x380
#define CURRENT     0x390
#define DIVIDE      0x3e0
#define SELF_IPI    0x3f0
#define VERSION     0x030
#define ICR_LOGICAL (1u << 11)
#define ICR_ASSERT  (1u << 14)

static struct vapic apic;

static void setup(void)
{
    vapic_reset(&apic, APIC_ID);
}

TestSuite(vapic_xapic, .init = setup);

static uint32_t rd_at(uint32_t offset, uint64_t now)
{
    return vapic_mmio_read(&apic, offset, 4, now);
}

static uint32_t rd(uint32_t offset)
{
    return rd_at(offset, NOW);
}

static struct vapic_ipi wr_at(uint32_t offset, uint32_t value, uint64_t now)
{
    struct vapic_ipi ipi;
    vapic_mmio_write(&apic, offset, 4, value, now, &ipi);
    return ipi;
}

static struct vapic_ipi wr(uint32_t offset, uint32_t value)
{
    return wr_at(offset, value, NOW);
}

static void enable(void)
{
    wr(SVR, VAPIC_SVR_ENABLE | 0xff);
}

/* Linux's order: destination into the high half, then the low half sends. */
static struct vapic_ipi send(uint8_t destination, uint32_t low)
{
    cr_assert_eq(wr(VAPIC_MMIO_ICR_HIGH, (uint32_t)destination << 24).kind, VAPIC_IPI_NONE);
    return wr(VAPIC_MMIO_ICR_LOW, low);
}

/* ---- registers ------------------------------------------------------------ */

Test(vapic_xapic, id_sits_in_the_top_byte)
{
    cr_assert_eq(rd(VAPIC_MMIO_ID), (uint32_t)APIC_ID << 24);
    wr(VAPIC_MMIO_ID, 7u << 24);
    cr_assert_eq(rd(VAPIC_MMIO_ID), (uint32_t)APIC_ID << 24, "read-only here");
}

Test(vapic_xapic, version_and_reset_state)
{
    cr_assert_eq(rd(VERSION), 0x15 | (6u << 16));
    cr_assert_eq(rd(SVR), 0xff);
    cr_assert_eq(rd(LVT_TIMER), VAPIC_LVT_MASKED);
    cr_assert_eq(rd(VAPIC_MMIO_LDR), 0);
    cr_assert_eq(rd(VAPIC_MMIO_DFR), VAPIC_DFR_FLAT);
}

Test(vapic_xapic, ldr_and_dfr_keep_their_fields)
{
    wr(VAPIC_MMIO_LDR, 0x12345678);
    cr_assert_eq(rd(VAPIC_MMIO_LDR), 0x12000000);
    wr(VAPIC_MMIO_DFR, 0);
    cr_assert_eq(rd(VAPIC_MMIO_DFR), VAPIC_DFR_CLUSTER, "bits 0-27 read as ones");
}

Test(vapic_xapic, registers_shared_with_the_msr_front_end)
{
    uint64_t value;

    enable();
    wr(TPR, 0x20);
    cr_assert(vapic_read(&apic, VAPIC_MSR_TPR, NOW, &value));
    cr_assert_eq(value, 0x20);
    wr(LVT_LINT0, 0x700);
    cr_assert_eq(rd(LVT_LINT0), 0x700, "ExtINT, as firmware leaves LINT0");
    vapic_accept(&apic, 0x51);
    cr_assert_eq(rd(IRR0 + 0x10 * 2), 1u << (0x51 - 64));
    cr_assert_eq(rd(PPR), 0x20);
}

Test(vapic_xapic, reserved_bits_are_dropped_not_faulted)
{
    enable();
    wr(LVT_TIMER, 0x40 | (1u << 20));
    cr_assert_eq(rd(LVT_TIMER), 0x40);
    wr(TPR, 0x1ff);
    cr_assert_eq(rd(TPR), 0xff);
    wr(DIVIDE, 0xff);
    cr_assert_eq(rd(DIVIDE), 0xb);
}

Test(vapic_xapic, odd_accesses_reach_no_register)
{
    enable();
    wr(TPR, 0x30);
    cr_assert_eq(vapic_mmio_read(&apic, TPR, 2, NOW), 0, "16-bit");
    cr_assert_eq(vapic_mmio_read(&apic, TPR + 4, 4, NOW), 0, "not at a 16-byte stride");
    struct vapic_ipi ipi;
    vapic_mmio_write(&apic, TPR, 1, 0x10, NOW, &ipi);
    vapic_mmio_write(&apic, TPR + 8, 4, 0x10, NOW, &ipi);
    cr_assert_eq(rd(TPR), 0x30);
}

Test(vapic_xapic, self_ipi_register_is_x2apic_only)
{
    enable();
    cr_assert_eq(wr(SELF_IPI, 0x40).kind, VAPIC_IPI_NONE);
    cr_assert_eq(rd(SELF_IPI), 0);
}

/* ---- EOI and ESR ---------------------------------------------------------- */

Test(vapic_xapic, any_eoi_value_retires_the_vector)
{
    enable();
    vapic_accept(&apic, 0x60);
    vapic_deliver(&apic, 0x60);
    cr_assert_eq(rd(ISR0 + 0x10 * 3), 1u);
    wr(VAPIC_MMIO_EOI, 0x1234);
    cr_assert_eq(rd(ISR0 + 0x10 * 3), 0);
    cr_assert_eq(vapic_take_level_eoi(&apic), -1, "an edge vector goes nowhere else");
}

Test(vapic_xapic, level_eoi_is_reported_once)
{
    enable();
    vapic_accept_level(&apic, 0x61);
    cr_assert_eq(rd(TMR0 + 0x10 * 3), 2u);
    vapic_deliver(&apic, 0x61);
    wr(VAPIC_MMIO_EOI, 0);
    cr_assert_eq(vapic_take_level_eoi(&apic), 0x61);
    cr_assert_eq(vapic_take_level_eoi(&apic), -1);
}

Test(vapic_xapic, level_eoi_through_the_msr_too)
{
    struct vapic_ipi ipi;

    enable();
    vapic_accept_level(&apic, 0x90);
    vapic_deliver(&apic, 0x90);
    cr_assert(vapic_write(&apic, VAPIC_MSR_EOI, 0, NOW, &ipi));
    cr_assert_eq(vapic_take_level_eoi(&apic), 0x90);
}

Test(vapic_xapic, esr_takes_any_write)
{
    enable();
    vapic_accept(&apic, 2);
    wr(ESR, 0x55);
    cr_assert_eq(rd(ESR), VAPIC_ESR_RECEIVE_ILLEGAL_VECTOR);
}

/* ---- ICR ------------------------------------------------------------------ */

Test(vapic_xapic, icr_halves_send_a_physical_fixed_ipi)
{
    struct vapic_ipi ipi = send(2, ICR_ASSERT | 0x41);
    cr_assert_eq(ipi.kind, VAPIC_IPI_FIXED);
    cr_assert_eq(ipi.shorthand, VAPIC_DEST_FIELD);
    cr_assert_eq(ipi.destination, 2);
    cr_assert_eq(ipi.vector, 0x41);
    cr_assert_not(ipi.logical);
    cr_assert_eq(rd(VAPIC_MMIO_ICR_LOW), ICR_ASSERT | 0x41, "delivery status idle");
    cr_assert_eq(rd(VAPIC_MMIO_ICR_HIGH), 2u << 24);
}

Test(vapic_xapic, icr_high_keeps_only_the_destination)
{
    wr(VAPIC_MMIO_ICR_HIGH, 0xffffffff);
    cr_assert_eq(rd(VAPIC_MMIO_ICR_HIGH), 0xff000000);
}

Test(vapic_xapic, icr_writes_of_the_high_half_send_nothing)
{
    wr(VAPIC_MMIO_ICR_LOW, 0x4000 | 0x40);
    cr_assert_eq(wr(VAPIC_MMIO_ICR_HIGH, 1u << 24).kind, VAPIC_IPI_NONE);
}

Test(vapic_xapic, icr_all_ones_destination_is_a_broadcast)
{
    cr_assert_eq(send(0xff, 0x42).destination, VAPIC_BROADCAST_ID);
    cr_assert_eq(send(0xff, ICR_LOGICAL | 0x42).destination, VAPIC_BROADCAST_ID);
}

Test(vapic_xapic, icr_logical_flat_mask)
{
    struct vapic_ipi ipi = send(0x0c, ICR_LOGICAL | 0x43);
    cr_assert(ipi.logical);
    cr_assert_eq(ipi.destination, 0x0c);
}

Test(vapic_xapic, icr_shorthands_and_special_modes)
{
    struct vapic_ipi ipi = send(0, (1u << 18) | 0x44);
    cr_assert_eq(ipi.shorthand, VAPIC_DEST_SELF);
    cr_assert_eq(ipi.destination, APIC_ID);
    ipi = send(0, (3u << 18) | (4u << 8));
    cr_assert_eq(ipi.kind, VAPIC_IPI_NMI);
    cr_assert_eq(ipi.shorthand, VAPIC_DEST_ALL_EXCLUDING_SELF);
    ipi = send(0, (2u << 18) | 0x45);
    cr_assert_eq(ipi.shorthand, VAPIC_DEST_ALL_INCLUDING_SELF);
}

/* Linux's wakeup_secondary_cpu_via_init: INIT assert, INIT de-assert, then
 * two start-ups, all to the AP's physical ID. */
Test(vapic_xapic, init_sipi_sequence)
{
    cr_assert_eq(send(1, (1u << 15) | ICR_ASSERT | (5u << 8)).kind, VAPIC_IPI_INIT);
    cr_assert_eq(send(1, (1u << 15) | (5u << 8)).kind, VAPIC_IPI_NONE, "de-assert");
    struct vapic_ipi ipi = send(1, (6u << 8) | 0x9a);
    cr_assert_eq(ipi.kind, VAPIC_IPI_STARTUP);
    cr_assert_eq(ipi.destination, 1);
    cr_assert_eq(ipi.vector, 0x9a);
}

/* ---- timer through the page ----------------------------------------------- */

Test(vapic_xapic, one_shot_timer)
{
    enable();
    wr(DIVIDE, 0xb); /* divide by 1 */
    wr(LVT_TIMER, 0x30);
    wr_at(INITIAL, 100, NOW);
    cr_assert_eq(rd_at(CURRENT, NOW + 40), 60);
    cr_assert_eq(vapic_timer_deadline(&apic), NOW + 100);
    vapic_timer_tick(&apic, NOW + 100);
    cr_assert_eq(vapic_pending(&apic), 0x30);
    cr_assert_eq(vapic_timer_deadline(&apic), 0);
}

Test(vapic_xapic, periodic_timer)
{
    enable();
    wr(DIVIDE, 0); /* divide by 2 */
    wr(LVT_TIMER, VAPIC_TIMER_PERIOD | 0x31);
    wr_at(INITIAL, 50, NOW);
    vapic_timer_tick(&apic, NOW + 100);
    cr_assert_eq(vapic_timer_deadline(&apic), NOW + 200);
}

Test(vapic_xapic, tsc_deadline_timer)
{
    enable();
    wr(LVT_TIMER, VAPIC_TIMER_TSC | 0x32);
    cr_assert(vapic_write_tsc_deadline(&apic, NOW + 5));
    cr_assert_eq(vapic_timer_deadline(&apic), NOW + 5);
    wr(INITIAL, 100);
    cr_assert_eq(rd(INITIAL), 0, "ignored in TSC-deadline mode");
}

/* ---- destinations --------------------------------------------------------- */

Test(vapic_xapic, physical_destinations)
{
    cr_assert(vapic_names(&apic, APIC_ID, false));
    cr_assert_not(vapic_names(&apic, APIC_ID + 1, false));
    cr_assert(vapic_names(&apic, VAPIC_BROADCAST_ID, false));
    cr_assert(vapic_names(&apic, VAPIC_BROADCAST_ID, true));
}

Test(vapic_xapic, logical_flat_destinations)
{
    wr(VAPIC_MMIO_LDR, 1u << (24 + APIC_ID));
    cr_assert(vapic_names(&apic, 1u << APIC_ID, true));
    cr_assert(vapic_names(&apic, 0x0f, true));
    cr_assert_not(vapic_names(&apic, 0x07, true));
    cr_assert_not(vapic_names(&apic, 0, true));
}

Test(vapic_xapic, logical_cluster_destinations)
{
    wr(VAPIC_MMIO_DFR, 0);
    wr(VAPIC_MMIO_LDR, 0x24u << 24); /* cluster 2, member bit 2 */
    cr_assert(vapic_names(&apic, 0x24, true));
    cr_assert(vapic_names(&apic, 0x2f, true));
    cr_assert_not(vapic_names(&apic, 0x34, true), "another cluster");
    cr_assert_not(vapic_names(&apic, 0x21, true), "another member");
}

Test(vapic_xapic, x2apic_logical_destinations)
{
    vapic_reset(&apic, 0x23); /* cluster 2, bit 3 */
    vapic_set_x2apic(&apic, true);
    cr_assert(vapic_names(&apic, (2u << 16) | 0x8, true));
    cr_assert(vapic_names(&apic, (2u << 16) | 0xffff, true));
    cr_assert_not(vapic_names(&apic, (1u << 16) | 0x8, true));
    cr_assert_not(vapic_names(&apic, (2u << 16) | 0x4, true));
    uint64_t ldr;
    cr_assert(vapic_read(&apic, VAPIC_MSR_LDR, NOW, &ldr));
    cr_assert_eq(ldr, (2u << 16) | 0x8);
}

/* ---- IA32_APIC_BASE --------------------------------------------------------- */

#define BASE_XAPIC    0xfee00900ull /* enabled, BSP */
#define BASE_X2APIC   (BASE_XAPIC | (1ull << 10))
#define BASE_DISABLED (BASE_XAPIC & ~(1ull << 11))

static uint64_t apic_base;

static bool set_base(uint64_t value)
{
    return vapic_write_apic_base(&apic, &apic_base, value);
}

Test(vapic_xapic, apic_base_to_x2apic_and_back_only_through_disabled)
{
    apic_base = BASE_XAPIC;
    cr_assert(set_base(BASE_X2APIC));
    cr_assert(apic.x2apic);
    cr_assert(set_base(BASE_X2APIC), "the same value again");
    cr_assert_not(set_base(BASE_XAPIC), "x2APIC to xAPIC");
    cr_assert_eq(apic_base, BASE_X2APIC);
    cr_assert(set_base(BASE_DISABLED));
    cr_assert_not(apic.x2apic);
    cr_assert_not(set_base(BASE_X2APIC), "disabled to x2APIC");
    cr_assert(set_base(BASE_XAPIC));
    cr_assert_eq(apic_base, BASE_XAPIC);
}

Test(vapic_xapic, apic_base_refuses_invalid_and_moves)
{
    apic_base = BASE_XAPIC;
    cr_assert_not(set_base(BASE_DISABLED | (1ull << 10)), "EXTD without EN");
    cr_assert_not(set_base(0xfed00900ull), "another page");
    cr_assert_not(set_base(BASE_XAPIC & ~0x100ull), "the BSP flag");
    cr_assert_not(set_base(BASE_XAPIC | 1), "a reserved bit");
    cr_assert_eq(apic_base, BASE_XAPIC);
}

Test(vapic_xapic, disabling_resets_the_registers)
{
    apic_base = BASE_XAPIC;
    enable();
    wr(TPR, 0x40);
    cr_assert(set_base(BASE_DISABLED));
    cr_assert(set_base(BASE_XAPIC));
    cr_assert_eq(rd(TPR), 0);
    cr_assert_eq(rd(SVR), 0xff);
    cr_assert_eq(rd(VAPIC_MMIO_ID), (uint32_t)APIC_ID << 24);
}
