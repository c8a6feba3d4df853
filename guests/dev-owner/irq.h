#ifndef GUESTS_DEV_OWNER_IRQ_H
#define GUESTS_DEV_OWNER_IRQ_H

#include <stdint.h>

/* The owned 16550 at uart_port (COM2, IRQ 3) driven by its interrupts. */
void check_uart_interrupts(uint16_t uart_port);

#endif
