#include "arch/x86_64/lapic.h"

#include <stdbool.h>

#include "arch/x86_64/cpu.h"
#include "hv/memory.h"

#define APIC_BASE_X2APIC_ENABLE (1ull << 10)
#define APIC_BASE_ADDRESS_MASK  0xffffff000ull

#define XAPIC_ICR_LOW  0x300
#define XAPIC_ICR_HIGH 0x310
#define X2APIC_ICR_MSR 0x830

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

void lapic_send_init(uint32_t apic_id)
{
    lapic_send_ipi(apic_id, ICR_DELIVERY_INIT | ICR_LEVEL_ASSERT);
}

void lapic_send_startup(uint32_t apic_id, uint8_t vector_page)
{
    lapic_send_ipi(apic_id, ICR_DELIVERY_STARTUP | ICR_LEVEL_ASSERT | vector_page);
}
