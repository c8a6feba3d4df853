/*
 * VM-exit dispatch: one handler per exit reason in a table, a bounds check,
 * and a default that stops the guest with a report. Every exit is counted
 * per vCPU and per reason.
 */
#include "arch/x86_64/exits.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/feature_policy.h"
#include "arch/x86_64/machine_check.h"
#include "arch/x86_64/nmi.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/vcpu_irq.h"
#include "arch/x86_64/vmx_ops.h"
#include "hv/crash_test.h"
#include "hv/log.h"
#include "hv/hypercall_dispatch.h"
#include "hv/partition.h"
#include "include/bulkhead/hypercall.h"

#define CPUID_1_ECX_HYPERVISOR  (1u << 31)
#define CPUID_1_ECX_OSXSAVE     (1u << 27)
#define CPUID_7_ECX_OSPKE       (1u << 4)
#define CPUID_HYPERVISOR_LEAVES 0x40000000u

void exit_skip_instruction(void)
{
    vmcs_write(VMCS_GUEST_RIP, vmcs_read(VMCS_GUEST_RIP) + vmcs_read(VMCS_EXIT_INSTRUCTION_LENGTH));
}

void exit_inject_fault(uint8_t vector)
{
    vmcs_write(VMCS_ENTRY_INTERRUPTION_INFO,
               INTERRUPTION_VALID | INTERRUPTION_TYPE_HARDWARE_EXCEPTION | vector);
}

void exit_inject_fault_with_code(uint8_t vector, uint32_t error_code)
{
    vmcs_write(VMCS_ENTRY_EXCEPTION_ERROR_CODE, error_code);
    vmcs_write(VMCS_ENTRY_INTERRUPTION_INFO, INTERRUPTION_VALID |
                                                 INTERRUPTION_TYPE_HARDWARE_EXCEPTION |
                                                 INTERRUPTION_DELIVER_ERROR_CODE | vector);
}

#define REGISTER_RSP 4 /* kept in the VMCS, not by the exit stub */

/* The exit stub's copy of a general register, by its encoding number. */

static uint64_t *guest_register(struct vcpu *vcpu, unsigned index)
{
    uint64_t *by_number[16] = {
        &vcpu->arch.regs.rax,
        &vcpu->arch.regs.rcx,
        &vcpu->arch.regs.rdx,
        &vcpu->arch.regs.rbx,
        0,
        &vcpu->arch.regs.rbp,
        &vcpu->arch.regs.rsi,
        &vcpu->arch.regs.rdi,
        &vcpu->arch.regs.r8,
        &vcpu->arch.regs.r9,
        &vcpu->arch.regs.r10,
        &vcpu->arch.regs.r11,
        &vcpu->arch.regs.r12,
        &vcpu->arch.regs.r13,
        &vcpu->arch.regs.r14,
        &vcpu->arch.regs.r15,
    };
    return by_number[index & 0xf];
}

uint64_t exit_read_register(struct vcpu *vcpu, unsigned index)
{
    return index == REGISTER_RSP ? vmcs_read(VMCS_GUEST_RSP) : *guest_register(vcpu, index);
}

void exit_write_register(struct vcpu *vcpu, unsigned index, uint64_t value)
{
    if (index == REGISTER_RSP)
        vmcs_write(VMCS_GUEST_RSP, value);
    else
        *guest_register(vcpu, index) = value;
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
    case EXIT_REASON_IO:
        return "I/O instruction";
    case EXIT_REASON_INIT:
        return "INIT signal";
    case EXIT_REASON_MACHINE_CHECK:
        return "machine check during VM entry";
    default:
        return "unhandled";
    }
}

static const char *vcpu_owner_name(const struct vcpu *vcpu)
{
    return vcpu->partition ? partition_name(vcpu->partition) : "probe";
}

