/*
 * Virtual x2APIC register logic. Section numbers are from the Intel SDM
 * Vol. 3A, chapter 11.
 */
#include "arch/x86_64/vplatform/vapic.h"

/* Vectors 0-15 are reserved for exceptions; an APIC never delivers them
 * (11.5.2). */
#define VAPIC_FIRST_LEGAL_VECTOR 16

#define LVT_VECTOR          0xffu
#define LVT_DELIVERY_MODE   (7u << 8)
#define LVT_DELIVERY_STATUS (1u << 12) /* read-only, writes ignored */
#define LVT_PIN_POLARITY    (1u << 13)
#define LVT_REMOTE_IRR      (1u << 14) /* read-only, writes ignored */
#define LVT_TRIGGER_LEVEL   (1u << 15)

#define SVR_WRITABLE         0x3ffu /* vector, APIC enable, focus checking; no EOI suppression */
#define TPR_WRITABLE         0xffu
#define DIVIDE_WRITABLE      0xbu /* bits 0, 1 and 3 (11.5.4) */
#define SELF_IPI_WRITABLE    0xffu
#define TIMER_MODE_RESERVED  (3u << 17)
#define VERSION_MAX_LVT_BITS 16

/* ICR fields in x2APIC mode (11.12.9): one 64-bit register. */
#define ICR_VECTOR       0xffull
#define ICR_DELIVERY     (7ull << 8)
#define ICR_LOGICAL      (1ull << 11)
#define ICR_LEVEL_ASSERT (1ull << 14)
#define ICR_RESERVED     ((3ull << 12) | (3ull << 16) | (0xfffull << 20))

enum icr_delivery_mode {
    ICR_FIXED = 0,
    ICR_LOWEST_PRIORITY = 1,
    ICR_SMI = 2,
    ICR_NMI = 4,
    ICR_INIT = 5,
    ICR_STARTUP = 6,
};

/* Bits software may set in each LVT entry (11.5.1); anything else is a
 * reserved bit and faults (11.12.1.3). */
static const uint32_t lvt_writable[VAPIC_LVT_COUNT] = {
    [VAPIC_LVT_TIMER] = LVT_VECTOR | VAPIC_LVT_MASKED | VAPIC_TIMER_MODE,
    [VAPIC_LVT_THERMAL] = LVT_VECTOR | LVT_DELIVERY_MODE | VAPIC_LVT_MASKED,
    [VAPIC_LVT_PERF] = LVT_VECTOR | LVT_DELIVERY_MODE | VAPIC_LVT_MASKED,
    [VAPIC_LVT_LINT0] =
        LVT_VECTOR | LVT_DELIVERY_MODE | LVT_PIN_POLARITY | LVT_TRIGGER_LEVEL | VAPIC_LVT_MASKED,
    [VAPIC_LVT_LINT1] =
        LVT_VECTOR | LVT_DELIVERY_MODE | LVT_PIN_POLARITY | LVT_TRIGGER_LEVEL | VAPIC_LVT_MASKED,
    [VAPIC_LVT_ERROR] = LVT_VECTOR | VAPIC_LVT_MASKED,
    [VAPIC_LVT_CMCI] = LVT_VECTOR | LVT_DELIVERY_MODE | VAPIC_LVT_MASKED,
};

/* ---- vector bitmaps (IRR, ISR, TMR) -------------------------------------- */

static uint32_t vector_bit(uint8_t vector)
{
    return 1u << (vector % 32);
}

/* The highest vector set in a 256-bit map, or -1. Loads are atomic because
 * IRR and TMR change under our feet from other CPUs. */
static int highest_vector(const uint32_t map[8])
{
    for (int word = 7; word >= 0; word--) {
        uint32_t bits = __atomic_load_n(&map[word], __ATOMIC_ACQUIRE);
        if (bits)
            return word * 32 + 31 - __builtin_clz(bits);
    }
    return -1;
}

static bool software_enabled(const struct vapic *apic)
{
    return apic->svr & VAPIC_SVR_ENABLE;
}

