/*
 * The 16550 as a guest's driver sees it: the divisor latch behind LCR.DLAB,
 * a transmitter that is always ready (the bytes go to dom0's console at
 * once), a receiver that has nothing, and no interrupt pending.
 */
#include "guests/dom0/uart.h"

enum uart_register {
    UART_DATA = 0, /* THR/RBR, or DLL with DLAB */
    UART_IER = 1,  /* or DLM with DLAB */
    UART_IIR = 2,  /* FCR when written */
    UART_LCR = 3,
    UART_MCR = 4,
    UART_LSR = 5,
    UART_MSR = 6,
    UART_SCRATCH = 7,
};

#define LCR_DLAB              0x80
#define LSR_THR_EMPTY         0x20
#define LSR_TRANSMITTER_EMPTY 0x40
#define IIR_NO_INTERRUPT      0x01
#define IIR_FIFOS_ENABLED     0xc0
#define FCR_ENABLE            0x01
#define MSR_CTS_DSR_DCD       0xb0
#define IER_WRITABLE          0x0f
#define MCR_WRITABLE          0x1f

void uart_reset(struct uart *uart)
{
    *uart = (struct uart){0};
}

/* Bytes collect into a line; a newline or a full buffer completes it, and
 * the caller takes it with uart_line_taken(). */
static void transmit(struct uart *uart, uint8_t byte, bool *line_done)
{
    if (byte == '\r')
        return;
    if (byte != '\n')
        uart->line[uart->line_length++] = (byte >= 0x20 && byte < 0x7f) ? (char)byte : '?';
    if (byte == '\n' || uart->line_length == UART_LINE_MAX) {
        uart->line[uart->line_length] = '\0';
        *line_done = true;
    }
}

void uart_line_taken(struct uart *uart)
{
    uart->line_length = 0;
}

void uart_write(struct uart *uart, unsigned offset, uint8_t value, bool *line_done)
{
    bool dlab = uart->lcr & LCR_DLAB;

    *line_done = false;
    switch (offset) {
    case UART_DATA:
        if (dlab)
            uart->divisor_low = value;
        else
            transmit(uart, value, line_done);
        break;
    case UART_IER:
        if (dlab)
            uart->divisor_high = value;
        else
            uart->ier = value & IER_WRITABLE;
        break;
    case UART_IIR:
        uart->fcr = value;
        break;
    case UART_LCR:
        uart->lcr = value;
        break;
    case UART_MCR:
        uart->mcr = value & MCR_WRITABLE;
        break;
    case UART_SCRATCH:
        uart->scratch = value;
        break;
    default:
        break; /* LSR and MSR are read-only */
    }
}

uint8_t uart_read(const struct uart *uart, unsigned offset)
{
    bool dlab = uart->lcr & LCR_DLAB;

    switch (offset) {
    case UART_DATA:
        return dlab ? uart->divisor_low : 0;
    case UART_IER:
        return dlab ? uart->divisor_high : uart->ier;
    case UART_IIR:
        return IIR_NO_INTERRUPT | ((uart->fcr & FCR_ENABLE) ? IIR_FIFOS_ENABLED : 0);
    case UART_LCR:
        return uart->lcr;
    case UART_MCR:
        return uart->mcr;
    case UART_LSR:
        return LSR_THR_EMPTY | LSR_TRANSMITTER_EMPTY;
    case UART_MSR:
        return MSR_CTS_DSR_DCD;
    default:
        return uart->scratch;
    }
}
