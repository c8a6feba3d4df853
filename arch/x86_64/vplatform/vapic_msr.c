/*
 * The vAPIC's x2APIC MSRs (0x800-0x8ff) and IA32_TSC_DEADLINE as a model
 * of the partition's device table: each vCPU reaches its own local APIC.
 * The registers exist once the guest switched its APIC to x2APIC mode, as
 * on hardware (SDM Vol. 3A 11.12.1); TSC_DEADLINE always does.
 */
#include "arch/x86_64/vplatform/platform.h"
#include "hv/arch.h"
#include "hv/partition.h"

static bool x2apic_on(const struct vcpu *vcpu)
{
    return vcpu->arch.apic_base & APIC_BASE_X2APIC;
}

static bool read_register(const struct vcpu *vcpu, uint32_t msr, uint64_t *value)
{
    if (msr == MSR_IA32_TSC_DEADLINE) {
        *value = vapic_read_tsc_deadline(&vcpu->arch.apic);
        return true;
    }
    return x2apic_on(vcpu) && vapic_read(&vcpu->arch.apic, msr, arch_read_tsc(), value);
}

static bool write_register(struct vcpu *vcpu, uint32_t msr, uint64_t value)
{
    struct vapic_ipi ipi = {0};

    if (msr == MSR_IA32_TSC_DEADLINE)
        return vapic_write_tsc_deadline(&vcpu->arch.apic, value);
    if (!x2apic_on(vcpu) || !vapic_write(&vcpu->arch.apic, msr, value, arch_read_tsc(), &ipi))
        return false;
    vplatform_apic_written(vcpu, &ipi, msr == VAPIC_MSR_EOI);
    return true;
}

static enum device_result vapic_msr_access(struct vcpu *vcpu, void *state, struct device_access *a)
{
    uint32_t msr = (uint32_t)a->address;
    bool done =
        a->write ? write_register(vcpu, msr, a->value) : read_register(vcpu, msr, &a->value);

    (void)state;
    if (a->write && msr == MSR_IA32_TSC_DEADLINE)
        vcpu_note_work(vcpu); /* a new deadline */
    return done ? DEVICE_DONE : DEVICE_REFUSED;
}

const struct device_model vapic_msr_model = {"x2APIC", vapic_msr_access};