/* Reserved bits fault in x2APIC mode (11.12.1.3); the xAPIC page has no
 * way to fault and drops them. */
static bool drop_reserved(uint32_t *value, uint32_t writable, bool x2apic_rules)
{
    if (!(*value & ~writable))
        return true;
    *value &= writable;
    return !x2apic_rules;
}

/* ---- errors -------------------------------------------------------------- */

static void raise_lvt(struct vapic *apic, enum vapic_lvt entry);

/* Errors collect in a hidden register until software writes ESR (11.5.3);
 * each one also raises the LVT error interrupt when that is unmasked. */
static void record_error(struct vapic *apic, uint32_t error)
{
    __atomic_fetch_or(&apic->esr_pending, error, __ATOMIC_ACQ_REL);
    uint32_t lvt = __atomic_load_n(&apic->lvt[VAPIC_LVT_ERROR], __ATOMIC_ACQUIRE);
    /* An illegal error vector would record another error, and so on. */
    if ((lvt & LVT_VECTOR) >= VAPIC_FIRST_LEGAL_VECTOR)
        raise_lvt(apic, VAPIC_LVT_ERROR);
}

static void latch_errors(struct vapic *apic)
{
    apic->esr = __atomic_exchange_n(&apic->esr_pending, 0, __ATOMIC_ACQ_REL);
}

/* ---- interrupt acceptance and priority ----------------------------------- */

static bool accept_vector(struct vapic *apic, uint8_t vector, bool level)
{
    if (vector < VAPIC_FIRST_LEGAL_VECTOR) {
        record_error(apic, VAPIC_ESR_RECEIVE_ILLEGAL_VECTOR);
        return false;
    }
    /* TMR first, so whoever sees the IRR bit also sees the trigger mode
     * that came with it (11.8.4). */
    if (level)
        __atomic_fetch_or(&apic->tmr[vector / 32], vector_bit(vector), __ATOMIC_RELEASE);
    else
        __atomic_fetch_and(&apic->tmr[vector / 32], ~vector_bit(vector), __ATOMIC_RELEASE);
    uint32_t before =
        __atomic_fetch_or(&apic->irr[vector / 32], vector_bit(vector), __ATOMIC_RELEASE);
    return !(before & vector_bit(vector));
}

bool vapic_accept(struct vapic *apic, uint8_t vector)
{
    return accept_vector(apic, vector, false);
}

void vapic_accept_level(struct vapic *apic, uint8_t vector)
{
    accept_vector(apic, vector, true);
}

static void raise_lvt(struct vapic *apic, enum vapic_lvt entry)
{
    uint32_t lvt = __atomic_load_n(&apic->lvt[entry], __ATOMIC_ACQUIRE);
    if (!(lvt & VAPIC_LVT_MASKED))
        vapic_accept(apic, lvt & LVT_VECTOR);
}

/* PPR is the higher of TPR and the class of the highest in-service vector
 * (11.8.3.1). */
static uint32_t processor_priority(const struct vapic *apic)
{
    int isrv = highest_vector(apic->isr);
    uint32_t isr_class = isrv < 0 ? 0 : (uint32_t)isrv & 0xf0;
    if ((apic->tpr & 0xf0) >= isr_class)
        return apic->tpr;
    return isr_class;
}

int vapic_pending(const struct vapic *apic)
{
    if (!software_enabled(apic))
        return -1;
    int irrv = highest_vector(apic->irr);
    if (irrv < 0 || ((uint32_t)irrv & 0xf0) <= (processor_priority(apic) & 0xf0))
        return -1;
    return irrv;
}

void vapic_deliver(struct vapic *apic, uint8_t vector)
{
    __atomic_fetch_and(&apic->irr[vector / 32], ~vector_bit(vector), __ATOMIC_ACQ_REL);
    apic->isr[vector / 32] |= vector_bit(vector);
}

/* EOI retires the highest in-service vector (11.8.5). A level-triggered
 * one is also broadcast to the I/O APIC: it is kept for the caller. */
