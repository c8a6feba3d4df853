#include <criterion/criterion.h>
#include <pthread.h>

#include "arch/x86_64/vplatform/vapic.h"

#define APIC_ID 0x35
#define NOW     1000

static struct vapic apic;

static void setup(void)
{
    vapic_reset(&apic, APIC_ID);
}

TestSuite(vapic, .init = setup);

static uint64_t rd(uint32_t msr)
{
    uint64_t value = 0xdeadbeef;
    cr_assert(vapic_read(&apic, msr, NOW, &value), "read of %#x faulted", msr);
    return value;
}

static uint64_t rd_at(uint32_t msr, uint64_t now)
{
    uint64_t value = 0;
    cr_assert(vapic_read(&apic, msr, now, &value), "read of %#x faulted", msr);
    return value;
}

static struct vapic_ipi wr_at(uint32_t msr, uint64_t value, uint64_t now)
{
    struct vapic_ipi ipi;
    cr_assert(vapic_write(&apic, msr, value, now, &ipi), "write of %#llx to %#x faulted",
              (unsigned long long)value, msr);
    return ipi;
}

static struct vapic_ipi wr(uint32_t msr, uint64_t value)
{
    return wr_at(msr, value, NOW);
}

static bool write_faults(uint32_t msr, uint64_t value)
{
    struct vapic_ipi ipi;
    return !vapic_write(&apic, msr, value, NOW, &ipi);
}

static bool read_faults(uint32_t msr)
{
    uint64_t value;
    return !vapic_read(&apic, msr, NOW, &value);
}

static void enable(void)
{
    wr(VAPIC_MSR_SVR, VAPIC_SVR_ENABLE | 0xff);
}

static bool in_map(uint32_t first_msr, uint8_t vector)
{
    return rd(first_msr + vector / 32) & (1u << (vector % 32));
}

/* Latches and returns the errors seen since the last ESR write. */
static uint32_t errors(void)
{
    wr(VAPIC_MSR_ESR, 0);
    return (uint32_t)rd(VAPIC_MSR_ESR);
}

/* ---- reset and register access ------------------------------------------ */

Test(vapic, reset_state)
{
    cr_assert_eq(rd(VAPIC_MSR_ID), APIC_ID);
    cr_assert_eq(rd(VAPIC_MSR_VERSION), 0x15 | (6u << 16), "7 LVT entries, no EOI suppression");
    cr_assert_eq(rd(VAPIC_MSR_TPR), 0);
    cr_assert_eq(rd(VAPIC_MSR_PPR), 0);
    cr_assert_eq(rd(VAPIC_MSR_SVR), 0xff);
    cr_assert_eq(rd(VAPIC_MSR_ESR), 0);
    cr_assert_eq(rd(VAPIC_MSR_ICR), 0);
    cr_assert_eq(rd(VAPIC_MSR_TIMER_INITIAL), 0);
    cr_assert_eq(rd(VAPIC_MSR_TIMER_CURRENT), 0);
    cr_assert_eq(rd(VAPIC_MSR_TIMER_DIVIDE), 0);
    uint32_t lvts[] = {VAPIC_MSR_LVT_CMCI, VAPIC_MSR_LVT_TIMER, VAPIC_MSR_LVT_THERMAL,
                       VAPIC_MSR_LVT_PERF, VAPIC_MSR_LVT_LINT0, VAPIC_MSR_LVT_LINT1,
                       VAPIC_MSR_LVT_ERROR};
    for (unsigned i = 0; i < sizeof(lvts) / sizeof(lvts[0]); i++)
        cr_assert_eq(rd(lvts[i]), VAPIC_LVT_MASKED, "LVT %#x", lvts[i]);
    for (uint32_t i = 0; i < 8; i++) {
        cr_assert_eq(rd(VAPIC_MSR_ISR0 + i), 0);
        cr_assert_eq(rd(VAPIC_MSR_TMR0 + i), 0);
        cr_assert_eq(rd(VAPIC_MSR_IRR0 + i), 0);
    }
    cr_assert_eq(vapic_timer_deadline(&apic), 0);
    cr_assert_eq(vapic_read_tsc_deadline(&apic), 0);
    cr_assert_eq(vapic_pending(&apic), -1);
}

