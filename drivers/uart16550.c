#include "drivers/uart16550.h"

#include "arch/x86_64/cpu.h"

#define BAUD_115200_DIVISOR 1
#define FIFO_BYTES          16 /* a 16550A's transmit FIFO, enabled by init */

bool uart16550_present(uint16_t port)
{
    cpu_outb(port + UART_SCRATCH, 0x5a);
    return cpu_inb(port + UART_SCRATCH) == 0x5a;
}

bool uart16550_init(uint16_t port)
{
    if (!uart16550_present(port))
        return false;
    cpu_outb(port + UART_IER, 0);
    cpu_outb(port + UART_LCR, UART_LCR_DLAB);
    cpu_outb(port + UART_DATA, BAUD_115200_DIVISOR);
    cpu_outb(port + UART_IER, 0);
    cpu_outb(port + UART_LCR, UART_LCR_8N1);
    cpu_outb(port + UART_FCR, 0x07); /* enable and clear both FIFOs */
    cpu_outb(port + UART_MCR, UART_MCR_DTR | UART_MCR_RTS);
    return true;
}

static void uart_put(uint16_t port, char c)
{
    /* Bounded wait: a wedged UART must not hang the hypervisor's log. */
    for (unsigned spins = 0; spins < 100000; spins++) {
        if (cpu_inb(port + UART_LSR) & UART_LSR_THR_EMPTY)
            break;
        cpu_pause();
    }
    cpu_outb(port + UART_DATA, (uint8_t)c);
}

void uart16550_write(uint16_t port, const char *text, unsigned len)
{
    for (unsigned i = 0; i < len; i++) {
        if (text[i] == '\n')
            uart_put(port, '\r');
        uart_put(port, text[i]);
    }
}

unsigned uart16550_write_ready(uint16_t port, const char *text, unsigned len)
{
    unsigned taken = 0, room = FIFO_BYTES;

    if (!(cpu_inb(port + UART_LSR) & UART_LSR_THR_EMPTY))
        return 0;
    for (; taken < len; taken++) {
        unsigned needs = text[taken] == '\n' ? 2 : 1;
        if (needs > room)
            break;
        if (needs == 2)
            cpu_outb(port + UART_DATA, '\r');
        cpu_outb(port + UART_DATA, (uint8_t)text[taken]);
        room -= needs;
    }
    return taken;
}

bool uart16550_read(uint16_t port, uint8_t *byte)
{
    if (!(cpu_inb(port + UART_LSR) & UART_LSR_DATA_READY))
        return false;
    *byte = cpu_inb(port + UART_DATA);
    return true;
}