static void end_of_interrupt(struct vapic *apic)
{
    int isrv = highest_vector(apic->isr);
    if (isrv < 0)
        return;
    uint8_t vector = (uint8_t)isrv;
    apic->isr[vector / 32] &= ~vector_bit(vector);
    uint32_t tmr =
        __atomic_fetch_and(&apic->tmr[vector / 32], ~vector_bit(vector), __ATOMIC_ACQ_REL);
    if (tmr & vector_bit(vector))
        apic->level_eoi = vector;
}

int vapic_take_level_eoi(struct vapic *apic)
{
    int vector = apic->level_eoi;

    apic->level_eoi = -1;
    return vector;
}

/* ---- timer (11.5.4) ------------------------------------------------------ */

static uint32_t timer_mode(const struct vapic *apic)
{
    return apic->lvt[VAPIC_LVT_TIMER] & VAPIC_TIMER_MODE;
}

static bool timer_counts_down(const struct vapic *apic)
{
    return timer_mode(apic) == VAPIC_TIMER_ONESHOT || timer_mode(apic) == VAPIC_TIMER_PERIOD;
}

/* Divide configuration bits 3, 1, 0 encode 2, 4, ..., 128; 0b111 is 1. */
static uint64_t timer_divisor(const struct vapic *apic)
{
    uint32_t config = apic->timer_divide_config;
    uint32_t code = ((config >> 1) & 4) | (config & 3);
    return code == 7 ? 1 : 2ull << code;
}

static uint64_t timer_period(const struct vapic *apic)
{
    return (uint64_t)apic->timer_initial * timer_divisor(apic);
}

/* Writing the initial count starts (or, with 0, stops) a count-down; in
 * TSC-deadline mode the write is ignored (11.5.4.1). */
static void timer_load(struct vapic *apic, uint32_t count, uint64_t now)
{
    if (timer_mode(apic) == VAPIC_TIMER_TSC)
        return;
    apic->timer_initial = count;
    apic->timer_start = now;
    apic->timer_deadline = count && timer_counts_down(apic) ? now + timer_period(apic) : 0;
}

static uint32_t timer_current_count(const struct vapic *apic, uint64_t now)
{
    if (!timer_counts_down(apic) || !apic->timer_deadline || !apic->timer_initial)
        return 0;
    uint64_t elapsed = now > apic->timer_start ? now - apic->timer_start : 0;
    uint64_t ticks = elapsed / timer_divisor(apic);
    if (timer_mode(apic) == VAPIC_TIMER_PERIOD)
        return apic->timer_initial - (uint32_t)(ticks % apic->timer_initial);
    return ticks >= apic->timer_initial ? 0 : apic->timer_initial - (uint32_t)ticks;
}

uint64_t vapic_timer_deadline(const struct vapic *apic)
{
    return apic->timer_deadline;
}

void vapic_timer_tick(struct vapic *apic, uint64_t now)
{
    if (!apic->timer_deadline || now < apic->timer_deadline)
        return;
    raise_lvt(apic, VAPIC_LVT_TIMER);
    if (timer_mode(apic) != VAPIC_TIMER_PERIOD) {
        apic->timer_deadline = 0; /* one-shot done; TSC deadline reads 0 after firing */
        return;
    }
    /* Periods missed while the caller was late collapse into this one
     * interrupt rather than a burst of them. */
    uint64_t period = timer_period(apic);
    if (!period) {
        apic->timer_deadline = 0;
        return;
    }
    uint64_t missed = (now - apic->timer_deadline) / period;
    apic->timer_deadline += (missed + 1) * period;
}

uint64_t vapic_read_tsc_deadline(const struct vapic *apic)
{
    return timer_mode(apic) == VAPIC_TIMER_TSC ? apic->timer_deadline : 0;
}

bool vapic_write_tsc_deadline(struct vapic *apic, uint64_t value)
{
    if (timer_mode(apic) == VAPIC_TIMER_TSC)
        apic->timer_deadline = value;
    return true;
}

/* ---- local vector table -------------------------------------------------- */

