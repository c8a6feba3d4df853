#include "hv/crash_test.h"

#include <stdbool.h>
#include <stdint.h>

#include "hv/arch.h"
#include "hv/log.h"
#include "hv/partition.h"

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

static enum config_crash_test armed;

void crash_test_arm(enum config_crash_test test)
{
    armed = test;
    if (test == CONFIG_CRASH_TEST_EXIT_FAULTS)
        log_line("crash test: a CPUID of leaf 0x%x makes the exit handler fault",
                 CRASH_TEST_CPUID_LEAF);
}

bool crash_test_armed(enum config_crash_test test)
{
    return armed == test;
}

void crash_test_fault_in_exit_handler(void)
{
    log_line("crash test: reading unmapped address 0x%x in an exit handler", UNMAPPED_ADDRESS);
    read_unmapped_memory();
    log_error("crash test: the fault did not happen");
}

void crash_test_run(enum config_crash_test test)
{
    switch (test) {
    case CONFIG_CRASH_TEST_NONE:
    case CONFIG_CRASH_TEST_NMI: /* crash_test_nmi_from_idle_cpu() */
    case CONFIG_CRASH_TEST_EXIT_FAULTS:
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

#define NMI_TEST_COUNT         2
#define NMI_TEST_SETTLE_DIV    20 /* 50 ms: the exit before is handled */
#define NMI_TEST_TAKEN_SECONDS 5

static void wait_ticks(uint64_t ticks)
{
    uint64_t until = arch_read_tsc() + ticks;

    while (arch_read_tsc() < until)
        spin_relax();
}

/* Sends one NMI and waits until the target has taken it. */
static void send_test_nmi(unsigned cpu, unsigned number)
{
    uint64_t before = arch_nmis_taken(cpu);
    uint64_t deadline = arch_read_tsc() + NMI_TEST_TAKEN_SECONDS * partition_tsc_hz();

    arch_send_nmi(cpu);
    while (arch_nmis_taken(cpu) == before && arch_read_tsc() < deadline)
        spin_relax();
    if (arch_nmis_taken(cpu) == before)
        log_error("crash test: NMI %u of %u to cpu%u was not taken in %u s", number, NMI_TEST_COUNT,
                  cpu, NMI_TEST_TAKEN_SECONDS);
    else
        log_line("crash test: NMI %u of %u to cpu%u taken", number, NMI_TEST_COUNT, cpu);
}

/* Once the vCPU runs its guest (it made its first exit), NMI_TEST_COUNT
 * NMIs, each a while after the one before was taken, when the guest runs
 * again. */
static void nmi_vcpu(const struct vcpu *v)
{
    while (!__atomic_load_n(&v->exits_total, __ATOMIC_ACQUIRE))
        spin_relax();
    for (unsigned n = 1; n <= NMI_TEST_COUNT; n++) {
        wait_ticks(partition_tsc_hz() / NMI_TEST_SETTLE_DIV);
        send_test_nmi(v->cpu_index, n);
    }
}

void crash_test_nmi_from_idle_cpu(const struct config *config, unsigned cpu, unsigned cpu_count)
{
    const struct partition *p;

    if (config->hypervisor.crash_test != CONFIG_CRASH_TEST_NMI || cpu + 1 != cpu_count)
        return;
    for (unsigned i = 0; i < config->partition_count; i++) {
        if (config_partition_has_cpu(&config->partitions[i], cpu)) {
            log_error("crash test: cpu%u sends no NMI: partition %s has it", cpu,
                      config->partitions[i].name);
            return;
        }
    }
    for (unsigned i = 0; (p = partition_at(i)) != 0; i++) {
        for (unsigned v = 0; !p->config->privileged && v < p->vcpu_count; v++)
            nmi_vcpu(p->vcpus[v]);
    }
}
