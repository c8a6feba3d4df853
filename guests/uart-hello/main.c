/*
 * A guest that knows nothing of Bulkhead's devices: it drives the 16550 at
 * COM1 like any PC driver (divisor, line control, FIFOs, polling the line
 * status before every byte) and reports its result through an
 * isa-debug-exit port at 0xf4, as test guests written for QEMU do.
 */
#include "guests/lib/com1.h"
#include "guests/lib/cpu.h"
#include "guests/lib/runtime.h"
#include "hv/guest_abi.h"

int guest_main(const struct bulkhead_boot_info *info)
{
    (void)info;
    if (!com1_present()) {
        outb(ISA_DEBUG_EXIT, 1);
        return 1;
    }
    com1_init(MCR_DTR_RTS);
    com1_write("uart-hello: hello from a full-virtualization guest\r\n");
    com1_write("uart-hello: polled output through an emulated 16550\r\n");
    outb(ISA_DEBUG_EXIT, 0);
    return 0;
}
