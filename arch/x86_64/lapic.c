#include "arch/x86_64/lapic.h"

#include <stdbool.h>

#include "arch/x86_64/cpu.h"
#include "hv/arch.h"
#include "hv/memory.h"

#define APIC_BASE_X2APIC_ENABLE (1ull << 10)
#define APIC_BASE_ADDRESS_MASK  0xffffff000ull

#define XAPIC_ICR_LOW  0x300
#define XAPIC_ICR_HIGH 0x310
#define X2APIC_ICR_MSR 0x830

#define XAPIC_EOI        0x0b0
#define XAPIC_SVR        0x0f0
#define XAPIC_LVT_TIMER  0x320
#define XAPIC_LVT_LINT0  0x350
#define X2APIC_MSR_BASE  0x800
#define MSR_TSC_DEADLINE 0x6e0

#define SVR_ENABLE               (1u << 8)
#define LVT_MASKED               (1u << 16)
#define LVT_TIMER_TSC_DEADLINE   (2u << 17)
#define CPUID_1_ECX_TSC_DEADLINE (1u << 24)

#define ICR_DELIVERY_FIXED   (0u << 8)
#define ICR_DELIVERY_NMI     (4u << 8)
#define ICR_DELIVERY_INIT    (5u << 8)
#define ICR_DELIVERY_STARTUP (6u << 8)
#define ICR_DELIVERY_PENDING (1u << 12)
#define ICR_LEVEL_ASSERT     (1u << 14)

static bool x2apic;
static volatile uint32_t *xapic;

/* The firmware's mode is kept: toggling the global enable bit loses the xAPIC
 * MMIO window on some emulators, and nothing here needs another mode. */
void lapic_init(void)
{
    uint64_t base = cpu_read_msr(MSR_IA32_APIC_BASE);

    x2apic = base & APIC_BASE_X2APIC_ENABLE;
    xapic = phys_to_virt(base & APIC_BASE_ADDRESS_MASK);
}

/* One accessor for both modes: x2APIC register n is MSR 0x800 + n / 16. */
static void lapic_write(unsigned reg, uint32_t value)
{
    if (x2apic)
        cpu_write_msr(X2APIC_MSR_BASE + reg / 16, value);
    else
        xapic[reg / 4] = value;
}

static bool tsc_deadline_timer;

/* Each CPU: APIC on with our spurious vector, LINT0 (the legacy PIC's
 * ExtINT line) masked, the timer in TSC-deadline mode when the CPU has it. */
void lapic_init_cpu(void)
{
    tsc_deadline_timer = cpu_cpuid(1, 0).ecx & CPUID_1_ECX_TSC_DEADLINE;
    lapic_write(XAPIC_SVR, SVR_ENABLE | LAPIC_VECTOR_SPURIOUS);
    lapic_write(XAPIC_LVT_LINT0, LVT_MASKED);
    lapic_write(XAPIC_LVT_TIMER,
                tsc_deadline_timer ? (LVT_TIMER_TSC_DEADLINE | LAPIC_VECTOR_TIMER) : LVT_MASKED);
}

void lapic_eoi(void)
{
    lapic_write(XAPIC_EOI, 0);
}

bool lapic_arm_timer(uint64_t tsc_deadline)
{
    if (!tsc_deadline_timer)
        return false;
    cpu_write_msr(MSR_TSC_DEADLINE, tsc_deadline);
    return true;
}

static void xapic_wait_idle(void)
{
    for (unsigned spins = 0; spins < 1000000; spins++) {
        if (!(xapic[XAPIC_ICR_LOW / 4] & ICR_DELIVERY_PENDING))
            return;
        cpu_pause();
    }
}

static void lapic_send_ipi(uint32_t apic_id, uint32_t command)
{
    if (x2apic) {
        cpu_write_msr(X2APIC_ICR_MSR, ((uint64_t)apic_id << 32) | command);
        return;
    }
    xapic_wait_idle();
    xapic[XAPIC_ICR_HIGH / 4] = apic_id << 24;
    xapic[XAPIC_ICR_LOW / 4] = command;
    xapic_wait_idle();
}

void lapic_send_vector(uint32_t apic_id, uint8_t vector)
{
    lapic_send_ipi(apic_id, ICR_DELIVERY_FIXED | ICR_LEVEL_ASSERT | vector);
}

void lapic_send_nmi(uint32_t apic_id)
{
    lapic_send_ipi(apic_id, ICR_DELIVERY_NMI | ICR_LEVEL_ASSERT);
}

void lapic_send_init(uint32_t apic_id)
{
    lapic_send_ipi(apic_id, ICR_DELIVERY_INIT | ICR_LEVEL_ASSERT);
}

void lapic_send_startup(uint32_t apic_id, uint8_t vector_page)
{
    lapic_send_ipi(apic_id, ICR_DELIVERY_STARTUP | ICR_LEVEL_ASSERT | vector_page);
}

/* Without a TSC-deadline timer a deadline cannot wake HLT: poll instead. */
void arch_wait_for_interrupt(uint64_t tsc_deadline)
{
    if (tsc_deadline && !lapic_arm_timer(tsc_deadline)) {
        cpu_pause();
        return;
    }
    cpu_enable_interrupts_and_halt();
    cpu_disable_interrupts();
    if (tsc_deadline)
        lapic_arm_timer(0);
}