static int lvt_entry(uint32_t msr)
{
    switch (msr) {
    case VAPIC_MSR_LVT_TIMER:
        return VAPIC_LVT_TIMER;
    case VAPIC_MSR_LVT_THERMAL:
        return VAPIC_LVT_THERMAL;
    case VAPIC_MSR_LVT_PERF:
        return VAPIC_LVT_PERF;
    case VAPIC_MSR_LVT_LINT0:
        return VAPIC_LVT_LINT0;
    case VAPIC_MSR_LVT_LINT1:
        return VAPIC_LVT_LINT1;
    case VAPIC_MSR_LVT_ERROR:
        return VAPIC_LVT_ERROR;
    case VAPIC_MSR_LVT_CMCI:
        return VAPIC_LVT_CMCI;
    default:
        return -1;
    }
}

static bool write_lvt(struct vapic *apic, enum vapic_lvt entry, uint32_t value, bool x2apic_rules)
{
    uint32_t read_only = LVT_DELIVERY_STATUS | LVT_REMOTE_IRR;
    if (!drop_reserved(&value, lvt_writable[entry] | read_only, x2apic_rules))
        return false;
    value &= lvt_writable[entry];
    /* A software-disabled APIC keeps every LVT entry masked (11.4.7.2). */
    if (!software_enabled(apic))
        value |= VAPIC_LVT_MASKED;
    /* Changing the timer mode disarms the timer (11.5.4.1). */
    if (entry == VAPIC_LVT_TIMER && (value & VAPIC_TIMER_MODE) != timer_mode(apic)) {
        apic->timer_initial = 0;
        apic->timer_deadline = 0;
    }
    __atomic_store_n(&apic->lvt[entry], value, __ATOMIC_RELEASE);
    return true;
}

/* Clearing the enable bit masks every LVT entry (11.4.7.2). */
static void write_svr(struct vapic *apic, uint32_t value)
{
    apic->svr = value;
    if (software_enabled(apic))
        return;
    for (int entry = 0; entry < VAPIC_LVT_COUNT; entry++)
        __atomic_fetch_or(&apic->lvt[entry], VAPIC_LVT_MASKED, __ATOMIC_ACQ_REL);
}

/* ---- interprocessor interrupts ------------------------------------------- */

static enum vapic_ipi_kind icr_kind(uint64_t icr)
{
    switch ((icr & ICR_DELIVERY) >> 8) {
    case ICR_FIXED:
    case ICR_LOWEST_PRIORITY: /* one partition vCPU is as good as another */
        return VAPIC_IPI_FIXED;
    case ICR_NMI:
        return VAPIC_IPI_NMI;
    case ICR_INIT:
        /* INIT level de-assert does nothing on current processors (11.6.1). */
        return icr & ICR_LEVEL_ASSERT ? VAPIC_IPI_INIT : VAPIC_IPI_NONE;
    case ICR_STARTUP:
        return VAPIC_IPI_STARTUP;
    default: /* SMI and the reserved modes: no action */
        return VAPIC_IPI_NONE;
    }
}

/* Only fixed delivery is valid with the "self" and "all including self"
 * shorthands (11.6.1, table of valid ICR combinations). */
static bool icr_combination_valid(uint64_t icr, enum vapic_shorthand shorthand)
{
    if (shorthand != VAPIC_DEST_SELF && shorthand != VAPIC_DEST_ALL_INCLUDING_SELF)
        return true;
    return ((icr & ICR_DELIVERY) >> 8) == ICR_FIXED;
}

/* An xAPIC destination is 8 bits, all ones for every APIC (11.6.2). */
static uint32_t icr_destination(uint64_t icr, bool x2apic_rules)
{
    if (x2apic_rules)
        return (uint32_t)(icr >> 32);
    uint32_t destination = (uint32_t)(icr >> 56);
    return destination == 0xff ? VAPIC_BROADCAST_ID : destination;
}

static uint32_t ipi_destination(const struct vapic *apic, uint64_t icr,
                                enum vapic_shorthand shorthand, bool x2apic_rules)
{
    switch (shorthand) {
    case VAPIC_DEST_FIELD:
        return icr_destination(icr, x2apic_rules);
    case VAPIC_DEST_SELF:
        return apic->id;
    default:
        return VAPIC_BROADCAST_ID;
    }
}