int exit_crash_guest(struct vcpu *vcpu, uint32_t reason, const char *why)
{
    vcpu->state = VCPU_CRASHED;
    vcpu->arch.stop_reason = reason;
    log_error("cpu%u: %s vcpu%u stopped: exit reason %u (%s)%s%s, qualification 0x%llx, guest "
              "rip 0x%llx",
              vcpu->cpu_index, vcpu_owner_name(vcpu), vcpu->index, reason & 0xffff,
              exit_reason_name(reason & 0xffff), why ? ": " : "", why ? why : "",
              (unsigned long long)vmcs_read(VMCS_EXIT_QUALIFICATION),
              (unsigned long long)vmcs_read(VMCS_GUEST_RIP));
    if ((reason & 0xffff) == EXIT_REASON_EPT_VIOLATION)
        log_line("  guest-physical address 0x%llx",
                 (unsigned long long)vmcs_read(VMCS_GUEST_PHYSICAL_ADDRESS));
    log_line("  rax=%016llx rbx=%016llx rcx=%016llx rdx=%016llx",
             (unsigned long long)vcpu->arch.regs.rax, (unsigned long long)vcpu->arch.regs.rbx,
             (unsigned long long)vcpu->arch.regs.rcx, (unsigned long long)vcpu->arch.regs.rdx);
    log_line("  rsi=%016llx rdi=%016llx rbp=%016llx rsp=%016llx",
             (unsigned long long)vcpu->arch.regs.rsi, (unsigned long long)vcpu->arch.regs.rdi,
             (unsigned long long)vcpu->arch.regs.rbp,
             (unsigned long long)vmcs_read(VMCS_GUEST_RSP));
    log_line("  cr0=%016llx cr3=%016llx cr4=%016llx", (unsigned long long)vmcs_read(VMCS_GUEST_CR0),
             (unsigned long long)vmcs_read(VMCS_GUEST_CR3),
             (unsigned long long)vmcs_read(VMCS_GUEST_CR4));
    return 0;
}

static int handle_unknown(struct vcpu *vcpu)
{
    return exit_crash_guest(vcpu, vcpu->arch.exit_reason, 0);
}

/* Exit reason 0: an NMI that came while the guest ran (NMI exiting), or
 * an exception the bitmap intercepts (only #MC). */
static int handle_exception_or_nmi(struct vcpu *vcpu)
{
    uint32_t info = (uint32_t)vmcs_read(VMCS_EXIT_INTERRUPTION_INFO);
    uint32_t type = info & INTERRUPTION_TYPE_MASK;

    if (type == INTERRUPTION_TYPE_NMI)
        return nmi_exit(vcpu);
    if (type == INTERRUPTION_TYPE_HARDWARE_EXCEPTION &&
        (info & INTERRUPTION_VECTOR_MASK) == VECTOR_MC)
        return machine_check_exit(vcpu);
    return handle_unknown(vcpu);
}

#define CPUID_SIGNATURE_LEAF 0x40000000u
#define CPUID_VERSION_LEAF   0x40000001u

/* "BulkheadHV\0\0" in EBX, ECX, EDX, as KVM and Xen sign their leaves. */
static struct cpuid_regs hypervisor_leaf(uint32_t leaf)
{
    if (leaf == CPUID_SIGNATURE_LEAF)
        return (struct cpuid_regs){CPUID_VERSION_LEAF, 0x6b6c7542, 0x64616568, 0x00005648};
    if (leaf == CPUID_VERSION_LEAF)
        return (struct cpuid_regs){
            HC_ABI_VERSION,
            HC_FEATURE_EVENTS | HC_FEATURE_GRANTS | HC_FEATURE_TIMER | HC_FEATURE_CONTROL, 0, 0};
    return (struct cpuid_regs){0, 0, 0, 0};
}

/* The CPU's highest basic leaf: the same on every CPU, read once. */
static uint32_t highest_host_leaf(void)
{
    static uint32_t highest;
    uint32_t known = __atomic_load_n(&highest, __ATOMIC_RELAXED);

    if (!known) {
        known = cpu_cpuid(0, 0).eax;
        __atomic_store_n(&highest, known, __ATOMIC_RELAXED);
    }
    return known;
}

/* A partition's vCPUs are the cores of one package, with x2APICs numbered
 * from 0 whatever the host's APIC IDs are, and know the TSC's rate. */
