/*
 * A full-virtualization guest that prints UART_LINES numbered lines through
 * the 16550 at COM1 (dom0's device model), polling as a PC driver does, and
 * then how long they took: TSC ticks per line (under Bochs, emulated
 * instructions). make bench compares the figure with and without pv
 * partitions flooding beside it; the flood scenario needs its last line.
 */
#include "guests/lib/com1.h"
#include "arch/x86_64/cpu.h"
#include "guests/lib/runtime.h"
#include "include/bulkhead/guest_abi.h"
#include "lib/format.h"

#define UART_LINES 40

static void print(const char *fmt, unsigned long long a, unsigned long long b)
{
    char line[96];

    format(line, sizeof(line), fmt, a, b);
    com1_print(line);
}

int guest_main(const struct bulkhead_boot_info *info)
{
    (void)info;
    if (!com1_init(UART_MCR_DTR | UART_MCR_RTS)) {
        cpu_outb(ISA_DEBUG_EXIT, 1);
        return 1;
    }
    uint64_t start = cpu_rdtsc_ordered();
    for (unsigned n = 1; n <= UART_LINES; n++)
        print("uart-lines: line %llu of %llu\n", n, UART_LINES);
    uint64_t ticks = cpu_rdtsc_ordered() - start;
    print("uart-lines: bench %llu ticks a line over %llu lines\n", ticks / UART_LINES, UART_LINES);
    cpu_outb(ISA_DEBUG_EXIT, 0);
    return 0;
}
