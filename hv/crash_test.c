#include "hv/crash_test.h"

#include <stdint.h>

#include "hv/log.h"

/* Page 1 lies in no mapping of the hypervisor's own address space (physical
 * memory is reached through the direct map only). */
#define UNMAPPED_ADDRESS 0x1000

static void read_unmapped_memory(void)
{
    volatile uintptr_t address = UNMAPPED_ADDRESS;

    (void)*(volatile uint64_t *)address;
}

/* Each call keeps a frame alive across the next call, so the compiler can
 * neither turn this into a loop nor drop the frames. The recursion is
 * unbounded on purpose: only the guard page ends it. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Winfinite-recursion"
__attribute__((noinline)) static unsigned overflow_stack(unsigned depth)
{
    volatile uint8_t frame[512];

    frame[0] = (uint8_t)depth;
    return overflow_stack(depth + 1) + frame[0];
}
#pragma GCC diagnostic pop

void crash_test_run(enum config_crash_test test)
{
    switch (test) {
    case CONFIG_CRASH_TEST_NONE:
        return;
    case CONFIG_CRASH_TEST_PAGE_FAULT:
        log_line("crash test: reading unmapped address 0x%x", UNMAPPED_ADDRESS);
        read_unmapped_memory();
        break;
    case CONFIG_CRASH_TEST_STACK_OVERFLOW:
        log_line("crash test: overflowing the stack into its guard page");
        overflow_stack(0);
        break;
    }
    log_error("crash test: the fault did not happen");
}
