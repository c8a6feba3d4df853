/* The legacy 8259 interrupt controllers, which the hypervisor never uses. */
#ifndef DRIVERS_PIC8259_H
#define DRIVERS_PIC8259_H

/* Masks every line of both controllers, so no legacy interrupt reaches a
 * CPU that waits with interrupts on. */
void pic8259_mask_all(void);

#endif
