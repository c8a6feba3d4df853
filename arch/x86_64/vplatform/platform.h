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

/* An IPI from the vCPU's local APIC: delivered to vCPUs of the same
 * partition only; anything aimed elsewhere is dropped and counted. */
void vplatform_send_ipi(struct vcpu *from, const struct vapic_ipi *ipi);

/* vacpi_ports.c: the ACPI fixed hardware's ports of a full partition. */
extern const struct device_model vacpi_port_model;

/* vapic_msr.c: the x2APIC MSRs and IA32_TSC_DEADLINE of each vCPU. */
extern const struct device_model vapic_msr_model;

#endif
