/*
 * The interrupts of the owned 16550 (COM2 on its ISA IRQ 3, the config's
 * default for serial 0x2f8): bound with HC_DEVICE_IRQ_BIND to a vector of
 * this vCPU, they arrive as virtual interrupts. The UART's THR-empty
 * interrupt is turned on and must arrive at the bound vector; then a line
 * goes out one byte per interrupt. An IRQ of a device it does not own and
 * a bad vector are refused, and once the IRQ is unbound nothing arrives.
 */
#include "guests/dev-owner/irq.h"

#include "drivers/uart16550.h"
#include "arch/x86_64/cpu.h"
#include "guests/lib/event.h"
#include "guests/lib/guest.h"
#include "guests/lib/hypercall.h"

#define IIR_CAUSE          0x0e
#define COM2_IRQ           3
#define UNOWNED_IRQ        4 /* COM1's: the hypervisor's console, nobody's device */
#define IRQ_VECTOR         0x50
#define WAIT_TICKS         4000000000ull
#define QUIET_TICKS        50000000ull
#define MAX_CAUSES_PER_IRQ 8

static const char irq_line[] = "dev-owner: sent one byte per interrupt on IRQ 3\n";

static uint16_t port;
static volatile uint32_t interrupts; /* at IRQ_VECTOR */
static volatile uint32_t thr_empty;  /* of them, THR-empty causes */
static volatile uint32_t bytes_sent; /* of irq_line, by the handler */
static volatile uint32_t line_done;  /* 1 once the handler sent it all */
static volatile bool sending;

/* THR empty: the next byte of the line, or the interrupt off when done. */
static void transmit_next(void)
{
    if (!sending)
        return;
    if (bytes_sent < sizeof(irq_line) - 1) {
        cpu_outb(port + UART_DATA, (uint8_t)irq_line[bytes_sent]);
        bytes_sent = bytes_sent + 1;
        return;
    }
    cpu_outb(port + UART_IER, 0);
    sending = false;
    line_done = 1;
}

/* Reading IIR acknowledges a THR-empty cause; the others are cleared by
 * reading what they report. */
static void on_uart_interrupt(uint8_t vector)
{
    (void)vector;
    interrupts = interrupts + 1;
    for (unsigned i = 0; i < MAX_CAUSES_PER_IRQ; i++) {
        uint8_t iir = cpu_inb(port + UART_IIR);
        if (iir & UART_IIR_NONE)
            break;
        if ((iir & IIR_CAUSE) == UART_IIR_THR_EMPTY) {
            thr_empty = thr_empty + 1;
            transmit_next();
        } else if ((iir & IIR_CAUSE) == UART_IIR_RX_DATA) {
            cpu_inb(port + UART_DATA);
        } else {
            cpu_inb(port + UART_LSR);
            cpu_inb(port + UART_MSR);
        }
    }
}

static void check_refusals(void)
{
    int64_t unowned = hc_device_irq_bind(UNOWNED_IRQ, IRQ_VECTOR);
    int64_t bad_vector = hc_device_irq_bind(COM2_IRQ, 7);

    EXPECT_EQ(unowned, (uint64_t)HC_EPERM);
    EXPECT_EQ(bad_vector, (uint64_t)HC_EINVAL);
    printf("dev-owner: IRQ %u of no owned device refused (%lld), vector 7 refused (%lld)\n",
           UNOWNED_IRQ, (long long)unowned, (long long)bad_vector);
}

/* One THR-empty interrupt, acknowledged by reading IIR. */
static void check_first_interrupt(void)
{
    cpu_outb(port + UART_IER, 0);
    cpu_outb(port + UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2);
    cpu_outb(port + UART_IER, UART_IER_THR_EMPTY);
    bool arrived = event_wait(&interrupts, 1, tsc_after(WAIT_TICKS));
    cpu_outb(port + UART_IER, 0);

    EXPECT_TRUE(arrived);
    EXPECT_TRUE(thr_empty >= 1);
    printf("dev-owner: IRQ %u arrived at vector 0x%x: %u interrupt(s), %u THR empty\n", COM2_IRQ,
           IRQ_VECTOR, interrupts, thr_empty);
}

static void check_interrupt_driven_line(void)
{
    uint32_t before = interrupts;

    sending = true;
    cpu_outb(port + UART_IER, UART_IER_THR_EMPTY);
    bool done = event_wait(&line_done, 1, tsc_after(WAIT_TICKS));
    uint32_t taken = interrupts - before;

    EXPECT_TRUE(done);
    EXPECT_EQ(bytes_sent, sizeof(irq_line) - 1);
    EXPECT_TRUE(taken >= bytes_sent);
    printf("dev-owner: a line of %u bytes sent by %u interrupts\n", bytes_sent, taken);
}

/* Unbound, the pin is masked: the UART raises its line, nothing comes. */
static void check_unbound_is_quiet(void)
{
    int64_t unbound = hc_device_irq_bind(COM2_IRQ, 0);
    uint32_t before = interrupts;
    uint32_t never = 0;

    cpu_outb(port + UART_IER, UART_IER_THR_EMPTY);
    event_wait(&never, 1, tsc_after(QUIET_TICKS));
    cpu_outb(port + UART_IER, 0);
    uint32_t after = interrupts - before;

    EXPECT_EQ(unbound, 0);
    EXPECT_EQ(after, 0);
    printf("dev-owner: IRQ %u unbound: %u interrupts while its UART asked for one\n", COM2_IRQ,
           after);
}

void check_uart_interrupts(uint16_t uart_port)
{
    port = uart_port;
    event_enable_x2apic();
    event_set_handler(IRQ_VECTOR, on_uart_interrupt);
    check_refusals();
    int64_t bound = hc_device_irq_bind(COM2_IRQ, IRQ_VECTOR);
    EXPECT_EQ(bound, 0);
    if (bound != 0)
        return;
    check_first_interrupt();
    check_interrupt_driven_line();
    check_unbound_is_quiet();
}
