/*
 * A guest that knows nothing of Bulkhead's devices: it drives the 16550 at
 * COM1 like any PC driver (divisor, line control, FIFOs, polling the line
 * status before every byte) and reports its result through an
 * isa-debug-exit port at 0xf4, as test guests written for QEMU do.
 */
#include <stdbool.h>

#include "guests/lib/cpu.h"
#include "guests/lib/runtime.h"
#include "hv/guest_abi.h"

#define COM1          0x3f8
#define DATA          0
#define IER           1
#define FCR           2
#define LCR           3
#define MCR           4
#define LSR           5
#define SCRATCH       7
#define LCR_DLAB      0x80
#define LCR_8N1       0x03
#define LSR_THR_EMPTY 0x20
#define DEBUG_EXIT    0xf4

static void serial_init(void)
{
    outb(COM1 + IER, 0);
    outb(COM1 + LCR, LCR_DLAB);
    outb(COM1 + DATA, 1); /* 115200 baud */
    outb(COM1 + IER, 0);
    outb(COM1 + LCR, LCR_8N1);
    outb(COM1 + FCR, 0x07);
    outb(COM1 + MCR, 0x03);
}

static void serial_write(const char *text)
{
    for (; *text; text++) {
        while (!(inb(COM1 + LSR) & LSR_THR_EMPTY))
            ;
        outb(COM1 + DATA, (uint8_t)*text);
    }
}

/* A UART is there when the scratch register keeps what was written. */
static bool serial_present(void)
{
    outb(COM1 + SCRATCH, 0x5a);
    return inb(COM1 + SCRATCH) == 0x5a;
}

int guest_main(const struct bulkhead_boot_info *info)
{
    (void)info;
    if (!serial_present()) {
        outb(DEBUG_EXIT, 1);
        return 1;
    }
    serial_init();
    serial_write("uart-hello: hello from a full-virtualization guest\r\n");
    serial_write("uart-hello: polled output through an emulated 16550\r\n");
    outb(DEBUG_EXIT, 0);
    return 0;
}