Test(vapic, reset_clears_a_used_apic)
{
    enable();
    vapic_accept(&apic, 0x40);
    wr(VAPIC_MSR_TPR, 0x20);
    wr(VAPIC_MSR_TIMER_INITIAL, 100);
    vapic_reset(&apic, 7);
    cr_assert_eq(rd(VAPIC_MSR_ID), 7);
    cr_assert_eq(rd(VAPIC_MSR_SVR), 0xff);
    cr_assert_eq(rd(VAPIC_MSR_IRR0 + 2), 0);
    cr_assert_eq(rd(VAPIC_MSR_TPR), 0);
    cr_assert_eq(vapic_timer_deadline(&apic), 0);
}

Test(vapic, logical_id_is_derived_from_the_id)
{
    cr_assert_eq(rd(VAPIC_MSR_LDR), (3u << 16) | (1u << 5));
    vapic_reset(&apic, 0x10f);
    cr_assert_eq(rd(VAPIC_MSR_LDR), (0x10u << 16) | (1u << 15));
}

Test(vapic, read_only_registers_fault_on_write)
{
    uint32_t read_only[] = {VAPIC_MSR_ID,       VAPIC_MSR_VERSION,       VAPIC_MSR_PPR,
                            VAPIC_MSR_LDR,      VAPIC_MSR_TIMER_CURRENT, VAPIC_MSR_ISR0,
                            VAPIC_MSR_ISR0 + 7, VAPIC_MSR_TMR0 + 3,      VAPIC_MSR_IRR0,
                            VAPIC_MSR_IRR0 + 7};
    for (unsigned i = 0; i < sizeof(read_only) / sizeof(read_only[0]); i++)
        cr_assert(write_faults(read_only[i], 0), "write to %#x", read_only[i]);
    cr_assert_eq(rd(VAPIC_MSR_ID), APIC_ID);
}

Test(vapic, absent_registers_fault)
{
    /* 0x80e is the xAPIC DFR and 0x831 the ICR high half: neither exists in
     * x2APIC mode. */
    uint32_t absent[] = {0x800, 0x801, 0x804, 0x809, 0x80c, 0x80e, 0x829,
                         0x82e, 0x831, 0x83a, 0x83d, 0x840, 0x8ff};
    for (unsigned i = 0; i < sizeof(absent) / sizeof(absent[0]); i++) {
        cr_assert(read_faults(absent[i]), "read of %#x", absent[i]);
        cr_assert(write_faults(absent[i], 0), "write to %#x", absent[i]);
    }
}

Test(vapic, write_only_registers_fault_on_read)
{
    cr_assert(read_faults(VAPIC_MSR_EOI));
    cr_assert(read_faults(VAPIC_MSR_SELF_IPI));
}

Test(vapic, reserved_bits_fault)
{
    cr_assert(write_faults(VAPIC_MSR_TPR, 0x100));
    cr_assert(write_faults(VAPIC_MSR_TPR, 1ull << 32), "upper half is reserved");
    cr_assert(write_faults(VAPIC_MSR_SVR, 0x1ff | (1u << 12)), "no EOI-broadcast suppression");
    cr_assert(write_faults(VAPIC_MSR_EOI, 1));
    cr_assert(write_faults(VAPIC_MSR_ESR, 0x40));
    cr_assert(write_faults(VAPIC_MSR_TIMER_DIVIDE, 4));
    cr_assert(write_faults(VAPIC_MSR_TIMER_INITIAL, 1ull << 32));
    cr_assert(write_faults(VAPIC_MSR_LVT_TIMER, 1u << 19));
    cr_assert(write_faults(VAPIC_MSR_LVT_ERROR, 0x100), "the error LVT has no delivery mode");
    cr_assert(write_faults(VAPIC_MSR_LVT_THERMAL, 1u << 15), "no trigger mode");
    cr_assert(write_faults(VAPIC_MSR_LVT_LINT0, 1u << 17));
    cr_assert(write_faults(VAPIC_MSR_SELF_IPI, 0x140));
    cr_assert(write_faults(VAPIC_MSR_ICR, 0x40 | (1u << 13)));
    cr_assert(write_faults(VAPIC_MSR_ICR, 0x40 | (1u << 16)));
    cr_assert(write_faults(VAPIC_MSR_ICR, 0x40 | (1u << 20)));
    /* Nothing changed. */
    cr_assert_eq(rd(VAPIC_MSR_TPR), 0);
    cr_assert_eq(rd(VAPIC_MSR_SVR), 0xff);
    cr_assert_eq(rd(VAPIC_MSR_ICR), 0);
    cr_assert_eq(rd(VAPIC_MSR_LVT_LINT0), VAPIC_LVT_MASKED);
}

