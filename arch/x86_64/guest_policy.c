#include "arch/x86_64/guest_policy.h"

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
