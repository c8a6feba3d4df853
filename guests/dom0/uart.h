/* A 16550 UART device model, one per full partition, as dom0 emulates it. */
#ifndef GUESTS_DOM0_UART_H
#define GUESTS_DOM0_UART_H

#include <stdbool.h>
#include <stdint.h>

#include "guests/dom0/console_line.h"

#define UART_COM1_BASE 0x3f8
#define UART_COM1_IRQ  4
#define UART_PORTS     8
#define UART_FIFO_SIZE 16

struct uart {
    uint8_t ier, lcr, mcr, scratch, fcr;
    uint8_t divisor_low, divisor_high;
    uint8_t lsr_errors;   /* overrun, until LSR is read */
    bool thr_empty_event; /* the THR-empty interrupt, until IIR shows it or THR is written */
    uint8_t rx[UART_FIFO_SIZE];
    unsigned rx_head, rx_count;
    struct console_line line; /* what the transmitter sent since the last newline */
};

/* The power-on state of the registers. */
void uart_reset(struct uart *uart);

/* A guest's access to register `offset` (0-7). Writes to the transmitter
 * collect a line; *line_done is set when one is complete in uart->line.text.
 * Reads have the side effects of the hardware (RBR pops, LSR and IIR clear
 * what they report). */
void uart_write(struct uart *uart, unsigned offset, uint8_t value, bool *line_done);
uint8_t uart_read(struct uart *uart, unsigned offset);

/* The completed line was printed: start the next one. */
void uart_line_taken(struct uart *uart);

/* A byte arrives on the serial line (or from the transmitter in loopback
 * mode); a full FIFO drops it, reports an overrun and returns false. */
bool uart_receive(struct uart *uart, uint8_t byte);

/* The interrupt output: high while an enabled interrupt is pending. As in
 * QEMU's model, MCR.OUT2 does not gate it. */
bool uart_interrupt_line(const struct uart *uart);

#endif