/* A fixed IPI with a vector below 16 is not sent; the sender notes the
 * error (11.5.3). */
static void fill_ipi(struct vapic *apic, struct vapic_ipi *ipi, enum vapic_ipi_kind kind,
                     enum vapic_shorthand shorthand, uint32_t destination, uint8_t vector)
{
    if (kind == VAPIC_IPI_FIXED && vector < VAPIC_FIRST_LEGAL_VECTOR) {
        record_error(apic, VAPIC_ESR_SEND_ILLEGAL_VECTOR);
        return;
    }
    if (kind == VAPIC_IPI_NMI || kind == VAPIC_IPI_INIT)
        vector = 0;
    *ipi = (struct vapic_ipi){
        .kind = kind, .shorthand = shorthand, .destination = destination, .vector = vector};
}

/* The xAPIC ICR keeps its destination in bits 56-63 and reads "idle" in
 * its delivery status: every IPI is delivered at once. */
static bool write_icr(struct vapic *apic, uint64_t value, struct vapic_ipi *ipi, bool x2apic_rules)
{
    uint64_t reserved = x2apic_rules ? ICR_RESERVED : ICR_RESERVED | (0xffffffull << 32);
    if (value & reserved) {
        if (x2apic_rules)
            return false;
        value &= ~reserved;
    }
    apic->icr = value;
    enum vapic_shorthand shorthand = (enum vapic_shorthand)((value >> 18) & 3);
    enum vapic_ipi_kind kind = icr_kind(value);
    if (kind == VAPIC_IPI_NONE || !icr_combination_valid(value, shorthand))
        return true;
    fill_ipi(apic, ipi, kind, shorthand, ipi_destination(apic, value, shorthand, x2apic_rules),
             (uint8_t)(value & ICR_VECTOR));
    ipi->logical = shorthand == VAPIC_DEST_FIELD && (value & ICR_LOGICAL);
    ipi->lowest_priority = ((value & ICR_DELIVERY) >> 8) == ICR_LOWEST_PRIORITY;
    return true;
}

/* SELF_IPI is a fixed, edge-triggered IPI to this APIC (11.12.11). */
static bool write_self_ipi(struct vapic *apic, uint32_t value, struct vapic_ipi *ipi)
{
    if (value & ~SELF_IPI_WRITABLE)
        return false;
    fill_ipi(apic, ipi, VAPIC_IPI_FIXED, VAPIC_DEST_SELF, apic->id, (uint8_t)value);
    return true;
}

/* ---- MSR access ---------------------------------------------------------- */

static uint32_t version(void)
{
    return VAPIC_VERSION | ((uint32_t)(VAPIC_LVT_COUNT - 1) << VERSION_MAX_LVT_BITS);
}

static bool read_vector_map(const struct vapic *apic, uint32_t msr, uint64_t *value)
{
    const uint32_t *map;
    if (msr >= VAPIC_MSR_ISR0 && msr < VAPIC_MSR_ISR0 + 8)
        map = apic->isr + (msr - VAPIC_MSR_ISR0);
    else if (msr >= VAPIC_MSR_TMR0 && msr < VAPIC_MSR_TMR0 + 8)
        map = apic->tmr + (msr - VAPIC_MSR_TMR0);
    else if (msr >= VAPIC_MSR_IRR0 && msr < VAPIC_MSR_IRR0 + 8)
        map = apic->irr + (msr - VAPIC_MSR_IRR0);
    else
        return false;
    *value = __atomic_load_n(map, __ATOMIC_ACQUIRE);
    return true;
}

