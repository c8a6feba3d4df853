/* The MTRR and XCR0 policies with the CPU's reports passed in. */
#include <criterion/criterion.h>

#include "arch/x86_64/guest_policy.h"

#define MTRRCAP_8_VARIABLE_FIXED 0x508ull   /* WC, fixed, 8 variable pairs */
#define MTRRCAP_10_VARIABLE      0x40aull   /* WC, no fixed, 10 pairs */
#define XCR0_AMX_CPU             0x602e7ull /* x87 SSE AVX AVX-512 PKRU TILECFG TILEDATA */
#define XCR0_SSE_ONLY_CPU        0x3ull

Test(guest_policy, only_the_variable_mtrrs_mtrrcap_counts_are_read)
{
    cr_assert(policy_mtrr_readable(0x200, MTRRCAP_8_VARIABLE_FIXED));
    cr_assert(policy_mtrr_readable(0x20f, MTRRCAP_8_VARIABLE_FIXED), "the 8th mask");
    cr_assert_not(policy_mtrr_readable(0x210, MTRRCAP_8_VARIABLE_FIXED), "one past the 8th pair");
    cr_assert(policy_mtrr_readable(0x213, MTRRCAP_10_VARIABLE), "the 10th pair");
    cr_assert_not(policy_mtrr_readable(0x214, MTRRCAP_10_VARIABLE));
}

Test(guest_policy, fixed_mtrrs_only_where_the_cpu_has_them)
{
    cr_assert(policy_mtrr_readable(0x250, MTRRCAP_8_VARIABLE_FIXED));
    cr_assert(policy_mtrr_readable(0x26f, MTRRCAP_8_VARIABLE_FIXED));
    cr_assert_not(policy_mtrr_readable(0x251, MTRRCAP_8_VARIABLE_FIXED), "between the fixed ones");
    cr_assert_not(policy_mtrr_readable(0x250, MTRRCAP_10_VARIABLE));
}

Test(guest_policy, mtrrcap_and_the_default_type_but_not_mci_ctl2)
{
    cr_assert(policy_mtrr_readable(0xfe, 0));
    cr_assert(policy_mtrr_readable(0x2ff, 0));
    cr_assert_not(policy_mtrr_readable(0x280, MTRRCAP_8_VARIABLE_FIXED), "IA32_MC0_CTL2");
    cr_assert_not(policy_mtrr_readable(0x29f, MTRRCAP_10_VARIABLE));
}

Test(guest_policy, xcr0_needs_x87_and_only_supported_components)
{
    cr_assert(policy_xcr0_valid(0x3, XCR0_SSE_ONLY_CPU));
    cr_assert_not(policy_xcr0_valid(0x2, XCR0_SSE_ONLY_CPU), "no x87");
    cr_assert_not(policy_xcr0_valid(0x7, XCR0_SSE_ONLY_CPU), "AVX it lacks");
}

Test(guest_policy, xcr0_pairs_amx_and_groups_avx512)
{
    cr_assert(policy_xcr0_valid(XCR0_AMX_CPU, XCR0_AMX_CPU));
    cr_assert(policy_xcr0_valid(0x7, XCR0_AMX_CPU));
    cr_assert_not(policy_xcr0_valid(0x7 | (1ull << 17), XCR0_AMX_CPU), "TILECFG alone");
    cr_assert_not(policy_xcr0_valid(0x7 | (1ull << 18), XCR0_AMX_CPU), "TILEDATA alone");
    cr_assert(policy_xcr0_valid(0x7 | (3ull << 17), XCR0_AMX_CPU));
    cr_assert_not(policy_xcr0_valid(0x7 | (1ull << 5), XCR0_AMX_CPU), "one of AVX-512's three");
    cr_assert_not(policy_xcr0_valid(0x3 | (7ull << 5), XCR0_AMX_CPU), "AVX-512 without AVX");
    cr_assert_not(policy_xcr0_valid(0x5, XCR0_AMX_CPU), "AVX without SSE");
}
