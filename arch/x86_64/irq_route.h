/* Device IRQs: ISA IRQ n is IOAPIC pin n (unless the MADT overrides it) and host vector
 * IRQ_ROUTE_VECTOR_BASE + n on the CPU it is routed to (hv/device_irq.h
 * decides which IRQ goes where; interrupts.c hands each one to it). */
#ifndef ARCH_X86_64_IRQ_ROUTE_H
#define ARCH_X86_64_IRQ_ROUTE_H

#include <stdbool.h>
#include <stdint.h>

#define IRQ_ROUTE_VECTOR_BASE 0x30 /* below the kick and timer vectors (0xf0, 0xf1) */

struct ioapic_isa_override;

/* Boot CPU, before any partition: finds the IOAPIC (the MADT's address, or
 * 0 for the PC's standard one), masks every pin, and keeps the MADT's
 * interrupt source overrides (IOAPIC_ISA_IRQS of them, or NULL), which
 * move an ISA IRQ to another pin or change its trigger and polarity. */
void irq_route_init(uint64_t madt_ioapic_address, const struct ioapic_isa_override *overrides);

#endif
