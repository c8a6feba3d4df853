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

#define CR0_FIXED1_ALL   0xffffffffull
#define CR0_LONG_MODE    0x80050033ull /* PG WP NE ET MP PE */
#define CR4_LONG_MODE    0x6a0ull      /* PAE PGE OSFXSR OSXMMEXCPT */
#define EFER_LONG_MODE   0x500ull      /* LME LMA */
#define CR4_FIXED1_NO_LA 0xb727ffull   /* up to CET, no LA57 */

/* A 64-bit guest kernel: paging on, PAE, IA-32e mode active. */
static struct cr_write_context long_mode(void)
{
    return (struct cr_write_context){.cr0 = CR0_LONG_MODE,
                                     .cr4 = CR4_LONG_MODE,
                                     .efer = EFER_LONG_MODE,
                                     .in_64bit_code = true,
                                     .allowed_ones = CR0_FIXED1_ALL};
}

Test(guest_policy, cr0_refuses_what_no_cpu_accepts)
{
    struct cr_write_context c = long_mode();

    cr_assert(policy_cr0_write_valid(CR0_LONG_MODE, &c));
    cr_assert(policy_cr0_write_valid(CR0_LONG_MODE | (1ull << 30), &c), "CD alone");
    cr_assert(policy_cr0_write_valid(CR0_LONG_MODE | (3ull << 29), &c), "CD and NW");
    cr_assert_not(policy_cr0_write_valid(CR0_LONG_MODE | (1ull << 29), &c), "NW without CD");
    cr_assert_not(policy_cr0_write_valid(CR0_LONG_MODE & ~1ull, &c), "PG without PE");
    cr_assert_not(policy_cr0_write_valid(CR0_LONG_MODE | (1ull << 32), &c), "bit 32");
}

Test(guest_policy, cr0_paging_stays_on_under_64bit_code_and_pcids)
{
    struct cr_write_context c = long_mode();

    cr_assert_not(policy_cr0_write_valid(CR0_LONG_MODE & ~(1ull << 31), &c), "64-bit code");
    c.in_64bit_code = false; /* compatibility mode may leave IA-32e mode */
    cr_assert(policy_cr0_write_valid(CR0_LONG_MODE & ~(1ull << 31), &c));
    c.cr4 |= 1ull << 17;
    cr_assert_not(policy_cr0_write_valid(CR0_LONG_MODE & ~(1ull << 31), &c), "PCIDE set");
}

Test(guest_policy, cr0_paging_into_long_mode_needs_pae)
{
    struct cr_write_context c = {.cr0 = 0x11, .efer = 0x100, .allowed_ones = CR0_FIXED1_ALL};

    cr_assert_not(policy_cr0_write_valid(0x80000011ull, &c), "LME without PAE");
    c.cr4 = 1ull << 5;
    cr_assert(policy_cr0_write_valid(0x80000011ull, &c));
    c.cr4 = 0;
    c.efer = 0;
    cr_assert(policy_cr0_write_valid(0x80000011ull, &c), "32-bit paging without LME");
}

Test(guest_policy, cr0_follows_the_vmx_fixed_bits)
{
    struct cr_write_context c = long_mode();

    c.allowed_ones = CR0_FIXED1_ALL & ~(1ull << 30); /* a CPU that could not disable caches */
    cr_assert_not(policy_cr0_write_valid(CR0_LONG_MODE | (1ull << 30), &c));
    c = long_mode();
    c.fixed0 = 1ull << 16; /* a CPU that needs WP in VMX operation */
    cr_assert_not(policy_cr0_write_valid(CR0_LONG_MODE & ~(1ull << 16), &c));
    cr_assert(policy_cr0_write_valid(CR0_LONG_MODE, &c));
}

Test(guest_policy, cet_needs_wp_both_ways)
{
    struct cr_write_context c = long_mode();

    c.cr4 |= 1ull << 23;
    cr_assert_not(policy_cr0_write_valid(CR0_LONG_MODE & ~(1ull << 16), &c), "WP off under CET");
    c = long_mode();
    c.cr0 &= ~(1ull << 16);
    c.allowed_ones = CR4_FIXED1_NO_LA;
    cr_assert_not(policy_cr4_write_valid(CR4_LONG_MODE | (1ull << 23), &c), "CET without WP");
}

Test(guest_policy, cr4_keeps_ia32e_paging)
{
    struct cr_write_context c = long_mode();

    c.allowed_ones = CR4_FIXED1_NO_LA;
    cr_assert(policy_cr4_write_valid(CR4_LONG_MODE, &c));
    cr_assert_not(policy_cr4_write_valid(CR4_LONG_MODE & ~(1ull << 5), &c), "PAE off");
    cr_assert_not(policy_cr4_write_valid(CR4_LONG_MODE | (1ull << 12), &c), "LA57 it lacks");
    c.allowed_ones |= 1ull << 12;
    cr_assert_not(policy_cr4_write_valid(CR4_LONG_MODE | (1ull << 12), &c), "LA57 in IA-32e mode");
}

Test(guest_policy, pcids_need_long_mode_and_a_clean_cr3)
{
    struct cr_write_context c = long_mode();

    c.allowed_ones = CR4_FIXED1_NO_LA;
    cr_assert(policy_cr4_write_valid(CR4_LONG_MODE | (1ull << 17), &c));
    c.cr3 = 0x1005;
    cr_assert_not(policy_cr4_write_valid(CR4_LONG_MODE | (1ull << 17), &c), "CR3 names PCID 5");
    c.cr3 = 0;
    c.efer = 0;
    cr_assert_not(policy_cr4_write_valid(CR4_LONG_MODE | (1ull << 17), &c), "not IA-32e mode");
}
