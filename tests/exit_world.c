/*
 * The machine of exit_world.h. The device models keep to the contracts of
 * hv/partition.h; a request that breaks one (a size the CPU never makes, a
 * block outside RAM or across a page) is noted in exit_world.record.
 */
#include "tests/exit_world.h"

#include <string.h>

#include "arch/x86_64/exits.h"
#include "hv/crash_test.h"
#include "arch/x86_64/machine_check.h"
#include "arch/x86_64/nmi.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/vcpu_irq.h"

struct exit_world exit_world;

static struct vcpu probe_vcpu;
static struct vcpu *under_test;

static void note(const char *violation)
{
    if (!exit_world.record.violation)
        exit_world.record.violation = violation;
}

void exit_world_reset(unsigned id)
{
    world_reset();
    fake_cpu_reset();
    memset(&exit_world, 0, sizeof(exit_world));
    exit_world.answer.block = DEVICE_NO_MODEL;
    exit_world.answer.msr = DEVICE_NO_MODEL;
    probe_vcpu = (struct vcpu){0};
    under_test = id ? world_partition(id)->vcpus[0] : &probe_vcpu;
    if (id)
        under_test->pv = partition_is_pv(world_partition(id));
    under_test->arch.apic_base = 0xfee00900ull; /* enabled, the BSP */
}

struct vcpu *exit_world_vcpu(void)
{
    return under_test;
}

int exit_world_exit(uint32_t reason)
{
    fake_cpu.vmcs[VMCS_EXIT_REASON] = reason;
    return vmexit_dispatch(under_test);
}

/* ---- the device models ------------------------------------------------ */

static bool access_size(unsigned size)
{
    return size == 1 || size == 2 || size == 4;
}

static bool stop(struct vcpu *vcpu)
{
    vcpu->state = VCPU_STOPPED;
    return false;
}

bool partition_port_access(struct vcpu *vcpu, uint16_t port, unsigned size, bool out,
                           uint32_t *value, uint32_t rep_count)
{
    struct exit_world_record *r = &exit_world.record;

    (void)rep_count;
    if (!access_size(size) || (out && size < 4 && *value >> (8 * size)))
        note("a port access of a size or value the CPU never makes");
    r->port_accesses++;
    r->port_ins += !out;
    r->last_port = port;
    r->last_size = size;
    if (!out)
        *value = (uint32_t)exit_world.answer.value;
    return exit_world.answer.port_stops ? stop(vcpu) : true;
}

/* The block lies in one page of the partition's RAM: the I/O server
 * copies it there without another check. */
enum device_result partition_port_block(struct vcpu *vcpu, uint16_t port, unsigned size, bool in,
                                        uint64_t buffer, uint32_t count, uint32_t rep_count)
{
    struct guest_memory memory = partition_guest_memory(vcpu->partition);
    uint64_t bytes = (uint64_t)count * size;

    (void)port;
    (void)in;
    (void)rep_count;
    if (!access_size(size) || count < 2 || !guest_range_valid(&memory, buffer, bytes) ||
        buffer / 4096 != (buffer + bytes - 1) / 4096)
        note("a string I/O block outside one page of the partition's RAM");
    exit_world.record.blocks++;
    if (exit_world.answer.block == DEVICE_STOP_VCPU)
        stop(vcpu);
    return exit_world.answer.block;
}

bool partition_mmio_claimed(const struct partition *p, uint64_t address)
{
    (void)p;
    (void)address;
    return exit_world.answer.mmio_claimed;
}

bool partition_mmio_access(struct vcpu *vcpu, uint64_t address, unsigned size, bool write,
                           uint64_t *value)
{
    struct exit_world_record *r = &exit_world.record;

    if (!access_size(size) && size != 8)
        note("an MMIO access of a size the CPU never makes");
    if (address != fake_cpu.vmcs[VMCS_GUEST_PHYSICAL_ADDRESS])
        note("an MMIO access somewhere else than where the guest faulted");
    r->mmio_accesses++;
    r->last_mmio_address = address;
    if (!write)
        *value = exit_world.answer.value;
    return exit_world.answer.mmio_stops ? stop(vcpu) : true;
}

enum device_result partition_msr_access(struct vcpu *vcpu, uint32_t msr, bool write,
                                        uint64_t *value)
{
    (void)msr;
    exit_world.record.msr_accesses++;
    if (!write && exit_world.answer.msr == DEVICE_DONE)
        *value = exit_world.answer.value;
    if (exit_world.answer.msr == DEVICE_STOP_VCPU)
        stop(vcpu);
    return exit_world.answer.msr;
}

/* ---- the rest of the exit path ---------------------------------------- */

/* An interrupt wakes the halted vCPU at once. */
int partition_vcpu_wait(struct vcpu *vcpu)
{
    return vcpu->state == VCPU_RUNNING;
}

int partition_vcpu_before_entry(struct vcpu *vcpu)
{
    vcpu_take_work(vcpu);
    return vcpu->state == VCPU_RUNNING;
}

/* A 2 GHz TSC, as the guest's CPUID leaf 0x15 then reports it. */
uint64_t partition_tsc_hz(void)
{
    return 2000000000ull;
}

void partition_vcpu_flush_ept(struct vcpu *vcpu)
{
    (void)vcpu;
    exit_world.record.ept_checks++;
}

/* One CPU, whose per-CPU block only says whose exit it handles. */
struct percpu *this_cpu(void)
{
    static struct percpu cpu;

    return &cpu;
}

/* No crash test is armed in the exit world. */
bool crash_test_armed(enum config_crash_test test)
{
    return test == CONFIG_CRASH_TEST_NONE;
}

void crash_test_fault_in_exit_handler(void)
{
    note("the crash test's fault was asked for");
}

static int other_exit(struct vcpu *vcpu)
{
    (void)vcpu;
    exit_world.record.other_exits++;
    return 1;
}

int nmi_exit(struct vcpu *vcpu)
{
    return other_exit(vcpu);
}

int machine_check_exit(struct vcpu *vcpu)
{
    return other_exit(vcpu);
}

int exit_handle_interrupt_window(struct vcpu *vcpu)
{
    return other_exit(vcpu);
}

int exit_handle_nmi_window(struct vcpu *vcpu)
{
    return other_exit(vcpu);
}

int exit_handle_external_interrupt(struct vcpu *vcpu)
{
    return other_exit(vcpu);
}