static void describe_partition(const struct vcpu *vcpu, uint32_t leaf, uint32_t subleaf,
                               struct cpuid_regs *r)
{
    struct cpuid_partition partition = {vcpu->index, vcpu->partition->vcpu_count,
                                        partition_tsc_hz(), highest_host_leaf()};

    feature_policy_partition_cpuid(leaf, subleaf, &partition, r);
}

/* OSXSAVE and OSPKE report CR4 bits, and the CPUID ran with the
 * hypervisor's CR4: they must show the guest's, or user code that trusts
 * them runs XGETBV or RDPKRU into #UD. */
static void mirror_guest_cr4(uint32_t leaf, struct cpuid_regs *r)
{
    uint64_t cr4 = vmcs_read(VMCS_GUEST_CR4);
    uint32_t bit = leaf == 1 ? CPUID_1_ECX_OSXSAVE : CPUID_7_ECX_OSPKE;
    bool set = cr4 & (leaf == 1 ? CR4_OSXSAVE : CR4_PKE);

    r->ecx = set ? (r->ecx | bit) : (r->ecx & ~bit);
}

/* CPUID runs on the real CPU, less the features the partition does not get
 * (feature_policy.h: VMX, so guests may not nest, among others). Only a
 * para-virtualized partition learns that it runs on a hypervisor. */
static int handle_cpuid(struct vcpu *vcpu)
{
    uint32_t leaf = (uint32_t)vcpu->arch.regs.rax;
    bool pv = vcpu->pv;
    uint32_t subleaf = (uint32_t)vcpu->arch.regs.rcx;

    if (leaf == CRASH_TEST_CPUID_LEAF && crash_test_armed(CONFIG_CRASH_TEST_EXIT_FAULTS))
        crash_test_fault_in_exit_handler();
    struct cpuid_regs r = cpu_cpuid(leaf, subleaf);

    feature_policy_cpuid(leaf, subleaf, &r);
    if (leaf == 1)
        r.ecx = pv ? (r.ecx | CPUID_1_ECX_HYPERVISOR) : (r.ecx & ~CPUID_1_ECX_HYPERVISOR);
    if (vcpu->partition)
        describe_partition(vcpu, leaf, subleaf, &r);
    if (leaf == 1 || (leaf == 7 && subleaf == 0))
        mirror_guest_cr4(leaf, &r);
    if ((leaf & 0xf0000000u) == CPUID_HYPERVISOR_LEAVES)
        r = pv ? hypervisor_leaf(leaf) : (struct cpuid_regs){0, 0, 0, 0};
    vcpu->arch.regs.rax = r.eax;
    vcpu->arch.regs.rbx = r.ebx;
    vcpu->arch.regs.rcx = r.ecx;
    vcpu->arch.regs.rdx = r.edx;
    exit_skip_instruction();
    return 1;
}

#define ACCESS_DPL(access) (((access) >> 5) & 3)

/* The current privilege level is the DPL of SS (SDM Vol. 3C 27.3.1.5). */
static unsigned guest_cpl(void)
{
    return ACCESS_DPL(vmcs_read(VMCS_GUEST_SS_ACCESS));
}

/* The probe guest reports its findings through VMCALL. */
static int probe_vmcall(struct vcpu *vcpu)
{
    vcpu->arch.probe.vmcall_rax = vcpu->arch.regs.rax;
    vcpu->arch.probe.vmcall_rbx = vcpu->arch.regs.rbx;
    vcpu->arch.regs.rax = 0;
    exit_skip_instruction();
    return 1;
}

/* Hypercalls exist for the kernel of a pv partition only; everywhere else
 * VMCALL is #UD, as on a CPU without a hypervisor. */
