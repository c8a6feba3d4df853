/*
 * COM1, the 16550 a PC guest finds at 0x3f8, for the full-virtualization
 * test guests: they know nothing of Bulkhead and drive whatever 16550 the
 * machine (or dom0's device model) gives them, with the same driver the
 * hypervisor uses (drivers/uart16550.h).
 */
#ifndef GUESTS_LIB_COM1_H
#define GUESTS_LIB_COM1_H

#include "drivers/uart16550.h"
#include "arch/x86_64/cpu.h"
#include "lib/string.h"

#define COM1           0x3f8
#define COM1_IRQ       4
#define COM1_DATA      (COM1 + UART_DATA)
#define COM1_IER       (COM1 + UART_IER)
#define COM1_IIR       (COM1 + UART_IIR)
#define COM1_MCR       (COM1 + UART_MCR)
#define COM1_LSR       (COM1 + UART_LSR)
#define COM1_SCRATCH   (COM1 + UART_SCRATCH)
#define ISA_DEBUG_EXIT 0xf4 /* QEMU's isa-debug-exit, which Bulkhead also offers */

/* The driver's setup, then the modem control lines the guest wants.
 * False when no UART answers. */
static inline bool com1_init(uint8_t mcr)
{
    if (!uart16550_init(COM1))
        return false;
    cpu_outb(COM1_MCR, mcr);
    return true;
}

/* The text, each '\n' sent as "\r\n". */
static inline void com1_print(const char *text)
{
    uart16550_write(COM1, text, (unsigned)strlen(text));
}

#endif
