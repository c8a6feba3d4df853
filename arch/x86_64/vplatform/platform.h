/*
 * The emulated PC platform of a partition as the core reaches it (the
 * vCPU and partition platform calls of hv/arch.h): each vCPU's local APIC,
 * the legacy PIC of a full partition, and the IPIs between the vCPUs.
 */
#ifndef ARCH_X86_64_VPLATFORM_PLATFORM_H
#define ARCH_X86_64_VPLATFORM_PLATFORM_H

#include "arch/x86_64/vplatform/vapic.h"
#include "hv/device_model.h"
#include "hv/vcpu.h"

#define APIC_BASE_ENABLE (1ull << 11)
#define APIC_BASE_X2APIC (1ull << 10)

struct partition;

/* An interrupt message (an IPI, an I/O APIC redirection, an MSI; `from` is
 * the sending vCPU, 0 for a device): delivered to vCPUs of the partition
 * only, waking them; a message that names none is dropped and counted. */
void vplatform_deliver(struct partition *p, struct vcpu *from, const struct vapic_ipi *message);

/* An IPI from the vCPU's local APIC. */
void vplatform_send_ipi(struct vcpu *from, const struct vapic_ipi *ipi);

/* vacpi_ports.c: the ACPI fixed hardware's ports of a full partition. */
extern const struct device_model vacpi_port_model;

/* What follows a guest's write to its local APIC (`eoi`: it was the EOI
 * register): sends the IPI, broadcasts a level-triggered EOI to the I/O
 * APIC, notes work. */
void vplatform_apic_written(struct vcpu *v, const struct vapic_ipi *ipi, bool eoi);

/* vioapic_model.c: a level-triggered vector's EOI reaches the I/O APIC. */
void vplatform_ioapic_eoi(struct partition *p, uint8_t vector);

/* vapic_msr.c: the x2APIC MSRs and IA32_TSC_DEADLINE of each vCPU. */
extern const struct device_model vapic_msr_model;
/* vapic_mmio.c: the xAPIC page of each vCPU, at PC_LAPIC_BASE. */
extern const struct device_model vapic_mmio_model;
/* vioapic_model.c: the I/O APIC page, at PC_IOAPIC_BASE. */
extern const struct device_model vioapic_model;

#endif
