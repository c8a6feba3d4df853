/* Virtual interrupts for a vCPU: injection at VM entry, the interrupt
 * window, and kicking the physical CPU a vCPU runs on (the arch_vcpu_*()
 * of hv/arch.h), and the interrupt-window exit. */
#ifndef ARCH_X86_64_VCPU_IRQ_H
#define ARCH_X86_64_VCPU_IRQ_H

#include "hv/arch.h"
#include "hv/vcpu.h"

int exit_handle_interrupt_window(struct vcpu *vcpu);
int exit_handle_nmi_window(struct vcpu *vcpu);

#endif
