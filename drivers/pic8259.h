/*
 * The legacy 8259 interrupt controller pair. The hypervisor only masks it;
 * full-virtualization test guests program the one Bulkhead emulates for
 * them, as a PC kernel does.
 */
#ifndef DRIVERS_PIC8259_H
#define DRIVERS_PIC8259_H

#include <stdint.h>

/* Masks every line of both controllers, so no legacy interrupt reaches a
 * CPU that waits with interrupts on. */
void pic8259_mask_all(void);

/* ICW1-ICW4 on both controllers: IRQ n raises vector_base + n (the slave,
 * on the master's IRQ2, takes IRQ 8-15), end of interrupt by command; then
 * the mask, with bit n of `unmasked` set for each line n to let through. */
void pic8259_init(uint8_t vector_base, uint16_t unmasked);

/* Lets through exactly the lines set in `unmasked`. */
void pic8259_unmask(uint16_t unmasked);

/* Ends the interrupt of line `irq` being serviced (both chips for 8-15). */
void pic8259_end_of_interrupt(unsigned irq);

#endif