static int handle_vmcall(struct vcpu *vcpu)
{
    struct partition *p = vcpu->partition;

    int64_t answer;

    if (!p)
        return probe_vmcall(vcpu);
    if (!vcpu->pv || guest_cpl() != 0) {
        exit_inject_fault(VECTOR_UD);
        return 1;
    }
    if (hypercall_answer_plain(vcpu->arch.regs.rax, &answer)) {
        vcpu->arch.regs.rax = (uint64_t)answer;
        exit_skip_instruction();
        return 1;
    }
    const uint64_t args[6] = {vcpu->arch.regs.rdi, vcpu->arch.regs.rsi, vcpu->arch.regs.rdx,
                              vcpu->arch.regs.r10, vcpu->arch.regs.r8,  vcpu->arch.regs.r9};
    struct hypercall_caller caller = {vcpu, p, partition_guest_memory(p)};
    vcpu->arch.regs.rax = (uint64_t)hypercall_dispatch(&caller, vcpu->arch.regs.rax, args);
    exit_skip_instruction();
    return vcpu->state == VCPU_RUNNING;
}

/* VMX instructions do not exist for guests (CPUID says so). */
static int handle_vmx_instruction(struct vcpu *vcpu)
{
    (void)vcpu;
    exit_inject_fault(VECTOR_UD);
    return 1;
}

#define RFLAGS_IF                 (1ull << 9)
#define INTERRUPTIBILITY_BLOCKING 0x3ull /* STI and MOV SS shadows */

/* HLT with interrupts off never wakes: that vCPU is done. Otherwise the
 * physical CPU sleeps until the vCPU has an interrupt to take. The STI
 * shadow of "sti; hlt" ends with the HLT. */
static int handle_hlt(struct vcpu *vcpu)
{
    exit_skip_instruction();
    vmcs_write(VMCS_GUEST_INTERRUPTIBILITY,
               vmcs_read(VMCS_GUEST_INTERRUPTIBILITY) & ~INTERRUPTIBILITY_BLOCKING);
    if (!vcpu->partition || !(vmcs_read(VMCS_GUEST_RFLAGS) & RFLAGS_IF)) {
        vcpu->state = VCPU_HALTED;
        return 0;
    }
    return partition_vcpu_wait(vcpu);
}

/* INVD would throw away the hypervisor's dirty cache lines too: write them
 * back instead (what WBINVD does). MONITOR/MWAIT and PAUSE loops are nops. */
static int handle_cache_flush(struct vcpu *vcpu)
{
    (void)vcpu;
    cpu_wbinvd();
    exit_skip_instruction();
    return 1;
}

static int handle_nop(struct vcpu *vcpu)
{
    (void)vcpu;
    exit_skip_instruction();
    return 1;
}

/* RDPMC would read the host's performance counters. */
static int handle_rdpmc(struct vcpu *vcpu)
{
    (void)vcpu;
    exit_inject_fault_with_code(VECTOR_GP, 0);
    return 1;
}

/* The timer only makes sure the hypervisor looks at the vCPU's deadlines
 * (time limit, APIC timer), which happens before every entry anyway. */
static int handle_preemption_timer(struct vcpu *vcpu)
{
    (void)vcpu;
    return 1;
}

