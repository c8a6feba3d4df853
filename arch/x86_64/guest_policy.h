/*
 * What a guest may ask of the real CPU through an exit, decided from what
 * the CPU itself reports, so that the hypervisor never runs a privileged
 * instruction with an operand the hardware would refuse: the MTRRs that
 * IA32_MTRRCAP names, and the XCR0 values of SDM Vol. 1 13.3 for the
 * state components CPUID leaf 0xD lists. Pure functions: the unit tests
 * pass in the CPU's reports (an AMX CPU, 8 or 10 variable MTRRs).
 */
#ifndef ARCH_X86_64_GUEST_POLICY_H
#define ARCH_X86_64_GUEST_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#define MSR_IA32_MTRRCAP 0xfe

/* Whether a guest's RDMSR of `msr` reaches an MTRR this CPU has (by its
 * IA32_MTRRCAP): the variable pairs it counts, the fixed ones if it has
 * them, the default type, and MTRRCAP itself. */
bool policy_mtrr_readable(uint32_t msr, uint64_t mtrrcap);

/* Whether XCR0 may take `value` on a CPU whose CPUID.(EAX=0xD,ECX=0)
 * reports `supported` (EDX:EAX). */
bool policy_xcr0_valid(uint64_t value, uint64_t supported);

#endif
