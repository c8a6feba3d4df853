#include "arch/x86_64/irq_route.h"

#include "arch/x86_64/percpu.h"
#include "drivers/ioapic.h"
#include "hv/device_irq.h"
#include "hv/log.h"
#include "hv/memory.h"

#define XAPIC_MAX_ID 0xffu /* an IOAPIC entry names 8 bits of destination */

static struct ioapic ioapic;

void irq_route_init(uint64_t madt_ioapic_address)
{
    uint64_t base = madt_ioapic_address ? madt_ioapic_address : IOAPIC_DEFAULT_BASE;

    if (!madt_ioapic_address)
        log_line("ioapic: no MADT entry; using the standard IOAPIC at 0x%llx, ISA IRQ n on pin n",
                 (unsigned long long)base);
    if (!ioapic_init(&ioapic, phys_to_virt(base))) {
        log_line("ioapic: none answers at 0x%llx; device interrupts stay off",
                 (unsigned long long)base);
        return;
    }
    ioapic_mask_all(&ioapic);
    log_line("ioapic: 0x%llx version 0x%x, %u pins, all masked", (unsigned long long)base,
             ioapic.version, ioapic.pin_count);
}

/* hv/device_irq.c calls these under its lock: the IOAPIC's window is one
 * register pair for the machine. */
bool arch_irq_route(unsigned irq, unsigned cpu, bool level)
{
    if (irq >= DEVICE_IRQ_COUNT || cpu >= MAX_CPUS || percpus[cpu].apic_id > XAPIC_MAX_ID)
        return false;
    return ioapic_route_pin(&ioapic, irq,
                            ioapic_device_route((uint8_t)(IRQ_ROUTE_VECTOR_BASE + irq),
                                                (uint8_t)percpus[cpu].apic_id, level));
}

void arch_irq_unmask(unsigned irq)
{
    ioapic_unmask_pin(&ioapic, irq);
}

void arch_irq_mask(unsigned irq)
{
    ioapic_mask_pin(&ioapic, irq);
}

bool irq_route_handle(uint8_t vector)
{
    if (vector < IRQ_ROUTE_VECTOR_BASE || vector >= IRQ_ROUTE_VECTOR_BASE + DEVICE_IRQ_COUNT)
        return false;
    device_irq_raised(vector - IRQ_ROUTE_VECTOR_BASE);
    return true;
}
