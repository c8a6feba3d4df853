/* Polled 16550 UART: the console the hypervisor writes before anything else. */
#ifndef DRIVERS_UART16550_H
#define DRIVERS_UART16550_H

#include <stdbool.h>
#include <stdint.h>

/* 115200 8N1, FIFOs on, interrupts off. Returns false when no UART answers. */
bool uart_init(uint16_t port);
void uart_write(uint16_t port, const char *text, unsigned len);

#endif
