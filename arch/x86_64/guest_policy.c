#include "arch/x86_64/guest_policy.h"

#include "arch/x86_64/cpu.h"

#define MTRRCAP_VARIABLE_COUNT 0xffull
#define MTRRCAP_FIXED          (1ull << 8)
#define MSR_MTRR_PHYS_BASE0    0x200
#define MSR_MTRR_FIX64K_00000  0x250
#define MSR_MTRR_FIX16K_80000  0x258
#define MSR_MTRR_FIX16K_A0000  0x259
#define MSR_MTRR_FIX4K_C0000   0x268
#define MSR_MTRR_FIX4K_F8000   0x26f
#define MSR_MTRR_DEF_TYPE      0x2ff

static bool fixed_mtrr(uint32_t msr)
{
    return msr == MSR_MTRR_FIX64K_00000 || msr == MSR_MTRR_FIX16K_80000 ||
           msr == MSR_MTRR_FIX16K_A0000 ||
           (msr >= MSR_MTRR_FIX4K_C0000 && msr <= MSR_MTRR_FIX4K_F8000);
}

bool policy_mtrr_readable(uint32_t msr, uint64_t mtrrcap)
{
    uint32_t variable = (uint32_t)(mtrrcap & MTRRCAP_VARIABLE_COUNT);

    if (msr == MSR_IA32_MTRRCAP || msr == MSR_MTRR_DEF_TYPE)
        return true;
    if (msr >= MSR_MTRR_PHYS_BASE0 && msr < MSR_MTRR_PHYS_BASE0 + 2 * variable)
        return true; /* a PHYSBASE/PHYSMASK pair */
    return (mtrrcap & MTRRCAP_FIXED) && fixed_mtrr(msr);
}

#define XCR0_X87      (1ull << 0)
#define XCR0_SSE      (1ull << 1)
#define XCR0_AVX      (1ull << 2)
#define XCR0_BNDREGS  (1ull << 3)
#define XCR0_BNDCSR   (1ull << 4)
#define XCR0_AVX512   (7ull << 5)
#define XCR0_TILECFG  (1ull << 17)
#define XCR0_TILEDATA (1ull << 18)
#define XCR0_AMX      (XCR0_TILECFG | XCR0_TILEDATA)

/* Both or neither of a group of components. */
static bool together(uint64_t value, uint64_t group)
{
    return (value & group) == 0 || (value & group) == group;
}

bool policy_xcr0_valid(uint64_t value, uint64_t supported)
{
    if ((value & ~supported) || !(value & XCR0_X87))
        return false;
    if ((value & XCR0_AVX) && !(value & XCR0_SSE))
        return false;
    if (!together(value, XCR0_BNDREGS | XCR0_BNDCSR) || !together(value, XCR0_AVX512) ||
        !together(value, XCR0_AMX))
        return false;
    return !(value & XCR0_AVX512) || (value & XCR0_AVX);
}

/* The bit pairs no CPU accepts: paging without protection, not-write-through
 * with caching on (SDM Vol. 3A 2.5, 11.5.1). */
static bool cr0_combination_valid(uint64_t value)
{
    if ((value & CR0_PG) && !(value & CR0_PE))
        return false;
    return !((value & CR0_NW) && !(value & CR0_CD));
}

/* Paging may only turn on into IA-32e mode with PAE paging, may not turn
 * off under 64-bit code or with PCIDs on, and CET needs WP (SDM Vol. 3A
 * 9.8.5, 4.10.1, Vol. 1 17.2). */
static bool cr0_transition_valid(uint64_t value, const struct cr_write_context *c)
{
    bool paging_on = !(c->cr0 & CR0_PG) && (value & CR0_PG);
    bool paging_off = (c->cr0 & CR0_PG) && !(value & CR0_PG);

    if (paging_on && (c->efer & EFER_LME) && !(c->cr4 & CR4_PAE))
        return false;
    if (paging_off && (c->in_64bit_code || (c->cr4 & CR4_PCIDE)))
        return false;
    return (value & CR0_WP) || !(c->cr4 & CR4_CET);
}

bool policy_cr0_write_valid(uint64_t value, const struct cr_write_context *c)
{
    if ((value >> 32) || (value & ~c->allowed_ones) || (c->fixed0 & ~value))
        return false;
    return cr0_combination_valid(value) && cr0_transition_valid(value, c);
}

#define CR4_LA57 (1ull << 12)

/* IA-32e mode keeps PAE and its paging depth; PCIDs need IA-32e mode and a
 * CR3 that names none yet; CET needs WP (SDM Vol. 2B MOV CR4). */
bool policy_cr4_write_valid(uint64_t value, const struct cr_write_context *c)
{
    bool long_mode = c->efer & EFER_LMA;
    bool pcid_on = !(c->cr4 & CR4_PCIDE) && (value & CR4_PCIDE);

    if ((value & ~c->allowed_ones) || (c->fixed0 & ~value))
        return false;
    if (long_mode && (!(value & CR4_PAE) || ((value ^ c->cr4) & CR4_LA57)))
        return false;
    if (pcid_on && (!long_mode || (c->cr3 & 0xfff)))
        return false;
    return !(value & CR4_CET) || (c->cr0 & CR0_WP);
}
