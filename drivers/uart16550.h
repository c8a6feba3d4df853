/*
 * The 16550 UART: its registers, as every piece of Bulkhead that touches
 * one names them (the hypervisor's console, dom0's device model and console,
 * the test guests), and a polled driver: the console the hypervisor writes
 * before anything else, and the one dom0 drives once it takes it over.
 */
#ifndef DRIVERS_UART16550_H
#define DRIVERS_UART16550_H

#include <stdbool.h>
#include <stdint.h>

/* Offsets from the first of its 8 ports (or bytes, memory-mapped). */
enum uart_register {
    UART_DATA = 0, /* THR written, RBR read; divisor low with LCR.DLAB */
    UART_IER = 1,  /* divisor high with LCR.DLAB */
    UART_IIR = 2,  /* read; FCR when written */
    UART_FCR = 2,
    UART_LCR = 3,
    UART_MCR = 4,
    UART_LSR = 5,
    UART_MSR = 6,
    UART_SCRATCH = 7,
};

#define UART_IER_RX_DATA           0x01
#define UART_IER_THR_EMPTY         0x02
#define UART_IER_LINE_STATUS       0x04
#define UART_IIR_NONE              0x01 /* the low bits: the pending cause */
#define UART_IIR_THR_EMPTY         0x02
#define UART_IIR_RX_DATA           0x04
#define UART_IIR_LINE_STATUS       0x06
#define UART_LCR_8N1               0x03
#define UART_LCR_DLAB              0x80
#define UART_MCR_DTR               0x01
#define UART_MCR_RTS               0x02
#define UART_MCR_OUT1              0x04
#define UART_MCR_OUT2              0x08 /* on a PC, lets the UART drive its IRQ line */
#define UART_MCR_LOOPBACK          0x10
#define UART_LSR_DATA_READY        0x01
#define UART_LSR_OVERRUN           0x02
#define UART_LSR_THR_EMPTY         0x20
#define UART_LSR_TRANSMITTER_EMPTY 0x40

/* The scratch register keeps what is written on a real 16550; an absent
 * port reads back all ones. */
bool uart16550_present(uint16_t port);
/* 115200 8N1, FIFOs on, interrupts off, DTR and RTS. Returns false when no
 * UART answers. */
bool uart16550_init(uint16_t port);
/* Each '\n' goes out as "\r\n"; the wait for room is bounded, so a wedged
 * UART loses bytes instead of hanging the writer. */
void uart16550_write(uint16_t port, const char *text, unsigned len);
/* Without waiting: when the transmitter has taken everything it was given
 * (its FIFO is empty), gives it the start of `text`, as much as the FIFO
 * holds ('\n' as "\r\n"). Returns how many bytes of `text` it took: 0
 * while it is still busy. */
unsigned uart16550_write_ready(uint16_t port, const char *text, unsigned len);
/* A received byte, if one waits; false when there is none. */
bool uart16550_read(uint16_t port, uint8_t *byte);

#endif
