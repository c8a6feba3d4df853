/*
 * A full-virtualization guest that moves its serial bytes with string port
 * I/O, as some legacy drivers and boot loaders do: it prints lines to the
 * 16550 at COM1 with REP OUTSB and REP OUTSW, reads loopback data and the
 * scratch register back with INSB, and checks RSI, RDI and RCX after each
 * instruction: forwards and backwards (RFLAGS.DF), with 32-bit addresses,
 * without REP, on a port nobody claims, for a count longer than one batch
 * of the hypervisor, and with a buffer its page tables do not map (#PF).
 * Checks print PASS/FAIL lines on its debug console; the result leaves
 * through the isa-debug-exit port.
 *
 * A partition whose name starts with "outside" instead points REP OUTSB at
 * memory its page tables map but its RAM does not hold: the hypervisor
 * must stop it.
 */
#include <stdbool.h>

#include "guests/lib/com1.h"
#include "guests/lib/console.h"
#include "arch/x86_64/cpu.h"
#include "guests/lib/exceptions.h"
#include "guests/lib/expect.h"
#include "guests/lib/runtime.h"
#include "include/bulkhead/guest_abi.h"
#include "lib/string.h"

#define UNCLAIMED_PORT  0x2e8      /* COM4: no device model, no device */
#define UNMAPPED        0xc0000000 /* above the identity map of the first 1 GiB */
#define PF_WRITE        0x2
#define LONG_COUNT      300 /* more elements than one exit emulates */
#define OUTSIDE_RAM_GAP 0x100000

static const char outsb_line[] = "uart-string: a line written with rep outsb\r\n";
static const char outsw_text[] = "uart-string: a line written with rep outsw\r\n";
static uint16_t outsw_line[sizeof(outsw_text) - 1];
static uint32_t dwords[LONG_COUNT];

static uint64_t after(const void *buffer, uint64_t bytes)
{
    return (uint64_t)buffer + bytes;
}

static void print_lines(void)
{
    uint64_t length = sizeof(outsb_line) - 1;
    struct cpu_string_io_result r = cpu_rep_outsb(COM1_DATA, outsb_line, length);

    EXPECT_EQ(r.index, after(outsb_line, length));
    EXPECT_EQ(r.count, 0);
    /* A 16-bit write to the data port carries the byte in its low half. */
    for (unsigned i = 0; i < sizeof(outsw_line) / 2; i++)
        outsw_line[i] = (uint8_t)outsw_text[i];
    r = cpu_rep_outsw(COM1_DATA, outsw_line, sizeof(outsw_line) / 2);
    EXPECT_EQ(r.index, after(outsw_line, sizeof(outsw_line)));
    EXPECT_EQ(r.count, 0);
}

/* In loopback mode every byte written to THR arrives in the receive FIFO. */
static void check_loopback(void)
{
    char sent[] = "abcdef", received[8] = {0};
    struct cpu_string_io_result r = cpu_rep_outsb(COM1_DATA, sent, 6);

    EXPECT_EQ(r.index, after(sent, 6));
    EXPECT_EQ(r.count, 0);
    r = cpu_rep_insb(COM1_DATA, received, 6);
    EXPECT_TRUE(memcmp(received, "abcdef\0", 8) == 0);
    EXPECT_EQ(r.index, after(received, 6));
    EXPECT_EQ(r.count, 0);
    /* Backwards: from the last byte down, RSI ends one below the first. */
    r = cpu_rep_outsb_backward(COM1_DATA, &sent[5], 6);
    EXPECT_EQ(r.index, (uint64_t)sent - 1);
    EXPECT_EQ(r.count, 0);
    cpu_rep_insb(COM1_DATA, received, 6);
    EXPECT_TRUE(memcmp(received, "fedcba\0", 8) == 0);
}

/* With 32-bit addresses only ECX counts, and the 32-bit results clear the
 * upper halves of RSI/RDI and RCX. */
