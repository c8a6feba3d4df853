/*
 * The xAPIC page of the vAPIC (PC_LAPIC_BASE) as a model of a full
 * partition's device table: each vCPU reaches its own local APIC there.
 * The page answers only while the APIC is enabled in xAPIC mode: in x2APIC
 * mode or disabled (IA32_APIC_BASE) it reads all ones and drops writes, as
 * nothing is there (SDM Vol. 3A 11.4.3, 11.12.1). The real APIC is never
 * reached: no EPT maps the page.
 */
#include "arch/x86_64/vplatform/platform.h"
#include "hv/arch.h"
#include "hv/partition.h"
#include "lib/pc_layout.h"

static bool xapic_on(const struct vcpu *vcpu)
{
    return (vcpu->arch.apic_base & (APIC_BASE_ENABLE | APIC_BASE_X2APIC)) == APIC_BASE_ENABLE;
}

static enum device_result vapic_mmio_access(struct vcpu *vcpu, void *state, struct device_access *a)
{
    uint32_t offset = (uint32_t)(a->address - PC_LAPIC_BASE);
    struct vapic_ipi ipi;

    if (!xapic_on(vcpu))
        return device_bare_metal.access(vcpu, state, a);
    if (!a->write) {
        a->value = vapic_mmio_read(&vcpu->arch.apic, offset, a->size, arch_read_tsc());
        return DEVICE_DONE;
    }
    vapic_mmio_write(&vcpu->arch.apic, offset, a->size, (uint32_t)a->value, arch_read_tsc(), &ipi);
    vplatform_apic_written(vcpu, &ipi, offset == VAPIC_MMIO_EOI);
    return DEVICE_DONE;
}

const struct device_model vapic_mmio_model = {"xAPIC", vapic_mmio_access};
