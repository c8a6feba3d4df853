/*
 * A full-virtualization guest that floods the emulated 16550 at COM1 with
 * port accesses of every size, as fast as it can and without end, after
 * one line that says its run started. Its time limit or dom0 stops it,
 * nearly always while one of its accesses waits for dom0's answer.
 */
#include "guests/lib/cpu.h"
#include "guests/lib/runtime.h"
#include "hv/guest_abi.h"

#define COM1          0x3f8
#define DATA          0
#define LSR           5
#define SCRATCH       7
#define LSR_THR_EMPTY 0x20

static void serial_write(const char *text)
{
    for (; *text; text++) {
        while (!(inb(COM1 + LSR) & LSR_THR_EMPTY))
            ;
        outb(COM1 + DATA, (uint8_t)*text);
    }
}

int guest_main(const struct bulkhead_boot_info *info)
{
    (void)info;
    serial_write("uart-flood: run starts\r\n");
    for (uint32_t i = 0;; i++) {
        outb(COM1 + SCRATCH, (uint8_t)i);
        (void)inb(COM1 + LSR);
        outl(COM1 + SCRATCH, i);
        (void)inl(COM1 + SCRATCH);
    }
}
