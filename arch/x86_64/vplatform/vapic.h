/*
 * A virtual local APIC (SDM Vol. 3A chapter 11, x2APIC in 11.12), one per
 * partition vCPU, with two front ends on the same registers: the x2APIC
 * MSRs (vapic_read/vapic_write) and the xAPIC MMIO page (vapic_mmio_*,
 * vapic_xapic.c). It is pure register logic: the exit handlers forward
 * accesses here and act on what comes back (a #GP, an IPI to deliver, a
 * timer deadline to program, an EOI for the I/O APIC). It touches no
 * hardware and no hypervisor state, so it runs unchanged in host unit tests.
 *
 * Concurrency: vapic_accept() and vapic_accept_level() may be called from any
 * CPU at any time; they only touch IRR, TMR and the pending error bits, with
 * atomic operations. Everything else belongs to the vCPU's own CPU.
 *
 * Time: "now" is the caller's TSC. One APIC timer tick is one TSC tick times
 * the divide value, and the TSC-deadline register compares against the same
 * clock.
 */
#ifndef ARCH_X86_64_VPLATFORM_VAPIC_H
#define ARCH_X86_64_VPLATFORM_VAPIC_H

#include <stdbool.h>
#include <stdint.h>

#define VAPIC_MSR_FIRST 0x800
#define VAPIC_MSR_LAST  0x8ff

#define MSR_IA32_TSC_DEADLINE 0x6e0

/* The x2APIC registers (SDM Vol. 3A 11.12.1.2, x2APIC register address
 * table). Every other MSR in VAPIC_MSR_FIRST..VAPIC_MSR_LAST raises #GP. */
enum vapic_msr {
    VAPIC_MSR_ID = 0x802,
    VAPIC_MSR_VERSION = 0x803,
    VAPIC_MSR_TPR = 0x808,
    VAPIC_MSR_PPR = 0x80a,
    VAPIC_MSR_EOI = 0x80b,
    VAPIC_MSR_LDR = 0x80d,
    VAPIC_MSR_SVR = 0x80f,
    VAPIC_MSR_ISR0 = 0x810, /* ISR0..7: 0x810-0x817 */
    VAPIC_MSR_TMR0 = 0x818, /* TMR0..7: 0x818-0x81f */
    VAPIC_MSR_IRR0 = 0x820, /* IRR0..7: 0x820-0x827 */
    VAPIC_MSR_ESR = 0x828,
    VAPIC_MSR_LVT_CMCI = 0x82f,
    VAPIC_MSR_ICR = 0x830,
    VAPIC_MSR_LVT_TIMER = 0x832,
    VAPIC_MSR_LVT_THERMAL = 0x833,
    VAPIC_MSR_LVT_PERF = 0x834,
    VAPIC_MSR_LVT_LINT0 = 0x835,
    VAPIC_MSR_LVT_LINT1 = 0x836,
    VAPIC_MSR_LVT_ERROR = 0x837,
    VAPIC_MSR_TIMER_INITIAL = 0x838,
    VAPIC_MSR_TIMER_CURRENT = 0x839,
    VAPIC_MSR_TIMER_DIVIDE = 0x83e,
    VAPIC_MSR_SELF_IPI = 0x83f,
};

/* Index into struct vapic.lvt. The version register reports
 * VAPIC_LVT_COUNT - 1 as the highest LVT entry. */
enum vapic_lvt {
    VAPIC_LVT_TIMER = 0,
    VAPIC_LVT_THERMAL,
    VAPIC_LVT_PERF,
    VAPIC_LVT_LINT0,
    VAPIC_LVT_LINT1,
    VAPIC_LVT_ERROR,
    VAPIC_LVT_CMCI,
    VAPIC_LVT_COUNT
};

#define VAPIC_VERSION       0x15
#define VAPIC_SVR_ENABLE    (1u << 8)
#define VAPIC_LVT_MASKED    (1u << 16)
#define VAPIC_TIMER_ONESHOT (0u << 17)
#define VAPIC_TIMER_PERIOD  (1u << 17)
#define VAPIC_TIMER_TSC     (2u << 17)
#define VAPIC_TIMER_MODE    (3u << 17)

/* Error status bits (SDM Vol. 3A 11.5.3). */
#define VAPIC_ESR_SEND_ILLEGAL_VECTOR    (1u << 5)
#define VAPIC_ESR_RECEIVE_ILLEGAL_VECTOR (1u << 6)

