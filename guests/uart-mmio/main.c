/*
 * A full-virtualization guest that drives a memory-mapped 16550 (registers
 * a byte apart at 0xFE000000, as on boards whose UART sits in MMIO): byte
 * stores of registers and immediates, zero-extending and 32-bit loads,
 * every access trapping as an EPT violation that dom0's model answers.
 */
#include <stdbool.h>

#include "arch/x86_64/cpu.h"
#include "guests/lib/com1.h"
#include "guests/lib/paging.h"
#include "guests/lib/runtime.h"
#include "include/bulkhead/guest_abi.h"

#define MMIO_UART 0xfe000000ull

static volatile uint8_t *const uart = (volatile uint8_t *)MMIO_UART;

static void mmio_write(const char *text)
{
    for (; *text; text++) {
        while (!(uart[UART_LSR] & UART_LSR_THR_EMPTY))
            ;
        uart[UART_DATA] = (uint8_t)*text;
    }
}

/* Stores and loads of several widths, as different MOV forms. */
static bool registers_behave(void)
{
    uart[UART_SCRATCH] = 0xa5;
    bool byte_ok = uart[UART_SCRATCH] == 0xa5;
    uart[UART_LCR] = 0x03;
    uint32_t dword = *(volatile uint32_t *)(MMIO_UART + UART_LCR);
    return byte_ok && (dword & 0xff) == 0x03 && uart[UART_IER] == 0;
}

int guest_main(const struct bulkhead_boot_info *info)
{
    (void)info;
    if (!map_identity_2m(MMIO_UART)) {
        cpu_outb(ISA_DEBUG_EXIT, 2);
        return 2;
    }
    bool ok = registers_behave();
    mmio_write("uart-mmio: hello through a memory-mapped 16550\r\n");
    mmio_write(ok ? "uart-mmio: PASS register round trips of several widths\r\n"
                  : "uart-mmio: FAIL register round trips of several widths\r\n");
    cpu_outb(ISA_DEBUG_EXIT, ok ? 0 : 1);
    return ok ? 0 : 1;
}
