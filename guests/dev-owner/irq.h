#ifndef GUESTS_DEV_OWNER_IRQ_H
#define GUESTS_DEV_OWNER_IRQ_H

#include <stdint.h>

/* The owned 16550 at uart_port (COM2, IRQ 3) driven by its interrupts. */
void check_uart_interrupts(uint16_t uart_port);

/* The owned 82540EM's INTx on irq, its registers mapped at register_base
 * (pci_irq.c). Needs check_uart_interrupts() first: it turns the x2APIC on. */
void check_pci_interrupts(unsigned irq, uint64_t register_base);

#endif
