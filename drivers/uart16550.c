#include "drivers/uart16550.h"

#include "arch/x86_64/cpu.h"

enum uart_register {
    UART_DATA = 0, /* THR/RBR, or divisor low with DLAB */
    UART_IER = 1,  /* or divisor high with DLAB */
    UART_FCR = 2,
    UART_LCR = 3,
    UART_MCR = 4,
    UART_LSR = 5,
    UART_SCRATCH = 7,
};

#define LCR_8N1             0x03
#define LCR_DLAB            0x80
#define LSR_DATA_READY      0x01
#define LSR_THR_EMPTY       0x20
#define BAUD_115200_DIVISOR 1

/* The scratch register keeps what is written on a real 16550; an absent port
 * reads back all ones. */
static bool uart_present(uint16_t port)
{
    cpu_outb(port + UART_SCRATCH, 0x5a);
    return cpu_inb(port + UART_SCRATCH) == 0x5a;
}

bool uart16550_init(uint16_t port)
{
    if (!uart_present(port))
        return false;
    cpu_outb(port + UART_IER, 0);
    cpu_outb(port + UART_LCR, LCR_DLAB);
    cpu_outb(port + UART_DATA, BAUD_115200_DIVISOR);
    cpu_outb(port + UART_IER, 0);
    cpu_outb(port + UART_LCR, LCR_8N1);
    cpu_outb(port + UART_FCR, 0x07); /* enable and clear both FIFOs */
    cpu_outb(port + UART_MCR, 0x03); /* DTR, RTS */
    return true;
}

static void uart_put(uint16_t port, char c)
{
    /* Bounded wait: a wedged UART must not hang the hypervisor's log. */
    for (unsigned spins = 0; spins < 100000; spins++) {
        if (cpu_inb(port + UART_LSR) & LSR_THR_EMPTY)
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

bool uart16550_read(uint16_t port, uint8_t *byte)
{
    if (!(cpu_inb(port + UART_LSR) & LSR_DATA_READY))
        return false;
    *byte = cpu_inb(port + UART_DATA);
    return true;
}
