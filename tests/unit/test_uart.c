/* dom0's 16550 model (guests/dom0/uart.c), driven as guest drivers do. */
#include <criterion/criterion.h>
#include <string.h>

#include "guests/dom0/uart.h"

#define DATA 0
#define IER  1
#define IIR  2
#define FCR  2
#define LCR  3
#define MCR  4
#define LSR  5
#define MSR  6

static struct uart uart;
static bool line_done;

static void setup(void)
{
    uart_reset(&uart);
}

TestSuite(uart, .init = setup);

static void out(unsigned offset, uint8_t value)
{
    uart_write(&uart, offset, value, &line_done);
}

static void send(const char *text)
{
    for (; *text; text++)
        out(DATA, (uint8_t)*text);
}

Test(uart, polled_output_collects_a_line)
{
    cr_assert(uart_read(&uart, LSR) & 0x20, "THR empty");
    send("hi\r\n");
    cr_assert(line_done);
    cr_assert_str_eq(uart.line.text, "hi");
    uart_line_taken(&uart);
    send("x");
    cr_assert_not(line_done);
}

Test(uart, a_long_line_is_cut_at_the_buffer)
{
    for (unsigned i = 0; i < MODEL_LINE_MAX - 1; i++)
        out(DATA, 'a');
    cr_assert_not(line_done);
    out(DATA, 0x01);
    cr_assert(line_done);
    cr_assert_eq(strlen(uart.line.text), MODEL_LINE_MAX);
    cr_assert_eq(uart.line.text[MODEL_LINE_MAX - 1], '?', "unprintable shown as '?'");
}

Test(uart, divisor_latch_hides_behind_dlab)
{
    out(LCR, 0x80);
    out(DATA, 0x0c);
    out(IER, 0x00);
    cr_assert_eq(uart_read(&uart, DATA), 0x0c);
    out(LCR, 0x03);
    cr_assert_eq(uart_read(&uart, LCR), 0x03);
    cr_assert_eq(uart_read(&uart, IER), 0x00);
    cr_assert_not(line_done, "divisor bytes are not output");
}

Test(uart, no_interrupt_until_enabled)
{
    cr_assert_eq(uart_read(&uart, IIR) & 0x0f, 0x01);
    cr_assert_not(uart_interrupt_line(&uart));
}

Test(uart, thr_empty_interrupt_follows_every_byte)
{
    out(IER, 0x02);
    cr_assert(uart_interrupt_line(&uart), "enabling it with THR empty raises it");
    cr_assert_eq(uart_read(&uart, IIR) & 0x0f, 0x02);
    cr_assert_not(uart_interrupt_line(&uart), "reading IIR clears it");
    out(DATA, 'a');
    cr_assert(uart_interrupt_line(&uart), "the byte left: empty again");
    out(IER, 0x00);
    cr_assert_not(uart_interrupt_line(&uart));
}

Test(uart, loopback_receives_what_is_sent)
{
    out(MCR, 0x10);
    out(IER, 0x01);
    send("ok");
    cr_assert_not(line_done, "nothing goes out in loopback");
    cr_assert(uart_read(&uart, LSR) & 0x01, "data ready");
    cr_assert_eq(uart_read(&uart, IIR) & 0x0f, 0x04);
    cr_assert(uart_interrupt_line(&uart));
    cr_assert_eq(uart_read(&uart, DATA), 'o');
    cr_assert_eq(uart_read(&uart, DATA), 'k');
    cr_assert_not(uart_read(&uart, LSR) & 0x01);
    cr_assert_not(uart_interrupt_line(&uart));
}

Test(uart, received_data_outranks_thr_empty)
{
    out(IER, 0x03);
    uart_receive(&uart, 'z');
    cr_assert_eq(uart_read(&uart, IIR) & 0x0f, 0x04);
    cr_assert_eq(uart_read(&uart, DATA), 'z');
    cr_assert_eq(uart_read(&uart, IIR) & 0x0f, 0x02);
}

Test(uart, overrun_is_reported_once_through_lsr)
{
    out(IER, 0x04);
    for (unsigned i = 0; i <= UART_FIFO_SIZE; i++)
        uart_receive(&uart, (uint8_t)i);
    cr_assert_eq(uart_read(&uart, IIR) & 0x0f, 0x06);
    cr_assert_eq(uart_read(&uart, LSR) & 0x03, 0x03);
    cr_assert_eq(uart_read(&uart, LSR) & 0x03, 0x01, "the error bit clears when read");
    for (unsigned i = 0; i < UART_FIFO_SIZE; i++)
        cr_assert_eq(uart_read(&uart, DATA), i, "the FIFO keeps the first bytes");
    cr_assert_eq(uart_read(&uart, DATA), 0, "an empty FIFO reads 0");
}

Test(uart, fifo_clear_empties_the_receiver)
{
    uart_receive(&uart, 'a');
    out(FCR, 0x07);
    cr_assert_not(uart_read(&uart, LSR) & 0x01);
    cr_assert_eq(uart_read(&uart, IIR) & 0xc0, 0xc0, "FIFOs enabled");
}

Test(uart, loopback_modem_status_follows_the_outputs)
{
    cr_assert_eq(uart_read(&uart, MSR), 0xb0);
    out(MCR, 0x1a); /* loopback, OUT2, RTS: how drivers probe a 16550 */
    cr_assert_eq(uart_read(&uart, MSR) & 0xf0, 0x90);
    out(MCR, 0x1f);
    cr_assert_eq(uart_read(&uart, MSR) & 0xf0, 0xf0);
}
