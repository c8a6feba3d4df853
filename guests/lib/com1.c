#include "guests/lib/com1.h"

#include "guests/lib/cpu.h"

#define LCR_DLAB 0x80
#define LCR_8N1  0x03

bool com1_present(void)
{
    outb(COM1_SCRATCH, 0x5a);
    return inb(COM1_SCRATCH) == 0x5a;
}

void com1_init(uint8_t mcr)
{
    outb(COM1_IER, 0);
    outb(COM1_LCR, LCR_DLAB);
    outb(COM1_DATA, 1); /* divisor 1: 115200 baud */
    outb(COM1_IER, 0);
    outb(COM1_LCR, LCR_8N1);
    outb(COM1_FCR, 0x07);
    outb(COM1_MCR, mcr);
}

void com1_write(const char *text)
{
    for (; *text; text++) {
        while (!(inb(COM1_LSR) & LSR_THR_EMPTY))
            ;
        outb(COM1_DATA, (uint8_t)*text);
    }
}
