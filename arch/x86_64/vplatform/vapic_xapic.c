/*
 * The xAPIC MMIO page of the virtual local APIC (SDM Vol. 3A 11.4.1, the
 * register address map): a second front end on the registers vapic.c
 * keeps for the x2APIC MSRs. What differs is here: the ID in bits 24-31,
 * the LDR and DFR software writes (x2APIC derives them), the ICR in two
 * halves, and a page that cannot fault, so reserved bits are dropped.
 * Also the mode-dependent parts the page brings: which destinations an
 * APIC answers to in either mode, and the IA32_APIC_BASE transitions.
 */
#include "arch/x86_64/vplatform/vapic.h"

#define MMIO_STRIDE    16
#define XAPIC_ID_SHIFT 24
#define LDR_WRITABLE   0xff000000u
#define DFR_WRITABLE   0xf0000000u /* the model; bits 0-27 read as ones */
#define ICR_LOW_HALF   0xffffffffull
#define ICR_HIGH_DEST  0xff000000u

/* Registers are 32 bits wide, 16-byte aligned (11.4.1): anything else is
 * not an access software can rely on, and reaches no register. */
static bool register_access(uint32_t offset, unsigned size)
{
    return size == 4 && offset % MMIO_STRIDE == 0 && offset < VAPIC_MMIO_SIZE;
}

static uint32_t msr_of(uint32_t offset)
{
    return VAPIC_MSR_FIRST + offset / MMIO_STRIDE;
}

/* Registers without a readable x2APIC twin (EOI, SELF_IPI, the reserved
 * slots, APR and RRD) read 0. */
uint32_t vapic_mmio_read(const struct vapic *apic, uint32_t offset, unsigned size, uint64_t now)
{
    uint64_t value = 0;

    if (!register_access(offset, size))
        return 0;
    switch (offset) {
    case VAPIC_MMIO_ID:
        return apic->id << XAPIC_ID_SHIFT;
    case VAPIC_MMIO_LDR:
        return apic->ldr;
    case VAPIC_MMIO_DFR:
        return apic->dfr;
    case VAPIC_MMIO_ICR_LOW:
        return (uint32_t)apic->icr; /* delivery status 0: every IPI is sent at once */
    case VAPIC_MMIO_ICR_HIGH:
        return (uint32_t)(apic->icr >> 32);
    default:
        return vapic_read(apic, msr_of(offset), now, &value) ? (uint32_t)value : 0;
    }
}

/* Writes to read-only registers (ID, version, PPR, ISR, TMR, IRR, the
 * current count) are dropped, as the xAPIC does. */
void vapic_mmio_write(struct vapic *apic, uint32_t offset, unsigned size, uint32_t value,
                      uint64_t now, struct vapic_ipi *ipi)
{
    *ipi = (struct vapic_ipi){.kind = VAPIC_IPI_NONE};
    if (!register_access(offset, size))
        return;
    switch (offset) {
    case VAPIC_MMIO_LDR:
        apic->ldr = value & LDR_WRITABLE;
        return;
    case VAPIC_MMIO_DFR:
        apic->dfr = value | ~DFR_WRITABLE;
        return;
    case VAPIC_MMIO_ICR_HIGH:
        apic->icr = (apic->icr & ICR_LOW_HALF) | (uint64_t)(value & ICR_HIGH_DEST) << 32;
        return;
    case VAPIC_MMIO_ICR_LOW: /* the write that sends */
        vapic_write_register(apic, VAPIC_MSR_ICR, (apic->icr & ~ICR_LOW_HALF) | value, now, ipi,
                             false);
        return;
    default:
        vapic_write_register(apic, msr_of(offset), value, now, ipi, false);
    }
}

/* ---- destinations --------------------------------------------------------- */

void vapic_set_x2apic(struct vapic *apic, bool on)
{
    apic->x2apic = on;
}

/* xAPIC: the flat model ANDs the 8-bit masks; the cluster model compares
 * the cluster nibble and ANDs the member bits (11.6.2.2). */
static bool xapic_names(const struct vapic *apic, uint8_t destination)
{
    uint8_t mine = (uint8_t)(apic->ldr >> 24);

    if ((apic->dfr >> 28) == 0xf)
        return destination & mine;
    return (destination >> 4) == (mine >> 4) && (destination & mine & 0xf);
}

bool vapic_names(const struct vapic *apic, uint32_t destination, bool logical)
{
    if (destination == VAPIC_BROADCAST_ID)
        return true;
    if (!logical)
        return destination == apic->id;
    if (!apic->x2apic)
        return destination <= 0xff && xapic_names(apic, (uint8_t)destination);
    uint32_t mine = vapic_x2apic_logical_id(apic);
    return (destination >> 16) == (mine >> 16) && (destination & mine & 0xffff);
}

/* ---- IA32_APIC_BASE ------------------------------------------------------- */

#define APIC_BASE_EXTD   (1ull << 10)
#define APIC_BASE_ENABLE (1ull << 11)

/* The mode state machine of SDM Vol. 3A 11.12.5 (figure 11-27): xAPIC to
 * x2APIC and either to disabled are allowed; x2APIC back to xAPIC only
 * through disabled or a reset; EXTD without EN is invalid. Disabling resets
 * the APIC's registers (11.4.3). The base address and BSP flag stay. */
bool vapic_write_apic_base(struct vapic *apic, uint64_t *apic_base, uint64_t value)
{
    uint64_t mode = APIC_BASE_ENABLE | APIC_BASE_EXTD;
    bool enable = value & APIC_BASE_ENABLE, extd = value & APIC_BASE_EXTD;
    bool was_enabled = *apic_base & APIC_BASE_ENABLE, was_x2apic = *apic_base & APIC_BASE_EXTD;

    if ((value & ~mode) != (*apic_base & ~mode) || (extd && !enable))
        return false;
    if ((was_x2apic && !extd && enable) || (!was_enabled && extd))
        return false;
    if (was_enabled && !enable)
        vapic_reset(apic, apic->id);
    vapic_set_x2apic(apic, extd);
    *apic_base = value;
    return true;
}
