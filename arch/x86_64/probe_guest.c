/* The first tiny guest: one per CPU, in its own EPT-mapped memory. */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/ept.h"
#include "arch/x86_64/percpu.h"
#include "hv/vcpu.h"
#include "arch/x86_64/vcpu_run.h"
#include "arch/x86_64/vmx_ops.h"
#include "hv/arch.h"
#include "hv/log.h"
#include "hv/memory.h"
#include "lib/string.h"

static struct vcpu probe_vcpus[MAX_CPUS];

/* Probe guests get the VPIDs above those of partitions (MAX_CPUS). */
static uint16_t probe_vpid(unsigned cpu)
{
    return (uint16_t)(MAX_CPUS + 1 + cpu);
}

/* Guest RAM at guest-physical 0 holding the image at PROBE_ENTRY. */
static bool probe_memory(struct ept *ept, const void *image, uint64_t size)
{
    uint64_t ram = memory_alloc_pages(PROBE_RAM_SIZE / PAGE_SIZE);

    if (!ram || size > PROBE_RAM_SIZE - PROBE_ENTRY || !ept_create(ept))
        return false;
    memcpy((char *)phys_to_virt(ram) + PROBE_ENTRY, image, size);
    return ept_map_ram(ept, 0, ram, PROBE_RAM_SIZE) == PT_OK;
}

static void fill_report(const struct vcpu *vcpu, struct probe_report *report)
{
    report->halted = vcpu->state == VCPU_HALTED;
    report->exits_cpuid = vcpu->arch.exit_counts[EXIT_REASON_CPUID];
    report->exits_vmcall = vcpu->arch.exit_counts[EXIT_REASON_VMCALL];
    report->exits_io = vcpu->arch.exit_counts[EXIT_REASON_IO];
    report->exits_hlt = vcpu->arch.exit_counts[EXIT_REASON_HLT];
    report->exits_total = vcpu->exits_total;
    report->vmcall_rax = vcpu->arch.probe.vmcall_rax;
    report->vmcall_rbx = vcpu->arch.probe.vmcall_rbx;
    report->io_port = vcpu->arch.probe.io_port;
    report->io_value = vcpu->arch.probe.io_value;
    report->io_out = vcpu->arch.probe.io_out;
}

bool arch_run_probe_guest(const void *image, uint64_t size, struct probe_report *report)
{
    unsigned index = arch_cpu_index();
    struct vcpu *vcpu = &probe_vcpus[index];
    struct ept ept;

    *report = (struct probe_report){0};
    struct vcpu_entry entry = {.rip = PROBE_ENTRY, .rsp = PROBE_RAM_SIZE - 0x10};

    *vcpu = (struct vcpu){.cpu_index = index, .arch.vpid = probe_vpid(index)};
    if (!probe_memory(&ept, image, size) || !vcpu_prepare(vcpu, &entry, ept.pointer, false))
        return false;

    report->first_entry_tsc = cpu_rdtsc();
    report->entry_failed = !arch_vcpu_run(vcpu);
    fill_report(vcpu, report);
    return true;
}
