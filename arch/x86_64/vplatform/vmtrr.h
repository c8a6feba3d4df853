/*
 * A vCPU's virtual MTRRs (SDM Vol. 3A 12.11): IA32_MTRRCAP, the default
 * type, the eleven fixed-range registers and eight variable pairs, kept
 * per vCPU as the CPU keeps them per logical processor. Reads return what
 * was written; a write with a reserved bit or a memory type no CPU has is
 * refused (#GP). They are only remembered: no guest value ever reaches
 * the CPU's MTRRs, and the memory types stay those the EPT gives.
 */
#ifndef ARCH_X86_64_VPLATFORM_VMTRR_H
#define ARCH_X86_64_VPLATFORM_VMTRR_H

#include <stdbool.h>
#include <stdint.h>

#define VMTRR_CAP_ADDRESS   0xfe
#define VMTRR_FIRST_ADDRESS 0x200 /* PHYSBASE0 */
#define VMTRR_LAST_ADDRESS  0x2ff /* IA32_MTRR_DEF_TYPE */
#define VMTRR_VARIABLE      8
#define VMTRR_FIXED         11

/* 8 variable pairs, the fixed ranges, write-combining; no SMRR. */
#define VMTRR_CAP 0x508ull

struct vmtrr {
    uint64_t def_type;
    uint64_t fixed[VMTRR_FIXED];
    uint64_t variable[2 * VMTRR_VARIABLE]; /* PHYSBASEn, PHYSMASKn */
    uint64_t address_bits;                 /* bits 12 .. MAXPHYADDR - 1 */
};

/* What a PC's firmware leaves: MTRRs on, write-back by default and in the
 * fixed ranges but for the VGA window 0xA0000-0xBFFFF, and one variable
 * pair making the MMIO hole 3 GiB-4 GiB uncached. `phys_bits` is the
 * MAXPHYADDR the vCPU's CPUID reports. */
void vmtrr_reset(struct vmtrr *m, unsigned phys_bits);

/* Whether `msr` is one of the MTRRs above (IA32_MTRRCAP included). */
bool vmtrr_owns(uint32_t msr);

/* False for an MSR vmtrr_owns() refuses. */
bool vmtrr_read(const struct vmtrr *m, uint32_t msr, uint64_t *value);

/* False (#GP) for a reserved bit, an invalid memory type, IA32_MTRRCAP
 * (read-only) or an MSR vmtrr_owns() refuses. */
bool vmtrr_write(struct vmtrr *m, uint32_t msr, uint64_t value);

#endif
