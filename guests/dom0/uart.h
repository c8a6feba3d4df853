/* A 16550 UART device model, one per full partition, as dom0 emulates it. */
#ifndef GUESTS_DOM0_UART_H
#define GUESTS_DOM0_UART_H

#include <stdbool.h>
#include <stdint.h>

#define UART_COM1_BASE 0x3f8
#define UART_PORTS     8
#define UART_LINE_MAX  120

struct uart {
    uint8_t ier, lcr, mcr, scratch, fcr;
    uint8_t divisor_low, divisor_high;
    char line[UART_LINE_MAX + 1];
    unsigned line_length;
};

/* The power-on state of the registers. */
void uart_reset(struct uart *uart);

/* A guest's access to register `offset` (0-7). Writes to the transmitter
 * collect a line; *line_done is set when one is complete in uart->line. */
void uart_write(struct uart *uart, unsigned offset, uint8_t value, bool *line_done);
uint8_t uart_read(const struct uart *uart, unsigned offset);

/* The completed line was printed: start the next one. */
void uart_line_taken(struct uart *uart);

#endif
