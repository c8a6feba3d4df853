/*
 * The 16550 as a guest's driver sees it: the divisor latch behind LCR.DLAB,
 * a transmitter that is always ready (the bytes go on at once, a line at a
 * time), a 16-byte receive FIFO, loopback mode, and the four interrupt
 * sources with their IIR priorities (line status, received data, THR
 * empty; modem status changes never happen here). The receive FIFO raises
 * its interrupt from the first byte on, whatever trigger level FCR asks.
 */
#include "guests/dom0/uart.h"

#include "drivers/uart16550.h"

#define IIR_FIFOS_ENABLED 0xc0
#define FCR_ENABLE        0x01
#define FCR_CLEAR_RX      0x02
#define MSR_CTS_DSR_DCD   0xb0
#define IER_WRITABLE      0x0f
#define MCR_WRITABLE      0x1f

void uart_reset(struct uart *uart)
{
    *uart = (struct uart){.thr_empty_event = true};
}

bool uart_receive(struct uart *uart, uint8_t byte)
{
    if (uart->rx_count == UART_FIFO_SIZE) {
        uart->lsr_errors |= UART_LSR_OVERRUN;
        return false;
    }
    uart->rx[(uart->rx_head + uart->rx_count) % UART_FIFO_SIZE] = byte;
    uart->rx_count++;
    return true;
}

static uint8_t pop_received(struct uart *uart)
{
    if (!uart->rx_count)
        return 0;
    uint8_t byte = uart->rx[uart->rx_head];
    uart->rx_head = (uart->rx_head + 1) % UART_FIFO_SIZE;
    uart->rx_count--;
    return byte;
}

/* The pending interrupt of highest priority, as IIR's low bits name it. */
static uint8_t pending_interrupt(const struct uart *uart)
{
    if ((uart->ier & UART_IER_LINE_STATUS) && uart->lsr_errors)
        return UART_IIR_LINE_STATUS;
    if ((uart->ier & UART_IER_RX_DATA) && uart->rx_count)
        return UART_IIR_RX_DATA;
    if ((uart->ier & UART_IER_THR_EMPTY) && uart->thr_empty_event)
        return UART_IIR_THR_EMPTY;
    return UART_IIR_NONE;
}

bool uart_interrupt_line(const struct uart *uart)
{
    return pending_interrupt(uart) != UART_IIR_NONE;
}

/* The byte leaves at once, so THR is empty again straight away: a new
 * THR-empty interrupt, as after a real transmission. */
static void transmit(struct uart *uart, uint8_t byte, bool *line_done)
{
    if (uart->mcr & UART_MCR_LOOPBACK)
        uart_receive(uart, byte);
    else
        *line_done = console_line_add(&uart->line, byte);
    uart->thr_empty_event = true;
}

void uart_line_taken(struct uart *uart)
{
    console_line_taken(&uart->line);
}

/* Enabling the THR-empty interrupt while THR is empty raises it. */
static void write_ier(struct uart *uart, uint8_t value)
{
    if ((value & UART_IER_THR_EMPTY) && !(uart->ier & UART_IER_THR_EMPTY))
        uart->thr_empty_event = true;
    uart->ier = value & IER_WRITABLE;
}

static void write_fcr(struct uart *uart, uint8_t value)
{
    if (value & FCR_CLEAR_RX)
        uart->rx_count = 0;
    uart->fcr = value;
}

void uart_write(struct uart *uart, unsigned offset, uint8_t value, bool *line_done)
{
    bool dlab = uart->lcr & UART_LCR_DLAB;

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
            write_ier(uart, value);
        break;
    case UART_IIR:
        write_fcr(uart, value);
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

/* Reading IIR while it reports THR empty clears that interrupt. */
static uint8_t read_iir(struct uart *uart)
{
    uint8_t pending = pending_interrupt(uart);

    if (pending == UART_IIR_THR_EMPTY)
        uart->thr_empty_event = false;
    return pending | ((uart->fcr & FCR_ENABLE) ? IIR_FIFOS_ENABLED : 0);
}

static uint8_t read_lsr(struct uart *uart)
{
    uint8_t lsr = UART_LSR_THR_EMPTY | UART_LSR_TRANSMITTER_EMPTY | uart->lsr_errors;

    uart->lsr_errors = 0;
    return uart->rx_count ? lsr | UART_LSR_DATA_READY : lsr;
}

/* In loopback mode the modem inputs follow the modem outputs: CTS = RTS,
 * DSR = DTR, RI = OUT1, DCD = OUT2; drivers probe for a UART that way. */
static uint8_t read_msr(const struct uart *uart)
{
    if (!(uart->mcr & UART_MCR_LOOPBACK))
        return MSR_CTS_DSR_DCD;
    uint8_t mcr = uart->mcr;
    return (uint8_t)(((mcr & UART_MCR_RTS) ? 0x10 : 0) | ((mcr & UART_MCR_DTR) ? 0x20 : 0) |
                     ((mcr & UART_MCR_OUT1) ? 0x40 : 0) | ((mcr & UART_MCR_OUT2) ? 0x80 : 0));
}

uint8_t uart_read(struct uart *uart, unsigned offset)
{
    bool dlab = uart->lcr & UART_LCR_DLAB;

    switch (offset) {
    case UART_DATA:
        return dlab ? uart->divisor_low : pop_received(uart);
    case UART_IER:
        return dlab ? uart->divisor_high : uart->ier;
    case UART_IIR:
        return read_iir(uart);
    case UART_LCR:
        return uart->lcr;
    case UART_MCR:
        return uart->mcr;
    case UART_LSR:
        return read_lsr(uart);
    case UART_MSR:
        return read_msr(uart);
    default:
        return uart->scratch;
    }
}
