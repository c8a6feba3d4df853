/*
 * A full-virtualization guest that drives the 16550 at COM1 by interrupts
 * through the PC's 8259 PIC, as an unmodified kernel does: it programs the
 * PIC (vectors 0x20-0x2f, only IRQ4 unmasked), sends a line one byte per
 * THR-empty interrupt, receives bytes in loopback mode by the received-data
 * interrupt, and checks that a masked IRQ waits in the PIC's IRR until it is
 * unmasked. Results go out through the UART and the isa-debug-exit port.
 */
#include <stdbool.h>

#include "drivers/pic8259.h"
#include "guests/lib/com1.h"
#include "arch/x86_64/cpu.h"
#include "guests/lib/exceptions.h"
#include "guests/lib/runtime.h"
#include "lib/format.h"
#include "include/bulkhead/guest_abi.h"
#include "lib/string.h"

#define PIC_MASTER      0x20
#define PIC_VECTOR_BASE 0x20
#define COM1_VECTOR     (PIC_VECTOR_BASE + COM1_IRQ)
#define OCW3_READ_IRR   0x0a
#define WAIT_HALTS      1000

static const char tx_text[] = "uart-irq: interrupt-driven output through the emulated PIC\r\n";
static const char rx_text[] = "pic";

static volatile unsigned tx_interrupts, rx_interrupts, other_interrupts;
static volatile unsigned tx_sent;
static volatile bool tx_done;
static char rx_buffer[16];
static volatile unsigned rx_length;
static unsigned failures;

static void report(bool ok, const char *what)
{
    char line[128];

    format(line, sizeof(line), "uart-irq: %s %s\n", ok ? "PASS" : "FAIL", what);
    com1_print(line);
    failures += !ok;
}

static void transmit_next(void)
{
    if (tx_sent < sizeof(tx_text) - 1) {
        cpu_outb(COM1_DATA, (uint8_t)tx_text[tx_sent++]);
        return;
    }
    cpu_outb(COM1_IER, cpu_inb(COM1_IER) & ~UART_IER_THR_EMPTY);
    tx_done = true;
}

/* One interrupt, one cause: IIR names it, and reading it acknowledges a
 * THR-empty interrupt. */
static void on_com1(uint8_t vector)
{
    (void)vector;
    uint8_t cause = cpu_inb(COM1_IIR) & 0x0f;

    if (cause == UART_IIR_THR_EMPTY) {
        tx_interrupts++;
        transmit_next();
    } else if (cause == UART_IIR_RX_DATA) {
        rx_interrupts++;
        while ((cpu_inb(COM1_LSR) & UART_LSR_DATA_READY) && rx_length < sizeof(rx_buffer) - 1)
            rx_buffer[rx_length++] = (char)cpu_inb(COM1_DATA);
    } else if (cause != UART_IIR_NONE) {
        other_interrupts++;
    }
    pic8259_end_of_interrupt(COM1_IRQ);
}

/* Halts with interrupts on until done() holds or enough halts went by. */
static bool wait_for(bool (*done)(void))
{
    for (unsigned i = 0; i < WAIT_HALTS && !done(); i++)
        cpu_wait_for_interrupt();
    return done();
}

static bool transmission_done(void)
{
    return tx_done;
}

static bool reception_done(void)
{
    return rx_length >= sizeof(rx_text) - 1;
}

static void check_transmit(void)
{
    cpu_outb(COM1_IER, UART_IER_THR_EMPTY);
    bool done = wait_for(transmission_done);
    report(done && tx_interrupts == sizeof(tx_text), "one THR-empty interrupt per byte");
}

static void check_receive(void)
{
    cpu_outb(COM1_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2 | UART_MCR_LOOPBACK);
    cpu_outb(COM1_IER, UART_IER_RX_DATA);
    com1_print(rx_text); /* comes back in the receiver */
    bool done = wait_for(reception_done);
    cpu_outb(COM1_IER, 0);
    cpu_outb(COM1_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2);
    report(done && rx_interrupts >= 1 && strncmp(rx_buffer, rx_text, sizeof(rx_buffer)) == 0,
           "loopback bytes arrive by the received-data interrupt");
}

/* A masked line's request waits in IRR and is delivered on unmask. */
static void check_mask(void)
{
    unsigned before = tx_interrupts;

    pic8259_mask_all();
    tx_done = false;
    tx_sent = sizeof(tx_text) - 1; /* nothing more to send: one interrupt */
    cpu_outb(COM1_IER, UART_IER_THR_EMPTY);
    cpu_interrupt_window();
    cpu_outb(PIC_MASTER, OCW3_READ_IRR);
    bool waiting = cpu_inb(PIC_MASTER) & (1u << COM1_IRQ);
    bool held = tx_interrupts == before && cpu_inb(PIC_MASTER + 1) == 0xff;
    pic8259_unmask(1u << COM1_IRQ);
    bool delivered = wait_for(transmission_done) && tx_interrupts == before + 1;
    report(waiting && held && delivered, "a masked IRQ waits in IRR until unmasked");
}

int guest_main(const struct bulkhead_boot_info *info)
{
    (void)info;
    exceptions_init();
    interrupt_set_handler(COM1_VECTOR, on_com1);
    com1_init(UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2);
    pic8259_init(PIC_VECTOR_BASE, 1u << COM1_IRQ);
    check_transmit();
    check_receive();
    check_mask();
    report(other_interrupts == 0, "no other interrupt cause");
    char line[96];
    format(line, sizeof(line), "uart-irq: %u transmit and %u receive interrupts\n", tx_interrupts,
           rx_interrupts);
    com1_print(line);
    cpu_outb(ISA_DEBUG_EXIT, failures ? 1 : 0);
    return failures ? 1 : 0;
}
