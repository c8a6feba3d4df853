#include "arch/x86_64/vcpu_run.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/fpu.h"
#include "arch/x86_64/guest_boot.h"
#include "arch/x86_64/guest_bitmaps.h"
#include "arch/x86_64/vmcs_setup.h"
#include "arch/x86_64/vmx_ops.h"
#include "hv/log.h"
#include "hv/partition.h"
#include "include/bulkhead/guest_abi.h"
#include "include/bulkhead/hypercall.h"

#define VMX_MISC_PREEMPTION_RATE_MASK 0x1f

bool vcpu_prepare(struct vcpu *vcpu, const struct vcpu_entry *entry, uint64_t eptp, bool time_limit)
{
    const struct guest_bitmaps *bitmaps = guest_bitmaps();
    struct vmcs_guest_controls controls = {
        .eptp = eptp,
        .vpid = vcpu->arch.vpid,
        .io_bitmaps = vcpu->arch.io_bitmaps ? vcpu->arch.io_bitmaps : bitmaps->io,
        .msr_bitmap = bitmaps->msr,
        .long_mode = entry->mode == VCPU_ENTRY_LONG,
        .preemption_timer = time_limit,
    };
    struct vmcs_flat_guest flat = {
        .rip = entry->rip,
        .rsp = entry->rsp,
        .page_tables = entry->page_tables,
        .gdt_base = entry->gdt_base,
        .gdt_limit = entry->gdt_limit,
        .code_selector = entry->code_selector,
        .data_selector = entry->data_selector,
    };

    if (!vcpu->arch.vmcs_phys)
        vcpu->arch.vmcs_phys = vmcs_create();
    else if (!vmx_clear(vcpu->arch.vmcs_phys) || !vmx_load(vcpu->arch.vmcs_phys))
        return false;
    if (!vcpu->arch.vmcs_phys || !vmcs_setup_controls(&controls))
        return false;
    vmcs_setup_host();
    if (entry->mode == VCPU_ENTRY_LONG)
        vmcs_setup_long_mode_guest(&flat);
    else if (entry->mode == VCPU_ENTRY_FLAT32)
        vmcs_setup_protected_mode_guest(&flat);
    else
        vmcs_setup_real_mode_guest(entry->real_mode_cs, entry->rip, entry->rsp);
    fpu_reset_guest_state();
    vcpu->arch.regs = (struct guest_regs){
        .rax = entry->rax, .rbx = entry->rbx, .rdi = entry->rdi, .rsi = entry->rsi};
    vcpu->arch.launched = 0;
    vcpu->arch.tpr = 0;
    vcpu->arch.preemption_parked = false;
    vcpu->arch.interrupt_window = false;
    vcpu->arch.nmi_window = false;
    vcpu->state = VCPU_RUNNING;
    vcpu_note_work(vcpu); /* the first entry looks at everything */
    return true;
}

/* The TSC-to-timer shift is the same on every CPU; reading the MSR on each
 * entry would sit on the hot path. */
static unsigned preemption_timer_rate(void)
{
    static int rate = -1;

    if (rate < 0)
        rate = (int)(cpu_read_msr(MSR_IA32_VMX_MISC) & VMX_MISC_PREEMPTION_RATE_MASK);
    return (unsigned)rate;
}

/* Without a deadline the timer is parked at its largest value, written
 * once: it then takes minutes of guest time to expire, and its exit is
 * harmless. */
void arch_vcpu_set_timer(struct vcpu *vcpu, uint64_t ticks)
{
    bool parked = ticks == UINT64_MAX;
    uint64_t value = ticks >> preemption_timer_rate();

    if (parked && vcpu->arch.preemption_parked)
        return;
    vcpu->arch.preemption_parked = parked;
    vmcs_write(VMCS_GUEST_PREEMPTION_TIMER, value > 0xffffffffu ? 0xffffffffu : value);
}

bool arch_vcpu_run(struct vcpu *vcpu)
{
    int result = vmx_enter_guest(vcpu);

    if (result == VMX_ENTER_STOPPED)
        return true;
    vcpu->state = VCPU_CRASHED;
    if (result == VMX_ENTER_CONTAINED)
        return false; /* exceptions.c has reported it */
    log_error("cpu%u: VM entry failed, instruction error %llu", vcpu->cpu_index,
              (unsigned long long)vmcs_read(VMCS_INSTRUCTION_ERROR));
    return false;
}

void arch_vcpu_create(struct vcpu *v)
{
    v->arch.vpid = (uint16_t)(v->cpu_index + 1);
    v->arch.io_bitmaps = v->partition->arch.io_bitmaps;
    arch_vcpu_reset(v);
}

/* Bulkhead's 64-bit guests start in long mode with the boot-info page in
 * RDI, flat images in real mode (include/bulkhead/guest_abi.h); kernels as
 * their loader asked (guest_boot.c). */
bool arch_vcpu_prepare_boot(struct vcpu *v)
{
    const struct partition *p = v->partition;
    bool bulkhead64 = p->arch.entry_mode == ARCH_ENTRY_BULKHEAD64;
    struct vcpu_entry entry = {
        .mode = bulkhead64 ? VCPU_ENTRY_LONG : VCPU_ENTRY_REAL,
        .rsp = bulkhead64 ? GUEST_STACK_TOP : 0,
        .rdi = bulkhead64 ? GUEST_BOOT_INFO_ADDRESS : 0,
        .page_tables = GUEST_PAGE_TABLES_ADDRESS,
        .gdt_base = GUEST_GDT_ADDRESS,
        .gdt_limit = GUEST_GDT_LIMIT,
        .code_selector = GUEST_SELECTOR_CODE,
        .data_selector = GUEST_SELECTOR_DATA,
    };

    if (p->arch.entry_mode == ARCH_ENTRY_FLAT32 || p->arch.entry_mode == ARCH_ENTRY_LINUX64)
        guest_boot_kernel_entry(p, &entry);
    entry.rip = p->entry;
    return vcpu_prepare(v, &entry, p->arch.ept.pointer, true);
}

/* An AP starts in real mode at the start-up IPI's page (SDM Vol. 3A 9.4.4):
 * CS = vector << 8, IP = 0. */
bool arch_vcpu_prepare_secondary(struct vcpu *v)
{
    uint8_t vector = (uint8_t)v->arch.sipi_vector;
    struct vcpu_entry entry = {.real_mode_cs = (uint16_t)(vector << 8)};

    v->arch.sipi_vector = -1;
    return vcpu_prepare(v, &entry, v->partition->arch.ept.pointer, true);
}

/* The exit reasons behind the guest ABI's counters (HC_PARTITION_LIST). */
void arch_vcpu_count_exits(const struct vcpu *v, uint64_t *counters)
{
    static const struct {
        unsigned counter, reason;
    } counted[] = {
        {HC_EXITS_CPUID, EXIT_REASON_CPUID},
        {HC_EXITS_IO, EXIT_REASON_IO},
        {HC_EXITS_MSR, EXIT_REASON_RDMSR},
        {HC_EXITS_MSR, EXIT_REASON_WRMSR},
        {HC_EXITS_HLT, EXIT_REASON_HLT},
        {HC_EXITS_VMCALL, EXIT_REASON_VMCALL},
        {HC_EXITS_EPT, EXIT_REASON_EPT_VIOLATION},
        {HC_EXITS_INTERRUPT, EXIT_REASON_EXTERNAL_INTERRUPT},
    };

    for (unsigned c = 0; c < sizeof(counted) / sizeof(counted[0]); c++)
        counters[counted[c].counter] += v->arch.exit_counts[counted[c].reason];
}