Test(vapic, writable_registers_read_back)
{
    enable();
    wr(VAPIC_MSR_TPR, 0x5a);
    cr_assert_eq(rd(VAPIC_MSR_TPR), 0x5a);
    wr(VAPIC_MSR_SVR, 0x3ff);
    cr_assert_eq(rd(VAPIC_MSR_SVR), 0x3ff, "focus-checking bit is accepted");
    wr(VAPIC_MSR_TIMER_DIVIDE, 0xb);
    cr_assert_eq(rd(VAPIC_MSR_TIMER_DIVIDE), 0xb);
    wr(VAPIC_MSR_LVT_LINT0, 0x700 | (1u << 13) | (1u << 15) | 0x21);
    cr_assert_eq(rd(VAPIC_MSR_LVT_LINT0), 0x700 | (1u << 13) | (1u << 15) | 0x21);
    wr(VAPIC_MSR_LVT_CMCI, 0x400 | 0x22);
    cr_assert_eq(rd(VAPIC_MSR_LVT_CMCI), 0x422);
    wr(VAPIC_MSR_LVT_TIMER, VAPIC_TIMER_PERIOD | 0x30);
    cr_assert_eq(rd(VAPIC_MSR_LVT_TIMER), VAPIC_TIMER_PERIOD | 0x30);
}

Test(vapic, lvt_status_bits_are_read_only)
{
    enable();
    /* Delivery status (12) and remote IRR (14) are ignored, not reserved. */
    wr(VAPIC_MSR_LVT_LINT1, (1u << 12) | (1u << 14) | 0x31);
    cr_assert_eq(rd(VAPIC_MSR_LVT_LINT1), 0x31);
}

Test(vapic, lvt_stays_masked_while_software_disabled)
{
    wr(VAPIC_MSR_LVT_ERROR, 0x33);
    cr_assert_eq(rd(VAPIC_MSR_LVT_ERROR), VAPIC_LVT_MASKED | 0x33);
    enable();
    wr(VAPIC_MSR_LVT_ERROR, 0x33);
    wr(VAPIC_MSR_LVT_PERF, 0x34);
    cr_assert_eq(rd(VAPIC_MSR_LVT_ERROR), 0x33);
    wr(VAPIC_MSR_SVR, 0xff);
    cr_assert_eq(rd(VAPIC_MSR_LVT_ERROR), VAPIC_LVT_MASKED | 0x33);
    cr_assert_eq(rd(VAPIC_MSR_LVT_PERF), VAPIC_LVT_MASKED | 0x34);
}

/* ---- priority, pending, EOI ---------------------------------------------- */

Test(vapic, pending_picks_the_highest_vector)
{
    enable();
    vapic_accept(&apic, 0x41);
    vapic_accept(&apic, 0xe3);
    vapic_accept(&apic, 0x72);
    cr_assert_eq(vapic_pending(&apic), 0xe3);
    cr_assert(in_map(VAPIC_MSR_IRR0, 0x41) && in_map(VAPIC_MSR_IRR0, 0x72));
}

Test(vapic, tpr_holds_back_its_class_and_below)
{
    enable();
    vapic_accept(&apic, 0x45);
    wr(VAPIC_MSR_TPR, 0x40);
    cr_assert_eq(vapic_pending(&apic), -1, "same class as TPR is blocked");
    cr_assert_eq(rd(VAPIC_MSR_PPR), 0x40);
    wr(VAPIC_MSR_TPR, 0x3f);
    cr_assert_eq(vapic_pending(&apic), 0x45);
    wr(VAPIC_MSR_TPR, 0xff);
    cr_assert_eq(vapic_pending(&apic), -1);
}

Test(vapic, in_service_vector_blocks_its_class)
{
    enable();
    vapic_accept(&apic, 0x50);
    vapic_deliver(&apic, 0x50);
    cr_assert(in_map(VAPIC_MSR_ISR0, 0x50));
    cr_assert_not(in_map(VAPIC_MSR_IRR0, 0x50));
    cr_assert_eq(rd(VAPIC_MSR_PPR), 0x50);
    vapic_accept(&apic, 0x5f);
    cr_assert_eq(vapic_pending(&apic), -1, "same class as the one in service");
    vapic_accept(&apic, 0x61);
    cr_assert_eq(vapic_pending(&apic), 0x61, "a higher class nests");
    vapic_deliver(&apic, 0x61);
    cr_assert_eq(rd(VAPIC_MSR_PPR), 0x60);
    wr(VAPIC_MSR_EOI, 0);
    cr_assert_not(in_map(VAPIC_MSR_ISR0, 0x61), "EOI retires the nested one first");
    cr_assert(in_map(VAPIC_MSR_ISR0, 0x50));
    cr_assert_eq(vapic_pending(&apic), -1);
    wr(VAPIC_MSR_EOI, 0);
    cr_assert_eq(vapic_pending(&apic), 0x5f);
    cr_assert_eq(rd(VAPIC_MSR_PPR), 0);
}

