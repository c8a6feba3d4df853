#include "hv/probe.h"

#include "hv/log.h"

#define CPUID_1_ECX_VMX (1u << 5)

/* Names the first thing that differs from the expected run, or 0. */
static const char *probe_problem(const struct probe_report *r)
{
    if (r->entry_failed)
        return "VM entry failed";
    if (!r->halted)
        return "stopped before HLT";
    if (r->exits_cpuid != 1 || r->exits_vmcall != 1 || r->exits_io != 1 || r->exits_hlt != 1 ||
        r->exits_total != 4)
        return "unexpected exits";
    if (r->vmcall_rax != PROBE_MAGIC)
        return "wrong VMCALL argument";
    if (r->vmcall_rbx & CPUID_1_ECX_VMX)
        return "CPUID showed VMX to the guest";
    if (!r->io_out || r->io_port != PROBE_POST_PORT || r->io_value != PROBE_IO_VALUE)
        return "wrong port write";
    return 0;
}

bool probe_run(unsigned cpu, const void *image, uint64_t size, struct probe_report *report)
{
    if (!arch_run_probe_guest(image, size, report)) {
        log_error("cpu%u: could not set up the first guest", cpu);
        return false;
    }
    const char *problem = probe_problem(report);
    log_line("cpu%u: guest %s%s (exits: cpuid=%llu vmcall=%llu io=%llu hlt=%llu)", cpu,
             problem ? "failed: " : "ok", problem ? problem : "",
             (unsigned long long)report->exits_cpuid, (unsigned long long)report->exits_vmcall,
             (unsigned long long)report->exits_io, (unsigned long long)report->exits_hlt);
    return !problem;
}
