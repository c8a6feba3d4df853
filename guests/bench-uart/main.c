/*
 * The cost of one console byte through the emulated 16550, as a full
 * partition's driver pays it: poll the line status register until the
 * transmitter is empty, then write the byte to THR. Both accesses trap and
 * become I/O requests that dom0's device model answers. Measured with RDTSC
 * around the two instructions (under Bochs: emulated instructions), the
 * smallest of RUNS runs, minus the cost of the measurement itself.
 */
#include "guests/lib/bench.h"
#include "guests/lib/com1.h"
#include "guests/lib/guest.h"

#define RUNS           200
#define LINE_BYTES     64
#define PROBE_ATTEMPTS 100000

static bool nothing(uint32_t run)
{
    (void)run;
    return true;
}

/* Printable bytes, ending a line every LINE_BYTES, as a console would. */
static bool uart_byte(uint32_t run)
{
    while (!(cpu_inb(COM1_LSR) & UART_LSR_THR_EMPTY))
        ;
    cpu_outb(COM1_DATA, (run % LINE_BYTES) == LINE_BYTES - 1 ? '\n' : 'u');
    return true;
}

/* dom0 claims COM1 when it starts: until then the port reads all ones and
 * the scratch register keeps nothing. */
static bool uart_present(void)
{
    for (unsigned i = 0; i < PROBE_ATTEMPTS; i++) {
        if (uart16550_present(COM1))
            return true;
    }
    return false;
}

int guest_main(const struct bulkhead_boot_info *info)
{
    (void)info;
    if (!uart_present()) {
        printf("bench-uart: FAIL no 16550 at COM1\n");
        return GUEST_STATUS_FAIL;
    }
    uint64_t baseline = bench_smallest(nothing, RUNS);
    uint64_t byte = bench_smallest(uart_byte, RUNS);
    printf("bench-uart: bench 16550 byte (LSR poll + THR write) %llu ticks\n",
           (unsigned long long)(byte - baseline));
    return GUEST_STATUS_PASS;
}
