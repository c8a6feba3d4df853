/* Device IRQs: ISA IRQ n is IOAPIC pin n and host vector
 * IRQ_ROUTE_VECTOR_BASE + n on the CPU it is routed to (hv/device_irq.h
 * decides which IRQ goes where). */
#ifndef ARCH_X86_64_IRQ_ROUTE_H
#define ARCH_X86_64_IRQ_ROUTE_H

#include <stdbool.h>
#include <stdint.h>

#define IRQ_ROUTE_VECTOR_BASE 0x30 /* below the kick and timer vectors (0xf0, 0xf1) */

/* Boot CPU, before any partition: finds the IOAPIC (the MADT's address, or
 * 0 for the PC's standard one) and masks every pin. */
void irq_route_init(uint64_t madt_ioapic_address);

/* A host interrupt: when it is a device IRQ's vector, hands the IRQ to
 * hv/device_irq.c and returns true. The caller sends the EOI. */
bool irq_route_handle(uint8_t vector);

#endif