enum vapic_ipi_kind {
    VAPIC_IPI_NONE = 0,
    VAPIC_IPI_FIXED,
    VAPIC_IPI_NMI,
    VAPIC_IPI_INIT,
    VAPIC_IPI_STARTUP
};

enum vapic_shorthand {
    VAPIC_DEST_FIELD = 0,
    VAPIC_DEST_SELF,
    VAPIC_DEST_ALL_INCLUDING_SELF,
    VAPIC_DEST_ALL_EXCLUDING_SELF
};

#define VAPIC_BROADCAST_ID 0xffffffffu

/* An interrupt message for the caller to deliver to vCPUs of the same
 * partition: an IPI, an I/O APIC redirection or an MSI. `destination` is
 * an APIC ID (physical) or a message destination address (logical),
 * VAPIC_BROADCAST_ID for every vCPU; with a shorthand it is filled in for
 * convenience (own ID for VAPIC_DEST_SELF, VAPIC_BROADCAST_ID for the two
 * "all" forms) and the shorthand decides. `vector` is the start-up page for
 * VAPIC_IPI_STARTUP and 0 for NMI and INIT. A lowest-priority message goes
 * to one of the vCPUs it names; a level one sets the TMR bit, so that its
 * EOI reaches the I/O APIC. */
struct vapic_ipi {
    enum vapic_ipi_kind kind;
    enum vapic_shorthand shorthand;
    uint32_t destination;
    uint8_t vector;
    bool logical, lowest_priority, level;
};

struct vapic {
    uint32_t id;
    bool x2apic;       /* x2APIC mode (IA32_APIC_BASE.EXTD), else xAPIC */
    uint32_t ldr, dfr; /* xAPIC logical destination and model; x2APIC derives its LDR */
    int16_t level_eoi; /* a level-triggered vector the last EOI retired, or -1 */
    uint32_t tpr, svr;
    uint32_t esr;         /* what software reads: the errors latched by the last ESR write */
    uint32_t esr_pending; /* errors seen since then (atomic) */
    uint32_t lvt[VAPIC_LVT_COUNT];
    uint64_t icr;
    uint32_t timer_initial, timer_divide_config;
    /* Caller's clock. timer_start is when the count was loaded; in
     * TSC-deadline mode timer_deadline is IA32_TSC_DEADLINE itself. */
    uint64_t timer_start, timer_deadline; /* 0 = not armed */
    uint32_t irr[8], isr[8], tmr[8];      /* bit v % 32 of word v / 32; irr, tmr atomic */
};

/* Power-on / INIT state (SDM Vol. 3A 11.4.7.1, 11.12.5.1): every LVT masked,
 * SVR 0xff (software disabled), timer stopped, no interrupts. Not safe
 * against a concurrent vapic_accept(). */
void vapic_reset(struct vapic *apic, uint32_t id);

/* Reads an x2APIC MSR. Returns false for an MSR the x2APIC does not have or
 * that is write-only (EOI, SELF_IPI): the caller injects #GP. */
bool vapic_read(const struct vapic *apic, uint32_t msr, uint64_t now, uint64_t *value);

/* Writes an x2APIC MSR. Returns false for a bad access (read-only register,
 * reserved bits set, non-zero EOI or ESR write): the caller injects #GP.
 * Always sets ipi->kind; an ICR or SELF_IPI write may fill in an IPI. */
bool vapic_write(struct vapic *apic, uint32_t msr, uint64_t value, uint64_t now,
                 struct vapic_ipi *ipi);

/* The write behind both front ends, named by the register's x2APIC MSR.
 * x2APIC rules fault on reserved bits and read a 32-bit ICR destination;
 * xAPIC rules drop reserved bits, take any EOI or ESR value and read an
 * 8-bit destination in ICR bits 56-63 (11.6.1). */
bool vapic_write_register(struct vapic *apic, uint32_t msr, uint64_t value, uint64_t now,
                          struct vapic_ipi *ipi, bool x2apic_rules);

/* ---- the xAPIC MMIO page (vapic_xapic.c) ----------------------------------
 * Each register is 32 bits at a 16-byte stride, at (MSR - 0x800) << 4, plus
 * the ones x2APIC dropped: DFR, and ICR as two halves (writing the low half
 * sends). Any other size or alignment reads 0 and writes nothing. */