Test(vapic, ppr_takes_tpr_when_higher)
{
    enable();
    vapic_accept(&apic, 0x30);
    vapic_deliver(&apic, 0x30);
    wr(VAPIC_MSR_TPR, 0x47);
    cr_assert_eq(rd(VAPIC_MSR_PPR), 0x47);
    wr(VAPIC_MSR_TPR, 0x27);
    cr_assert_eq(rd(VAPIC_MSR_PPR), 0x30);
}

Test(vapic, nothing_pending_while_software_disabled)
{
    vapic_accept(&apic, 0x80);
    cr_assert_eq(vapic_pending(&apic), -1);
    cr_assert(in_map(VAPIC_MSR_IRR0, 0x80), "IRR keeps accumulating");
    enable();
    cr_assert_eq(vapic_pending(&apic), 0x80);
}

/* A second request for a vector still in IRR merges with the first, and says
 * so: the sender does not need to kick the vCPU again. */
Test(vapic, accept_says_whether_the_vector_was_new)
{
    enable();
    cr_assert(vapic_accept(&apic, 0x51));
    cr_assert_not(vapic_accept(&apic, 0x51));
    cr_assert(vapic_accept(&apic, 0x52));
    vapic_deliver(&apic, 0x51);
    cr_assert(vapic_accept(&apic, 0x51), "in service, no longer requested");
    cr_assert_not(vapic_accept(&apic, 0x05), "an illegal vector is never pending");
}

Test(vapic, eoi_retires_in_priority_order)
{
    enable();
    uint8_t vectors[] = {0x20, 0x90, 0x41};
    for (int i = 0; i < 3; i++) {
        vapic_accept(&apic, vectors[i]);
        vapic_deliver(&apic, vectors[i]);
    }
    wr(VAPIC_MSR_EOI, 0);
    cr_assert_not(in_map(VAPIC_MSR_ISR0, 0x90));
    cr_assert(in_map(VAPIC_MSR_ISR0, 0x41));
    wr(VAPIC_MSR_EOI, 0);
    cr_assert_not(in_map(VAPIC_MSR_ISR0, 0x41));
    cr_assert(in_map(VAPIC_MSR_ISR0, 0x20));
    wr(VAPIC_MSR_EOI, 0);
    cr_assert_eq(rd(VAPIC_MSR_ISR0 + 1), 0);
    wr(VAPIC_MSR_EOI, 0); /* nothing in service: harmless */
}

Test(vapic, level_triggered_sets_tmr_until_eoi)
{
    enable();
    vapic_accept_level(&apic, 0x70);
    cr_assert(in_map(VAPIC_MSR_TMR0, 0x70));
    vapic_deliver(&apic, 0x70);
    wr(VAPIC_MSR_EOI, 0);
    cr_assert_not(in_map(VAPIC_MSR_TMR0, 0x70));
    vapic_accept_level(&apic, 0x71);
    vapic_accept(&apic, 0x71);
    cr_assert_not(in_map(VAPIC_MSR_TMR0, 0x71), "an edge acceptance clears it");
}

/* ---- errors --------------------------------------------------------------- */

Test(vapic, illegal_vectors_are_dropped_and_recorded)
{
    enable();
    for (int vector = 0; vector < 16; vector++)
        vapic_accept(&apic, (uint8_t)vector);
    cr_assert_eq(rd(VAPIC_MSR_IRR0), 0);
    cr_assert_eq(rd(VAPIC_MSR_ESR), 0, "errors show only after an ESR write");
    cr_assert_eq(errors(), VAPIC_ESR_RECEIVE_ILLEGAL_VECTOR);
    cr_assert_eq(errors(), 0, "the write cleared them");
    vapic_accept(&apic, 16);
    cr_assert_eq(vapic_pending(&apic), 16, "16 is the first legal vector");
}

