/* Control-register exits: the bits the hypervisor owns (CR0.NE, CR4.VMXE),
 * CR8 (a virtual TPR) and XSETBV. */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/exits.h"
#include "arch/x86_64/guest_policy.h"
#include "arch/x86_64/vmx_ops.h"

/* Exit qualification for control-register accesses, SDM Vol. 3C Table 28-3. */
#define CR_NUMBER(q)       ((unsigned)((q)&0xf))
#define CR_ACCESS_TYPE(q)  ((unsigned)(((q) >> 4) & 0x3))
#define CR_REGISTER(q)     ((unsigned)(((q) >> 8) & 0xf))
#define CR_ACCESS_MOV_TO   0
#define CR_ACCESS_MOV_FROM 1

/* Paging switched on or off with EFER.LME set enters or leaves IA-32e mode;
 * the CPU does that by itself only when the write does not exit. */
static void follow_long_mode(uint64_t old_cr0, uint64_t new_cr0)
{
    uint64_t efer = vmcs_read(VMCS_GUEST_IA32_EFER);
    uint64_t entry = vmcs_read(VMCS_ENTRY_CONTROLS);

    if (!(efer & EFER_LME) || !((old_cr0 ^ new_cr0) & CR0_PG))
        return;
    if (new_cr0 & CR0_PG) {
        efer |= EFER_LMA;
        entry |= ENTRY_IA32E_MODE_GUEST;
    } else {
        efer &= ~EFER_LMA;
        entry &= ~ENTRY_IA32E_MODE_GUEST;
    }
    vmcs_write(VMCS_GUEST_IA32_EFER, efer);
    vmcs_write(VMCS_ENTRY_CONTROLS, entry);
}

#define CS_ACCESS_LONG (1u << 13)

/* The guest's registers as it sees them, for the checks of a MOV to CR0
 * or CR4 (guest_policy.h); the caller adds what VMX allows. */
static struct cr_write_context guest_cr_context(void)
{
    uint64_t cr0 = vmcs_read(VMCS_GUEST_CR0) & ~CR0_NE;
    uint64_t efer = vmcs_read(VMCS_GUEST_IA32_EFER);

    return (struct cr_write_context){
        .cr0 = cr0 | (vmcs_read(VMCS_CR0_READ_SHADOW) & CR0_NE),
        .cr3 = vmcs_read(VMCS_GUEST_CR3),
        .cr4 = vmcs_read(VMCS_GUEST_CR4) & ~CR4_VMXE,
        .efer = efer,
        .in_64bit_code = (efer & EFER_LMA) && (vmcs_read(VMCS_GUEST_CS_ACCESS) & CS_ACCESS_LONG),
    };
}

/* Unrestricted guest exempts PE and PG from the fixed-1 bits, and NE is
 * the hypervisor's to force (the guest sees its own through the shadow).
 * A value the CPU or VM entry would refuse gets the #GP bare metal gives. */
static void write_cr0(uint64_t value)
{
    uint64_t fixed = cpu_read_msr(MSR_IA32_VMX_CR0_FIXED0) & ~(CR0_PE | CR0_PG);
    struct cr_write_context context = guest_cr_context();

    context.fixed0 = fixed & ~CR0_NE;
    context.allowed_ones = cpu_read_msr(MSR_IA32_VMX_CR0_FIXED1);
    if (!policy_cr0_write_valid(value, &context)) {
        exit_inject_fault_with_code(VECTOR_GP, 0);
        return;
    }
    follow_long_mode(context.cr0, value);
    vmcs_write(VMCS_GUEST_CR0, value | fixed);
    vmcs_write(VMCS_CR0_READ_SHADOW, value);
    exit_skip_instruction();
}

/* CR4.VMXE does not exist for the guest (CPUID hides VMX), so setting it
 * faults as on a CPU without VMX; so does any bit the CPU lacks. The
 * hypervisor forces the fixed-1 bits (VMXE) behind the read shadow. */
static void write_cr4(uint64_t value)
{
    struct cr_write_context context = guest_cr_context();

    context.allowed_ones = cpu_read_msr(MSR_IA32_VMX_CR4_FIXED1) & ~CR4_VMXE;
    if (!policy_cr4_write_valid(value, &context)) {
        exit_inject_fault_with_code(VECTOR_GP, 0);
        return;
    }
    vmcs_write(VMCS_GUEST_CR4, value | cpu_read_msr(MSR_IA32_VMX_CR4_FIXED0));
    vmcs_write(VMCS_CR4_READ_SHADOW, value);
    exit_skip_instruction();
}

static int access_cr8(struct vcpu *vcpu, unsigned type, unsigned reg)
{
    if (type == CR_ACCESS_MOV_TO) {
        uint64_t value = exit_read_register(vcpu, reg);
        if (value > 0xf) {
            exit_inject_fault_with_code(VECTOR_GP, 0);
            return 1;
        }
        vcpu->arch.tpr = (uint8_t)value;
        vcpu_note_work(vcpu); /* a lower priority may free an interrupt */
    } else {
        exit_write_register(vcpu, reg, vcpu->arch.tpr);
    }
    exit_skip_instruction();
    return 1;
}

int exit_handle_cr_access(struct vcpu *vcpu)
{
    uint64_t q = vmcs_read(VMCS_EXIT_QUALIFICATION);
    unsigned cr = CR_NUMBER(q), type = CR_ACCESS_TYPE(q), reg = CR_REGISTER(q);

    if (cr == 8 && (type == CR_ACCESS_MOV_TO || type == CR_ACCESS_MOV_FROM))
        return access_cr8(vcpu, type, reg);
    if (type != CR_ACCESS_MOV_TO || (cr != 0 && cr != 4))
        return exit_crash_guest(vcpu, EXIT_REASON_CR_ACCESS, "control-register access");
    if (cr == 0)
        write_cr0(exit_read_register(vcpu, reg));
    else
        write_cr4(exit_read_register(vcpu, reg));
    return 1;
}

/* The components this CPU supports, from CPUID leaf 0xD. */
static uint64_t xcr0_supported(void)
{
    struct cpuid_regs leaf = cpu_cpuid(0xd, 0);

    return ((uint64_t)leaf.edx << 32) | leaf.eax;
}

/* The guest's XCR0 is the CPU's own while its vCPU is pinned here; the
 * hypervisor itself uses no extended state. */
int exit_handle_xsetbv(struct vcpu *vcpu)
{
    uint64_t value = (vcpu->arch.regs.rdx << 32) | (uint32_t)vcpu->arch.regs.rax;

    if ((uint32_t)vcpu->arch.regs.rcx != 0 || !policy_xcr0_valid(value, xcr0_supported())) {
        exit_inject_fault_with_code(VECTOR_GP, 0);
        return 1;
    }
    /* The policy follows the SDM's rules; should this CPU still refuse the
     * value, the guest gets its #GP. */
    if (!cpu_xsetbv_safe(0, value)) {
        exit_inject_fault_with_code(VECTOR_GP, 0);
        return 1;
    }
    exit_skip_instruction();
    return 1;
}