static const exit_handler exit_handlers[EXIT_REASON_COUNT] = {
    [EXIT_REASON_EXCEPTION_NMI] = handle_exception_or_nmi,
    [EXIT_REASON_NMI_WINDOW] = exit_handle_nmi_window,
    [EXIT_REASON_MACHINE_CHECK] = machine_check_exit,
    [EXIT_REASON_EXTERNAL_INTERRUPT] = exit_handle_external_interrupt,
    [EXIT_REASON_INTERRUPT_WINDOW] = exit_handle_interrupt_window,
    [EXIT_REASON_CPUID] = handle_cpuid,
    [EXIT_REASON_VMCALL] = handle_vmcall,
    [EXIT_REASON_IO] = exit_handle_io,
    [EXIT_REASON_EPT_VIOLATION] = exit_handle_ept_violation,
    [EXIT_REASON_HLT] = handle_hlt,
    [EXIT_REASON_RDMSR] = exit_handle_rdmsr,
    [EXIT_REASON_WRMSR] = exit_handle_wrmsr,
    [EXIT_REASON_CR_ACCESS] = exit_handle_cr_access,
    [EXIT_REASON_XSETBV] = exit_handle_xsetbv,
    [EXIT_REASON_INVD] = handle_cache_flush,
    [EXIT_REASON_WBINVD] = handle_cache_flush,
    [EXIT_REASON_MWAIT] = handle_nop,
    [EXIT_REASON_MONITOR] = handle_nop,
    [EXIT_REASON_RDPMC] = handle_rdpmc,
    [EXIT_REASON_PREEMPTION_TIMER] = handle_preemption_timer,
    [EXIT_REASON_VMCLEAR] = handle_vmx_instruction,
    [EXIT_REASON_VMLAUNCH] = handle_vmx_instruction,
    [EXIT_REASON_VMPTRLD] = handle_vmx_instruction,
    [EXIT_REASON_VMPTRST] = handle_vmx_instruction,
    [EXIT_REASON_VMREAD] = handle_vmx_instruction,
    [EXIT_REASON_VMRESUME] = handle_vmx_instruction,
    [EXIT_REASON_VMWRITE] = handle_vmx_instruction,
    [EXIT_REASON_VMXOFF] = handle_vmx_instruction,
    [EXIT_REASON_VMXON] = handle_vmx_instruction,
    [EXIT_REASON_INVEPT] = handle_vmx_instruction,
    [EXIT_REASON_INVVPID] = handle_vmx_instruction,
    [EXIT_REASON_VMFUNC] = handle_vmx_instruction,
    /* triple fault, EPT violation, INIT and everything else: stop with a report */
};

/* An exit during the delivery of an event (an interrupt arriving while
 * the guest's handler frame is pushed, an EPT violation on its stack)
 * would lose that event: it goes in again with the next entry, unless the
 * exit handler injects a fault of its own instead. */
static void redeliver_interrupted_event(uint32_t vectoring)
{
    if (vectoring & INTERRUPTION_DELIVER_ERROR_CODE)
        vmcs_write(VMCS_ENTRY_EXCEPTION_ERROR_CODE, vmcs_read(VMCS_IDT_VECTORING_ERROR));
    if (interruption_needs_length(vectoring))
        vmcs_write(VMCS_ENTRY_INSTRUCTION_LENGTH, vmcs_read(VMCS_EXIT_INSTRUCTION_LENGTH));
    vmcs_write(VMCS_ENTRY_INTERRUPTION_INFO, vectoring & INTERRUPTION_REDELIVERED_BITS);
}

int vmexit_dispatch(struct vcpu *vcpu)
{
    uint32_t reason = (uint32_t)vmcs_read(VMCS_EXIT_REASON);
    uint32_t basic = reason & 0xffff;

    trace_stamp(vcpu->trace, TRACE_EXIT);
    vcpu->arch.exit_reason = reason;
    vcpu->exits_total++;
    /* A machine check during VM entry is the one failed entry with a
     * handler of its own. */
    bool entry_failed = reason & EXIT_REASON_ENTRY_FAILED && basic != EXIT_REASON_MACHINE_CHECK;
    if (entry_failed || basic >= EXIT_REASON_COUNT)
        return exit_crash_guest(vcpu, reason, 0);
    vcpu->arch.exit_counts[basic]++;
    uint32_t vectoring = (uint32_t)vmcs_read(VMCS_IDT_VECTORING_INFO);
    if (__builtin_expect(vectoring & INTERRUPTION_VALID, 0))
        redeliver_interrupted_event(vectoring);
    exit_handler handler = exit_handlers[basic] ? exit_handlers[basic] : handle_unknown;
    /* A fault from here on can be contained to this vCPU's partition
     * (exceptions.c). */
    struct percpu *cpu = this_cpu();
    cpu->handling_exit_of = vcpu;
    int resume = handler(vcpu);
    if (resume && vcpu->partition && vcpu_has_work(vcpu))
        resume = partition_vcpu_before_entry(vcpu);
    /* Every entry, work noted or not, re-checks the EPT generation: no vCPU
     * enters with a translation removed before (docs/hypercalls.md, grants). */
    if (resume && vcpu->partition)
        partition_vcpu_flush_ept(vcpu);
    cpu->handling_exit_of = 0;
    trace_before_entry(vcpu->trace);
    return resume;
}