Test(vapic, error_raises_the_error_lvt)
{
    enable();
    wr(VAPIC_MSR_LVT_ERROR, 0xfe);
    vapic_accept(&apic, 3);
    cr_assert_eq(vapic_pending(&apic), 0xfe);
}

Test(vapic, masked_error_lvt_stays_quiet)
{
    enable();
    wr(VAPIC_MSR_LVT_ERROR, VAPIC_LVT_MASKED | 0xfe);
    vapic_accept(&apic, 3);
    cr_assert_eq(vapic_pending(&apic), -1);
    cr_assert_eq(errors(), VAPIC_ESR_RECEIVE_ILLEGAL_VECTOR);
}

/* ---- ICR and SELF_IPI ---------------------------------------------------- */

static uint64_t icr(uint32_t destination, unsigned shorthand, unsigned mode, uint8_t vector)
{
    return ((uint64_t)destination << 32) | (shorthand << 18) | (1u << 14) | (mode << 8) | vector;
}

static void assert_ipi(struct vapic_ipi ipi, enum vapic_ipi_kind kind,
                       enum vapic_shorthand shorthand, uint32_t destination, uint8_t vector)
{
    cr_assert_eq(ipi.kind, kind);
    cr_assert_eq(ipi.shorthand, shorthand);
    cr_assert_eq(ipi.destination, destination);
    cr_assert_eq(ipi.vector, vector);
}

Test(vapic, icr_fixed_to_a_physical_destination)
{
    uint64_t value = icr(0x12345, 0, 0, 0x40);
    assert_ipi(wr(VAPIC_MSR_ICR, value), VAPIC_IPI_FIXED, VAPIC_DEST_FIELD, 0x12345, 0x40);
    cr_assert_eq(rd(VAPIC_MSR_ICR), value, "the whole 64 bits read back");
}

Test(vapic, icr_broadcast_destination)
{
    assert_ipi(wr(VAPIC_MSR_ICR, icr(0xffffffff, 0, 0, 0x41)), VAPIC_IPI_FIXED, VAPIC_DEST_FIELD,
               VAPIC_BROADCAST_ID, 0x41);
}

Test(vapic, icr_lowest_priority_is_fixed)
{
    struct vapic_ipi ipi = wr(VAPIC_MSR_ICR, icr(2, 0, 1, 0x42));
    assert_ipi(ipi, VAPIC_IPI_FIXED, VAPIC_DEST_FIELD, 2, 0x42);
    cr_assert(ipi.lowest_priority, "to one of the vCPUs it names");
}

Test(vapic, icr_smi_and_reserved_modes_do_nothing)
{
    cr_assert_eq(wr(VAPIC_MSR_ICR, icr(2, 0, 2, 0)).kind, VAPIC_IPI_NONE);
    cr_assert_eq(wr(VAPIC_MSR_ICR, icr(2, 0, 3, 0x40)).kind, VAPIC_IPI_NONE);
    cr_assert_eq(wr(VAPIC_MSR_ICR, icr(2, 0, 7, 0x40)).kind, VAPIC_IPI_NONE);
    cr_assert_eq(errors(), 0);
}

Test(vapic, icr_nmi_init_startup)
{
    assert_ipi(wr(VAPIC_MSR_ICR, icr(3, 0, 4, 0x99)), VAPIC_IPI_NMI, VAPIC_DEST_FIELD, 3, 0);
    assert_ipi(wr(VAPIC_MSR_ICR, icr(3, 0, 5, 0)), VAPIC_IPI_INIT, VAPIC_DEST_FIELD, 3, 0);
    assert_ipi(wr(VAPIC_MSR_ICR, icr(3, 0, 6, 0x08)), VAPIC_IPI_STARTUP, VAPIC_DEST_FIELD, 3, 0x08);
    cr_assert_eq(errors(), 0, "start-up pages below 16 are not illegal vectors");
}

Test(vapic, icr_init_level_deassert_does_nothing)
{
    uint64_t deassert = (3ull << 32) | (1u << 15) | (5u << 8); /* level trigger, bit 14 clear */
    cr_assert_eq(wr(VAPIC_MSR_ICR, deassert).kind, VAPIC_IPI_NONE);
    cr_assert_eq(rd(VAPIC_MSR_ICR), deassert);
}

Test(vapic, icr_fixed_without_level_bit_still_sends)
{
    assert_ipi(wr(VAPIC_MSR_ICR, (4ull << 32) | 0x43), VAPIC_IPI_FIXED, VAPIC_DEST_FIELD, 4, 0x43);
}

