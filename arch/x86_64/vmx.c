#include "arch/x86_64/vmx.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/vmcs.h"
#include "arch/x86_64/vmx_ops.h"
#include "hv/arch.h"
#include "hv/log.h"
#include "hv/memory.h"

#define CPUID_1_ECX_VMX         (1u << 5)
#define VMX_BASIC_TRUE_CONTROLS (1ull << 55)

uint32_t vmx_revision(void)
{
    return (uint32_t)cpu_read_msr(MSR_IA32_VMX_BASIC) & 0x7fffffff;
}

uint32_t vmx_control_msr(uint32_t plain_msr)
{
    static const uint32_t offset = MSR_IA32_VMX_TRUE_PINBASED_CTLS - MSR_IA32_VMX_PINBASED_CTLS;

    if (!(cpu_read_msr(MSR_IA32_VMX_BASIC) & VMX_BASIC_TRUE_CONTROLS))
        return plain_msr;
    if (plain_msr >= MSR_IA32_VMX_PINBASED_CTLS && plain_msr <= MSR_IA32_VMX_ENTRY_CTLS)
        return plain_msr + offset;
    return plain_msr;
}

bool vmx_adjust_controls(uint32_t capability_msr, uint32_t wanted, uint32_t *result)
{
    uint64_t cap = cpu_read_msr(capability_msr);
    uint32_t must_be_one = (uint32_t)cap;
    uint32_t may_be_one = (uint32_t)(cap >> 32);

    *result = (wanted | must_be_one) & may_be_one;
    return (*result & wanted) == wanted;
}

static uint32_t secondary_controls_allowed(void)
{
    uint64_t primary = cpu_read_msr(vmx_control_msr(MSR_IA32_VMX_PROCBASED_CTLS));

    if (!((primary >> 32) & PROC_ACTIVATE_SECONDARY))
        return 0;
    return (uint32_t)(cpu_read_msr(MSR_IA32_VMX_PROCBASED_CTLS2) >> 32);
}

/* EPT is only usable with 4-level walks and write-back paging structures.
 * IA32_VMX_EPT_VPID_CAP exists only when EPT or VPID may be enabled (SDM
 * Vol. 3D A.10): reading it on older CPUs faults. */
static bool ept_usable(uint32_t secondary)
{
    if (!(secondary & PROC2_ENABLE_EPT))
        return false;
    uint64_t cap = cpu_read_msr(MSR_IA32_VMX_EPT_VPID_CAP);

    return (cap & EPT_CAP_WALK_LENGTH_4) && (cap & EPT_CAP_MEMORY_TYPE_WB);
}

static void read_capabilities(struct vmx_capabilities *caps)
{
    *caps = (struct vmx_capabilities){0};
    caps->vmx = cpu_cpuid(1, 0).ecx & CPUID_1_ECX_VMX;
    if (!caps->vmx)
        return;
    uint32_t secondary = secondary_controls_allowed();
    caps->ept = ept_usable(secondary);
    caps->vpid = secondary & PROC2_ENABLE_VPID;
    caps->unrestricted_guest = secondary & PROC2_UNRESTRICTED_GUEST;
}

/* Firmware may leave IA32_FEATURE_CONTROL unlocked; then we enable VMX
 * outside SMX and lock it ourselves. Locked with VMX off means VMXON would
 * fault: only the firmware setup can change that (SDM Vol. 3C 24.7). */
static bool feature_control_allows_vmx(struct vmx_capabilities *caps)
{
    uint64_t fc = cpu_read_msr(MSR_IA32_FEATURE_CONTROL);

    if (fc & FEATURE_CONTROL_LOCKED)
        return fc & FEATURE_CONTROL_VMX_OUTSIDE_SMX;
    cpu_write_msr(MSR_IA32_FEATURE_CONTROL,
                  fc | FEATURE_CONTROL_VMX_OUTSIDE_SMX | FEATURE_CONTROL_LOCKED);
    caps->feature_control_set_by_us = true;
    return true;
}

/* CR0 and CR4 must respect the VMX fixed bits while in VMX operation. */
static void apply_fixed_bits(void)
{
    uint64_t cr0 = cpu_read_cr0() | cpu_read_msr(MSR_IA32_VMX_CR0_FIXED0);
    uint64_t cr4 = cpu_read_cr4() | CR4_VMXE | cpu_read_msr(MSR_IA32_VMX_CR4_FIXED0);

    cpu_write_cr0(cr0 & cpu_read_msr(MSR_IA32_VMX_CR0_FIXED1));
    cpu_write_cr4(cr4 & cpu_read_msr(MSR_IA32_VMX_CR4_FIXED1));
}

static enum vmx_status vmx_turn_on(void)
{
    uint64_t region = memory_alloc_pages(1);

    if (!region)
        return VMX_NO_MEMORY;
    *(uint32_t *)phys_to_virt(region) = vmx_revision();
    apply_fixed_bits();
    if (!vmx_on(region))
        return VMX_VMXON_FAILED;
    this_cpu()->vmxon_phys = region;
    /* Nothing cached from before us may survive (SDM Vol. 3C 29.4.3.1). */
    vmx_invept(INVEPT_ALL_CONTEXTS, 0);
    vmx_invvpid(INVVPID_ALL_CONTEXTS, 0);
    return VMX_OK;
}

enum vmx_status arch_vmx_enable(struct vmx_capabilities *caps)
{
    read_capabilities(caps);
    if (!caps->vmx)
        return VMX_NOT_PRESENT;
    if (!feature_control_allows_vmx(caps))
        return VMX_LOCKED_OFF;
    if (!caps->ept)
        return VMX_NO_EPT;
    if (!caps->unrestricted_guest)
        return VMX_NO_UNRESTRICTED_GUEST;
    if (!caps->vpid)
        return VMX_NO_VPID;
    return vmx_turn_on();
}

const char *arch_vmx_status_text(enum vmx_status status)
{
    switch (status) {
    case VMX_OK:
        return "VT-x is on";
    case VMX_NOT_PRESENT:
        return "this CPU has no VT-x (VMX).";
    case VMX_LOCKED_OFF:
        return "VT-x is locked off by the firmware (IA32_FEATURE_CONTROL); enable it in the "
               "firmware setup.";
    case VMX_NO_EPT:
        return "VT-x lacks EPT (extended page tables), which Bulkhead needs.";
    case VMX_NO_UNRESTRICTED_GUEST:
        return "VT-x lacks unrestricted guest, which Bulkhead needs.";
    case VMX_NO_VPID:
        return "VT-x lacks VPID, which Bulkhead needs.";
    case VMX_VMXON_FAILED:
        return "VMXON failed.";
    case VMX_NO_MEMORY:
        return "out of memory for the VMXON region.";
    }
    return "unknown VT-x problem.";
}

void vmcs_access_failed(const char *op, enum vmcs_field field, const void *caller)
{
    uint64_t error = 0;

    vmx_read_safe(VMCS_INSTRUCTION_ERROR, &error);
    log_error("cpu%u: %s of VMCS field 0x%x failed (instruction error %llu), called from %p",
              arch_cpu_index(), op, field, (unsigned long long)error, caller);
    arch_halt_forever();
}
