/* Virtual interrupts for a vCPU: injection at VM entry, the interrupt
 * window, and kicking the physical CPU a vCPU runs on. */
#ifndef ARCH_X86_64_VCPU_IRQ_H
#define ARCH_X86_64_VCPU_IRQ_H

#include <stdbool.h>

#include "arch/x86_64/vcpu.h"

/* Before a VM entry on the vCPU's own CPU: injects the highest pending
 * interrupt its local APIC holds if the guest can take it now, otherwise asks
 * for an exit as soon as it can (interrupt window). */
void vcpu_inject_pending_interrupt(struct vcpu *vcpu);

/* Whether its local APIC or its PIC holds an interrupt for it. */
bool vcpu_interrupt_pending(struct vcpu *vcpu);

/* From any CPU: makes the vCPU's CPU leave the guest (or its HLT wait) and
 * look at its pending work. */
void vcpu_kick(const struct vcpu *vcpu);

int exit_handle_external_interrupt(struct vcpu *vcpu);
int exit_handle_interrupt_window(struct vcpu *vcpu);

#endif
