/*
 * RDMSR and WRMSR of the MSRs the bitmap does not pass through. What is
 * safe is emulated; what could reach past the partition (VMX, SMRR, MTRR
 * and microcode updates, debug controls that trace the host) raises #GP,
 * as an MSR the CPU lacks would.
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/exits.h"
#include "arch/x86_64/vmx_ops.h"
#include "hv/partition.h"
#include "arch/x86_64/vplatform/platform.h"
#include "arch/x86_64/vplatform/vapic.h"

#define MSR_IA32_TSC         0x10
#define MSR_IA32_MTRRCAP     0xfe
#define MSR_IA32_MISC_ENABLE 0x1a0
#define MSR_IA32_DEBUGCTL    0x1d9
#define MSR_IA32_MTRR_FIRST  0x200
#define MSR_IA32_MTRR_LAST   0x2ff

#define MSR_IA32_TSC_DEADLINE 0x6e0
#define APIC_BASE_X2APIC      (1ull << 10)

static bool is_mtrr(uint32_t msr)
{
    return msr == MSR_IA32_MTRRCAP || (msr >= MSR_IA32_MTRR_FIRST && msr <= MSR_IA32_MTRR_LAST);
}

static bool is_x2apic_register(uint32_t msr)
{
    return msr >= VAPIC_MSR_FIRST && msr <= VAPIC_MSR_LAST;
}

/* The x2APIC registers exist once the guest switched its APIC to x2APIC
 * mode, as on hardware (SDM Vol. 3A 11.12.1). Only partitions have one. */
static bool x2apic_on(const struct vcpu *vcpu)
{
    return vcpu->partition && (vcpu->arch.apic_base & APIC_BASE_X2APIC);
}

/* The guest may only turn x2APIC mode on; moving or disabling its APIC is
 * refused. */
static bool write_apic_base(struct vcpu *vcpu, uint64_t value)
{
    if (value != vcpu->arch.apic_base && value != (vcpu->arch.apic_base | APIC_BASE_X2APIC))
        return false;
    vcpu->arch.apic_base = value;
    return true;
}

static bool read_x2apic(const struct vcpu *vcpu, uint32_t msr, uint64_t *value)
{
    if (msr == MSR_IA32_TSC_DEADLINE) {
        *value = vapic_read_tsc_deadline(&vcpu->arch.apic);
        return vcpu->partition != 0;
    }
    return x2apic_on(vcpu) && vapic_read(&vcpu->arch.apic, msr, cpu_rdtsc(), value);
}

static bool write_x2apic(struct vcpu *vcpu, uint32_t msr, uint64_t value)
{
    struct vapic_ipi ipi = {0};

    if (msr == MSR_IA32_TSC_DEADLINE)
        return vcpu->partition && vapic_write_tsc_deadline(&vcpu->arch.apic, value);
    if (!x2apic_on(vcpu) || !vapic_write(&vcpu->arch.apic, msr, value, cpu_rdtsc(), &ipi))
        return false;
    if (ipi.kind != VAPIC_IPI_NONE)
        vplatform_send_ipi(vcpu, &ipi);
    return true;
}

/* Returns false when the MSR is not readable by guests. */
static bool read_msr(const struct vcpu *vcpu, uint32_t msr, uint64_t *value)
{
    if (is_x2apic_register(msr) || msr == MSR_IA32_TSC_DEADLINE)
        return read_x2apic(vcpu, msr, value);
    switch (msr) {
    case MSR_IA32_FEATURE_CONTROL:
        *value = FEATURE_CONTROL_LOCKED; /* locked, VMX off: consistent with CPUID */
        return true;
    case MSR_IA32_APIC_BASE:
        *value = vcpu->arch.apic_base;
        return true;
    case MSR_IA32_DEBUGCTL:
        *value = 0;
        return true;
    case MSR_IA32_TSC:
    case MSR_IA32_MISC_ENABLE:
        *value = cpu_read_msr(msr);
        return true;
    default:
        if (is_mtrr(msr)) {
            *value = cpu_read_msr(msr);
            return true;
        }
        return false;
    }
}

/* Returns false when the write is refused. */
static bool write_msr(struct vcpu *vcpu, uint32_t msr, uint64_t value)
{
    if (is_x2apic_register(msr) || msr == MSR_IA32_TSC_DEADLINE)
        return write_x2apic(vcpu, msr, value);
    switch (msr) {
    case MSR_IA32_APIC_BASE:
        return write_apic_base(vcpu, value);
    case MSR_IA32_DEBUGCTL:
        return value == 0;
    case MSR_IA32_TSC:
        return true; /* the TSC is shared time: a guest cannot move it */
    default:
        return false;
    }
}

int exit_handle_rdmsr(struct vcpu *vcpu)
{
    uint64_t value;

    if (!read_msr(vcpu, (uint32_t)vcpu->arch.regs.rcx, &value)) {
        exit_inject_fault_with_code(VECTOR_GP, 0);
        return 1;
    }
    vcpu->arch.regs.rax = (uint32_t)value;
    vcpu->arch.regs.rdx = value >> 32;
    exit_skip_instruction();
    return 1;
}

int exit_handle_wrmsr(struct vcpu *vcpu)
{
    uint64_t value = (vcpu->arch.regs.rdx << 32) | (uint32_t)vcpu->arch.regs.rax;

    if (!write_msr(vcpu, (uint32_t)vcpu->arch.regs.rcx, value)) {
        exit_inject_fault_with_code(VECTOR_GP, 0);
        return 1;
    }
    exit_skip_instruction();
    return 1;
}
