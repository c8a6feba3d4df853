/* Host interrupts. The hypervisor runs with interrupts off except while it
 * waits in HLT for a halted guest; then the kick and timer vectors wake it,
 * and a device IRQ routed here goes to its owner. Anything else is
 * acknowledged and counted. */
#include <stdint.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/irq_route.h"
#include "arch/x86_64/lapic.h"
#include "hv/arch.h"

void interrupt_dispatch(uint64_t vector);

static volatile uint64_t unexpected_interrupts;

void interrupt_dispatch(uint64_t vector)
{
    if (vector == LAPIC_VECTOR_SPURIOUS)
        return; /* spurious interrupts take no EOI (SDM Vol. 3A 11.9) */
    if (vector != LAPIC_VECTOR_KICK && vector != LAPIC_VECTOR_TIMER &&
        !irq_route_handle((uint8_t)vector))
        __atomic_add_fetch(&unexpected_interrupts, 1, __ATOMIC_RELAXED);
    lapic_eoi();
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
