/* Host interrupts. The hypervisor runs with interrupts off except while it
 * waits in HLT for a halted guest (arch_wait_for_interrupt(), lapic.c), or
 * takes them at a VM exit; the kick and timer vectors only wake it, and a
 * device IRQ routed here goes to its owner. Anything else is acknowledged
 * and counted. */
#include <stdint.h>

#include "arch/x86_64/exits.h"
#include "arch/x86_64/irq_route.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/vmx_ops.h"
#include "hv/arch.h"
#include "hv/device_irq.h"

void interrupt_dispatch(uint64_t vector);

static volatile uint64_t unexpected_interrupts;

/* When the vector is a device IRQ's, hands the IRQ to hv/device_irq.c. */
static bool device_irq_vector(uint8_t vector)
{
    if (vector < IRQ_ROUTE_VECTOR_BASE || vector >= IRQ_ROUTE_VECTOR_BASE + ARCH_DEVICE_IRQS)
        return false;
    device_irq_raised(vector - IRQ_ROUTE_VECTOR_BASE);
    return true;
}

void interrupt_dispatch(uint64_t vector)
{
    if (vector == LAPIC_VECTOR_SPURIOUS)
        return; /* spurious interrupts take no EOI (SDM Vol. 3A 11.9) */
    if (vector != LAPIC_VECTOR_KICK && vector != LAPIC_VECTOR_TIMER &&
        !device_irq_vector((uint8_t)vector))
        __atomic_add_fetch(&unexpected_interrupts, 1, __ATOMIC_RELAXED);
    lapic_eoi();
}

/* With "acknowledge interrupt on exit" the host interrupt was taken at the
 * exit. A device IRQ becomes its owner's virtual interrupt; the kick and
 * the timer only mean "look at your pending work", which the code before
 * the next entry does. */
int exit_handle_external_interrupt(struct vcpu *vcpu)
{
    uint8_t vector = (uint8_t)vmcs_read(VMCS_EXIT_INTERRUPTION_INFO);

    (void)vcpu;
    device_irq_vector(vector);
    if (vector != LAPIC_VECTOR_SPURIOUS)
        lapic_eoi();
    return 1;
}