Test(vapic, icr_shorthands)
{
    assert_ipi(wr(VAPIC_MSR_ICR, icr(9, 1, 0, 0x50)), VAPIC_IPI_FIXED, VAPIC_DEST_SELF, APIC_ID,
               0x50);
    assert_ipi(wr(VAPIC_MSR_ICR, icr(9, 2, 0, 0x51)), VAPIC_IPI_FIXED,
               VAPIC_DEST_ALL_INCLUDING_SELF, VAPIC_BROADCAST_ID, 0x51);
    assert_ipi(wr(VAPIC_MSR_ICR, icr(9, 3, 0, 0x52)), VAPIC_IPI_FIXED,
               VAPIC_DEST_ALL_EXCLUDING_SELF, VAPIC_BROADCAST_ID, 0x52);
    assert_ipi(wr(VAPIC_MSR_ICR, icr(9, 3, 5, 0)), VAPIC_IPI_INIT, VAPIC_DEST_ALL_EXCLUDING_SELF,
               VAPIC_BROADCAST_ID, 0);
    assert_ipi(wr(VAPIC_MSR_ICR, icr(9, 3, 6, 0x9a)), VAPIC_IPI_STARTUP,
               VAPIC_DEST_ALL_EXCLUDING_SELF, VAPIC_BROADCAST_ID, 0x9a);
    assert_ipi(wr(VAPIC_MSR_ICR, icr(9, 3, 1, 0x53)), VAPIC_IPI_FIXED,
               VAPIC_DEST_ALL_EXCLUDING_SELF, VAPIC_BROADCAST_ID, 0x53);
}

Test(vapic, icr_invalid_shorthand_combinations_do_nothing)
{
    for (unsigned shorthand = 1; shorthand <= 2; shorthand++) {
        cr_assert_eq(wr(VAPIC_MSR_ICR, icr(0, shorthand, 1, 0x40)).kind, VAPIC_IPI_NONE);
        cr_assert_eq(wr(VAPIC_MSR_ICR, icr(0, shorthand, 4, 0)).kind, VAPIC_IPI_NONE);
        cr_assert_eq(wr(VAPIC_MSR_ICR, icr(0, shorthand, 5, 0)).kind, VAPIC_IPI_NONE);
        cr_assert_eq(wr(VAPIC_MSR_ICR, icr(0, shorthand, 6, 0x10)).kind, VAPIC_IPI_NONE);
    }
}

Test(vapic, icr_logical_destination_is_marked)
{
    uint64_t logical = icr(0x10001, 0, 0, 0x40) | (1u << 11);
    struct vapic_ipi ipi = wr(VAPIC_MSR_ICR, logical);
    assert_ipi(ipi, VAPIC_IPI_FIXED, VAPIC_DEST_FIELD, 0x10001, 0x40);
    cr_assert(ipi.logical);
    cr_assert_not(wr(VAPIC_MSR_ICR, icr(0x10001, 0, 0, 0x40)).logical);
    /* With a shorthand the destination mode does not matter. */
    ipi = wr(VAPIC_MSR_ICR, icr(0, 3, 0, 0x40) | (1u << 11));
    cr_assert_eq(ipi.kind, VAPIC_IPI_FIXED);
    cr_assert_not(ipi.logical);
}

Test(vapic, icr_illegal_vector_is_not_sent)
{
    cr_assert_eq(wr(VAPIC_MSR_ICR, icr(1, 0, 0, 15)).kind, VAPIC_IPI_NONE);
    cr_assert_eq(errors(), VAPIC_ESR_SEND_ILLEGAL_VECTOR);
}

Test(vapic, self_ipi)
{
    assert_ipi(wr(VAPIC_MSR_SELF_IPI, 0x44), VAPIC_IPI_FIXED, VAPIC_DEST_SELF, APIC_ID, 0x44);
    cr_assert_eq(wr(VAPIC_MSR_SELF_IPI, 0x0f).kind, VAPIC_IPI_NONE);
    cr_assert_eq(errors(), VAPIC_ESR_SEND_ILLEGAL_VECTOR);
}

Test(vapic, other_writes_report_no_ipi)
{
    cr_assert_eq(wr(VAPIC_MSR_TPR, 0x10).kind, VAPIC_IPI_NONE);
}

/* ---- timer ---------------------------------------------------------------- */

