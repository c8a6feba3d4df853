/*
 * What a guest may ask of the real CPU through an exit, decided from what
 * the CPU itself reports, so that the hypervisor never runs a privileged
 * instruction with an operand the hardware would refuse: the MTRRs that
 * IA32_MTRRCAP names, and the XCR0 values of SDM Vol. 1 13.3 for the
 * state components CPUID leaf 0xD lists, and the CR0 and CR4 values of
 * SDM Vol. 3A 2.5 and the MOV-to-CR rules (Vol. 2B "MOV - Move to/from
 * Control Registers") that VMX would otherwise refuse at VM entry. Pure functions: the unit tests
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

/* What a MOV to CR0 or CR4 is checked against: the guest's registers
 * before the write, its mode, and what VMX allows. */
struct cr_write_context {
    uint64_t cr0, cr3, cr4, efer;
    bool in_64bit_code;    /* EFER.LMA and CS.L: 64-bit mode */
    uint64_t fixed0;       /* bits that must be 1 (CR0: with PE, PG and NE exempt) */
    uint64_t allowed_ones; /* bits that may be 1 */
};

/* Whether the guest's MOV to CR0 of `value` succeeds; false means #GP. */
bool policy_cr0_write_valid(uint64_t value, const struct cr_write_context *c);

/* Whether the guest's MOV to CR4 of `value` succeeds; false means #GP. */
bool policy_cr4_write_valid(uint64_t value, const struct cr_write_context *c);

#endif
