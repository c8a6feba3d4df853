/* Polled 16550 UART: the console the hypervisor writes before anything
 * else, and the one dom0 drives once it takes the console over. */
#ifndef DRIVERS_UART16550_H
#define DRIVERS_UART16550_H

#include <stdbool.h>
#include <stdint.h>

/* 115200 8N1, FIFOs on, interrupts off. Returns false when no UART answers. */
bool uart16550_init(uint16_t port);
void uart16550_write(uint16_t port, const char *text, unsigned len);
/* A received byte, if one waits; false when there is none. */
bool uart16550_read(uint16_t port, uint8_t *byte);

#endif