static bool read_register(const struct vapic *apic, uint32_t msr, uint64_t now, uint64_t *value)
{
    switch (msr) {
    case VAPIC_MSR_ID:
        *value = apic->id;
        return true;
    case VAPIC_MSR_VERSION:
        *value = version();
        return true;
    case VAPIC_MSR_TPR:
        *value = apic->tpr;
        return true;
    case VAPIC_MSR_PPR:
        *value = processor_priority(apic);
        return true;
    case VAPIC_MSR_LDR:
        *value = vapic_x2apic_logical_id(apic);
        return true;
    case VAPIC_MSR_SVR:
        *value = apic->svr;
        return true;
    case VAPIC_MSR_ESR:
        *value = apic->esr;
        return true;
    case VAPIC_MSR_ICR:
        *value = apic->icr;
        return true;
    case VAPIC_MSR_TIMER_INITIAL:
        *value = apic->timer_initial;
        return true;
    case VAPIC_MSR_TIMER_CURRENT:
        *value = timer_current_count(apic, now);
        return true;
    case VAPIC_MSR_TIMER_DIVIDE:
        *value = apic->timer_divide_config;
        return true;
    default:
        return false;
    }
}

bool vapic_read(const struct vapic *apic, uint32_t msr, uint64_t now, uint64_t *value)
{
    int entry = lvt_entry(msr);
    if (entry >= 0) {
        *value = __atomic_load_n(&apic->lvt[entry], __ATOMIC_ACQUIRE);
        return true;
    }
    return read_vector_map(apic, msr, value) || read_register(apic, msr, now, value);
}

/* Registers whose only valid write is 0 (EOI, ESR; the xAPIC takes any
 * value) and the plain writable ones; everything else in the range is
 * read-only or absent (11.12.1.2). */
static bool write_register(struct vapic *apic, uint32_t msr, uint32_t value, uint64_t now,
                           bool x2apic_rules)
{
    switch (msr) {
    case VAPIC_MSR_TPR:
        if (!drop_reserved(&value, TPR_WRITABLE, x2apic_rules))
            return false;
        apic->tpr = value;
        return true;
    case VAPIC_MSR_EOI:
        if (!drop_reserved(&value, 0, x2apic_rules))
            return false;
        end_of_interrupt(apic);
        return true;
    case VAPIC_MSR_SVR:
        if (!drop_reserved(&value, SVR_WRITABLE, x2apic_rules))
            return false;
        write_svr(apic, value);
        return true;
    case VAPIC_MSR_ESR:
        if (!drop_reserved(&value, 0, x2apic_rules))
            return false;
        latch_errors(apic);
        return true;
    case VAPIC_MSR_TIMER_INITIAL:
        timer_load(apic, value, now);
        return true;
    case VAPIC_MSR_TIMER_DIVIDE:
        if (!drop_reserved(&value, DIVIDE_WRITABLE, x2apic_rules))
            return false;
        apic->timer_divide_config = value;
        return true;
    default:
        return false;
    }
}

bool vapic_write_register(struct vapic *apic, uint32_t msr, uint64_t value, uint64_t now,
                          struct vapic_ipi *ipi, bool x2apic_rules)
{
    *ipi = (struct vapic_ipi){.kind = VAPIC_IPI_NONE};
    if (msr == VAPIC_MSR_ICR)
        return write_icr(apic, value, ipi, x2apic_rules);
    /* Bits 63:32 of every other x2APIC register are reserved (11.12.1.2). */
    if (value >> 32)
        return false;
    int entry = lvt_entry(msr);
    if (entry >= 0)
        return write_lvt(apic, (enum vapic_lvt)entry, (uint32_t)value, x2apic_rules);
    if (msr == VAPIC_MSR_SELF_IPI)
        return x2apic_rules && write_self_ipi(apic, (uint32_t)value, ipi);
    return write_register(apic, msr, (uint32_t)value, now, x2apic_rules);
}

bool vapic_write(struct vapic *apic, uint32_t msr, uint64_t value, uint64_t now,
                 struct vapic_ipi *ipi)
{
    return vapic_write_register(apic, msr, value, now, ipi, true);
}

void vapic_reset(struct vapic *apic, uint32_t id)
{
    *apic = (struct vapic){.id = id, .svr = 0xff, .dfr = VAPIC_DFR_FLAT, .level_eoi = -1};
    for (int entry = 0; entry < VAPIC_LVT_COUNT; entry++)
        apic->lvt[entry] = VAPIC_LVT_MASKED;
}