static void check_addr32(void)
{
    char received[4] = {0};
    uint64_t count = 0xabcd000000000003ull;
    struct cpu_string_io_result r = cpu_rep_outsb_addr32(COM1_DATA, "xyz", count);

    EXPECT_EQ(r.count, 0);
    r = cpu_rep_insb_addr32(COM1_DATA, received, count);
    EXPECT_TRUE(memcmp(received, "xyz\0", 4) == 0);
    EXPECT_EQ(r.index, after(received, 3));
    EXPECT_EQ(r.count, 0);
}

/* Without REP one element moves and RCX stays. */
static void check_single(void)
{
    char received[2] = {0};
    struct cpu_string_io_result r = cpu_outsb_once(COM1_SCRATCH, "Z", 77);

    EXPECT_EQ(r.count, 77);
    r = cpu_insb_once(COM1_SCRATCH, received, 77);
    EXPECT_EQ(received[0], 'Z');
    EXPECT_EQ(r.index, after(received, 1));
    EXPECT_EQ(r.count, 77);
}

static bool all_ones(const uint32_t *values, unsigned count)
{
    for (unsigned i = 0; i < count; i++) {
        if (values[i] != 0xffffffffu)
            return false;
    }
    return true;
}

/* A port nobody claims: reads float high, writes vanish, the registers
 * move all the same, also past one batch of the hypervisor. */
static void check_unclaimed(void)
{
    struct cpu_string_io_result r = cpu_rep_insd(UNCLAIMED_PORT, dwords, LONG_COUNT);

    EXPECT_TRUE(all_ones(dwords, LONG_COUNT));
    EXPECT_EQ(r.index, after(dwords, sizeof(dwords)));
    EXPECT_EQ(r.count, 0);
    r = cpu_rep_outsd(UNCLAIMED_PORT, dwords, LONG_COUNT);
    EXPECT_EQ(r.index, after(dwords, sizeof(dwords)));
    EXPECT_EQ(r.count, 0);
}

/* An unmapped buffer is a #PF with its address in CR2; a store (INS)
 * says so in the error code, a load (OUTS) does not. */
static void check_page_faults(void)
{
    EXPECT_FAULT(VECTOR_PF, cpu_rep_insb(COM1_SCRATCH, (void *)UNMAPPED, 4));
    EXPECT_EQ(cpu_read_cr2(), UNMAPPED);
    EXPECT_EQ(fault_catcher.error_code, PF_WRITE);
    EXPECT_FAULT(VECTOR_PF, cpu_rep_outsb(COM1_SCRATCH, (const void *)UNMAPPED, 4));
    EXPECT_EQ(cpu_read_cr2(), UNMAPPED);
    EXPECT_EQ(fault_catcher.error_code, 0);
}

/* Mapped by the identity map, but beyond the partition's RAM. */
static void touch_outside_ram(const struct bulkhead_boot_info *info)
{
    printf("uart-string: rep outsb from beyond the end of RAM\n");
    cpu_rep_outsb(COM1_DATA, (const void *)(info->memory_bytes + OUTSIDE_RAM_GAP), 4);
    printf("uart-string: still running\n");
}

int guest_main(const struct bulkhead_boot_info *info)
{
    exceptions_init();
    if (!uart16550_present(COM1)) {
        cpu_outb(ISA_DEBUG_EXIT, 1);
        return 1;
    }
    com1_init(UART_MCR_DTR | UART_MCR_RTS);
    if (memcmp(info->partition_name, "outside", 7) == 0) {
        touch_outside_ram(info);
        cpu_outb(ISA_DEBUG_EXIT, 1);
        return 1;
    }
    print_lines();
    com1_init(UART_MCR_DTR | UART_MCR_RTS | UART_MCR_LOOPBACK);
    check_loopback();
    check_addr32();
    check_single();
    check_unclaimed();
    check_page_faults();
    cpu_outb(ISA_DEBUG_EXIT, (uint8_t)guest_exit_status());
    return guest_exit_status();
}
