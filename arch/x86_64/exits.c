/*
 * VM-exit dispatch: one handler per exit reason in a table, a bounds check,
 * and a default that stops the guest with a report. Every exit is counted
 * per vCPU and per reason.
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/vcpu.h"
#include "arch/x86_64/vmx_ops.h"
#include "hv/log.h"

/* Returns nonzero to resume the guest. */
typedef int (*exit_handler)(struct vcpu *vcpu);

#define CPUID_1_ECX_VMX (1u << 5)

static void skip_instruction(void)
{
    vmcs_write(VMCS_GUEST_RIP, vmcs_read(VMCS_GUEST_RIP) + vmcs_read(VMCS_EXIT_INSTRUCTION_LENGTH));
}

static const char *exit_reason_name(uint32_t reason)
{
    switch (reason) {
    case EXIT_REASON_EXCEPTION_NMI:
        return "exception or NMI";
    case EXIT_REASON_TRIPLE_FAULT:
        return "triple fault";
    case EXIT_REASON_EPT_VIOLATION:
        return "EPT violation";
    case EXIT_REASON_EPT_MISCONFIG:
        return "EPT misconfiguration";
    case EXIT_REASON_INVALID_GUEST_STATE:
        return "VM entry failed: invalid guest state";
    case EXIT_REASON_MSR_LOADING:
        return "VM entry failed: MSR loading";
    case EXIT_REASON_RDMSR:
        return "RDMSR";
    case EXIT_REASON_WRMSR:
        return "WRMSR";
    default:
        return "unhandled";
    }
}

/* The guest did something it may not: stop it and say what, where. */
static int stop_guest(struct vcpu *vcpu, uint32_t reason)
{
    vcpu->state = VCPU_STOPPED;
    vcpu->stop_reason = reason;
    log_error("cpu%u: guest stopped: exit reason %u (%s), qualification 0x%llx, guest rip 0x%llx",
              vcpu->cpu_index, reason & 0xffff, exit_reason_name(reason & 0xffff),
              (unsigned long long)vmcs_read(VMCS_EXIT_QUALIFICATION),
              (unsigned long long)vmcs_read(VMCS_GUEST_RIP));
    if ((reason & 0xffff) == EXIT_REASON_EPT_VIOLATION)
        log_line("  guest-physical address 0x%llx",
                 (unsigned long long)vmcs_read(VMCS_GUEST_PHYSICAL_ADDRESS));
    log_line("  rax=%016llx rbx=%016llx rcx=%016llx rdx=%016llx rsp=%016llx",
             (unsigned long long)vcpu->regs.rax, (unsigned long long)vcpu->regs.rbx,
             (unsigned long long)vcpu->regs.rcx, (unsigned long long)vcpu->regs.rdx,
             (unsigned long long)vmcs_read(VMCS_GUEST_RSP));
    return 0;
}

static int handle_unknown(struct vcpu *vcpu)
{
    return stop_guest(vcpu, (uint32_t)vmcs_read(VMCS_EXIT_REASON));
}

/* CPUID runs on the real CPU, with VMX hidden: guests may not nest. */
static int handle_cpuid(struct vcpu *vcpu)
{
    struct cpuid_regs r = cpu_cpuid((uint32_t)vcpu->regs.rax, (uint32_t)vcpu->regs.rcx);

    if ((uint32_t)vcpu->regs.rax == 1)
        r.ecx &= ~CPUID_1_ECX_VMX;
    vcpu->regs.rax = r.eax;
    vcpu->regs.rbx = r.ebx;
    vcpu->regs.rcx = r.ecx;
    vcpu->regs.rdx = r.edx;
    skip_instruction();
    return 1;
}

static int handle_vmcall(struct vcpu *vcpu)
{
    vcpu->probe.vmcall_rax = vcpu->regs.rax;
    vcpu->probe.vmcall_rbx = vcpu->regs.rbx;
    vcpu->regs.rax = 0;
    skip_instruction();
    return 1;
}

/* Exit qualification for I/O instructions, SDM Vol. 3C Table 28-5. */
#define IO_SIZE_MASK    0x7
#define IO_DIRECTION_IN (1u << 3)
#define IO_STRING       (1u << 4)

static int handle_io(struct vcpu *vcpu)
{
    uint64_t q = vmcs_read(VMCS_EXIT_QUALIFICATION);
    unsigned size = (unsigned)(q & IO_SIZE_MASK) + 1;
    uint64_t mask = size == 4 ? 0xffffffffull : (1ull << (size * 8)) - 1;

    if (q & IO_STRING)
        return stop_guest(vcpu, EXIT_REASON_IO);
    vcpu->probe.io_port = (uint16_t)(q >> 16);
    vcpu->probe.io_out = !(q & IO_DIRECTION_IN);
    if (vcpu->probe.io_out)
        vcpu->probe.io_value = (uint32_t)(vcpu->regs.rax & mask);
    else
        vcpu->regs.rax |= mask; /* nothing is there: reads float high */
    skip_instruction();
    return 1;
}

static int handle_hlt(struct vcpu *vcpu)
{
    skip_instruction();
    vcpu->state = VCPU_HALTED;
    return 0;
}

static const exit_handler exit_handlers[EXIT_REASON_COUNT] = {
    [EXIT_REASON_CPUID] = handle_cpuid,
    [EXIT_REASON_VMCALL] = handle_vmcall,
    [EXIT_REASON_IO] = handle_io,
    [EXIT_REASON_HLT] = handle_hlt,
    /* triple fault, EPT violation and everything else: stop with a report */
};

int vmexit_dispatch(struct vcpu *vcpu)
{
    uint32_t reason = (uint32_t)vmcs_read(VMCS_EXIT_REASON);
    uint32_t basic = reason & 0xffff;

    vcpu->exits_total++;
    if (reason & EXIT_REASON_ENTRY_FAILED || basic >= EXIT_REASON_COUNT)
        return stop_guest(vcpu, reason);
    vcpu->exit_counts[basic]++;
    exit_handler handler = exit_handlers[basic] ? exit_handlers[basic] : handle_unknown;
    return handler(vcpu);
}
