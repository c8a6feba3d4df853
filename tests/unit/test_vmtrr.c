/*
 * A vCPU's virtual MTRRs (arch/x86_64/vplatform/vmtrr.c): what a firmware
 * leaves, what a guest writes reads back, and what no CPU accepts is
 * refused.
 */
#include <criterion/criterion.h>

#include "arch/x86_64/vplatform/vmtrr.h"

#define PHYS_BITS 39
#define DEF_TYPE  0x2ff
#define PHYSBASE0 0x200
#define PHYSMASK0 0x201
#define PHYSBASE7 0x20e
#define FIX64K    0x250
#define FIX16K_A0 0x259
#define FIX4K_F8  0x26f

static struct vmtrr m;

static void setup(void)
{
    vmtrr_reset(&m, PHYS_BITS);
}

TestSuite(vmtrr, .init = setup);

static uint64_t read_msr(uint32_t msr)
{
    uint64_t value = 0xdead;

    cr_assert(vmtrr_read(&m, msr, &value), "MSR 0x%x reads", msr);
    return value;
}

Test(vmtrr, mtrrcap_names_eight_pairs_the_fixed_ranges_and_wc)
{
    cr_assert_eq(read_msr(0xfe), 0x508);
    cr_assert_not(vmtrr_write(&m, 0xfe, 0x508), "MTRRCAP is read-only");
}

Test(vmtrr, starts_as_a_firmware_leaves_it)
{
    cr_assert_eq(read_msr(DEF_TYPE), 0xc06, "enabled, fixed ranges enabled, write-back");
    cr_assert_eq(read_msr(FIX64K), 0x0606060606060606ull);
    cr_assert_eq(read_msr(FIX16K_A0), 0, "the VGA window is uncached");
    cr_assert_eq(read_msr(FIX4K_F8), 0x0606060606060606ull);
    cr_assert_eq(read_msr(PHYSBASE0), 0xc0000000ull, "the MMIO hole, uncached");
    cr_assert_eq(read_msr(PHYSMASK0), 0x7fc0000800ull, "1 GiB in 39 address bits, valid");
    cr_assert_eq(read_msr(PHYSBASE0 + 3), 0, "the other pairs are off");
}

Test(vmtrr, writes_read_back)
{
    cr_assert(vmtrr_write(&m, DEF_TYPE, 0));
    cr_assert_eq(read_msr(DEF_TYPE), 0);
    cr_assert(vmtrr_write(&m, PHYSBASE7, 0x7f00000001ull)); /* WC at the top */
    cr_assert(vmtrr_write(&m, PHYSBASE7 + 1, 0x7fff000800ull));
    cr_assert_eq(read_msr(PHYSBASE7), 0x7f00000001ull);
    cr_assert_eq(read_msr(PHYSBASE7 + 1), 0x7fff000800ull);
    cr_assert(vmtrr_write(&m, 0x268, 0x0504010006050401ull));
    cr_assert_eq(read_msr(0x268), 0x0504010006050401ull);
}

Test(vmtrr, reserved_bits_and_types_are_refused_and_change_nothing)
{
    cr_assert_not(vmtrr_write(&m, DEF_TYPE, 0xc02), "type 2 is reserved");
    cr_assert_not(vmtrr_write(&m, DEF_TYPE, 0xc07), "type 7 is reserved");
    cr_assert_not(vmtrr_write(&m, DEF_TYPE, 0x1c06), "bit 12 is reserved");
    cr_assert_not(vmtrr_write(&m, FIX64K, 0x0606060603060606ull), "one byte of type 3");
    cr_assert_not(vmtrr_write(&m, PHYSBASE0, 0x8000000000ull), "above 39 address bits");
    cr_assert_not(vmtrr_write(&m, PHYSBASE0, 0xc0000100ull), "bit 8 is reserved");
    cr_assert_not(vmtrr_write(&m, PHYSMASK0, 0x7fc0000801ull), "a mask has no type");
    cr_assert_eq(read_msr(DEF_TYPE), 0xc06);
    cr_assert_eq(read_msr(FIX64K), 0x0606060606060606ull);
    cr_assert_eq(read_msr(PHYSBASE0), 0xc0000000ull);
    cr_assert_eq(read_msr(PHYSMASK0), 0x7fc0000800ull);
}

Test(vmtrr, owns_only_the_mtrrs)
{
    uint64_t value;
    const uint32_t mtrrs[] = {0xfe, 0x200, 0x20f, 0x250, 0x258, 0x259, 0x268, 0x26f, 0x2ff};
    const uint32_t others[] = {0xff, 0x1ff, 0x210, 0x251, 0x257, 0x25a, 0x267, 0x270, 0x277, 0x2fe};

    for (unsigned i = 0; i < sizeof(mtrrs) / sizeof(mtrrs[0]); i++)
        cr_assert(vmtrr_owns(mtrrs[i]), "0x%x", mtrrs[i]);
    for (unsigned i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
        cr_assert_not(vmtrr_owns(others[i]), "0x%x", others[i]);
        cr_assert_not(vmtrr_read(&m, others[i], &value), "0x%x", others[i]);
        cr_assert_not(vmtrr_write(&m, others[i], 0), "0x%x", others[i]);
    }
}
