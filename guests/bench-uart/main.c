/*
 * The cost of one console byte through the emulated 16550, as a full
 * partition's driver pays it: poll the line status register until the
 * transmitter is empty, then write the byte to THR. Both accesses trap; the
 * read becomes an I/O request that dom0's device model answers, the write
 * is posted (the vCPU does not wait for it). Also a read of the scratch
 * register alone, back to back (dom0 awake) and after a pause (dom0
 * asleep), and a write alone. Measured with RDTSC around the instructions
 * (under Bochs: emulated instructions), the smallest of RUNS runs, minus
 * the cost of the measurement itself.
 */
#include "guests/lib/bench.h"
#include "guests/lib/com1.h"
#include "guests/lib/guest.h"

#define RUNS           200
#define LINE_BYTES     64
#define PROBE_ATTEMPTS 100000
#define ASLEEP_RUNS    20
#define ASLEEP_PAUSE   2000000ull /* ticks: dom0 has long gone back to HC_BLOCK */

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

static bool scratch_read(uint32_t run)
{
    (void)run;
    (void)cpu_inb(COM1_SCRATCH);
    return true;
}

static bool scratch_write(uint32_t run)
{
    cpu_outb(COM1_SCRATCH, (uint8_t)run);
    return true;
}

static void report(const char *what, uint64_t ticks, uint64_t baseline)
{
    printf("bench-uart: bench %s %llu ticks\n", what, (unsigned long long)(ticks - baseline));
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
    report("16550 byte (LSR poll + THR write)", bench_smallest(uart_byte, RUNS), baseline);
    report("port read served by dom0, back to back", bench_smallest(scratch_read, RUNS), baseline);
    report("port read served by dom0, dom0 asleep",
           bench_smallest_after_pause(scratch_read, ASLEEP_RUNS, ASLEEP_PAUSE), baseline);
    report("posted port write", bench_smallest(scratch_write, RUNS), baseline);
    return GUEST_STATUS_PASS;
}