Test(vapic, one_shot_counts_down_and_fires_once)
{
    enable();
    wr(VAPIC_MSR_LVT_TIMER, 0x30);
    wr(VAPIC_MSR_TIMER_DIVIDE, 0); /* divide by 2 */
    wr_at(VAPIC_MSR_TIMER_INITIAL, 100, 1000);
    cr_assert_eq(vapic_timer_deadline(&apic), 1200);
    cr_assert_eq(rd_at(VAPIC_MSR_TIMER_CURRENT, 1000), 100);
    cr_assert_eq(rd_at(VAPIC_MSR_TIMER_CURRENT, 1101), 50);
    vapic_timer_tick(&apic, 1199);
    cr_assert_eq(vapic_pending(&apic), -1, "not due yet");
    cr_assert_eq(rd_at(VAPIC_MSR_TIMER_CURRENT, 1200), 0);
    vapic_timer_tick(&apic, 1200);
    cr_assert_eq(vapic_pending(&apic), 0x30);
    cr_assert_eq(vapic_timer_deadline(&apic), 0, "one-shot disarms");
    cr_assert_eq(rd_at(VAPIC_MSR_TIMER_CURRENT, 1300), 0);
    cr_assert_eq(rd(VAPIC_MSR_TIMER_INITIAL), 100);
}

Test(vapic, divide_values)
{
    struct {
        uint32_t config;
        uint64_t divisor;
    } cases[] = {{0x0, 2},  {0x1, 4},  {0x2, 8},   {0x3, 16},
                 {0x8, 32}, {0x9, 64}, {0xa, 128}, {0xb, 1}};
    wr(VAPIC_MSR_LVT_TIMER, 0x30);
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        wr(VAPIC_MSR_TIMER_DIVIDE, cases[i].config);
        wr_at(VAPIC_MSR_TIMER_INITIAL, 10, 500);
        cr_assert_eq(vapic_timer_deadline(&apic), 500 + 10 * cases[i].divisor, "config %#x",
                     cases[i].config);
    }
}

Test(vapic, periodic_rearms)
{
    enable();
    wr(VAPIC_MSR_LVT_TIMER, VAPIC_TIMER_PERIOD | 0x31);
    wr(VAPIC_MSR_TIMER_DIVIDE, 0xb);
    wr_at(VAPIC_MSR_TIMER_INITIAL, 10, 100);
    cr_assert_eq(vapic_timer_deadline(&apic), 110);
    vapic_timer_tick(&apic, 110);
    cr_assert_eq(vapic_pending(&apic), 0x31);
    cr_assert_eq(vapic_timer_deadline(&apic), 120);
    cr_assert_eq(rd_at(VAPIC_MSR_TIMER_CURRENT, 115), 5);
    cr_assert_eq(rd_at(VAPIC_MSR_TIMER_CURRENT, 120), 10, "reloads at the period");
    vapic_deliver(&apic, 0x31);
    wr(VAPIC_MSR_EOI, 0);
    /* Late by more than two periods: one interrupt, next deadline ahead. */
    vapic_timer_tick(&apic, 145);
    cr_assert_eq(vapic_timer_deadline(&apic), 150);
    cr_assert_eq(vapic_pending(&apic), 0x31);
}

Test(vapic, masked_timer_runs_silently)
{
    enable();
    wr(VAPIC_MSR_LVT_TIMER, VAPIC_LVT_MASKED | VAPIC_TIMER_PERIOD | 0x32);
    wr(VAPIC_MSR_TIMER_DIVIDE, 0xb);
    wr_at(VAPIC_MSR_TIMER_INITIAL, 10, 0);
    vapic_timer_tick(&apic, 10);
    cr_assert_eq(rd(VAPIC_MSR_IRR0 + 1), 0);
    cr_assert_eq(vapic_timer_deadline(&apic), 20, "still counting");
}

Test(vapic, timer_fires_nothing_while_software_disabled)
{
    wr(VAPIC_MSR_LVT_TIMER, 0x33);
    wr_at(VAPIC_MSR_TIMER_INITIAL, 1, 0);
    vapic_timer_tick(&apic, vapic_timer_deadline(&apic));
    cr_assert_eq(rd(VAPIC_MSR_IRR0 + 1), 0, "its LVT entry is forced masked");
}