#define VAPIC_MMIO_SIZE     0x1000
#define VAPIC_MMIO_ID       0x020
#define VAPIC_MMIO_EOI      0x0b0
#define VAPIC_MMIO_LDR      0x0d0
#define VAPIC_MMIO_DFR      0x0e0
#define VAPIC_MMIO_ICR_LOW  0x300
#define VAPIC_MMIO_ICR_HIGH 0x310
#define VAPIC_DFR_FLAT      0xffffffffu
#define VAPIC_DFR_CLUSTER   0x0fffffffu

uint32_t vapic_mmio_read(const struct vapic *apic, uint32_t offset, unsigned size, uint64_t now);
void vapic_mmio_write(struct vapic *apic, uint32_t offset, unsigned size, uint32_t value,
                      uint64_t now, struct vapic_ipi *ipi);

/* The guest writes IA32_APIC_BASE (*apic_base, as it reads it): only the
 * mode changes the SDM allows (11.12.5) and no move of the page; false for
 * the others, which get #GP. Keeps the APIC's mode in step. */
bool vapic_write_apic_base(struct vapic *apic, uint64_t *apic_base, uint64_t value);

/* x2APIC mode on or off; x2APIC mode derives the logical ID from the ID. */
void vapic_set_x2apic(struct vapic *apic, bool on);

/* The x2APIC LDR: cluster ID >> 4 in bits 31-16, bit ID & 15 below
 * (11.12.10.2). */
static inline uint32_t vapic_x2apic_logical_id(const struct vapic *apic)
{
    return ((apic->id >> 4) << 16) | (1u << (apic->id & 15));
}

/* Whether a message for `destination` in physical or logical mode names
 * this APIC: physical by ID, logical by the x2APIC cluster and bit or the
 * xAPIC flat or cluster model of DFR and LDR (11.6.2.2, 11.12.10). */
bool vapic_names(const struct vapic *apic, uint32_t destination, bool logical);

/* The level-triggered vector the last EOI retired, once, or -1: the EOI
 * the caller broadcasts to the partition's I/O APIC (11.8.5). */
int vapic_take_level_eoi(struct vapic *apic);

/* IA32_TSC_DEADLINE (SDM Vol. 3A 11.5.4.1): reads the armed deadline in
 * TSC-deadline mode, 0 otherwise. Writes outside that mode are ignored; 0
 * disarms. The write never faults; it returns bool so the MSR handler can
 * treat it like vapic_write(). */
uint64_t vapic_read_tsc_deadline(const struct vapic *apic);
bool vapic_write_tsc_deadline(struct vapic *apic, uint64_t value);

/* Sets the IRR bit for an edge-triggered interrupt; callable from any CPU.
 * Vectors 0-15 are illegal: they set "receive illegal vector" in ESR and are
 * dropped. Returns whether the vector was not requested already: only then
 * does anyone need telling. */
bool vapic_accept(struct vapic *apic, uint8_t vector);

/* Whether any interrupt is requested at all (IRR not empty). */
static inline bool vapic_requested(const struct vapic *apic)
{
    uint32_t any = 0;

    for (unsigned i = 0; i < 8; i++)
        any |= __atomic_load_n(&apic->irr[i], __ATOMIC_RELAXED);
    return any != 0;
}

/* As vapic_accept() for a level-triggered interrupt: also sets the TMR bit,
 * which the EOI for it clears again. */
void vapic_accept_level(struct vapic *apic, uint8_t vector);

/* The highest IRR vector whose priority class beats the processor priority
 * (SDM Vol. 3A 11.8.3.1), or -1. Nothing is pending while the APIC is
 * software disabled, though IRR keeps accumulating. */
int vapic_pending(const struct vapic *apic);

/* The caller injected `vector`: moves it from IRR to ISR. */
void vapic_deliver(struct vapic *apic, uint8_t vector);

/* When the timer fires next in the caller's clock, 0 = never. */
uint64_t vapic_timer_deadline(const struct vapic *apic);

/* Call when now >= vapic_timer_deadline(): raises the LVT timer vector
 * (unless masked), re-arms a periodic timer and disarms the others. Does
 * nothing when the timer is not due. */
void vapic_timer_tick(struct vapic *apic, uint64_t now);

#endif
