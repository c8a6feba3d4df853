#include "arch/x86_64/vcpu_run.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/fpu.h"
#include "arch/x86_64/guest_bitmaps.h"
#include "arch/x86_64/vmcs_setup.h"
#include "arch/x86_64/vmx_ops.h"
#include "hv/log.h"

#define VMX_MISC_PREEMPTION_RATE_MASK 0x1f

bool vcpu_prepare(struct vcpu *vcpu, const struct vcpu_entry *entry, uint64_t eptp, bool time_limit)
{
    const struct guest_bitmaps *bitmaps = guest_bitmaps();
    struct vmcs_guest_controls controls = {
        .eptp = eptp,
        .vpid = vcpu->vpid,
        .io_bitmaps = vcpu->io_bitmaps ? vcpu->io_bitmaps : bitmaps->io,
        .msr_bitmap = bitmaps->msr,
        .long_mode = entry->long_mode,
        .preemption_timer = time_limit,
    };

    if (!vcpu->vmcs_phys)
        vcpu->vmcs_phys = vmcs_create();
    else if (!vmx_clear(vcpu->vmcs_phys) || !vmx_load(vcpu->vmcs_phys))
        return false;
    if (!vcpu->vmcs_phys || !vmcs_setup_controls(&controls))
        return false;
    vmcs_setup_host();
    if (entry->long_mode)
        vmcs_setup_long_mode_guest(entry->rip, entry->rsp, entry->page_tables, entry->gdt_base,
                                   entry->gdt_limit);
    else
        vmcs_setup_real_mode_guest(entry->real_mode_cs, entry->rip, entry->rsp);
    fpu_reset_guest_state();
    vcpu->regs = (struct guest_regs){.rdi = entry->rdi, .rsi = entry->rsi};
    vcpu->launched = 0;
    vcpu->tpr = 0;
    vcpu->preemption_parked = false;
    vcpu->interrupt_window = false;
    vcpu->state = VCPU_RUNNING;
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
void vcpu_set_preemption_timer(struct vcpu *vcpu, uint64_t ticks)
{
    bool parked = ticks == UINT64_MAX;
    uint64_t value = ticks >> preemption_timer_rate();

    if (parked && vcpu->preemption_parked)
        return;
    vcpu->preemption_parked = parked;
    vmcs_write(VMCS_GUEST_PREEMPTION_TIMER, value > 0xffffffffu ? 0xffffffffu : value);
}

bool vcpu_run(struct vcpu *vcpu)
{
    if (vmx_enter_guest(vcpu) == 0)
        return true;
    log_error("cpu%u: VM entry failed, instruction error %llu", vcpu->cpu_index,
              (unsigned long long)vmcs_read(VMCS_INSTRUCTION_ERROR));
    vcpu->state = VCPU_CRASHED;
    return false;
}
