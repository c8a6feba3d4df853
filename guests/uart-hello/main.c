/*
 * A guest that knows nothing of Bulkhead's devices: it drives the 16550 at
 * COM1 like any PC driver (divisor, line control, FIFOs, polling the line
 * status before every byte) and reports its result through an
 * isa-debug-exit port at 0xf4, as test guests written for QEMU do.
 */
#include "guests/lib/com1.h"
#include "arch/x86_64/cpu.h"
#include "guests/lib/runtime.h"
#include "include/bulkhead/guest_abi.h"

int guest_main(const struct bulkhead_boot_info *info)
{
    (void)info;
    if (!uart16550_present(COM1)) {
        cpu_outb(ISA_DEBUG_EXIT, 1);
        return 1;
    }
    com1_init(UART_MCR_DTR | UART_MCR_RTS);
    com1_print("uart-hello: hello from a full-virtualization guest\n");
    com1_print("uart-hello: polled output through an emulated 16550\n");
    cpu_outb(ISA_DEBUG_EXIT, 0);
    return 0;
}
