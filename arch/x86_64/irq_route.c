#include "arch/x86_64/irq_route.h"

#include "arch/x86_64/guest_bitmaps.h"
#include "arch/x86_64/percpu.h"
#include "drivers/ioapic.h"
#include "hv/arch.h"
#include "hv/log.h"
#include "hv/memory.h"

#define XAPIC_MAX_ID 0xffu /* an IOAPIC entry names 8 bits of destination */

static struct ioapic ioapic;
static struct ioapic_isa_override isa_overrides[IOAPIC_ISA_IRQS];

/* By the MPS INTI flag values 0-3. */
static const char *const polarity_names[] = {"bus-default polarity", "active high",
                                             "reserved polarity", "active low"};
static const char *const trigger_names[] = {"bus-default trigger", "edge", "reserved trigger",
                                            "level"};

/* The MADT's word on which pin an ISA IRQ uses, and how. */
static void note_overrides(const struct ioapic_isa_override *overrides)
{
    for (unsigned irq = 0; overrides && irq < IOAPIC_ISA_IRQS; irq++) {
        const struct ioapic_isa_override *o = &overrides[irq];

        isa_overrides[irq] = *o;
        if (o->present)
            log_line("ioapic: the MADT puts ISA IRQ %u on GSI %u (%s, %s)", irq, o->gsi,
                     trigger_names[(o->flags >> 2) & 3], polarity_names[o->flags & 3]);
    }
}

void irq_route_init(uint64_t madt_ioapic_address, const struct ioapic_isa_override *overrides)
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
    note_overrides(overrides);
}

/* The pin of a device IRQ; the pin count when it has none we serve. */
static unsigned pin_of(unsigned irq)
{
    unsigned pin = ioapic_irq_wiring(irq, false, isa_overrides).pin;

    return pin < ARCH_DEVICE_IRQS ? pin : ioapic.pin_count;
}

/* hv/device_irq.c calls these under its lock: the IOAPIC's window is one
 * register pair for the machine. */
bool arch_irq_route(unsigned irq, unsigned cpu, bool level)
{
    struct ioapic_wiring wiring = ioapic_irq_wiring(irq, level, isa_overrides);
    struct ioapic_route route = {(uint8_t)(IRQ_ROUTE_VECTOR_BASE + irq),
                                 (uint8_t)percpus[cpu < MAX_CPUS ? cpu : 0].apic_id, wiring.level,
                                 wiring.active_low};

    if (irq >= ARCH_DEVICE_IRQS || cpu >= MAX_CPUS || percpus[cpu].apic_id > XAPIC_MAX_ID ||
        pin_of(irq) >= ioapic.pin_count)
        return false;
    return ioapic_route_pin(&ioapic, wiring.pin, route);
}

void arch_irq_unmask(unsigned irq)
{
    ioapic_unmask_pin(&ioapic, pin_of(irq));
}

void arch_irq_mask(unsigned irq)
{
    ioapic_mask_pin(&ioapic, pin_of(irq));
}

void arch_platform_init(uint64_t ioapic_address, const struct ioapic_isa_override *overrides)
{
    irq_route_init(ioapic_address, overrides);
    if (!guest_bitmaps_init())
        log_error("out of memory for the I/O and MSR bitmaps");
}
