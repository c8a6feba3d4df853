/*
 * Interrupts of the devices the privileged partition owns (config
 * `devices`). The owner binds a device's IRQ to a vector of its vCPU 0
 * (HC_DEVICE_IRQ_BIND); the hypervisor then routes the IRQ's IOAPIC pin to
 * itself on that vCPU's CPU and turns each interrupt into the bound
 * virtual one. A level-triggered IRQ (PCI INTx) is masked at each
 * interrupt until its owner, having quieted the device, unmasks it
 * (HC_DEVICE_IRQ_UNMASK). An IRQ nobody bound stays masked, and a
 * partition's pins are masked again when its run ends.
 */
#ifndef HV_DEVICE_IRQ_H
#define HV_DEVICE_IRQ_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/arch.h"

struct partition;

#define DEVICE_IRQ_COUNT ARCH_DEVICE_IRQS

/* HC_DEVICE_IRQ_BIND: vector 32-255 binds, 0 unbinds. Returns 0 or an
 * HC_E* error. */
int64_t device_irq_bind(struct partition *p, uint64_t irq, uint64_t vector);

/* HC_DEVICE_IRQ_UNMASK: the owner has quieted the device of a
 * level-triggered IRQ; its pin, masked by the last interrupt, is unmasked
 * (a line still asserted then interrupts again). Nothing to do for an edge
 * IRQ or one not masked. 0, HC_EPERM (no owned device has it) or HC_ENOENT
 * (not bound). */
int64_t device_irq_unmask(struct partition *p, uint64_t irq);

/* The run of p ended: its IRQs are masked and unbound. */
void device_irq_release(struct partition *p);

/* From the arch's interrupt handler, on the CPU the IRQ was routed to. */
void device_irq_raised(unsigned irq);

/* The pins are routed through arch_irq_route() and its kin (hv/arch.h). */

#endif