Test(vapic, zero_initial_count_stops_the_timer)
{
    wr(VAPIC_MSR_LVT_TIMER, 0x30);
    wr_at(VAPIC_MSR_TIMER_INITIAL, 50, 0);
    cr_assert_neq(vapic_timer_deadline(&apic), 0);
    wr_at(VAPIC_MSR_TIMER_INITIAL, 0, 10);
    cr_assert_eq(vapic_timer_deadline(&apic), 0);
    cr_assert_eq(rd_at(VAPIC_MSR_TIMER_CURRENT, 20), 0);
}

Test(vapic, timer_mode_change_disarms)
{
    wr(VAPIC_MSR_LVT_TIMER, 0x30);
    wr_at(VAPIC_MSR_TIMER_INITIAL, 50, 0);
    wr(VAPIC_MSR_LVT_TIMER, 0x34); /* same mode, new vector: keeps running */
    cr_assert_neq(vapic_timer_deadline(&apic), 0);
    wr(VAPIC_MSR_LVT_TIMER, VAPIC_TIMER_PERIOD | 0x34);
    cr_assert_eq(vapic_timer_deadline(&apic), 0);
    cr_assert_eq(rd(VAPIC_MSR_TIMER_INITIAL), 0);
}

Test(vapic, tsc_deadline_mode)
{
    enable();
    wr(VAPIC_MSR_LVT_TIMER, VAPIC_TIMER_TSC | 0x35);
    wr(VAPIC_MSR_TIMER_INITIAL, 77);
    cr_assert_eq(rd(VAPIC_MSR_TIMER_INITIAL), 0, "initial count is ignored");
    cr_assert_eq(vapic_timer_deadline(&apic), 0);
    cr_assert(vapic_write_tsc_deadline(&apic, 5000));
    cr_assert_eq(vapic_read_tsc_deadline(&apic), 5000);
    cr_assert_eq(vapic_timer_deadline(&apic), 5000);
    cr_assert_eq(rd_at(VAPIC_MSR_TIMER_CURRENT, 4000), 0, "current count reads 0");
    vapic_timer_tick(&apic, 4999);
    cr_assert_eq(vapic_pending(&apic), -1);
    vapic_timer_tick(&apic, 5003);
    cr_assert_eq(vapic_pending(&apic), 0x35);
    cr_assert_eq(vapic_read_tsc_deadline(&apic), 0, "cleared when it fires");
    cr_assert_eq(vapic_timer_deadline(&apic), 0);
}

Test(vapic, tsc_deadline_zero_disarms)
{
    wr(VAPIC_MSR_LVT_TIMER, VAPIC_TIMER_TSC | 0x35);
    vapic_write_tsc_deadline(&apic, 5000);
    vapic_write_tsc_deadline(&apic, 0);
    cr_assert_eq(vapic_timer_deadline(&apic), 0);
}

Test(vapic, tsc_deadline_ignored_in_other_modes)
{
    wr(VAPIC_MSR_LVT_TIMER, 0x35);
    cr_assert(vapic_write_tsc_deadline(&apic, 5000));
    cr_assert_eq(vapic_read_tsc_deadline(&apic), 0);
    cr_assert_eq(vapic_timer_deadline(&apic), 0);
}

Test(vapic, leaving_tsc_deadline_mode_disarms)
{
    wr(VAPIC_MSR_LVT_TIMER, VAPIC_TIMER_TSC | 0x35);
    vapic_write_tsc_deadline(&apic, 5000);
    wr(VAPIC_MSR_LVT_TIMER, 0x35);
    cr_assert_eq(vapic_timer_deadline(&apic), 0);
}

/* ---- concurrency ---------------------------------------------------------- */

/* Two CPUs accepting into the same IRR words must not lose each other's
 * bits. */
static void *accept_odd_vectors(void *unused)
{
    (void)unused;
    for (int vector = 17; vector < 256; vector += 2)
        vapic_accept(&apic, (uint8_t)vector);
    return NULL;
}

Test(vapic, concurrent_accepts_lose_nothing)
{
    for (int round = 0; round < 200; round++) {
        vapic_reset(&apic, APIC_ID);
        pthread_t other;
        cr_assert_eq(pthread_create(&other, NULL, accept_odd_vectors, NULL), 0);
        for (int vector = 16; vector < 256; vector += 2)
            vapic_accept(&apic, (uint8_t)vector);
        pthread_join(other, NULL);
        cr_assert_eq(rd(VAPIC_MSR_IRR0), 0xffff0000u, "round %d", round);
        for (uint32_t word = 1; word < 8; word++)
            cr_assert_eq(rd(VAPIC_MSR_IRR0 + word), 0xffffffffu, "round %d", round);
    }
}
