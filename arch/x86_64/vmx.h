/* VT-x capability checks and helpers shared by the VMX code. */
#ifndef ARCH_X86_64_VMX_H
#define ARCH_X86_64_VMX_H

#include <stdbool.h>
#include <stdint.h>

/* The VMCS revision identifier (IA32_VMX_BASIC[30:0]). */
uint32_t vmx_revision(void);

/* Combines the controls we want with what the CPU requires (allowed-0) and
 * permits (allowed-1), SDM Vol. 3D A.3-A.5. Returns false when a wanted bit
 * is not allowed. */
bool vmx_adjust_controls(uint32_t capability_msr, uint32_t wanted, uint32_t *result);

/* The capability MSR to use for a control field: the TRUE_ variant when
 * IA32_VMX_BASIC[55] says it exists. */
uint32_t vmx_control_msr(uint32_t plain_msr);

#endif
